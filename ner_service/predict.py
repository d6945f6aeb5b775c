"""Batch in, batch out tagging of texts: preprocess -> infer -> postprocess, like a TorchServe handler.

Texts longer than the model's window are read in overlapping windows; each character takes its tags from
the window in which it sits furthest from an edge, so no text is ever cut short.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import torch

from ner_service import bio, model
from ner_service.model import BertCrfTagger
from ner_service.tokenizer import CharTokenizer
from ner_service.types import Entity

# windows per forward pass; bounds padding and memory when one call carries many long texts
INFER_BATCH = 32


@dataclass(frozen=True, slots=True)
class Window:
    """Characters `[start, end)` of text number `text`; it decides the tags of `[own_start, own_end)`."""

    text: int
    start: int
    end: int
    own_start: int
    own_end: int


def windows(length: int, size: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """(start, end, own_start, own_end) windows covering `length` characters; owned parts tile it."""
    if length <= size:
        return [(0, length, 0, length)]
    stride = size - overlap
    starts = list(range(0, length - size, stride)) + [length - size]
    cuts = [0] + [(nxt + start + size) // 2 for start, nxt in pairwise(starts)] + [length]
    return [(s, s + size, cuts[i], cuts[i + 1]) for i, s in enumerate(starts)]


class NerPredictor:
    """Tags texts with a `BertCrfTagger`; `version` names the weights."""

    def __init__(self, tagger: BertCrfTagger, tokenizer: CharTokenizer, *, version: str, threads: int) -> None:
        self.tagger = tagger.eval()
        self.tokenizer = tokenizer
        self.version = version
        self.threads = threads
        self.labels = tagger.config.labels
        self.window = tagger.config.max_chars
        self.overlap = self.window // 4

    @classmethod
    def load(cls, model_dir: Path, *, threads: int, int8: bool = False) -> NerPredictor:
        """The model folder's predictor; `int8` quantises its linear layers (half the latency on CPU, entity F1
        0.9821 against 0.9825 on OCR text: docs/benchmarks.md)."""
        tagger, tokenizer = model.load(Path(model_dir))
        version = model.weights_version(Path(model_dir))
        if int8:
            # torch.ao.quantization is deprecated in favour of torchao, which is not in our lock; torch is pinned
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.filterwarnings("ignore", message=".*quantized tensor creation functions.*")
                tagger = torch.ao.quantization.quantize_dynamic(tagger, {torch.nn.Linear}, dtype=torch.qint8)
            version += "-int8"
        return cls(tagger, tokenizer, version=version, threads=threads)

    def predict(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities of each text, in text order."""
        # intra-op threads are a per-thread setting: apply it in whichever thread runs this call
        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        parts = self.preprocess(texts)
        return self.postprocess(texts, parts, self.infer(texts, parts))

    def preprocess(self, texts: Sequence[str]) -> list[Window]:
        return [
            Window(i, *span)
            for i, text in enumerate(texts)
            if text
            for span in windows(len(text), self.window, self.overlap)
        ]

    @torch.inference_mode()
    def infer(self, texts: Sequence[str], parts: Sequence[Window]) -> list[list[int]]:
        """Tag ids of every window, in the order of `parts`."""
        order = sorted(range(len(parts)), key=lambda k: parts[k].end - parts[k].start)
        tags: list[list[int]] = [[] for _ in parts]
        for first in range(0, len(order), INFER_BATCH):
            chunk = order[first : first + INFER_BATCH]
            ids = [self.tokenizer.encode(texts[parts[k].text][parts[k].start : parts[k].end]) for k in chunk]
            input_ids, attention, char_mask = encode_batch(ids, self.tokenizer)
            for k, path in zip(chunk, self.tagger.decode(input_ids, attention, char_mask)):
                tags[k] = path
        return tags

    def postprocess(self, texts: Sequence[str], parts: Sequence[Window], tags: Sequence[list[int]]) -> list[list[Entity]]:
        labels = [["O"] * len(text) for text in texts]
        for part, path in zip(parts, tags):
            owned = slice(part.own_start - part.start, part.own_end - part.start)
            labels[part.text][part.own_start : part.own_end] = [self.labels[t] for t in path[owned]]
        return [
            [Entity(kind, text[start:end], start, end) for kind, start, end in bio.spans(seq)]
            for text, seq in zip(texts, labels)
        ]


def encode_batch(ids: Sequence[Sequence[int]], tokenizer: CharTokenizer) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`[CLS] ids [SEP]` padded: input ids and attention mask `[batch, longest + 2]`, char mask `[batch, longest]`."""
    longest = max((len(row) for row in ids), default=0)
    input_ids = torch.full((len(ids), longest + 2), tokenizer.pad_id, dtype=torch.long)
    attention = torch.zeros((len(ids), longest + 2), dtype=torch.long)
    char_mask = torch.zeros((len(ids), longest), dtype=torch.bool)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq) + 2] = torch.tensor([tokenizer.cls_id, *seq, tokenizer.sep_id])
        attention[row, : len(seq) + 2] = 1
        char_mask[row, : len(seq)] = True
    return input_ids, attention, char_mask
