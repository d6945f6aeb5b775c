"""GET /results, /results/summary, /results/{id} and POST /results/{id}/accept over HTTP, on each database."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from testkit.api import API_KEY, Service, assert_error
from testkit.drawing import blank_png

KEY = {"X-API-Key": API_KEY}


def cursor_of(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


class Batch:
    """Screenshots whose URLs share one token, so a listing filtered on it sees only this test's results."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.token = uuid.uuid4().hex

    async def read(self, *lines: str) -> dict[str, Any]:
        """A screenshot the stand-in OCR reads as `lines`, answered by /ocr_handler; its listing entry."""
        image = self.service.ocr.teach(blank_png(), list(lines))
        url = self.service.host.put(f"{self.token}-{uuid.uuid4().hex}.png", image)
        assert (await self.service.ocr_handler(url)).status == 200
        (listed,) = await self.items(url_contains=url)
        return listed

    async def holding(self, code: str = "110022", share: str = "1234.56") -> dict[str, Any]:
        return await self.read(f"易方达消费行业 {code}", f"持有份额 {share}")

    async def unsure(self) -> dict[str, Any]:
        """Two funds: the rules cannot choose, the answer is unflagged."""
        return await self.read("易方达消费行业 110022", "华夏成长混合 000001", "持有份额 1,000.00")

    async def items(self, **query: str) -> list[dict[str, Any]]:
        reply = await self.page(**query)
        assert reply.body["next_cursor"] is None
        return reply.body["items"]

    async def page(self, **query: str):  # type: ignore[no-untyped-def]
        query.setdefault("url_contains", self.token)
        reply = await self.service.call("GET", f"/results?{urlencode(query)}", **KEY)
        assert reply.status == 200, reply.body
        return reply

    async def ids(self, **query: str) -> list[int]:
        return [item["id"] for item in await self.items(**query)]


async def accept(service: Service, result_id: int, key: str = API_KEY):  # type: ignore[no-untyped-def]
    return await service.call("POST", f"/results/{result_id}/accept", **{"X-API-Key": key})


async def test_needs_review_lists_exactly_the_unflagged_answers_nobody_handled(service: Service) -> None:
    batch = Batch(service)
    flagged = await batch.holding()
    waiting = await batch.unsure()
    corrected = await batch.unsure()
    accepted = await batch.unsure()
    assert flagged["flag"] is True and waiting["flag"] is False
    assert (await service.correct(corrected["image_url"], "110022", "800.00")).status == 200
    assert (await accept(service, accepted["id"])).status == 200

    assert await batch.ids(needs_review="true") == [waiting["id"]]
    assert await batch.ids(needs_review="false") == [accepted["id"], corrected["id"], flagged["id"]]
    assert await batch.ids(corrected="true") == [corrected["id"]]
    assert await batch.ids(corrected="false") == [accepted["id"], waiting["id"], flagged["id"]]
    assert [item["needs_review"] for item in await batch.items()] == [False, False, True, False]


async def test_listings_page_newest_first_or_lowest_confidence_first(service: Service) -> None:
    batch = Batch(service)
    made = [await batch.holding(), await batch.unsure(), await batch.holding(), await batch.unsure()]
    newest = [item["id"] for item in reversed(made)]

    first = await batch.page(limit="3")
    assert [item["id"] for item in first.body["items"]] == newest[:3]
    rest = await batch.page(limit="3", cursor=first.body["next_cursor"])
    assert [item["id"] for item in rest.body["items"]] == newest[3:]
    assert rest.body["next_cursor"] is None

    queue = await batch.page(order="confidence", limit="1")
    seen = [item["id"] for item in queue.body["items"]]
    while queue.body["next_cursor"]:
        queue = await batch.page(order="confidence", limit="1", cursor=queue.body["next_cursor"])
        seen += [item["id"] for item in queue.body["items"]]
    unflagged, flagged = [made[3]["id"], made[1]["id"]], [made[2]["id"], made[0]["id"]]
    assert seen == unflagged + flagged

    foreign = await service.call("GET", f"/results?cursor={first.body['next_cursor']}&order=confidence", **KEY)
    assert_error(foreign, 400, "bad_request")
    assert foreign.body["field"] == "cursor"


async def test_listings_filter_on_fund_code_dates_and_url(service: Service) -> None:
    batch = Batch(service)
    a = await batch.holding("110022")
    b = await batch.holding("161725")
    assert (await service.correct(a["image_url"], "000001", "5")).status == 200
    assert await batch.ids(fund_code="000001") == [a["id"]]  # the corrected code, not the OCR's
    assert await batch.ids(fund_code="110022") == []
    assert await batch.ids(fund_code="161725") == [b["id"]]
    assert await batch.ids(url_contains=b["image_url"].rsplit("/", 1)[1]) == [b["id"]]
    assert await batch.ids(url_contains="%") == []  # a wildcard is only a character

    now = datetime.now(UTC)
    later, earlier = (now + timedelta(hours=1)).isoformat(), (now - timedelta(hours=1)).isoformat()
    stored_at = b["created_at"].removesuffix("Z")
    assert await batch.ids(created_from=earlier) == [b["id"], a["id"]]
    assert await batch.ids(created_from=later) == []
    assert await batch.ids(created_from=stored_at, created_to=later) == [b["id"]]
    assert await batch.ids(created_to=stored_at) == [a["id"]]


