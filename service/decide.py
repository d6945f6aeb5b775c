"""The answer for one page, from the extraction rules and the NER entities of the same OCR lines, with how
sure each field is.

Policy (pure: no I/O, same inputs -> same answer). Each field on its own:

- The rules' support (`ocr_service.support`): each distinct value's confidence from its pairings, the
  OCR confidence of its lines and its rivals.
- The model's value: the one value its entities agree on, each widened to the whole figure it was cut
  from (FUND_CODE normalised to six digits, look-alike letters read as digits, e.g. O -> 0;
  AVAILABLE_SHARE and HOLD_SHARE each as a plain figure above zero that is no code on the page),
  trusted `MODEL_TRUST` scaled by the OCR confidence of its line. A value the page itself names as
  something else (`Extraction.others`: a market value, cost or frozen share beside its label, six digits
  after 验证码) is no reading of the field, whatever the model tagged, unless the rules found it too.
- Shares are combined per kind (available with AVAILABLE_SHARE, held with HOLD_SHARE); the available
  figure wins when either side found one; a disagreement on either kind blocks the answer.
- Combined:
  - the model tagged nothing of the kind: the rules' best value and confidence;
  - the rules found nothing: the model fills the field at its own confidence;
  - the model's value is one of the rules' values: two readings of it, `1 − (1 − rules)(1 − model)`,
    times `1 − its strongest rival` (so a confident model overrules unsure rules, a weak free code, but
    never singles out one fund of a list);
  - otherwise (another value than the rules', or several model values) they disagree: no answer, ever.
- `flag` is true only when both fields reach `threshold`, nothing disagrees and the page's orientation
  was sure; then `fund_code` and `hold_share` hold the values, else empty strings.
  `needs_review` is the opposite of `flag`; `reasons` say why a field is unsure.
- A `near_miss` is an unflagged answer on a page that showed one fund and its share: both fields reached
  `NEAR_MISS`, or the rules found exactly one code and one share (and the model or the page's geometry
  doubted them). Such a page is worth an exact reading (service.pipeline); the others (a list, a quote, a
  page without a share) are not: another reading rarely changes them. So is a flagged share whose only
  separator is a dot before three digits (`5.274`): a reading in bf16 or with the int8 detector may have
  taken the comma of `5,274` for a dot, and the page alone does not say which it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ner_service.types import Entity
from ocr_service.numbers import lone_dot_thousands, normalise_share, shape
from ocr_service.support import Support, ocr_trust, support
from ocr_service.types import Extraction, OcrLine

Source = Literal["rules", "ner", "both"]
CODE_LOOK_ALIKES = str.maketrans(
    {"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)
# How far a single value the model tagged is trusted on its own: about its precision alone on unfamiliar
# pages (docs/benchmarks.md, 57% on a wild tuning set, 99.5% on the drawn families). Alone it stays under
# any useful threshold; beside the rules it lifts them.
MODEL_TRUST = 0.6
DISAGREE = "rules_model_disagree"
# Both fields at least this sure and yet unflagged: a near miss (docs/benchmarks.md, issue 16: on 1,800 drawn
# and wild pages, 2% of them, and every page an f32 reading turns right bar one).
NEAR_MISS = 0.3
VALUE_TYPES = ("FUND_CODE", "HOLD_SHARE", "AVAILABLE_SHARE")
FIGURE_CHARS = frozenset("0123456789.,")
SEPARATORS = frozenset(".,")


@dataclass(frozen=True, slots=True)
class _FieldDecision:
    value: str | None
    confidence: float
    source: Source
    reasons: tuple[str, ...] = ()
    disagree: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The decided fund code and share (empty unless `flag`), how sure each is, which side supplied them, and
    whether an unflagged answer is a near miss (module docstring)."""

    fund_code: str
    hold_share: str
    flag: bool
    source: Source
    confidence: dict[str, float] = field(default_factory=lambda: {"fund_code": 0.0, "hold_share": 0.0})
    reasons: tuple[str, ...] = ()
    near_miss: bool = False

    @property
    def needs_review(self) -> bool:
        return not self.flag

    @property
    def worth_exact_reading(self) -> bool:
        """Whether an exact reading of the page may change this answer (module docstring)."""
        return self.near_miss or (self.flag and lone_dot_thousands(self.hold_share))


