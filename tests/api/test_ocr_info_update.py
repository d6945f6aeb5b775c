"""POST /ocr_info_update: corrections beside the OCR values, their history, API keys, bad fields, concurrency."""

from __future__ import annotations

import asyncio
import uuid
from itertools import pairwise

import pytest

from testkit.api import API_KEY, Reply, Service, assert_error, served
from testkit.drawing import blank_png


async def recognised(service: Service, code: str = "110022", share: str = "1234.56") -> str:
    url = service.holding(code, share)
    assert (await service.ocr_handler(url)).status == 200
    return url


async def test_a_correction_is_stored_beside_the_ocr_values_and_wins_on_the_next_read(service: Service) -> None:
    url = await recognised(service, "110022", "1234.56")
    reply = await service.correct(url, "110011", "1300.00")
    assert reply.status == 200, reply.body
    assert reply.body["data"] == {"fund_code": "110011", "hold_share": "1300.00"}
    assert reply.body["corrected"] is True
    assert reply.body["ocr"]["fund_code"] == "110022" and reply.body["ocr"]["hold_share"] == "1234.56"
    assert reply.body["correction"]["by"] == "backoffice"
    assert reply.body["history"] == [
        {
            "old": {"fund_code": "110022", "hold_share": "1234.56"},
            "new": {"fund_code": "110011", "hold_share": "1300.00"},
            "author": "backoffice",
            "at": reply.body["correction"]["at"],
        }
    ]

    again = await service.ocr_handler(url)
    assert again.body["source"] == "stored"
    assert again.body["data"] == {"fund_code": "110011", "hold_share": "1300.00"}
    assert again.body["corrected"] is True and again.body["flag"] is True
    assert again.body["ocr"]["fund_code"] == "110022"


async def test_a_correction_can_give_an_answer_the_ocr_could_not(service: Service) -> None:
    url = service.host.put(f"no-holding-{uuid.uuid4().hex}.png", blank_png())
    assert (await service.ocr_handler(url)).body["needs_review"] is True
    reply = await service.correct(url, "000001", "0")
    assert reply.status == 200
    assert reply.body["flag"] is True and reply.body["ocr"]["flag"] is False
    assert reply.body["needs_review"] is False  # a clerk has looked
    assert reply.body["history"][0]["old"] == {"fund_code": "", "hold_share": ""}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"update_fund_code": "110011", "update_hold_share": "1"}, "image_url"),
        ({"image_url": "u", "update_hold_share": "1"}, "update_fund_code"),
        ({"image_url": "u", "update_fund_code": "110011"}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": 110011, "update_hold_share": "1"}, "update_fund_code"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": 1.5}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": "11001", "update_hold_share": "1"}, "update_fund_code"),
        ({"image_url": "u", "update_fund_code": "1100111", "update_hold_share": "1"}, "update_fund_code"),
        ({"image_url": "u", "update_fund_code": "１１００１１", "update_hold_share": "1"}, "update_fund_code"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": "-1"}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": "abc"}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": "1e5"}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": "1,000"}, "update_hold_share"),
        ({"image_url": "u", "update_fund_code": "110011", "update_hold_share": "NaN"}, "update_hold_share"),
    ],
)
async def test_bad_fields_are_a_400_naming_the_field(service: Service, body: dict, field: str) -> None:
    reply = await service.call("POST", "/ocr_info_update", body, **{"X-API-Key": API_KEY})
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == field


LIST_PAGE = ["我的基金", "易方达蓝筹精选混合", "005827 持有份额 1,234.56", "华夏成长混合A", "000001 持有份额 88.00"]
CORRECTED = [
    {"fund_code": "005827", "fund_name": "易方达蓝筹精选混合", "hold_share": "1234.56", "available_share": None, "amount": None},
    {"fund_code": "000011", "fund_name": "华夏大盘精选混合", "hold_share": "88.00", "available_share": "80", "amount": "1000.5"},
]


async def correct_holdings(service: Service, url: str, holdings: object, **more: str) -> Reply:
    body = {"image_url": url, "update_holdings": holdings, **more}
    return await service.call("POST", "/ocr_info_update", body, **{"X-API-Key": API_KEY})


async def test_the_holdings_of_a_list_page_are_corrected_as_a_whole_and_answered_so_from_then_on(service: Service) -> None:
    url = service.page(LIST_PAGE)
    read = (await service.ocr_handler(url)).body
    reply = await correct_holdings(service, url, [{**CORRECTED[0], "fund_name": None}, CORRECTED[1]])
    assert reply.status == 200, reply.body
    expected = [{**CORRECTED[0], "fund_name": None}, CORRECTED[1]]
    assert reply.body["holdings"] == expected and reply.body["corrected"] is True
    # no single fund was named: the contract's answer stays as the OCR gave it, and nobody needs to look again
    assert (reply.body["flag"], reply.body["data"], reply.body["needs_review"]) == (False, {"fund_code": "", "hold_share": ""}, False)
    assert reply.body["ocr"]["holdings"] == read["holdings"] and reply.body["correction"]["holdings"] == expected
    (change,) = reply.body["history"]
    assert change["old"] == {"fund_code": "", "hold_share": "", "holdings": read["holdings"]}
    assert change["new"] == {"fund_code": "", "hold_share": "", "holdings": expected}
    assert change["author"] == "backoffice"

    again = await service.ocr_handler(url)
    assert again.body["source"] == "stored" and again.body["corrected"] is True and again.body["holdings"] == expected

    # code and share with the same list: the history keeps the holdings out of a change that left them
    both = await correct_holdings(service, url, expected, update_fund_code="005827", update_hold_share="1234.56")
    assert both.status == 200 and both.body["flag"] is True and both.body["holdings"] == expected
    assert both.body["history"][-1]["new"] == {"fund_code": "005827", "hold_share": "1234.56"}


