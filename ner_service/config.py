"""Shape of the tagger, kept apart from its weights and saved as `config.json`."""

from __future__ import annotations

import argparse
import json
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path

from transformers import BertConfig

CONFIG_FILE = "config.json"
LABELS_FILE = "labels.json"


@dataclass(frozen=True)
class TaggerConfig:
    """Encoder size and the label set; `max_chars` is the longest window the model reads at once."""

    labels: tuple[str, ...]
    vocab_size: int
    hidden_size: int = 256
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 512
    max_chars: int = 510
    dropout: float = 0.1
    # "relative": attention scores see the distance between two characters (BERT's relative_key_query)
    positions: str = "absolute"

    @classmethod
    def from_options(cls, options: argparse.Namespace, *, labels: tuple[str, ...], vocab_size: int) -> TaggerConfig:
        """The shape given by the options of `add_shape_options`."""
        return cls(
            labels=labels,
            vocab_size=vocab_size,
            hidden_size=options.hidden,
            num_layers=options.layers,
            num_heads=options.heads,
            intermediate_size=options.intermediate,
            max_chars=options.max_chars,
            dropout=options.dropout,
            positions=options.positions,
        )

    def bert(self) -> BertConfig:
        return BertConfig(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            num_hidden_layers=self.num_layers,
            num_attention_heads=self.num_heads,
            intermediate_size=self.intermediate_size,
            hidden_dropout_prob=self.dropout,
            attention_probs_dropout_prob=self.dropout,
            max_position_embeddings=self.max_chars + 2,  # [CLS] and [SEP]
            type_vocab_size=1,
            pad_token_id=0,
            position_embedding_type="relative_key_query" if self.positions == "relative" else "absolute",
            # SDPA has no relative positions
            attn_implementation="eager" if self.positions == "relative" else "sdpa",
        )

    def save(self, folder: Path) -> None:
        fields = asdict(self)
        labels = fields.pop("labels")
        (folder / CONFIG_FILE).write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")
        (folder / LABELS_FILE).write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TaggerConfig:
        fields = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        labels = tuple(json.loads((folder / LABELS_FILE).read_text(encoding="utf-8")))
        return cls(labels=labels, **fields)


def add_shape_options(parser: argparse.ArgumentParser) -> None:
    """The command-line options of a tagger's shape, shared by the trainer and the pre-trainer; their
    defaults are TaggerConfig's."""
    default = {f.name: f.default for f in fields(TaggerConfig) if f.default is not MISSING}
    parser.add_argument("--layers", type=int, default=default["num_layers"])
    parser.add_argument("--hidden", type=int, default=default["hidden_size"])
    parser.add_argument("--heads", type=int, default=default["num_heads"])
    parser.add_argument("--intermediate", type=int, default=default["intermediate_size"])
    parser.add_argument("--max-chars", type=int, default=default["max_chars"], help="the longest window the tagger reads at once")
    parser.add_argument("--dropout", type=float, default=default["dropout"])
    parser.add_argument("--positions", choices=("absolute", "relative"), default=default["positions"])
