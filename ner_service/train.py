"""Train a BERT-CRF tagger from scratch on generated holdings pages or a public corpus.

    python -m ner_service.train --data holdings --out ner_service/model --seed 1 --minutes 28 --extra OCR.jsonl
    python -m ner_service.train --data holdings --start-from ner_service/model --corrections FIXES.jsonl \
        --minutes 8 --lr 2e-4 --out /tmp/model
    nice python -m ner_service.train --data resume --corpus-dir ../corpora --out /tmp/resume --minutes 25
    python -m ner_service.train --data resume --corpus-dir ../corpora --init /tmp/encoder --lr 2e-4 --out /tmp/resume

`--init` starts from an encoder pre-trained by `ner_service.pretrain`; it then fixes the encoder's shape.
`--start-from` continues training a whole tagger folder (its shape and labels), for instance the shipped
model on staff corrections (`--corrections`, written by `python server.py export-corrections`).
The folder written gets a `model_card.json`: the version (a hash of the weights), the data, the steps and
the dev scores.

Each epoch prints the dev entity F1; the folder keeps the epoch with the best dev F1. The learning rate
warms up, then decays linearly to zero at the end of `--steps` (or `--epochs`) or, if it comes first, of
`--minutes`; training then stops after a last evaluation. A run bounded by steps or epochs is
reproducible from its seed; a time-bounded one depends on the machine's speed.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import math
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import torch
from tqdm import tqdm

from ner_service import model as tagger_io
from ner_service import pretrain
from ner_service.budget import Budget
from ner_service.config import TaggerConfig, add_shape_options
from ner_service.data import datasets
from ner_service.data.augment import entity_pool
from ner_service.data.feedback import read_corrections, variants
from ner_service.data.sample import Sample, read_jsonl
from ner_service.evaluate import Report, evaluate
from ner_service.model import BertCrfTagger
from ner_service.predict import NerPredictor, encode_batch
from ner_service.pretrain import Pretrained
from ner_service.tokenizer import SPECIALS, CharTokenizer

CARD_FILE = "model_card.json"


def chunks(sample: Sample, size: int) -> list[Sample]:
    """Pieces of at most `size` characters, cut after a line break where there is one."""
    pieces, start = [], 0
    while len(sample.chars) - start > size:
        cut = sample.chars.rfind("\n", start, start + size) + 1 or start + size
        cut = cut if cut > start else start + size
        pieces.append(Sample.of(sample.chars[start:cut], sample.labels[start:cut]))
        start = cut
    pieces.append(Sample.of(sample.chars[start:], sample.labels[start:]))
    return [p for p in pieces if p.chars]


def batches(samples: Sequence[Sample], size: int, rng: random.Random) -> list[list[Sample]]:
    """Shuffled batches of similar length (sorted within pools of 50 batches) to waste little on padding."""
    order = list(samples)
    rng.shuffle(order)
    pool = size * 50
    grouped = []
    for first in range(0, len(order), pool):
        block = sorted(order[first : first + pool], key=lambda s: len(s.chars))
        grouped += [block[i : i + size] for i in range(0, len(block), size)]
    rng.shuffle(grouped)
    return grouped


class Trainer:
    """One model, its optimiser and schedule; `epoch` trains on a list of samples, `dev` scores it."""

    def __init__(
        self,
        config: TaggerConfig,
        tokenizer: CharTokenizer,
        args: argparse.Namespace,
        steps: int,
        init: Pretrained | None,
        start: BertCrfTagger | None = None,
    ) -> None:
        self.budget = Budget(steps, args.minutes)
        self.tokenizer = tokenizer
        self.model = start or BertCrfTagger(config)
        self.label_ids = {label: i for i, label in enumerate(config.labels)}
        self.args = args
        crf = list(self.model.crf.parameters())
        rest = [p for p in self.model.parameters() if all(p is not q for q in crf)]
        self.optimizer = torch.optim.AdamW(
            [{"params": rest}, {"params": crf, "lr": args.lr * args.crf_lr_scale, "weight_decay": 0.0}],
            lr=args.lr,
            weight_decay=0.01,
        )
        self.schedule = self.budget.schedule(self.optimizer, warmup=max(1, min(100, steps // 20)))
        self.seen = torch.zeros(len(tokenizer), dtype=torch.bool)
        self.seen[: len(SPECIALS)] = True  # [CLS] and [SEP] frame every text; overwriting them cost 1 point of F1
        if init is not None:
            self.model.bert.load_state_dict(init.state)
            self.seen |= init.seen
        if start is not None:  # its embeddings were all trained, or already set to [UNK]'s when it was saved
            self.seen[:] = True
        self.rng = random.Random(args.seed)

    @property
    def finished(self) -> bool:
        return self.budget.progress(self.schedule.last_epoch) >= 1.0

    def epoch(self, samples: Sequence[Sample], description: str) -> float:
        self.model.train()
        total, count = 0.0, 0
        progress = tqdm(batches(samples, self.args.batch_size, self.rng), desc=description, unit="batch")
        for batch in progress:
            loss = self.step(batch)
            total, count = total + loss, count + 1
            progress.set_postfix(loss=f"{total / count:.3f}")
            if self.finished:
                break
        return total / max(1, count)

    def step(self, batch: Sequence[Sample]) -> float:
        ids = [self.tokenizer.encode(s.chars) for s in batch]
        for row in ids:
            self.seen[row] = True
        # some characters read as [UNK], so the model copes with characters it never saw
        ids = [[self.tokenizer.unk_id if self.rng.random() < self.args.unk_rate else t for t in row] for row in ids]
        input_ids, attention, char_mask = encode_batch(ids, self.tokenizer)
        tags = torch.zeros(char_mask.shape, dtype=torch.long)
        for row, sample in enumerate(batch):
            tags[row, : len(sample.labels)] = torch.tensor([self.label_ids[label] for label in sample.labels])
        loss = self.model(input_ids, attention, tags, char_mask)
        self.optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.schedule.step()
        return loss.item()

    def dev(self, samples: Sequence[Sample]) -> Report:
        predictor = NerPredictor(self.model, self.tokenizer, version="training", threads=self.args.threads)
        report = evaluate(predictor, samples)
        self.model.train()
        return report

    def save(self, folder: Path) -> None:
        """Write the model folder; embeddings of characters never seen in training are set to [UNK]'s."""
        embeddings = self.model.bert.embeddings.word_embeddings.weight
        with torch.no_grad():
            backup = embeddings.clone()
            embeddings[~self.seen] = embeddings[self.tokenizer.unk_id].clone()
            tagger_io.save(self.model, self.tokenizer, folder)
            embeddings.copy_(backup)


