"""Debian's Chromium driven by Playwright, and pages that record every request they make."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, Request, async_playwright

CHROMIUM = Path(os.environ.get("FUNDOCR_TEST_CHROMIUM", "/usr/bin/chromium"))


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium; skipped where it is not installed (`make browser`), unless CI is set."""
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: `make browser` installs Debian's package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Chromium refuses to run as root inside its own sandbox.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield browser
        finally:
            await browser.close()


class Recorded:
    """A page whose requests are all logged; `outside` are those to origins not allowed (aborted)."""

    def __init__(self, page: Page, shots: Path) -> None:
        self.page = page
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.shots = shots
        self._shot = 0

    async def shot(self, name: str) -> Path:
        """A screenshot under the test's folder, numbered in the order taken."""
        self._shot += 1
        path = self.shots / f"{self._shot:02d}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path


@asynccontextmanager
async def recorded_page(
    browser: Browser, base: str, shots: Path, *, allow: tuple[str, ...] = ()
) -> AsyncIterator[Recorded]:
    """A fresh context (own storage) and page; requests to origins other than `base` and `allow` are aborted."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    recorded = Recorded(page, shots)
    allowed = {urlsplit(base).netloc, *(urlsplit(url).netloc for url in allow)}

    async def route(route, request: Request) -> None:  # type: ignore[no-untyped-def]
        recorded.requests.append(request.url)
        if urlsplit(request.url).netloc in allowed:
            await route.continue_()
        else:
            recorded.outside.append(request.url)
            await route.abort()

    await context.route("**/*", route)
    try:
        yield recorded
    finally:
        await context.close()
