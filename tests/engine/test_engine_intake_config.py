"""The adapters' configuration the runtime builds: mock login issuers follow public_url."""

from __future__ import annotations

from pathlib import Path

from adapters import service
from engine.config import load_settings
from engine.runtime import adapter_config


def test_mock_issuers_follow_the_public_url(tmp_path: Path) -> None:
    settings = load_settings(
        {"MADOGUCHI_DATA_DIR": str(tmp_path), "MADOGUCHI_PUBLIC_URL": "http://127.0.0.1:41234/"}
    )
    config = adapter_config(settings)
    assert config["resident_login_issuer"] == "http://127.0.0.1:41234/mock/digital-auth"
    assert config["staff_login_issuer"] == "http://127.0.0.1:41234/mock/staff-idp"
    assert (config["resident_login"], config["staff_login"]) == ("mock", "mock")
    login = service.resident_login({**config, "mock_today": "2025-06-02"})
    request = login.begin("http://127.0.0.1:41234/login/callback", ["name"])
    assert request.url.startswith("http://127.0.0.1:41234/mock/digital-auth/authorize?")


def test_an_issuer_named_in_the_settings_wins(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "MADOGUCHI_DATA_DIR": str(tmp_path),
            "MADOGUCHI_ADAPTERS": "resident_login=oidc,resident_login_issuer=https://auth.example.jp",
        }
    )
    config = adapter_config(settings)
    assert config["resident_login_issuer"] == "https://auth.example.jp"
    assert config["staff_login_issuer"] == "http://127.0.0.1:5000/mock/staff-idp"