def training_sets(args: argparse.Namespace) -> tuple[Iterator[list[Sample]], list[Sample], tuple[str, ...]]:
    """An endless supply of training epochs, the dev samples and the label set."""
    if args.data == datasets.HOLDINGS:
        dev = datasets.load(args.data, "dev", seed=args.seed, pages=args.dev_pages)

        extra = [sample for path in args.extra for sample in read_jsonl(path)]
        fixes = [sample for path in args.corrections for sample in read_corrections(path)]

        def generated() -> Iterator[list[Sample]]:
            for epoch in range(10**6):
                rng = random.Random(f"holdings-train-{args.seed}-{epoch}")
                pages = datasets.holdings_noisy(rng, args.pages)
                yield pages + extra + variants(fixes, rng, entity_pool(pages + fixes), copies=args.correction_copies)

        return generated(), dev, datasets.labels_of(args.data, dev)
    train = datasets.load(args.data, "train", corpus_dir=args.corpus_dir)
    if datasets.has_split(args.data, "dev"):
        dev = datasets.load(args.data, "dev", corpus_dir=args.corpus_dir)
    else:  # no dev split published: hold out a seeded tenth of train
        random.Random(args.seed).shuffle(train)
        held = len(train) // 10
        dev, train = train[:held], train[held:]
    labels = datasets.labels_of(args.data, train)

    def repeated() -> Iterator[list[Sample]]:
        while True:
            yield train

    return repeated(), dev, labels


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a BERT-CRF tagger from scratch.")
    parser.add_argument("--data", choices=datasets.NAMES, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus-dir", type=Path, help="folder of the public corpora (resume/, weibo/, ...)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, help="optimiser steps in all (instead of --epochs)")
    parser.add_argument("--minutes", type=float, default=math.inf, help="training time budget; the learning rate reaches zero as it runs out")
    parser.add_argument("--pages", type=int, default=4000, help="holdings: fresh pages per epoch")
    parser.add_argument("--dev-pages", type=int, default=500)
    parser.add_argument(
        "--extra", type=Path, nargs="*", default=[], help="holdings: JSON-lines samples added to every epoch (a file named twice counts twice)"
    )
    parser.add_argument(
        "--corrections", type=Path, nargs="*", default=[], help="holdings: staff corrections (server.py export-corrections)"
    )
    parser.add_argument(
        "--correction-copies", type=int, default=8, help="each correction this often an epoch, all but once with OCR noise"
    )
    parser.add_argument("--start-from", type=Path, help="continue training this tagger folder (its shape and labels)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--crf-lr-scale", type=float, default=20.0)
    parser.add_argument("--unk-rate", type=float, default=0.01)
    add_shape_options(parser)
    parser.add_argument("--init", type=Path, help="start from an encoder written by ner_service.pretrain (its shape wins)")
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    epochs, dev, labels = training_sets(args)
    tokenizer = CharTokenizer.default()
    init = pretrain.load(args.init, tokenizer) if args.init else None
    start = _start(args.start_from, tokenizer, labels) if args.start_from else None
    if start is not None:
        config = start.config
    elif init is not None:  # a pre-trained encoder fixes the shape
        config = dataclasses.replace(init.config, labels=labels, dropout=args.dropout)
    else:
        config = TaggerConfig.from_options(args, labels=labels, vocab_size=len(tokenizer))
    first = [piece for sample in next(epochs) for piece in chunks(sample, config.max_chars)]
    steps = args.steps or args.epochs * math.ceil(len(first) / args.batch_size)
    trainer = Trainer(config, tokenizer, args, steps, init, start)
    print(f"{len(first)} training / {len(dev)} dev texts, {len(labels)} labels, {steps} steps", flush=True)
    best = -1.0
    for epoch in itertools.count(1):
        train = first if epoch == 1 else [p for s in next(epochs) for p in chunks(s, config.max_chars)]
        loss = trainer.epoch(train, f"epoch {epoch}")
        report = trainer.dev(dev)
        minutes = trainer.budget.elapsed_minutes
        kept = report.micro.f1 > best
        if kept:
            best = report.micro.f1
            trainer.save(args.out)
        print(
            f"epoch {epoch}: loss {loss:.4f} dev F1 {report.micro.f1:.4f} "
            f"(P {report.micro.precision:.4f} R {report.micro.recall:.4f}) {minutes:.1f} min{' saved' if kept else ''}",
            flush=True,
        )
        if trainer.finished:
            break
    final = NerPredictor.load(args.out, threads=args.threads)
    minutes = trainer.budget.elapsed_minutes
    print(f"{trainer.schedule.last_epoch} steps in {minutes:.1f} min; best dev F1 {best:.4f}, model {final.version} in {args.out}")
    report = evaluate(final, dev, progress=False)
    print(report.table())
    write_card(args, final.version, trainer.schedule.last_epoch, minutes, len(dev), report)


