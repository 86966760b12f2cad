"""The mock staff identity provider: password login, roles and departments in the ID token."""

from __future__ import annotations

import pytest
from adapters_oidc_client import RelyingParty
from bs4 import BeautifulSoup

from adapters.mock.oidc_staff import (
    DEMO_STAFF,
    check_password,
    create_staff_provider_app,
    hash_password,
)

ISSUER = "http://localhost:8802"
CALLBACK = "http://localhost:5000/staff/login/callback"


@pytest.fixture(scope="module")
def staff() -> RelyingParty:
    """The staff web client of one provider app (hashing the accounts once)."""
    http = create_staff_provider_app(ISSUER).test_client()
    return RelyingParty(http, ISSUER, "madoguchi-staff", CALLBACK, "madoguchi-staff-demo-secret")


def log_in(staff: RelyingParty, login_id: str, password: str) -> dict[str, object]:
    """The verified ID token claims after a full code flow."""
    attempt = staff.begin("openid profile roles")
    response = staff.http.post(attempt.url, data={"login_id": login_id, "password": password})
    back = staff.callback(response)
    assert back["state"] == attempt.state
    tokens = staff.exchange(back["code"], attempt.verifier).get_json()
    return staff.verify_id_token(tokens["id_token"], attempt.nonce)


def test_the_demo_accounts_have_the_documented_roles() -> None:
    summary = {(a.login_id, a.roles, a.departments) for a in DEMO_STAFF}
    assert summary == {
        ("kosodate-uketsuke", ("intake",), ("子育て支援課",)),
        ("kosodate-shinsa", ("review",), ("子育て支援課",)),
        ("kosodate-kessai", ("approval",), ("子育て支援課",)),
        ("kenkou-uketsuke", ("intake",), ("健康推進課",)),
        ("kaigo-uketsuke", ("intake",), ("介護保険課",)),
        ("kaigo-shinsa", ("review",), ("介護保険課",)),
        ("admin", ("admin",), ("情報政策課",)),
    }


def test_approver_gets_roles_and_departments(staff: RelyingParty) -> None:
    claims = log_in(staff, "kosodate-kessai", "demo-kessai-1")
    assert claims["preferred_username"] == "kosodate-kessai"
    assert claims["name"] == "谷保　直子"
    assert claims["roles"] == ["approval"]
    assert claims["departments"] == ["子育て支援課"]


def test_care_reviewer_gets_the_care_department(staff: RelyingParty) -> None:
    claims = log_in(staff, "kaigo-shinsa", "demo-shinsa-2")
    assert claims["roles"] == ["review"]
    assert claims["departments"] == ["介護保険課"]


@pytest.mark.parametrize(
    ("login_id", "password"),
    [("kaigo-shinsa", "demo-shinsa-1"), ("nobody", "demo-shinsa-2"), ("admin", "")],
)
def test_wrong_credentials_show_one_message(
    staff: RelyingParty, login_id: str, password: str
) -> None:
    attempt = staff.begin("openid roles")
    page = staff.http.post(attempt.url, data={"login_id": login_id, "password": password})
    assert page.status_code == 401
    assert "ログインIDまたはパスワードが違います" in page.get_data(as_text=True)


def test_missing_state_and_pkce_are_refused(staff: RelyingParty) -> None:
    no_state = staff.callback(staff.http.get(staff.begin("openid", state=False).url))
    assert no_state["error"] == "invalid_request"
    no_pkce = staff.callback(staff.http.get(staff.begin("openid", pkce=False).url))
    assert no_pkce["error"] == "invalid_request"


def test_login_page_labels_its_inputs(staff: RelyingParty) -> None:
    soup = BeautifulSoup(
        staff.http.get(staff.begin("openid").url).get_data(as_text=True), "html.parser"
    )
    assert soup.html is not None
    assert soup.html["lang"] == "ja"
    for name in ("login_id", "password"):
        field = soup.find("input", attrs={"name": name})
        assert field is not None
        assert soup.find("label", attrs={"for": field["id"]}) is not None


def test_passwords_are_stored_as_salted_scrypt_hashes() -> None:
    first, second = hash_password("demo-admin-1"), hash_password("demo-admin-1")
    assert first != second
    assert first.startswith("scrypt$")
    assert "demo-admin-1" not in first
    assert check_password(first, "demo-admin-1")
    assert not check_password(first, "demo-admin-2")
