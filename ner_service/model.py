"""BERT encoder + linear emissions + CRF, and its model folder (safetensors, config, labels, vocab)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor, nn
from transformers import BertModel

from ner_service.config import TaggerConfig
from ner_service.crf import CRF, bio_constraints
from ner_service.tokenizer import CharTokenizer

WEIGHTS_FILE = "model.safetensors"


class BertCrfTagger(nn.Module):
    """Reads `[CLS] chars [SEP]`; emits one tag score vector per character, decoded by the CRF."""

    def __init__(self, config: TaggerConfig) -> None:
        super().__init__()
        self.config = config
        self.bert = encoder(config)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.hidden_size, len(config.labels))
        allowed_start, allowed = bio_constraints(config.labels)
        self.crf = CRF(len(config.labels), allowed_start=allowed_start, allowed=allowed)

    def emissions(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        """`input_ids: [batch, seq_len]` with [CLS]/[SEP] -> `[batch, seq_len - 2, num_tags]` per character."""
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(self.dropout(hidden[:, 1:-1]))

    def forward(self, input_ids: Tensor, attention_mask: Tensor, tags: Tensor, char_mask: Tensor) -> Tensor:
        """Mean negative log-likelihood of `tags: [batch, seq_len - 2]` (one per character)."""
        return self.crf(self.emissions(input_ids, attention_mask), tags, char_mask)

    def decode(self, input_ids: Tensor, attention_mask: Tensor, char_mask: Tensor) -> list[list[int]]:
        return self.crf.decode(self.emissions(input_ids, attention_mask), char_mask)


def encoder(config: TaggerConfig) -> BertModel:
    """A freshly initialised BERT encoder of the config's shape (no pooler: tagging reads every position)."""
    bert = BertModel(config.bert(), add_pooling_layer=False)
    # trained from scratch: sinusoidal positions give attention a sense of nearness from the first step
    positions = bert.embeddings.position_embeddings.weight
    with torch.no_grad():
        positions.copy_(_sinusoids(*positions.shape) * bert.config.initializer_range * math.sqrt(2))
    return bert


def _sinusoids(length: int, width: int) -> Tensor:
    """The Transformer's sine/cosine position table, `[length, width]`, values in [-1, 1]."""
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    frequency = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table


def save(model: BertCrfTagger, tokenizer: CharTokenizer, folder: Path) -> None:
    """Write the model folder; weights are stored as float16 to keep the folder small."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().to(torch.float16).contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS_FILE))
    model.config.save(folder)
    tokenizer.save(folder)


def load(folder: Path) -> tuple[BertCrfTagger, CharTokenizer]:
    """Model (eval mode, float32) and tokenizer from a folder written by `save`; no network."""
    config = TaggerConfig.load(folder)
    model = BertCrfTagger(config)
    state = {name: tensor.float() for name, tensor in load_file(str(folder / WEIGHTS_FILE)).items()}
    model.load_state_dict(state)
    tokenizer = CharTokenizer.load(folder)
    if len(tokenizer) != config.vocab_size:
        raise ValueError(f"{folder}: vocab.txt has {len(tokenizer)} tokens, config says {config.vocab_size}")
    return model.eval(), tokenizer


def weights_version(folder: Path) -> str:
    """First 12 hex digits of the weights' SHA-256."""
    return hashlib.sha256((folder / WEIGHTS_FILE).read_bytes()).hexdigest()[:12]