def _start(folder: Path, tokenizer: CharTokenizer, labels: tuple[str, ...]) -> BertCrfTagger:
    """The tagger of `folder`, to train on; it must know these labels and this vocabulary."""
    tagger, its_tokenizer = tagger_io.load(folder)
    if its_tokenizer.tokens != tokenizer.tokens:
        raise SystemExit(f"{folder}: the tagger has another vocabulary")
    if tagger.config.labels != labels:
        raise SystemExit(f"{folder}: the tagger's labels {tagger.config.labels} are not this data's {labels}")
    return tagger.train()


def write_card(args: argparse.Namespace, version: str, steps: int, minutes: float, dev_texts: int, report: Report) -> None:
    """`model_card.json` beside the weights: what the model is, what it learned from, how it scored."""
    card = {
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "set": args.data,
            "seed": args.seed,
            "pages_per_epoch": args.pages if args.data == datasets.HOLDINGS else None,
            "extra": [str(p) for p in args.extra],
            "corrections": {str(p): len(read_corrections(p)) for p in args.corrections},
            "correction_copies": args.correction_copies,
            "started_from": str(args.start_from) if args.start_from else None,
            "encoder": str(args.init) if args.init else None,
        },
        "steps": steps,
        "minutes": round(minutes, 1),
        "dev": {
            "texts": dev_texts,
            "f1": round(report.micro.f1, 4),
            "precision": round(report.micro.precision, 4),
            "recall": round(report.micro.recall, 4),
            "f1_by_type": {kind: round(score.f1, 4) for kind, score in sorted(report.by_type.items())},
        },
    }
    (args.out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
