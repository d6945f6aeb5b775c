"""Pre-train the tagger's BERT encoder as a masked language model on the text of training sets.

    python -m ner_service.pretrain --sets resume cluener --corpus-dir ../corpora --text news.txt \\
        --out /tmp/encoder --minutes 40
    python -m ner_service.train --data resume --corpus-dir ../corpora --init /tmp/encoder --out /tmp/resume

No pre-trained weights can be downloaded, and a transformer trained from nothing on a few thousand labelled
sentences learns little of how characters combine into words. Predicting masked characters of unlabelled
text teaches that first. Of the named sets only train splits are read, so no dev or test text is seen
before it is scored.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor, nn
from tqdm import tqdm
from transformers.models.bert.modeling_bert import BertOnlyMLMHead

from ner_service.budget import Budget
from ner_service.config import TaggerConfig, add_shape_options
from ner_service.data import datasets
from ner_service.model import encoder
from ner_service.predict import encode_batch
from ner_service.tokenizer import SPECIALS, CharTokenizer

ENCODER_FILE = "encoder.safetensors"
SEEN = "seen"  # which vocabulary rows the encoder was trained on, saved beside the weights
IGNORE = -100  # target of positions that are not masked


@dataclass(frozen=True)
class Pretrained:
    """An encoder folder: its shape, its weights and which characters it has seen."""

    config: TaggerConfig
    state: dict[str, Tensor]
    seen: Tensor


class MaskedLm(nn.Module):
    """The tagger's encoder with BERT's masked-language-model head, output weights tied to the embeddings."""

    def __init__(self, config: TaggerConfig) -> None:
        super().__init__()
        self.bert = encoder(config)
        self.head = BertOnlyMLMHead(config.bert())
        self.head.predictions.decoder.weight = self.bert.embeddings.word_embeddings.weight

    def forward(self, input_ids: Tensor, attention_mask: Tensor, targets: Tensor) -> tuple[Tensor, Tensor]:
        """Mean cross-entropy and accuracy over masked positions; `targets: [batch, seq_len]`, -100 elsewhere."""
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        masked = targets != IGNORE
        # only masked positions are scored: the vocabulary projection is the costliest layer
        logits = self.head(hidden[masked])  # [masked, vocab]
        gold = targets[masked]
        loss = nn.functional.cross_entropy(logits, gold)
        return loss, (logits.argmax(-1) == gold).float().mean()


def mask(input_ids: Tensor, maskable: Tensor, *, rate: float, tokenizer: CharTokenizer, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """BERT's corruption of `rate` of the maskable positions: 80% become [UNK], 10% a random character, 10% stay.

    [UNK] stands in for BERT's [MASK]: to the tagger it already means "a character that could not be read".
    """
    chosen = maskable & (torch.rand(input_ids.shape, generator=generator) < rate)
    targets = torch.where(chosen, input_ids, torch.full_like(input_ids, IGNORE))
    draw = torch.rand(input_ids.shape, generator=generator)
    corrupted = input_ids.clone()
    corrupted[chosen & (draw < 0.8)] = tokenizer.unk_id
    swapped = chosen & (draw >= 0.8) & (draw < 0.9)
    corrupted[swapped] = torch.randint(len(SPECIALS), len(tokenizer), (int(swapped.sum()),), generator=generator)
    return corrupted, targets


def masked_batch(
    texts: Sequence[str], tokenizer: CharTokenizer, *, rate: float, generator: torch.Generator
) -> tuple[Tensor, Tensor, Tensor]:
    """Corrupted input ids, attention mask and targets of a batch of texts; [CLS]/[SEP]/padding are never masked."""
    input_ids, attention, char_mask = encode_batch([tokenizer.encode(text) for text in texts], tokenizer)
    maskable = torch.zeros_like(attention, dtype=torch.bool)
    maskable[:, 1:-1] = char_mask
    corrupted, targets = mask(input_ids, maskable, rate=rate, tokenizer=tokenizer, generator=generator)
    return corrupted, attention, targets


def packed(texts: Sequence[str], size: int, rng: random.Random) -> list[str]:
    """The texts shuffled and joined by line breaks into pieces of at most `size` characters."""
    order = [text[i : i + size] for text in texts for i in range(0, len(text), size)]
    rng.shuffle(order)
    pieces, current = [], ""
    for text in order:
        if current and len(current) + 1 + len(text) > size:
            pieces.append(current)
            current = ""
        current = f"{current}\n{text}" if current else text
    return [*pieces, current] if current else pieces


def train_texts(args: argparse.Namespace) -> list[str]:
    """The characters of the train split of every named set, and every non-blank line of the text files."""
    named = [
        sample.chars
        for name in args.sets
        for sample in datasets.load(name, "train", seed=args.seed, pages=args.pages, corpus_dir=args.corpus_dir)
    ]
    lines = [line.strip() for path in args.text for line in path.read_text(encoding="utf-8").splitlines()]
    return named + [line for line in lines if line]


def save(model: MaskedLm, seen: Tensor, config: TaggerConfig, tokenizer: CharTokenizer, folder: Path) -> None:
    """Write the encoder folder: float32 weights with the seen mask, config and vocabulary (no MLM head)."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().contiguous() for name, tensor in model.bert.state_dict().items()}
    save_file({**state, SEEN: seen.to(torch.uint8)}, str(folder / ENCODER_FILE))
    config.save(folder)
    tokenizer.save(folder)


