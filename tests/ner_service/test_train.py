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
    assert {p.name for p in out.iterdir()} == {"model.safetensors", "config.json", "labels.json", "vocab.txt", "model_card.json"}
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


TINY = ["--layers", "1", "--hidden", "32", "--heads", "2", "--intermediate", "64", "--batch-size", "8"]


def test_training_goes_on_from_a_model_on_staff_corrections_and_writes_a_card(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    main(["--data", "holdings", "--out", str(first), "--steps", "2", "--pages", "8", "--dev-pages", "4", *TINY])
    text = "基金代码 005827\n可用份额 12,345.67"
    labels = ["O"] * 5 + ["B-FUND_CODE"] + ["I-FUND_CODE"] * 5 + ["O"] * 6 + ["B-AVAILABLE_SHARE"] + ["I-AVAILABLE_SHARE"] * 8
    fixes = tmp_path / "fixes.jsonl"
    fixes.write_text(
        json.dumps({"chars": text, "labels": labels}, ensure_ascii=False) + "\n"
        + json.dumps({"image_url": "u", "reason": "hold_share_not_in_text"}) + "\n",
        encoding="utf-8",
    )
    main(["--data", "holdings", "--out", str(second), "--start-from", str(first), "--corrections", str(fixes),
          "--correction-copies", "3", "--steps", "2", "--pages", "8", "--dev-pages", "4", "--batch-size", "8"])
    card = json.loads((second / "model_card.json").read_text())
    assert card["version"] == NerPredictor.load(second, threads=1).version != NerPredictor.load(first, threads=1).version
    assert card["data"]["corrections"] == {str(fixes): 1} and card["data"]["started_from"] == str(first)
    assert card["steps"] == 2 and 0.0 <= card["dev"]["f1"] <= 1.0 and "FUND_CODE" in card["dev"]["f1_by_type"]
    assert json.loads((second / "config.json").read_text())["hidden_size"] == 32  # the shape of the model it went on from


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