async def test_one_result_holds_everything_stored_and_its_history(service: Service) -> None:
    batch = Batch(service)
    listed = await batch.holding("110022", "1234.56")
    assert (await service.correct(listed["image_url"], "110022", "1300")).status == 200
    reply = await service.call("GET", f"/results/{listed['id']}", **KEY)
    assert reply.status == 200, reply.body
    detail = reply.body
    assert detail["id"] == listed["id"] and detail["needs_review"] is False
    assert detail["image"]["width"] == 64 and detail["image"]["height"] == 48
    assert [line["text"] for line in detail["lines"]] == ["易方达消费行业 110022", "持有份额 1234.56"]
    assert all(len(line["box"]) == 4 for line in detail["lines"])
    answered = (await service.ocr_handler(listed["image_url"])).body
    assert detail["confidence"] == answered["confidence"] and 0.5 < min(detail["confidence"].values()) <= 1.0
    assert detail["ocr"]["fund_codes"] == ["110022"] and detail["ocr"]["shares"] == ["1234.56"]
    assert detail["data"] == {"fund_code": "110022", "hold_share": "1300"}
    assert [(h["old"]["hold_share"], h["new"]["hold_share"], h["author"]) for h in detail["history"]] == [
        ("1234.56", "1300", "backoffice")
    ]
    for missing in (999999999, 2**63, -(2**70)):  # ids no 64-bit column holds are as unknown as the rest
        assert_error(await service.call("GET", f"/results/{missing}", **KEY), 404, "not_found")
        assert_error(await accept(service, missing), 404, "not_found")


async def test_accepting_keeps_the_answer_and_records_who(service: Service) -> None:
    batch = Batch(service)
    waiting = await batch.unsure()
    before = (await service.call("GET", "/results/summary", **KEY)).body
    reply = await accept(service, waiting["id"])
    assert reply.status == 200, reply.body
    assert reply.body["needs_review"] is False and reply.body["corrected"] is False
    assert reply.body["flag"] is False and reply.body["data"] == {"fund_code": "", "hold_share": ""}
    assert [(h["old"], h["new"], h["author"]) for h in reply.body["history"]] == [
        ({"fund_code": "", "hold_share": ""}, {"fund_code": "", "hold_share": ""}, "backoffice")
    ]
    after = (await service.call("GET", "/results/summary", **KEY)).body
    assert after["accepted"] == before["accepted"] + 1
    assert after["to_review"] == before["to_review"] - 1
    answer = await service.ocr_handler(waiting["image_url"])
    assert answer.body["flag"] is False and answer.body["corrected"] is False


async def test_the_summary_counts_the_queue_and_what_staff_did_since_a_time(service: Service) -> None:
    batch = Batch(service)
    before = (await service.call("GET", "/results/summary", **KEY)).body
    waiting = await batch.unsure()
    await batch.unsure()
    middle = (await service.call("GET", "/results/summary", **KEY)).body
    assert middle["to_review"] == before["to_review"] + 2
    assert (await service.correct(waiting["image_url"], "110022", "1000.00")).status == 200
    after = (await service.call("GET", "/results/summary", **KEY)).body
    assert after == {**middle, "to_review": middle["to_review"] - 1, "corrected": middle["corrected"] + 1}
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    future = (await service.call("GET", f"/results/summary?since={tomorrow}", **KEY)).body
    assert future["corrected"] == future["accepted"] == 0


@pytest.mark.parametrize("path", ["/results", "/results/summary", "/results/1", "/results/1/accept"])
async def test_with_keys_configured_nothing_is_listed_without_one(service: Service, path: str) -> None:
    method = "POST" if path.endswith("accept") else "GET"
    assert_error(await service.call(method, path), 401, "unauthorized")
    assert_error(await service.call(method, path, **{"X-API-Key": "not-the-key-0123456789"}), 403, "forbidden")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("needs_review=yes", "needs_review"),
        ("fund_code=11002", "fund_code"),
        ("created_from=yesterday", "created_from"),
        ("order=oldest", "order"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("cursor=%25%25", "cursor"),
        (f"cursor={cursor_of(['newest', 2**64])}", "cursor"),
        ("corrected=true&corrected=false", "corrected"),
        ("colour=blue", "colour"),
    ],
)
async def test_a_bad_query_parameter_is_named(service: Service, query: str, field: str) -> None:
    reply = await service.call("GET", f"/results?{query}", **KEY)
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == field

