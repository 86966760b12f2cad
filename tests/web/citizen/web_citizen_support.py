"""Helpers of the resident-screen tests: a resident's browser, form filling, error reading.

The tests' client talks to the app as ``http://127.0.0.1:5000`` (its ``public_url``), where the
mock Digital Authentication App is mounted, so the whole OIDC round trip runs in-process.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

PUBLIC = "http://127.0.0.1:5000"
NEWBORN = ("1000000201", "3333", "DAISUKE33")  # 高橋 大輔: no public-funds account
EXPECTING = ("1000000102", "1357", "MISAKI31")  # 佐藤 美咲: has a public-funds account
MOVED = ("1000000701", "4141", "TAKUYA41")  # 伊藤 拓也: signing certificate revoked


def csrf(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@dataclass
class Resident:
    """A browser of one resident: log in, post forms with their CSRF token."""

    client: FlaskClient

    def login(self, number: str, pin: str, next_path: str = "/mine") -> TestResponse:
        page = self.client.get(f"/login?next={next_path}")
        begun = self.client.post("/login", data={"csrf_token": csrf(page.text), "next": next_path})
        assert begun.status_code == 302, begun.text
        provider = begun.headers["Location"].removeprefix(PUBLIC)
        self.client.get(provider)
        answered = self.client.post(provider, data={"resident_number": number, "pin": pin})
        assert answered.status_code == 302, answered.text
        return self.client.get(
            answered.headers["Location"].removeprefix(PUBLIC), follow_redirects=True
        )

    def post(self, path: str, data: Mapping[str, Any], page: str | None = None) -> TestResponse:
        """POST ``data`` with the CSRF token of ``page`` (default: GET ``path`` first)."""
        html = self.client.get(page or path).text
        return self.client.post(path, data={"csrf_token": csrf(html), **data})


class _FormReader(HTMLParser):
    """The values a browser would post from the form whose action ends with ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").split("?")[0].endswith(self.action)
            return
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "file", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            if a.get("type") == "checkbox" and "value" not in a:
                a["value"] = "on"
            self.values.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data


def form_values(html: str, action: str) -> MultiDict[str, str]:
    """What the browser posts from the form ``action`` as the page shows it."""
    reader = _FormReader(action)
    reader.feed(html)
    return MultiDict(reader.values)


def fill(html: str, action: str, answers: Mapping[str, str | list[str]]) -> MultiDict[str, Any]:
    """The form's current values with ``answers`` typed over them."""
    values: MultiDict[str, Any] = form_values(html, action)
    for name, value in answers.items():
        values.setlist(name, value if isinstance(value, list) else [value])
    return values


def errors_of(html: str) -> list[str]:
    """The messages of the page's error summary."""
    return re.findall(r'class="mg-error-summary__link" href="[^"]*">([^<]*)<', html)