def load(folder: Path, tokenizer: CharTokenizer) -> Pretrained:
    """An encoder folder written by `save`; its vocabulary must be `tokenizer`'s."""
    if not (folder / ENCODER_FILE).is_file():
        raise ValueError(f"{folder}: no {ENCODER_FILE}; write one with python -m ner_service.pretrain")
    if CharTokenizer.load(folder).tokens != tokenizer.tokens:
        raise ValueError(f"{folder}: the encoder was pre-trained with another vocabulary")
    state = load_file(str(folder / ENCODER_FILE))
    seen = state.pop(SEEN).bool()
    return Pretrained(TaggerConfig.load(folder), state, seen)


def pretrain(model: MaskedLm, texts: Sequence[str], tokenizer: CharTokenizer, args: argparse.Namespace) -> int:
    """Train `model` on packed, masked `texts` until the budget runs out; returns the optimiser steps taken."""
    rng = random.Random(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    budget = Budget(args.steps, args.minutes)
    schedule = budget.schedule(optimizer, warmup=args.warmup)
    model.train()
    epoch = 0
    while budget.progress(schedule.last_epoch) < 1.0:
        epoch += 1
        pieces = packed(texts, args.length, rng)
        bar = tqdm(range(0, len(pieces), args.batch_size), desc=f"epoch {epoch}", unit="batch")
        total = accuracy = 0.0
        count = 0
        for first in bar:
            corrupted, attention, targets = masked_batch(
                pieces[first : first + args.batch_size], tokenizer, rate=args.mask_rate, generator=generator
            )
            if (targets == IGNORE).all():  # a batch of a few short texts can draw no target
                continue
            loss, right = model(corrupted, attention, targets)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            count, total, accuracy = count + 1, total + loss.item(), accuracy + right.item()
            bar.set_postfix(loss=f"{total / count:.3f}", acc=f"{accuracy / count:.3f}")
            if budget.progress(schedule.last_epoch) >= 1.0:
                break
        count = max(count, 1)
        print(
            f"epoch {epoch}: loss {total / count:.4f} masked accuracy {accuracy / count:.4f} {budget.elapsed_minutes:.1f} min",
            flush=True,
        )
    return schedule.last_epoch


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Pre-train the tagger's encoder as a masked language model.")
    parser.add_argument("--sets", choices=datasets.NAMES, nargs="*", default=[], help="named sets whose train text to read")
    parser.add_argument("--text", type=Path, nargs="*", default=[], help="plain-text files, one text a line")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus-dir", type=Path, help="folder of the public corpora (resume/, weibo/, ...)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=4000, help="holdings: generated pages")
    parser.add_argument("--minutes", type=float, default=math.inf, help="time budget; the learning rate reaches zero as it runs out")
    parser.add_argument("--steps", type=float, default=math.inf, help="optimiser steps in all, if they run out first")
    parser.add_argument("--length", type=int, default=128, help="characters per packed training text")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warmup", type=int, default=200, help="steps of rising learning rate")
    parser.add_argument("--mask-rate", type=float, default=0.15)
    add_shape_options(parser)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if math.isinf(args.minutes) and math.isinf(args.steps):
        raise SystemExit("give a budget: --minutes or --steps")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    tokenizer = CharTokenizer.default()
    texts = train_texts(args)
    if not texts:
        raise SystemExit("no text to pre-train on: name --sets or --text")
    seen = torch.zeros(len(tokenizer), dtype=torch.bool)
    for text in texts:
        seen[tokenizer.encode(text)] = True
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} characters, {int(seen.sum())} distinct in the vocabulary", flush=True)
    config = TaggerConfig.from_options(args, labels=(), vocab_size=len(tokenizer))
    model = MaskedLm(config)
    steps = pretrain(model, texts, tokenizer, args)
    save(model, seen, config, tokenizer, args.out)
    print(f"{steps} steps; encoder in {args.out}")


if __name__ == "__main__":
    main()
