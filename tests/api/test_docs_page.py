"""/docs renders the API reference in a real browser from the service's own files: no request leaves it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser

from testkit.api import served
from testkit.browser import recorded_page
from testkit.fakes import FakeOcr
from testkit.settings import config_for


async def test_the_docs_page_renders_without_any_outside_request(
    sqlite_url: str, browser: Browser, tmp_path: Path
) -> None:
    server, _app = served(config_for(sqlite_url), FakeOcr())
    with server as base:
        async with recorded_page(browser, base, tmp_path) as recorded:
            await recorded.page.goto(f"{base}/docs", wait_until="networkidle")
            # ReDoc has rendered the document: the title and an operation of ours are on the page.
            await recorded.page.get_by_text("/ocr_info_update").first.wait_for()
            assert "fund-ocr" in await recorded.page.inner_text("h1")
            await recorded.shot("docs")
    assert recorded.outside == []
    assert f"{base}/docs/redoc.standalone.js" in recorded.requests
    assert {urlsplit(url).netloc for url in recorded.requests} == {urlsplit(base).netloc}
