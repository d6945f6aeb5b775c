import json

import torch

from ner_service import model
from ner_service.data.sample import Sample
from ner_service.predict import NerPredictor
from ner_service.train import chunks, main


def test_chunks_cut_after_line_breaks_and_never_exceed_the_size():
    text = "aaaa\nbbbb\ncccccccccccc"
    sample = Sample.of(text, ["O"] * 5 + ["B-X"] + ["I-X"] * 3 + ["O"] * 13)
    pieces = chunks(sample, 8)
    assert "".join(p.chars for p in pieces) == text
    assert [p.chars for p in pieces[:2]] == ["aaaa\n", "bbbb\n"]
    assert all(len(p.chars) <= 8 for p in pieces)
    assert pieces[1].spans == [("X", 0, 4)]


def test_a_tiny_run_writes_a_loadable_model_folder(tmp_path, capsys):
    out = tmp_path / "tiny"
    main(["--data", "holdings", "--out", str(out), "--epochs", "1", "--pages", "12", "--dev-pages", "4",
          "--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--batch-size", "8"])
    printed = capsys.readouterr().out
    assert "epoch 1: loss" in printed and "dev F1" in printed
    assert {p.name for p in out.iterdir()} == {"model.safetensors", "config.json", "labels.json", "vocab.txt"}
    assert json.loads((out / "labels.json").read_text())[0] == "O"
    predictor = NerPredictor.load(out, threads=1)
    assert predictor.version == model.weights_version(out)
    assert predictor.predict(["基金代码 000001", ""])[1] == []
    # characters never trained on read as [UNK]; the tokens that frame every text keep their own embedding
    tagger, tokenizer = model.load(out)
    embeddings = tagger.bert.embeddings.word_embeddings.weight
    assert torch.equal(embeddings[tokenizer.encode("鳄")[0]], embeddings[tokenizer.unk_id])
    assert not torch.equal(embeddings[tokenizer.cls_id], embeddings[tokenizer.unk_id])
    assert not torch.equal(embeddings[tokenizer.sep_id], embeddings[tokenizer.unk_id])


def test_relative_positions_are_kept_in_the_model_folder_and_served(tmp_path):
    out = tmp_path / "relative"
    main(["--data", "holdings", "--out", str(out), "--epochs", "1", "--pages", "12", "--dev-pages", "4", "--positions",
          "relative", "--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--batch-size", "8"])
    assert json.loads((out / "config.json").read_text())["positions"] == "relative"
    tagger, _ = model.load(out)
    assert tagger.bert.config.position_embedding_type == "relative_key_query"
    texts = ["基金代码 000001\n持有份额 1,234.56", "x" * 700]
    for int8 in (False, True):
        found = NerPredictor.load(out, threads=1, int8=int8).predict(texts)
        assert len(found) == 2
        assert all(text[e.start : e.end] == e.text for text, entities in zip(texts, found) for e in entities)