def decide(
    extraction: Extraction,
    entities: Sequence[Entity],
    lines: Sequence[OcrLine],
    *,
    threshold: float,
    orientation_unsure: bool = False,
) -> Decision:
    """Apply the policy of this module; entities that do not point into the lines' text are ignored."""
    text = "\n".join(line.text for line in lines)
    entities = [_whole(e, text) for e in entities if text[e.start : e.end] == e.text]
    trust = _line_trust(lines)
    others = set(extraction.others)

    def combined(rules: Support, tag: str, normalise) -> _FieldDecision:
        return _combine(rules, _model(entities, (tag,), normalise, trust, skip=others - set(rules.strengths)))

    code = combined(support(extraction, "fund_code"), "FUND_CODE", _code)
    codes_seen = set(extraction.fund_codes) | {v for e in entities if e.type == "FUND_CODE" if (v := _code(e.text))}
    held, available = (
        combined(support(extraction, "hold_share", label=kind), tag, lambda t: _share(t, codes_seen))
        for kind, tag in (("held", "HOLD_SHARE"), ("available", "AVAILABLE_SHARE"))
    )
    share = available if available.value or available.disagree else held
    reasons = [r for f in (code, share) if f.disagree or f.confidence < threshold for r in f.reasons]
    if held.disagree or available.disagree:
        reasons.append(DISAGREE)
    if orientation_unsure:
        reasons.append("orientation_unsure")
    confidence = {"fund_code": round(code.confidence, 4), "hold_share": round(share.confidence, 4)}
    sources = {code.source, share.source}
    source: Source = sources.pop() if len(sources) == 1 else "both"
    if code.value and share.value and not reasons:
        return Decision(code.value, share.value, True, source, confidence)
    one_of_each = len(extraction.fund_codes) == 1 and len(extraction.shares) == 1
    near_miss = min(confidence.values()) >= NEAR_MISS or one_of_each
    return Decision("", "", False, source, confidence, tuple(dict.fromkeys(reasons)), near_miss)


@dataclass(frozen=True, slots=True)
class _Model:
    """What the model tagged for a field: its values, and the one it singles out with its confidence."""

    values: frozenset[str]
    confidence: float

    @property
    def value(self) -> str | None:
        return next(iter(self.values)) if len(self.values) == 1 else None


def _combine(rules: Support, model: _Model) -> _FieldDecision:
    values = list(rules.strengths)
    if not model.values:
        return _FieldDecision(rules.value, rules.confidence, "rules", rules.reasons)
    if model.value is not None and not values:
        return _FieldDecision(model.value, model.confidence, "ner", ("model_only",))
    if model.value in values:
        return _FieldDecision(model.value, rules.of(model.value, also=model.confidence), "both", rules.reasons)
    return _FieldDecision(None, min(rules.confidence, model.confidence) / 2, "both", (DISAGREE,), disagree=True)


def _model(entities: Sequence[Entity], types: tuple[str, ...], normalise, trust, *, skip: set[str]) -> _Model:
    tagged = [(e, v) for e in entities if e.type in types if (v := normalise(e.text)) not in skip]
    values = frozenset(v for _, v in tagged if v is not None)
    if len(values) != 1:
        return _Model(values, 0.0)
    return _Model(values, MODEL_TRUST * min(trust(e) for e, v in tagged if v is not None))


def _line_trust(lines: Sequence[OcrLine]):
    """How far the OCR of the line an entity starts in is trusted (`ocr_service.support.ocr_trust`)."""
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text) + 1

    def trust(entity: Entity) -> float:
        index = max(i for i, start in enumerate(starts) if start <= entity.start)
        return ocr_trust(lines[index].confidence)

    return trust


def _whole(entity: Entity, text: str) -> Entity:
    """A code or share entity widened to the whole figure it was cut from (`10.15` of `310.15`), across a
    space the OCR put beside a separator (`227,699 .2226`, `42, 971`)."""
    if entity.type not in VALUE_TYPES:
        return entity
    start, end = entity.start, entity.end
    while start > 0 and (text[start - 1] in FIGURE_CHARS or _split_at(text, start - 1)):
        start -= 1
    while end < len(text) and (text[end] in FIGURE_CHARS or _split_at(text, end)):
        end += 1
    return Entity(entity.type, text[start:end], start, end)


def _split_at(text: str, i: int) -> bool:
    """A space at i inside one figure: a separator on one side of it, a digit on the other (`42, 971`)."""
    if text[i] != " " or not 0 < i < len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    return (before in SEPARATORS and after.isdigit()) or (before.isdigit() and after in SEPARATORS)


def _code(text: str) -> str | None:
    digits = re.sub(r"\s", "", text).translate(CODE_LOOK_ALIKES)
    return digits if re.fullmatch(r"[0-9]{6}", digits) else None


def _share(text: str, codes: set[str]) -> str | None:
    value = normalise_share(text)
    return value if value is not None and value not in codes and shape(text) == "figure" and float(value) > 0 else None
