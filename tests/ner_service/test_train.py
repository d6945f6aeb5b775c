import json

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
