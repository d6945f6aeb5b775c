import random
import re

import pytest
import torch

from ner_service import model, pretrain
from ner_service.pretrain import IGNORE, mask, packed
from ner_service.tokenizer import SPECIALS, CharTokenizer
from ner_service.train import main as train_main

TINY = ["--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--threads", "1"]


@pytest.fixture(scope="module")
def tokenizer():
    return CharTokenizer.default()


def test_masking_corrupts_a_share_of_maskable_positions_and_targets_only_those(tokenizer):
    ids = torch.randint(len(SPECIALS), len(tokenizer), (64, 200), generator=torch.Generator().manual_seed(0))
    maskable = torch.ones_like(ids, dtype=torch.bool)
    maskable[:, :20] = False
    corrupted, targets = mask(ids, maskable, rate=0.15, tokenizer=tokenizer, generator=torch.Generator().manual_seed(1))
    chosen = targets != IGNORE
    assert not chosen[:, :20].any() and torch.equal(corrupted[:, :20], ids[:, :20])
    assert 0.14 < chosen[:, 20:].float().mean() < 0.16
    assert torch.equal(targets[chosen], ids[chosen])
    assert torch.equal(corrupted[~chosen], ids[~chosen])
    as_unk = (corrupted[chosen] == tokenizer.unk_id).float().mean()
    kept = (corrupted[chosen] == ids[chosen]).float().mean()
    assert 0.77 < as_unk < 0.83 and 0.08 < kept < 0.12
    assert (corrupted >= len(SPECIALS)).logical_or(corrupted == tokenizer.unk_id).all()


def test_packing_keeps_every_character_and_respects_the_length():
    texts = ["甲" * 5, "乙" * 3, "丙" * 12, "丁"]
    pieces = packed(texts, 8, random.Random(0))
    assert all(len(p) <= 8 for p in pieces)
    assert sorted("".join(pieces).replace("\n", "")) == sorted("".join(texts))
    assert "丙" * 8 in pieces


def test_pretraining_learns_masked_characters_and_the_tagger_starts_from_it(tmp_path, capsys, tokenizer):
    text = tmp_path / "text.txt"
    text.write_text("基金代码000001持有份额1,234.56\n\n" * 200, encoding="utf-8")
    encoder = tmp_path / "encoder"
    pretrain.main(["--text", str(text), "--out", str(encoder), "--steps", "150", "--length", "64", "--lr", "3e-3",
                   "--warmup", "1", "--batch-size", "8", *TINY])
    accuracies = [float(a) for a in re.findall(r"masked accuracy ([0-9.]+)", capsys.readouterr().out)]
    assert accuracies[-1] > 0.5 > accuracies[0]

    loaded = pretrain.load(encoder, tokenizer)
    assert loaded.seen[tokenizer.encode("基金代码0")].all() and not loaded.seen[tokenizer.encode("股")].any()
    tagger_dir = tmp_path / "tagger"
    # learning rate 0: the saved tagger's encoder is the pre-trained one
    train_main(["--data", "holdings", "--init", str(encoder), "--out", str(tagger_dir), "--steps", "1", "--lr", "0",
                "--pages", "4", "--dev-pages", "2", "--batch-size", "4", *TINY])
    tagger, _ = model.load(tagger_dir)
    name = "encoder.layer.0.attention.self.query.weight"
    assert torch.allclose(tagger.bert.state_dict()[name], loaded.state[name], atol=1e-3)


def test_a_folder_without_an_encoder_or_of_another_vocabulary_is_refused(tmp_path, tokenizer):
    with pytest.raises(ValueError, match="no encoder.safetensors"):
        pretrain.load(tmp_path, tokenizer)
    CharTokenizer(list(tokenizer.tokens[:100])).save(tmp_path)
    (tmp_path / pretrain.ENCODER_FILE).write_bytes(b"")
    with pytest.raises(ValueError, match="another vocabulary"):
        pretrain.load(tmp_path, tokenizer)
