"""The review workbench in a real browser, against the service with its real OCR and NER models, MariaDB and
the loopback image host: the key, a keyboard-only correction, an invalid code, and a queue of 20 drawn pages
cleared with the keyboard alone. Every step leaves a screenshot under the test's temporary folder."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect

from server import create_app, migrate
from testkit.api import serve_app
from testkit.browser import Recorded, recorded_page
from testkit.databases import mysql_database
from testkit.drawing import screenshot
from testkit.image_host import ImageHost
from testkit.settings import config_for

KEY_NAME, KEY = "clerk", "review-key-0123456789"


@dataclass
class Workbench:
    base: str
    host: ImageHost
    http: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        async with self.http.request(method, self.base + path, json=body, headers={"X-API-Key": KEY}) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def read(self, lines: list[str]) -> tuple[str, int]:
        """A drawn screenshot read by /ocr_handler: its URL and its result id."""
        url = self.host.put(f"review-{uuid.uuid4().hex}.png", screenshot(lines, width=560))
        await self.call("POST", "/ocr_handler", {"image_url": url, "url_type": "oss"})
        (listed,) = (await self.call("GET", f"/results?url_contains={url.rsplit('/', 1)[1]}"))["items"]
        return url, listed["id"]

    async def drain(self) -> None:
        """Accept whatever waits, so that a test starts from an empty queue."""
        while items := (await self.call("GET", "/results?needs_review=true&limit=200"))["items"]:
            for item in items:
                await self.call("POST", f"/results/{item['id']}/accept")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with mysql_database() as url:  # the module's own: the queue holds only what these tests put in it
        migrate(config_for(url))
        yield url


@pytest.fixture(scope="module")
async def workbench(database: str, image_host: ImageHost) -> AsyncIterator[Workbench]:
    # the twenty pages of a queue are read at once: room for all of them (admission is tested elsewhere)
    config = config_for(database, AUTH__API_KEYS__CLERK=KEY, NER__ENABLED="true", OCR__MAX_WAITING="20")
    with serve_app(create_app(config)) as base:  # the real engine pool and the real NER model
        async with aiohttp.ClientSession() as http:
            yield Workbench(base, image_host, http)


@dataclass
class Reviewer:
    """Drives the page with the keyboard only, and counts the keys pressed."""

    recorded: Recorded
    keys: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def page(self) -> Page:
        return self.recorded.page

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.page.keyboard.press(key)
            self.keys += 1
            self.log.append(key)

    async def type(self, text: str) -> None:
        await self.press(*text)

    async def shown(self) -> int:
        """The id of the result on screen, once the page has loaded it."""
        await expect(self.page.locator("#answer")).to_have_attribute("aria-busy", "false")
        await expect(self.page.locator("#answer-title")).to_have_text(re.compile(r"Result #\d+"))
        return int(re.search(r"#(\d+)", await self.page.inner_text("#answer-title")).group(1))

    async def sign_in(self, base: str, key: str = KEY) -> None:
        await self.page.goto(f"{base}/review")
        await expect(self.page.locator("#key-input")).to_be_focused()
        await self.type(key)
        await self.press("Enter")


@pytest.fixture
async def reviewer(workbench: Workbench, browser: Browser, tmp_path: Path) -> AsyncIterator[Reviewer]:
    async with recorded_page(browser, workbench.base, tmp_path, allow=(workbench.host.base,)) as recorded:
        yield Reviewer(recorded)
        await recorded.shot("last")  # where the test ended, passed or not
    assert recorded.outside == []  # nothing but the service and the image host


def two_funds(code: str, other: str, share: str) -> list[str]:
    """A page the rules cannot decide alone: two fund codes and one share figure."""
    return [f"易方达消费行业 {code}", f"华夏成长混合 {other}", f"持有份额 {share}"]


async def test_without_the_key_nothing_of_the_queue_is_shown(workbench: Workbench, reviewer: Reviewer) -> None:
    await workbench.read(two_funds("110022", "000001", "1,000.00"))
    page = reviewer.page
    await page.goto(f"{workbench.base}/review")
    await expect(page.locator("#key-dialog")).to_be_visible()
    await expect(page.locator("#workbench")).to_be_hidden()
    await reviewer.recorded.shot("asks-for-the-key")
    await reviewer.type("not-the-key-0123456789")
    await reviewer.press("Enter")
    await expect(page.locator("#key-error")).to_have_text("That key is not valid.")
    await expect(page.locator("#workbench")).to_be_hidden()
    await reviewer.recorded.shot("wrong-key")
    assert await page.locator("#queue li").count() == 0
    assert not [url for url in reviewer.recorded.requests if url.startswith(workbench.host.base)]  # no image
    assert await page.evaluate("sessionStorage.length") == 0


async def test_a_keyboard_only_correction_is_validated_saved_logged_and_answered(
    workbench: Workbench, reviewer: Reviewer
) -> None:
    await workbench.drain()
    gone_url, gone_id = await workbench.read(two_funds("161725", "000001", "800.00"))
    url, result_id = await workbench.read(two_funds("110022", "000001", "1,000.00"))
    del workbench.host.files[gone_url.rsplit("/", 1)[1]]  # its screenshot no longer loads
    page = reviewer.page
    await reviewer.sign_in(workbench.base)
    await expect(page.locator("#counts")).to_contain_text("To review: 2")
    assert await reviewer.shown() == result_id  # the newest of equally unsure answers first
    await expect(page.locator("#boxes polygon")).to_have_count(3)
    await expect(page.locator("#hold-share")).to_have_value("1000.00")  # the page's only share figure
    await reviewer.recorded.shot("queue")

    await reviewer.press("n")
    assert await reviewer.shown() == gone_id
    await expect(page.locator("#shot-note")).to_contain_text("no longer loads")
    await reviewer.recorded.shot("image-gone")
    await reviewer.press("p")
    assert await reviewer.shown() == result_id

    await reviewer.press("c")
    await reviewer.type("11002")
    await reviewer.press("Enter")
    await expect(page.locator("#fund-code-error")).to_contain_text("exactly 6 digits")
    await expect(page.locator("#fund-code")).to_be_focused()
    await reviewer.recorded.shot("invalid-code")
    unsaved = await workbench.call("GET", f"/results/{result_id}")
    assert unsaved["history"] == [] and unsaved["needs_review"] is True

    await reviewer.press("Escape", "1", "Enter")  # candidate 1 is 110022
    assert await reviewer.shown() == gone_id  # saved, and on to the next
    await expect(page.locator("#status")).to_contain_text(f"Saved #{result_id}: 110022 / 1000.00")
    await expect(page.locator("#counts")).to_contain_text("To review: 1 · Corrected today: 1")
    await reviewer.press("p")
    assert await reviewer.shown() == result_id
    history = page.locator("#history tbody tr")
    await expect(history).to_have_count(1)
    await expect(history.first).to_contain_text(KEY_NAME)
    await expect(history.first).to_contain_text("— / — → 110022 / 1000.00")
    await reviewer.recorded.shot("history")

    answer = await workbench.call("POST", "/ocr_handler", {"image_url": url, "url_type": "oss"})
    assert answer["source"] == "stored" and answer["corrected"] is True and answer["flag"] is True
    assert answer["data"] == {"fund_code": "110022", "hold_share": "1000.00"}
    assert answer["correction"]["by"] == KEY_NAME

    # A click on the share's box fills the share field (the mouse is allowed too).
    await page.locator("#hold-share").focus()
    await page.locator("#hold-share").fill("")
    share_box = page.locator("#boxes polygon", has_text="持有份额")
    await share_box.click()
    await expect(page.locator("#hold-share")).to_have_value("1000.00")
    assert reviewer.log == [*KEY, "Enter", "n", "p", "c", *"11002", "Enter", "Escape", "1", "Enter", "p"]


LIST_PAGE = ["我的基金", "易方达蓝筹精选混合", "005827    持有份额 1,234.56", "华夏成长混合A", "000001    持有份额 88.00"]


async def test_the_holdings_of_a_list_page_are_corrected_in_their_table_validated_and_saved_whole(
    workbench: Workbench, reviewer: Reviewer
) -> None:
    await workbench.drain()
    url, result_id = await workbench.read(LIST_PAGE)
    page = reviewer.page
    await reviewer.sign_in(workbench.base)
    assert await reviewer.shown() == result_id
    rows = page.locator("#holdings tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0).locator('input[name="fund_code"]')).to_have_value("005827")
    await expect(rows.nth(1).locator('input[name="hold_share"]')).to_have_value("88.00")
    await reviewer.recorded.shot("holdings")

    share = rows.nth(1).locator('input[name="hold_share"]')
    await share.fill("-88")
    await reviewer.press("Enter")
    await expect(page.locator("#save-error")).to_contain_text("update_holdings[1].hold_share")
    await expect(share).to_have_attribute("aria-invalid", "true")
    assert (await workbench.call("GET", f"/results/{result_id}"))["corrected"] is False  # nothing saved

    await share.fill("90.00")
    await reviewer.press("Enter")
    await expect(page.locator("#queue-empty")).to_be_visible()
    stored = await workbench.call("GET", f"/results/{result_id}")
    assert [(h["fund_code"], h["hold_share"]) for h in stored["holdings"]] == [("005827", "1234.56"), ("000001", "90.00")]
    assert stored["corrected"] is True and stored["flag"] is False and stored["needs_review"] is False
    (change,) = stored["history"]
    assert change["author"] == KEY_NAME and [h["hold_share"] for h in change["new"]["holdings"]] == ["1234.56", "90.00"]
    answer = await workbench.call("POST", "/ocr_handler", {"image_url": url, "url_type": "oss"})
    assert answer["corrected"] is True and answer["holdings"] == stored["holdings"]


# The queue of 20: pages with two funds (take the right code: a digit and Enter), quote pages with no holding
# (accept as is), and pages with a share but no code (type the code).
QUEUE = (
    [("pick", two_funds(f"1100{n:02d}", "000001", f"{1000 + n:,}.00"), f"1100{n:02d}") for n in range(10)]
    + [("accept", ["易方达蓝筹精选混合", f"基金代码 00582{n}", "单位净值 2.5435"], None) for n in range(6)]
    + [("type", ["易方达消费行业股票", f"持有份额 {3367 + n}.00"], f"16172{n}") for n in range(4)]
)


async def test_a_queue_of_twenty_pages_is_cleared_with_the_keyboard_alone(
    workbench: Workbench, reviewer: Reviewer, tmp_path: Path
) -> None:
    await workbench.drain()
    read = await asyncio.gather(*(workbench.read(lines) for _kind, lines, _code in QUEUE))
    truth = {result_id: (kind, code) for (kind, _lines, code), (_url, result_id) in zip(QUEUE, read, strict=True)}
    page = reviewer.page
    await reviewer.sign_in(workbench.base)
    signing_in = reviewer.keys
    await expect(page.locator("#counts")).to_contain_text(f"To review: {len(QUEUE)}")
    await reviewer.recorded.shot("twenty")
    started = time.perf_counter()
    seen = []
    while len(seen) < len(QUEUE):
        result_id = await reviewer.shown()
        assert result_id not in seen
        seen.append(result_id)
        kind, code = truth[result_id]
        if kind == "accept":
            await reviewer.press("a")
        elif kind == "pick":
            texts = await page.locator("#candidates li").all_inner_texts()
            (number,) = [text.split()[0] for text in texts if code in text]  # the reviewer reads the list
            await reviewer.press(number, "Enter")
        else:
            await reviewer.press("c")
            await reviewer.type(code)
            await reviewer.press("Enter")
    await expect(page.locator("#queue-empty")).to_be_visible()
    await expect(page.locator("#counts")).to_contain_text("To review: 0")
    seconds = time.perf_counter() - started
    await reviewer.recorded.shot("cleared")

    for result_id, (kind, code) in truth.items():
        stored = await workbench.call("GET", f"/results/{result_id}")
        assert stored["needs_review"] is False and len(stored["history"]) == 1
        if kind == "accept":
            assert stored["corrected"] is False and stored["flag"] is False
        else:
            assert stored["data"]["fund_code"] == code and stored["flag"] is True
    per_item = (reviewer.keys - signing_in) / len(QUEUE)
    report = {"items": len(QUEUE), "keystrokes": reviewer.keys - signing_in, "per_item": per_item, "seconds": seconds}
    (tmp_path / "keystrokes.json").write_text(json.dumps(report))
    print(
        f"\nkeystrokes per item: {per_item:.2f} ({report['keystrokes']} for {len(QUEUE)} results); "
        f"the page took {seconds:.1f} s for the round (the browser's keys, no human)"
    )
    assert per_item <= 3
