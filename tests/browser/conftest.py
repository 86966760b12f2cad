"""Browser tests: the real app on a local port, Debian's Chromium driven by Playwright.

``live_server`` starts the whole app (SQLite in a temporary data dir, the outbox worker
thread on, the mock login providers mounted under it) on a free port, with the demo data
loaded. ``page`` is a fresh browser context per test (desktop by default;
``phone_page`` is 360 px wide). The fixture ``axe`` is a function: ``axe(page)`` runs
axe-core (WCAG 2.1 A and AA rules) on the page as it is and fails with a readable report;
the fixture ``screenshot`` is a function: ``screenshot(page, name)`` saves a full-page PNG
under ``tests/artifacts/`` (not committed).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from engine.config import load_settings
from engine.migrate import upgrade

CHROMIUM = os.environ.get("MADOGUCHI_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if not Path(CHROMIUM).exists():  # pragma: no cover - make test installs it
    raise RuntimeError(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt)")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402


@dataclass
class LiveServer:
    """The app serving on a local port."""

    url: str
    app: Flask


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with demo data on a free port (one per test module)."""
    from web import create_app
    from web.demo import load_demo

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("live")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env |= {"MADOGUCHI_DATA_DIR": str(data), "MADOGUCHI_PUBLIC_URL": url}
    settings = load_settings(env)
    upgrade(settings.database_url)
    app = create_app(settings)
    load_demo(app)
    server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app)
    finally:
        server.shutdown()
        stop = app.extensions.get("madoguchi_worker_stop")
        if stop is not None:
            stop.set()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian (Playwright's own download is not used)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _context(browser: Browser, width: int, height: int) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ja-JP", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page (1280 px) in a fresh context."""
    context = _context(browser, 1280, 900)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (360 px) in a fresh context."""
    context = _context(browser, 360, 740)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe() -> Callable[..., None]:
    """``axe(page, label="")``: assert no WCAG 2.1 A/AA violation (see the module text)."""
    return assert_accessible


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)``: a full-page PNG under tests/artifacts/."""
    return save_screenshot


def assert_accessible(page: Page, label: str = "") -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    where = f"{label or page.url}"
    assert result.violations_count == 0, f"{where}:\n{result.generate_report()}"


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
