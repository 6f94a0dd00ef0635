"""The API docs work as deployed: ``/docs`` and ``/redoc`` in a real browser with no internet.

Headless Chromium (Debian's, driven by Playwright; no browser download) opens the real server's
pages with every request to a host other than the loopback aborted, so a page that needs a CDN
(Swagger UI, ReDoc, Google Fonts) shows up blank and fails here. Swagger UI must render the
operations and an Authorize button; with the key entered there, "Try it out" and "Execute" on
``GET /v1/catalogs`` must get a 200. On a failure the page is saved as a screenshot in the test's
temporary directory (its path is printed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, expect, sync_playwright

from tests.e2e.harness import LiveServer, require_chromium

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDER_TIMEOUT_MS = 60_000  # the 1.5 MB Swagger bundle on a busy 2-CPU machine


@pytest.fixture(scope="module")
def driver() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(driver: Playwright) -> Iterator[Browser]:
    """Debian's chromium, headless (Playwright never downloads a browser here)."""
    browser = driver.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class OfflinePage:
    """A fresh page whose requests to anything but the loopback are aborted and recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in LOOPBACK:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")


@contextmanager
def offline_page(browser: Browser, tmp_path: Path, name: str) -> Iterator[OfflinePage]:
    """The page; a screenshot of it in ``tmp_path`` if the block fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    offline = OfflinePage(context.new_page())
    try:
        yield offline
    except BaseException:
        shot = tmp_path / f"{name}.png"
        try:
            offline.page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failing page: {shot}")
        except Exception as exc:  # the page may be gone; the original failure matters
            print(f"no screenshot ({exc!r})")
        print(f"requests blocked: {offline.blocked}; page errors: {offline.errors}")
        raise
    finally:
        context.close()


def test_swagger_ui_offline_authorize_and_try_it_out(
    demo_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    with offline_page(browser, tmp_path, "swagger-ui") as offline:
        page = offline.page
        page.goto(f"{demo_server.url}/docs")
        operation = page.locator("#operations-catalogs-list_catalogs_v1_catalogs_get")
        expect(operation).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        assert page.locator(".opblock").count() >= 20, "Swagger UI rendered too few operations"

        authorize = page.locator(".scheme-container button.authorize")
        expect(authorize).to_be_visible()
        authorize.click()
        modal = page.locator(".modal-ux")
        expect(modal).to_contain_text("bearerKey")
        modal.locator("input").first.fill(demo_server.key)
        modal.locator("button.authorize").click()
        expect(modal.locator("button", has_text="Logout")).to_be_visible()  # the key is set
        modal.locator("button", has_text="Close").click()

        operation.locator(".opblock-summary").first.click()
        operation.get_by_role("button", name="Try it out").click()
        operation.get_by_role("button", name="Execute").click()
        status = operation.locator(".live-responses-table tr.response .response-col_status").first
        expect(status).to_have_text("200", timeout=RENDER_TIMEOUT_MS)
        expect(operation.locator(".live-responses-table")).to_contain_text('"catalog_id": "demo"')
        assert offline.errors == [], f"JavaScript errors on /docs: {offline.errors}"
        assert offline.blocked == [], f"/docs requested other hosts: {offline.blocked}"


def test_redoc_renders_offline(demo_server: LiveServer, browser: Browser, tmp_path: Path) -> None:
    with offline_page(browser, tmp_path, "redoc") as offline:
        page = offline.page
        page.goto(f"{demo_server.url}/redoc")
        heading = page.locator("h2", has_text="List Catalogs")
        expect(heading).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        expect(page.locator("h1").first).to_contain_text("LiveShop Assistant")
        expect(page.get_by_text("bearerKey").first).to_be_attached()
        assert offline.errors == [], f"JavaScript errors on /redoc: {offline.errors}"
        assert offline.blocked == [], f"/redoc requested other hosts: {offline.blocked}"


def test_docs_assets_are_served_from_the_package(demo_server: LiveServer) -> None:
    """The pages name only local assets, and those assets are there."""
    with demo_server.client() as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page).text
            assert "/docs-assets/" in html and "cdn." not in html and "fonts.googleapis" not in html
        for asset, kind in (
            ("swagger-ui-bundle.js", "javascript"),
            ("swagger-ui.css", "text/css"),
            ("redoc.standalone.js", "javascript"),
            ("favicon.png", "image/png"),
        ):
            response = client.get(f"/docs-assets/{asset}")
            assert response.status_code == 200 and kind in response.headers["content-type"], asset
