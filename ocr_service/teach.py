"""Labels the rules do not know, learned from corrected pages: which label text names the share, which the
fund code, on pages like the corrected ones (another app's or another script's words: `持有單位`, `基金代號`).

A correction says which figure was the share and which six digits the code. Each label on the page that
the patterns of `labels` cannot read is tried as a share label and as a code label: the page is read again
with it (`extract(learned=...)`), and the values newly paired with it are compared with the correction.

A label is learned when at least `min_pages` corrected pages pair it with their corrected value, and every
page that paired it with another value chose another label's figure instead (it lost: a held figure beside
the available one the correction took, a frozen share beside the held one). A share label is `available`
when it won over a held label on some page (one the patterns know, or one learned here), else `held`.
A label that at least `min_pages` pages pair with a share-shaped figure, never the corrected one, is
learned as naming another share (`other_share`: a frozen or redeeming share): its figures are then known
to be no answer, and it no longer counts as an unknown label beside a learned one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType

from .extract import extract, unknown_labels
from .labels import Kind, Learned
from .numbers import normalise_share, same_share
from .types import Extraction, OcrLine

MIN_PAGES = 3
LEARNABLE: tuple[Kind, ...] = ("code", "held", "available", "other_share")
KNOWN_HELD = ""  # what a learned label beat when the page's rival figure had a label the patterns know


@dataclass(frozen=True, slots=True)
class Corrected:
    """A page as the OCR read it, and the values staff said it shows."""

    lines: Sequence[OcrLine]
    fund_code: str
    hold_share: str


@dataclass(slots=True)
class Evidence:
    """Corrected pages that paired a label with their corrected value, with another value, and with another
    value that lost to a label paired with the corrected one; the labels it won over."""

    code: int = 0
    code_against: int = 0
    share: int = 0
    share_against: int = 0
    lost: int = 0
    beat: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Taught:
    labels: dict[str, Kind]
    evidence: dict[str, Evidence]


def teach(pages: Iterable[Corrected], *, min_pages: int = MIN_PAGES) -> Taught:
    """The labels these corrected pages teach (see the module's docstring), with the evidence for each."""
    evidence: dict[str, Evidence] = {}
    for page in pages:
        _weigh(page, evidence)
    codes = {label for label, seen in evidence.items() if seen.code >= min_pages and not seen.code_against}
    shares = {
        label
        for label, seen in evidence.items()
        if label not in codes and seen.share >= min_pages and seen.share_against == seen.lost
    }
    held = {KNOWN_HELD} | {label for label in shares if not evidence[label].beat & shares}
    others = {
        label
        for label, seen in evidence.items()
        if label not in codes and not seen.share and not seen.code and seen.share_against >= min_pages
    }
    labels: dict[str, Kind] = {label: "code" for label in codes}
    labels |= {label: "available" if evidence[label].beat & held else "held" for label in shares}
    labels |= {label: "other_share" for label in others}
    return Taught(dict(sorted(labels.items())), {label: evidence[label] for label in sorted(labels)})


def _weigh(page: Corrected, evidence: dict[str, Evidence]) -> None:
    before = extract(page.lines)
    known = _paired(before, "hold_share")
    answer = normalise_share(page.hold_share) or page.hold_share
    codes_read = {page.fund_code, *before.fund_codes}
    paired_codes = _paired(before, "fund_code")
    winners, losers = [], []
    for label in sorted(unknown_labels(page.lines)):
        codes = _paired(extract(page.lines, learned={label: "code"}), "fund_code") - paired_codes
        # Six digits the page reads as a code are no share, whichever label is tried beside them.
        shares = _paired(extract(page.lines, learned={label: "held"}), "hold_share") - known - codes_read
        if not codes and not shares:
            continue
        seen = evidence.setdefault(label, Evidence())
        if page.fund_code in codes:
            seen.code += 1
        elif codes:
            seen.code_against += 1
        if any(same_share(value, answer) for value in shares):
            seen.share += 1
            winners.append(label)
        elif shares:
            seen.share_against += 1
            losers.append(label)
    if len(winners) != 1:
        return
    winner = evidence[winners[0]]
    winner.beat |= set(losers)
    if any(not same_share(value, answer) for value in known):
        winner.beat.add(KNOWN_HELD)
    for label in losers:
        evidence[label].lost += 1


def _paired(extraction: Extraction, field_name: str) -> set[str]:
    """The values the rules paired with a label for the field (codes found without one are not)."""
    return {c.value for c in extraction.candidates if c.field == field_name and c.label is not None}


def write_labels(taught: Taught, out: Path) -> None:
    """`out`: the learned labels (what `decision.learned_labels` names) and the evidence for each, written
    whole or not at all."""
    evidence = {label: {**asdict(seen), "beat": sorted(seen.beat)} for label, seen in taught.evidence.items()}
    partial = out.with_name(out.name + ".part")
    partial.write_text(json.dumps({"labels": taught.labels, "evidence": evidence}, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(out)


def read_labels(path: Path) -> Learned:
    """The labels of a file `write_labels` wrote; ValueError naming what is wrong with it."""
    try:
        labels = dict(json.loads(path.read_text(encoding="utf-8"))["labels"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a learned-labels file ({type(error).__name__}: {error})") from None
    wrong = {label: kind for label, kind in labels.items() if kind not in LEARNABLE or not isinstance(label, str) or not label}
    if wrong:
        raise ValueError(f"{path}: labels of kinds that cannot be learned: {wrong} (learnable: {', '.join(LEARNABLE)})")
    return MappingProxyType(dict(labels))