async def test_an_empty_list_says_the_page_holds_no_fund(service: Service) -> None:
    url = service.page(LIST_PAGE)
    await service.ocr_handler(url)
    reply = await correct_holdings(service, url, [])
    assert reply.status == 200 and reply.body["holdings"] == []
    assert (await service.ocr_handler(url)).body["holdings"] == []


@pytest.mark.parametrize(
    ("holdings", "field"),
    [
        ({"fund_code": "005827"}, "update_holdings"),
        ("005827", "update_holdings"),
        ([["005827", "1"]], "update_holdings[0]"),
        ([{**CORRECTED[0], "share": "1"}], "update_holdings[0]"),
        ([CORRECTED[0], {**CORRECTED[1], "fund_code": "00001"}], "update_holdings[1].fund_code"),
        ([{**CORRECTED[0], "fund_code": None}], "update_holdings[0].fund_code"),
        ([{**CORRECTED[0], "fund_code": 5827}], "update_holdings[0].fund_code"),
        ([{**CORRECTED[0], "hold_share": "-1"}], "update_holdings[0].hold_share"),
        ([{**CORRECTED[0], "hold_share": "1,234.56"}], "update_holdings[0].hold_share"),
        ([{**CORRECTED[0], "hold_share": 1234.56}], "update_holdings[0].hold_share"),
        ([{**CORRECTED[1], "available_share": "1e3"}], "update_holdings[0].available_share"),
        ([{**CORRECTED[1], "amount": "-5"}], "update_holdings[0].amount"),
        ([{**CORRECTED[0], "hold_share": None}], "update_holdings[0].hold_share"),
        ([{**CORRECTED[0], "fund_name": "名" * 129}], "update_holdings[0].fund_name"),
        ([CORRECTED[0]] * 101, "update_holdings"),
    ],
)
async def test_bad_holdings_are_a_400_naming_the_item_and_nothing_is_stored(service: Service, holdings: object, field: str) -> None:
    url = service.page(LIST_PAGE)
    read = (await service.ocr_handler(url)).body
    reply = await correct_holdings(service, url, holdings)
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == field
    after = (await service.ocr_handler(url)).body
    assert after["corrected"] is False and after["holdings"] == read["holdings"]


async def test_half_a_code_and_share_pair_beside_holdings_is_a_400(service: Service) -> None:
    url = service.page(LIST_PAGE)
    await service.ocr_handler(url)
    reply = await correct_holdings(service, url, CORRECTED, update_fund_code="005827")
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == "update_hold_share"


async def test_a_correction_of_an_unknown_image_is_a_404(service: Service) -> None:
    reply = await service.correct(service.host.url("/img/never-seen.png"), "110011", "1")
    assert_error(reply, 404, "not_found")


async def test_corrections_need_a_valid_api_key(service: Service) -> None:
    url = await recognised(service)
    missing = await service.correct(url, "110011", "1", key=None)
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(await service.correct(url, "110011", "1", key="wrong-key-0123456789"), 403, "forbidden")

    body = {"image_url": url, "update_fund_code": "110011", "update_hold_share": "1"}
    bearer = await service.call("POST", "/ocr_info_update", body, Authorization=f"Bearer {API_KEY}")
    assert bearer.status == 200 and bearer.body["correction"]["by"] == "backoffice"
    assert len(bearer.body["history"]) == 1  # the refused attempts left nothing


async def test_concurrent_corrections_all_land_in_order_and_the_last_one_wins(service: Service) -> None:
    url = await recognised(service, "000001", "0.50")
    shares = [f"{n}.00" for n in range(1, 21)]
    replies = await asyncio.gather(*(service.correct(url, "161725", share) for share in shares))
    assert {reply.status for reply in replies} == {200}, [r.body for r in replies if r.status != 200]

    final = max(replies, key=lambda reply: len(reply.body["history"]))
    history = final.body["history"]
    assert len(history) == 20
    assert sorted(entry["new"]["hold_share"] for entry in history) == sorted(shares)
    assert history[0]["old"]["hold_share"] == "0.50"
    for before, after in pairwise(history):
        assert after["old"] == before["new"]  # each saw the one before it: none lost or overwritten
        assert after["at"] >= before["at"]
    assert final.body["data"]["hold_share"] == history[-1]["new"]["hold_share"]
    assert (await service.ocr_handler(url)).body["data"]["hold_share"] == history[-1]["new"]["hold_share"]


async def test_a_correction_through_another_worker_is_answered_by_it_on_the_next_request(service: Service) -> None:
    """Each worker remembers the answers it served; a second app on the same database stands for a second worker."""
    server, other = served(service.app.ctx.config, service.ocr)
    with server as other_base:
        second = Service(other_base, other, service.ocr, service.host, service.http)
        url = service.holding("519002", "10.00")
        assert (await second.ocr_handler(url)).body["data"]["fund_code"] == "519002"
        assert (await second.ocr_handler(url)).body["source"] == "stored"  # now in its memory
        assert (await service.correct(url, "519003", "11.00")).status == 200
        fresh = await second.ocr_handler(url)
        assert fresh.body["data"] == {"fund_code": "519003", "hold_share": "11.00"}
        assert fresh.body["corrected"] is True
        assert "fundocr_cache_outdated_total 1.0" in (await second.call("GET", "/metrics")).body


async def test_the_worker_that_takes_a_correction_answers_with_it_at_once(service: Service) -> None:
    url = service.holding("519004", "12.00")
    assert (await service.ocr_handler(url)).body["data"]["fund_code"] == "519004"
    assert (await service.correct(url, "519005", "13.00")).status == 200
    assert (await service.ocr_handler(url)).body["data"] == {"fund_code": "519005", "hold_share": "13.00"}
