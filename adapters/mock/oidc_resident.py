"""Mock of the Digital Agency's Digital Authentication App (デジタル認証アプリ) as an OIDC provider.

The tester picks a demo resident's card (a persona, or any resident by 宛名番号) and
enters the card's 4-digit authentication PIN (利用者証明用電子証明書の暗証番号). The PIN is
checked by :class:`adapters.mock.card_reader.MockCardReader`, which answers a random
challenge with the card's authentication certificate: a wrong PIN shows the tries left,
the third wrong try in a row locks the PIN until it is reset at the city hall counter.

Scopes: ``openid`` plus ``name address birthdate gender`` (基本4情報) and ``sign``.
Claims (see ``docs/formats/oidc-mock.md``):

- always: ``sub`` (pairwise per client) and :data:`RESIDENT_NUMBER_CLAIM`, the 宛名番号
  the engine finds the resident by;
- ``name``: ``name`` (``佐藤　美咲``) and :data:`NAME_KANA_CLAIM` (``サトウ　ミサキ``);
- ``address``: ``address``, the OIDC address object (``formatted``, ``postal_code``,
  ``region``, ``locality``, ``street_address``, ``country``);
- ``birthdate``: ``YYYY-MM-DD`` (``YYYY-MM`` or ``YYYY`` when only partly recorded);
- ``gender``: ``male`` or ``female``;
- ``sign``: no claim; it only says the client may ask the resident to sign.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from flask import Flask, render_template_string, request

from adapters.errors import NoCardError, PinLockedError, WrongPinError
from adapters.mock.card_reader import MockCardReader
from adapters.mock.cards import is_valid_auth_pin
from adapters.mock.oidc_models import LoginRefused, OidcClient
from adapters.mock.oidc_provider import OidcProvider
from adapters.mock.population import Population
from adapters.signatures import CertificateKind

RESIDENT_NUMBER_CLAIM = "https://madoguchi.example/resident_number"
"""Private claim: the resident's 宛名番号 in the municipality's resident registry."""

NAME_KANA_CLAIM = "https://madoguchi.example/name_kana"
"""Private claim: the reading of the name in katakana."""

RESIDENT_SCOPES = ("openid", "name", "address", "birthdate", "gender", "sign")

DEFAULT_RESIDENT_CLIENTS = (
    OidcClient(
        client_id="madoguchi-web",
        client_secret="madoguchi-web-demo-secret",  # noqa: S106 - a published demo secret
        # Loopback URIs match on any port (RFC 8252 section 7.3).
        redirect_uris=(
            "http://127.0.0.1:5000/login/callback",
            "http://localhost:5000/login/callback",
        ),
        scopes=RESIDENT_SCOPES,
    ),
    OidcClient(
        client_id="madoguchi-kiosk",
        redirect_uris=("http://localhost:5001/login/callback",),
        scopes=RESIDENT_SCOPES,
    ),
)
"""The demo relying parties: the web app (confidential) and a counter kiosk (public, PKCE)."""

_SCOPE_LABELS = {
    "name": "氏名",
    "address": "住所",
    "birthdate": "生年月日",
    "gender": "性別",
    "sign": "電子署名",
}

_PAGE = """<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>デジタル認証アプリ（模擬）ログイン</title>
<style>
body { font-family: sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.7; }
.alert { border: 2px solid #b00; padding: .5rem 1rem; color: #b00; }
fieldset { margin: 1rem 0; }
input, button { font-size: 1.1rem; }
:focus { outline: 3px solid #06c; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>デジタル認証アプリ（模擬）</h1>
<p>「{{ client_id }}」がマイナンバーカードでの本人確認を求めています。</p>
{% if shared %}<p>提供される情報：{{ shared | join("、") }}</p>{% endif %}
{% if error %}<p class="alert" role="alert" id="login-error">{{ error }}</p>{% endif %}
<form method="post">
<fieldset>
<legend>カードを選んでください（デモ用）</legend>
{% for card in cards %}
<div>
<input type="radio" name="resident_number" id="card-{{ card.number }}"
 value="{{ card.number }}"{% if card.number == chosen %} checked{% endif %}>
<label for="card-{{ card.number }}">{{ card.name }}
（{{ card.title }}、宛名番号 {{ card.number }}）</label>
</div>
{% endfor %}
</fieldset>
<div>
<label for="other-resident-number">一覧にない方は宛名番号（10桁）を入力</label>
<input type="text" name="other_resident_number" id="other-resident-number"
 inputmode="numeric" pattern="[0-9]{10}" maxlength="10" autocomplete="off"
 value="{{ other }}">
</div>
<div>
<label for="pin">利用者証明用電子証明書の暗証番号（数字4桁）</label>
<input type="password" name="pin" id="pin" inputmode="numeric" pattern="[0-9]{4}"
 maxlength="4" autocomplete="off" required{% if error %} aria-describedby="login-error"{% endif %}>
</div>
<p>暗証番号を3回続けて間違えるとロックされ、市役所の窓口で初期化が必要になります。</p>
<button type="submit" name="login" value="1">ログイン</button>
<button type="submit" name="cancel" value="1" formnovalidate>キャンセル</button>
</form>
</main>
</body>
</html>
"""


class ResidentCardLogin:
    """The resident login backend: a demo card and its authentication PIN."""

    scopes = RESIDENT_SCOPES
    claims_supported = (
        RESIDENT_NUMBER_CLAIM,
        "name",
        NAME_KANA_CLAIM,
        "address",
        "birthdate",
        "gender",
    )

    def __init__(self, population: Population, card_reader: MockCardReader) -> None:
        self._population = population
        self._card_reader = card_reader

    def login_page(self, client: OidcClient, scopes: tuple[str, ...], error: str | None) -> str:
        """The card picker and PIN form, with the personas' main persons listed."""
        cards = [
            {
                "number": p.resident_number,
                "name": self._population.resident(p.resident_number).name.full,
                "title": p.title_ja,
            }
            for p in self._population.personas
        ]
        return render_template_string(
            _PAGE,
            client_id=client.client_id,
            shared=[_SCOPE_LABELS[s] for s in scopes if s in _SCOPE_LABELS],
            error=error,
            cards=cards,
            chosen=request.form.get("resident_number", ""),
            other=request.form.get("other_resident_number", ""),
        )

    def authenticate(self, form: Mapping[str, str]) -> str:
        """The resident number once the card's PIN was right; else :class:`LoginRefused`."""
        number = (form.get("other_resident_number") or form.get("resident_number") or "").strip()
        if not number:
            raise LoginRefused("カードを選ぶか、宛名番号を入力してください。", status=400)
        pin = form.get("pin", "")
        if not is_valid_auth_pin(pin):
            raise LoginRefused("暗証番号は数字4桁で入力してください。", status=400)
        try:
            self._card_reader.authenticate(number, secrets.token_bytes(32), pin)
        except WrongPinError as wrong:
            raise LoginRefused(
                f"暗証番号が違います。あと{wrong.remaining_attempts}回間違えるとロックされます。"
            ) from wrong
        except PinLockedError as locked:
            raise LoginRefused(
                "このカードの利用者証明用電子証明書の暗証番号はロックされています。"
                "市役所の窓口で暗証番号の初期化（再設定）をしてください。",
                status=403,
            ) from locked
        except NoCardError as no_card:
            raise LoginRefused(
                f"宛名番号 {number} のマイナンバーカード（利用者証明用電子証明書）が"
                "見つかりません。",
                status=404,
            ) from no_card
        self._check_certificate(number)
        return number

    def _check_certificate(self, number: str) -> None:
        """Refuse a card whose authentication certificate has expired or was revoked.

        The real app asks JPKI (OCSP) about the certificate after the card answered the
        PIN; the mock reads the certificate plan as of the demo's today.
        """
        card = self._population.card(number)
        plan = None if card is None else card.current(CertificateKind.AUTHENTICATION)
        today = self._population.today
        if plan is None:
            return  # authenticate() already refused a card without the certificate
        if plan.revoked_on is not None and plan.revoked_on <= today:
            raise LoginRefused(
                "このカードの利用者証明用電子証明書は失効しています"
                f"（{plan.revoked_on:%Y年%m月%d日}失効）。ログインできません。"
                "マイナンバーカードと本人確認書類を持って市役所の窓口で"
                "電子証明書の再発行を申請してください。",
                status=403,
            )
        if plan.expires_on < today:
            raise LoginRefused(
                "このカードの利用者証明用電子証明書は有効期限が切れています"
                f"（{plan.expires_on:%Y年%m月%d日}まで）。ログインできません。"
                "マイナンバーカードを持って市役所の窓口で電子証明書の更新をしてください。",
                status=403,
            )

    def claims(self, person: str, scopes: frozenset[str]) -> dict[str, object]:
        """The resident number and the basic four items for the granted scopes."""
        resident = self._population.resident(person)
        claims: dict[str, object] = {RESIDENT_NUMBER_CLAIM: resident.resident_number}
        if "name" in scopes:
            claims["name"] = resident.name.full
            claims[NAME_KANA_CLAIM] = resident.name.full_kana
        if "address" in scopes:
            address = resident.address
            street = f"{address.town}{address.block}"
            claims["address"] = {
                "formatted": address.one_line(),
                "postal_code": address.postal_code,
                "region": address.prefecture,
                "locality": address.municipality,
                "street_address": f"{street}\u3000{address.building}"
                if address.building
                else street,
                "country": "JP",
            }
        if "birthdate" in scopes and resident.birth_date.iso():
            claims["birthdate"] = resident.birth_date.iso()
        if "gender" in scopes:
            claims["gender"] = str(resident.sex)
        return claims


def resident_provider(
    population: Population,
    card_reader: MockCardReader,
    issuer: str = "http://127.0.0.1:5000/mock/digital-auth",
    clients: tuple[OidcClient, ...] = DEFAULT_RESIDENT_CLIENTS,
) -> OidcProvider:
    """The mock Digital Authentication App over the demo population and card reader."""
    return OidcProvider(ResidentCardLogin(population, card_reader), issuer, clients)


def create_resident_provider_app(
    population: Population,
    card_reader: MockCardReader,
    issuer: str = "http://127.0.0.1:5000/mock/digital-auth",
    clients: tuple[OidcClient, ...] = DEFAULT_RESIDENT_CLIENTS,
) -> Flask:
    """The mock Digital Authentication App as a Flask app (for ``madoguchi mock-services``)."""
    return resident_provider(population, card_reader, issuer, clients).create_app()
