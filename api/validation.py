"""Reading request bodies: every field checked, every refusal a BadRequest that names the field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from api.errors import BadRequest
from core.settings import URL_TYPES
from service.corrections import HOLDING_FIELDS as HOLDING_KEYS

FUND_CODE = re.compile(r"[0-9]{6}")
SHARE = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?")
NER_MAX_CHARS = 20000
AUTHOR_MAX_CHARS = 64
HOLDINGS_MAX = 100
FUND_NAME_MAX_CHARS = 128


@dataclass(frozen=True, slots=True)
class OcrRequest:
    image_url: str
    url_type: str


@dataclass(frozen=True, slots=True)
class CorrectionRequest:
    """A correction: the code and share (both or neither), the whole list of holdings, or both."""

    image_url: str
    fund_code: str | None
    hold_share: str | None
    holdings: list[dict[str, str | None]] | None
    author: str | None


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body must be a JSON object; it is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


def text_field(data: dict[str, Any], name: str, *, required: bool = True, max_length: int = 65536) -> str | None:
    """A non-empty string field."""
    value = data.get(name)
    if value is None and not required:
        return None
    if value is None:
        raise BadRequest(f"'{name}' is required", field=name)
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string", field=name)
    if not value.strip():
        raise BadRequest(f"'{name}' must not be empty", field=name)
    if len(value) > max_length:
        raise BadRequest(f"'{name}' is longer than {max_length} characters", field=name)
    return value


def ocr_request(body: bytes) -> OcrRequest:
    """Body of POST /ocr_handler."""
    return _image(json_object(body))


def _image(data: dict[str, Any]) -> OcrRequest:
    image_url = text_field(data, "image_url")
    url_type = text_field(data, "url_type")
    if url_type not in URL_TYPES:
        raise BadRequest(f"'url_type' must be one of {list(URL_TYPES)}", field="url_type")
    return OcrRequest(image_url=image_url, url_type=url_type)


def job_request(body: bytes, *, max_items: int) -> list[OcrRequest]:
    """Body of POST /ocr_jobs: {"items": [{"image_url", "url_type"}, ...]}, each item as /ocr_handler's body;
    a refusal names the item (`items[3].url_type`)."""
    items = json_object(body).get("items")
    if not isinstance(items, list) or not items:
        raise BadRequest("'items' must be a non-empty list of {image_url, url_type}", field="items")
    if len(items) > max_items:
        raise BadRequest(f"'items' holds {len(items)} images; a job takes at most {max_items}", field="items")
    images = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"items[{index}] must be an object {{image_url, url_type}}", field=f"items[{index}]")
        try:
            images.append(_image(item))
        except BadRequest as refusal:
            raise BadRequest(f"items[{index}]: {refusal}", field=f"items[{index}].{refusal.details['field']}") from None
    return images


def correction_request(body: bytes) -> CorrectionRequest:
    """Body of POST /ocr_info_update; figures keep the caller's spelling once they are valid numbers."""
    data = json_object(body)
    image_url = text_field(data, "image_url")
    author = text_field(data, "author", required=False, max_length=AUTHOR_MAX_CHARS)
    holdings = holdings_field(data["update_holdings"]) if data.get("update_holdings") is not None else None
    pair_given = holdings is None or any(data.get(name) is not None for name in ("update_fund_code", "update_hold_share"))
    fund_code = text_field(data, "update_fund_code") if pair_given else None
    hold_share = text_field(data, "update_hold_share") if pair_given else None
    if fund_code is not None and not FUND_CODE.fullmatch(fund_code):
        raise BadRequest("'update_fund_code' must be exactly 6 digits", field="update_fund_code")
    if hold_share is not None and not is_share(hold_share):
        raise BadRequest(
            "'update_hold_share' must be a non-negative decimal number such as 3367 or 1234.56",
            field="update_hold_share",
        )
    return CorrectionRequest(image_url=image_url, fund_code=fund_code, hold_share=hold_share, holdings=holdings, author=author)


def holdings_field(value: Any) -> list[dict[str, str | None]]:
    """`update_holdings`: the whole corrected list (empty: the page holds no fund). Each item is an object
    of HOLDING_KEYS: a six-digit `fund_code`, at least one of `hold_share` / `available_share`, every
    figure a non-negative decimal in plain notation or null, `fund_name` text or null."""
    if not isinstance(value, list):
        raise BadRequest("'update_holdings' must be a list of holdings", field="update_holdings")
    if len(value) > HOLDINGS_MAX:
        raise BadRequest(f"'update_holdings' holds more than {HOLDINGS_MAX} holdings", field="update_holdings")
    return [_holding(item, f"update_holdings[{index}]") for index, item in enumerate(value)]


def _holding(item: Any, name: str) -> dict[str, str | None]:
    if not isinstance(item, dict):
        raise BadRequest(f"'{name}' must be an object with {', '.join(HOLDING_KEYS)}", field=name)
    unknown = sorted(set(item) - set(HOLDING_KEYS))
    if unknown:
        raise BadRequest(f"'{name}' has unknown keys {unknown}; expected {list(HOLDING_KEYS)}", field=name)
    holding = {key: item.get(key) for key in HOLDING_KEYS}
    for key, text in holding.items():
        if text is not None and not isinstance(text, str):
            raise BadRequest(f"'{name}.{key}' must be a string or null", field=f"{name}.{key}")
    code = holding["fund_code"]
    if code is None or not FUND_CODE.fullmatch(code):
        raise BadRequest(f"'{name}.fund_code' must be exactly 6 digits", field=f"{name}.fund_code")
    for key in ("hold_share", "available_share", "amount"):
        if holding[key] is not None and not is_share(holding[key]):
            raise BadRequest(
                f"'{name}.{key}' must be a non-negative decimal number such as 3367 or 1234.56, or null", field=f"{name}.{key}"
            )
    if holding["hold_share"] is None and holding["available_share"] is None:
        raise BadRequest(f"'{name}' needs 'hold_share' or 'available_share'", field=f"{name}.hold_share")
    fund_name = holding["fund_name"]
    if fund_name is not None and len(fund_name) > FUND_NAME_MAX_CHARS:
        raise BadRequest(f"'{name}.fund_name' is longer than {FUND_NAME_MAX_CHARS} characters", field=f"{name}.fund_name")
    holding["fund_name"] = fund_name.strip() or None if fund_name is not None else None
    return holding


def is_share(text: str) -> bool:
    """A non-negative decimal in plain notation: up to 15 integer and 6 fractional digits, no sign or separators."""
    return SHARE.fullmatch(text) is not None


def ner_request(body: bytes) -> str:
    """Body of POST /ner: the text to tag."""
    return text_field(json_object(body), "text", max_length=NER_MAX_CHARS)
