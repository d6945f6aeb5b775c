"""How strongly a page supports each value the rules found for a field, in [0, 1].

A candidate's strength is how clear its pairing is (a value on its label's line is clearer than one in
the row below; a code in brackets after a name clearer than six digits inside other text), scaled down
when the OCR was unsure of its line (full at 0.9 and above, nothing at 0.5 and below). Candidates of one
value reinforce each other (noisy-or: the code in the header and again beside `基金代码`). A value is only
as sure as its strongest rival is weak: `confidence = strength × (1 − strongest other value)`; another
reading of the page (the entity model) adds to the strength, never removes the rival. Shares are scored
one label kind at a time: a held figure beside a different available one is no rival. A value that
the page's slope could have moved more than MAX_DRIFT line heights off its label's row counts half: the
row it was read in may be another label's. A price-shaped share (`1.7003` on its label's line) counts half,
and so does a share whose only separator is a dot before three digits when the OCR ran it into a name
(`信息产业LOF3.676`): there a misread thousands comma (`3,676`) and three decimals read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import lone_dot_thousands, shape
from .types import Candidate, Extraction, Field, Pairing

CLARITY: dict[Pairing, float] = {
    "same_line": 0.97,
    "bracket": 0.96,
    "right_cell": 0.95,
    "header_column": 0.93,
    "alone": 0.94,
    "below": 0.92,
    "stacked": 0.9,
    "free": 0.92,
}
MISSING = {"fund_code": "no_code", "hold_share": "no_share_label"}
# How far (in line heights) the page's slope may move a value off its label's row before the pairing is
# not believed: rows are grouped within half a line height.
MAX_DRIFT = 0.25
COMPETING = {"fund_code": "competing_codes", "hold_share": "competing_shares"}


@dataclass(frozen=True, slots=True)
class Support:
    """Each distinct value's strength, and why the best value is unsure, if it is."""

    strengths: dict[str, float]
    reasons: tuple[str, ...]

    @property
    def value(self) -> str | None:
        return max(self.strengths, key=self.of) if self.strengths else None

    @property
    def confidence(self) -> float:
        return self.of(self.value) if self.value is not None else 0.0

    def rival(self, value: str) -> float:
        """The strength of the strongest other value."""
        return max((s for v, s in self.strengths.items() if v != value), default=0.0)

    def of(self, value: str, *, also: float = 0.0) -> float:
        """`value`'s confidence; `also`: another reading's confidence in it, independent of these candidates."""
        own = 1.0 - (1.0 - self.strengths.get(value, 0.0)) * (1.0 - also)
        return own * (1.0 - self.rival(value))


def support(extraction: Extraction, field: Field, *, label: str | None = None) -> Support:
    """The support of every value of `field` among the extraction's candidates (those paired with `label`
    only, when given: shares of one kind)."""
    found = [c for c in extraction.candidates if c.field == field and label in (None, c.label)]
    if label == "held" and "available" in extraction.unpaired:
        return Support({}, ("available_unpaired",))
    if not found:
        return Support({}, (MISSING[field],))
    strengths: dict[str, float] = {}
    for candidate in found:
        doubt = 1.0 - strengths.get(candidate.value, 0.0)
        strengths[candidate.value] = 1.0 - doubt * (1.0 - strength(candidate))
    result = Support(strengths, ())
    reasons = [COMPETING[field]] if len(strengths) > 1 else []
    best = [c for c in found if c.value == result.value]
    if max(c.ocr_confidence for c in best) < 0.9:
        reasons.append("low_ocr_confidence")
    if all(c.drift > MAX_DRIFT for c in best):
        reasons.append("tilted")
    if field == "hold_share" and all(shape(c.value) == "price" for c in best):
        reasons.append("price_shaped")
    if field == "hold_share" and all(_separator_unsure(c) for c in best):
        reasons.append("separator_unsure")
    return Support(strengths, tuple(reasons))


def strength(candidate: Candidate) -> float:
    """How much one candidate alone supports its value."""
    priced = 0.5 if candidate.field == "hold_share" and shape(candidate.value) == "price" else 1.0
    drifted = 0.5 if candidate.drift > MAX_DRIFT else 1.0
    separated = 0.5 if _separator_unsure(candidate) else 1.0
    return CLARITY[candidate.pairing] * ocr_trust(candidate.ocr_confidence) * priced * drifted * separated


def _separator_unsure(candidate: Candidate) -> bool:
    return candidate.run_together and lone_dot_thousands(candidate.value)


def ocr_trust(confidence: float) -> float:
    """How far a line's text is trusted from its recognition confidence: fully from 0.9, not at all at 0.5."""
    return min(1.0, max(0.0, (confidence - 0.5) / 0.4))
