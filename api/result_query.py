"""Reading the query of GET /results, GET /results/summary and GET /ocr_jobs/{id}: every parameter checked,
every refusal a BadRequest that names it. A cursor is opaque to callers: the listing's order (or `items`, a
job's) and the position reached."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sanic.request import RequestParameters

from api.errors import BadRequest
from api.validation import FUND_CODE
from db.results import ORDERS, ListPosition, ResultFilter
from db.tables import ID_MAX

LIMIT_DEFAULT = 50
LIMIT_MAX = 200
URL_CONTAINS_MAX_CHARS = 2048
LIST_PARAMETERS = (
    "needs_review", "corrected", "fund_code", "created_from", "created_to", "url_contains", "order", "limit", "cursor",
)  # fmt: skip
SUMMARY_PARAMETERS = ("since",)
JOB_PARAMETERS = ("limit", "cursor")
JOB_ITEMS = "items"  # the cursor's tag for a job's items
JOB_LIMIT_DEFAULT = 100  # a job holds up to queue.max_items; a page of its items, each with its whole answer

Args = RequestParameters


@dataclass(frozen=True, slots=True)
class ResultsQuery:
    where: ResultFilter
    order: str
    after: ListPosition | None
    limit: int


def results_query(args: Args) -> ResultsQuery:
    """The query of GET /results."""
    _known(args, LIST_PARAMETERS)
    fund_code = _one(args, "fund_code")
    if fund_code is not None and not FUND_CODE.fullmatch(fund_code):
        raise BadRequest("'fund_code' must be exactly 6 digits", field="fund_code")
    url_contains = _one(args, "url_contains")
    if url_contains is not None and not 1 <= len(url_contains) <= URL_CONTAINS_MAX_CHARS:
        raise BadRequest(f"'url_contains' must be 1 to {URL_CONTAINS_MAX_CHARS} characters", field="url_contains")
    order = _one(args, "order") or ORDERS[0]
    if order not in ORDERS:
        raise BadRequest(f"'order' must be one of {list(ORDERS)}", field="order")
    where = ResultFilter(
        needs_review=_boolean(args, "needs_review"),
        corrected=_boolean(args, "corrected"),
        fund_code=fund_code,
        created_from=_time(args, "created_from"),
        created_to=_time(args, "created_to"),
        url_contains=url_contains,
    )
    cursor = _one(args, "cursor")
    return ResultsQuery(
        where=where, order=order, after=None if cursor is None else _position(cursor, order), limit=_limit(args)
    )


@dataclass(frozen=True, slots=True)
class JobQuery:
    after: int | None  # the position of the last item of the previous page
    limit: int  # 0: the job's counts alone


def job_query(args: Args, *, max_items: int) -> JobQuery:
    """The query of GET /ocr_jobs/{id}: a page of up to `limit` items (at most `max_items`, a job's most)."""
    _known(args, JOB_PARAMETERS)
    limit = _limit(args, default=JOB_LIMIT_DEFAULT, low=0, high=max_items)
    text = _one(args, "cursor")
    if text is None:
        return JobQuery(None, limit)
    decoded = _decoded(text)
    if not (isinstance(decoded, list) and len(decoded) == 2 and decoded[0] == JOB_ITEMS and _whole(decoded[1])):
        raise BadRequest("'cursor' is not one this service gave out", field="cursor")
    return JobQuery(decoded[1], limit)


def summary_since(args: Args, *, now: datetime) -> datetime:
    """`since` of GET /results/summary (naive UTC); by default the start of today in UTC."""
    _known(args, SUMMARY_PARAMETERS)
    return _time(args, "since") or now.replace(hour=0, minute=0, second=0, microsecond=0)


def cursor(order: str, position: ListPosition) -> str:
    """The `next_cursor` of a page: where the following page starts (`order` is JOB_ITEMS for a job's)."""
    return base64.urlsafe_b64encode(json.dumps([order, *position]).encode()).decode().rstrip("=")


def _decoded(text: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        raise BadRequest("'cursor' is not one this service gave out", field="cursor") from None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ID_MAX


def _position(text: str, order: str) -> ListPosition:
    decoded = _decoded(text)
    expected = 2 if order == "newest" else 3
    if not (isinstance(decoded, list) and len(decoded) == expected and decoded[0] == order):
        raise BadRequest("'cursor' belongs to another order; start again without it", field="cursor")
    position = decoded[1:]
    if not all(isinstance(value, int | float) and not isinstance(value, bool) and abs(value) <= ID_MAX for value in position):
        raise BadRequest("'cursor' is not one this service gave out", field="cursor")
    return tuple(position)


def _known(args: Args, names: Sequence[str]) -> None:
    unknown = sorted(set(args) - set(names))
    if unknown:
        raise BadRequest(f"unknown query parameter '{unknown[0]}'; known: {list(names)}", field=unknown[0])


def _one(args: Args, name: str) -> str | None:
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"'{name}' is given more than once", field=name)
    return values[0]


def _boolean(args: Args, name: str) -> bool | None:
    value = _one(args, name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise BadRequest(f"'{name}' must be true or false", field=name)
    return value == "true"


def _time(args: Args, name: str) -> datetime | None:
    """An ISO 8601 date or date-time; without a zone it is UTC."""
    value = _one(args, name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"'{name}' must be an ISO 8601 date or date-time, e.g. 2026-12-01T08:00:00Z", field=name) from None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _limit(args: Args, *, default: int = LIMIT_DEFAULT, low: int = 1, high: int = LIMIT_MAX) -> int:
    value = _one(args, "limit")
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"'limit' must be a whole number from {low} to {high}", field="limit")
    return int(value)
