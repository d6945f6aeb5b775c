"""The answer for one page, decided from the extraction rules and the NER entities of the same OCR text.

Policy (pure: no I/O, same inputs -> same answer):

1. The rules flagged (they found exactly one fund code and one share): their answer stands.
   `source` is "both" when the model singles out the same code and the same share, else "rules".
2. Otherwise each field is filled on its own:
   - fund code: the model's FUND_CODE entities, normalised to six digits (look-alike letters read as
     digits, e.g. O -> 0, l -> 1), must agree on one value; only if the model tagged no code at all does a
     single code candidate of the rules count;
   - share: the model's AVAILABLE_SHARE entities, normalised, must agree on one value; if it tagged none,
     its HOLD_SHARE entities must (available wins over held, as the back office keys it in); only if the
     model tagged no share at all does a single share candidate of the rules count.
   With both fields: `flag` is true and `source` says where the fields came from ("ner" when both came
   from the model, "both" when one came from each). Without both: no answer (flag false, empty fields,
   `source` "rules"), exactly as when the rules fail alone.
Several different values of a field (a list of funds, two share figures) never produce an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ner_service.types import Entity
from ocr_service.numbers import normalise_share
from ocr_service.types import Extraction

Source = Literal["rules", "ner", "both"]
CODE_LOOK_ALIKES = str.maketrans(
    {"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The decided fund code and share (empty unless `flag`), and which side supplied them."""

    fund_code: str
    hold_share: str
    flag: bool
    source: Source


def decide(extraction: Extraction, entities: Sequence[Entity], text: str) -> Decision:
    """Apply the policy of this module; entities that do not point into `text` (the OCR text) are ignored."""
    entities = [e for e in entities if text[e.start : e.end] == e.text]
    model_code = _single(entities, ("FUND_CODE",), _code)
    model_share = _single(entities, ("AVAILABLE_SHARE",), normalise_share)
    if not _tagged(entities, ("AVAILABLE_SHARE",)):
        model_share = _single(entities, ("HOLD_SHARE",), normalise_share)
    if extraction.flag:
        agrees = model_code == extraction.fund_code and model_share == normalise_share(extraction.hold_share)
        return Decision(extraction.fund_code, extraction.hold_share, True, "both" if agrees else "rules")
    code, code_from_model = _field(model_code, _tagged(entities, ("FUND_CODE",)), extraction.fund_codes, _code)
    share, share_from_model = _field(
        model_share, _tagged(entities, ("AVAILABLE_SHARE", "HOLD_SHARE")), extraction.shares, normalise_share
    )
    if code is None or share is None:
        return Decision("", "", False, "rules")
    if code_from_model and share_from_model:
        return Decision(code, share, True, "ner")
    return Decision(code, share, True, "both" if code_from_model or share_from_model else "rules")


def _code(text: str) -> str | None:
    digits = re.sub(r"\s", "", text).translate(CODE_LOOK_ALIKES)
    return digits if re.fullmatch(r"[0-9]{6}", digits) else None


def _tagged(entities: Sequence[Entity], types: tuple[str, ...]) -> bool:
    return any(e.type in types for e in entities)


def _single(entities: Sequence[Entity], types: tuple[str, ...], normalise) -> str | None:
    """The one normalised value the entities of `types` agree on, else None."""
    values = {normalise(e.text) for e in entities if e.type in types}
    return values.pop() if len(values) == 1 and None not in values else None


def _field(model_value: str | None, model_tagged: bool, candidates: Sequence[str], normalise) -> tuple[str | None, bool]:
    """The model's value; the rules' single candidate only when the model tagged nothing of the kind."""
    if model_value is not None:
        return model_value, True
    if model_tagged:
        return None, False
    values = {normalise(c) for c in candidates}
    return (values.pop(), False) if len(values) == 1 and None not in values else (None, False)
