"""The wild set on disk: one labelled JPEG per page, families in turn, boxes on the image."""

import json

from PIL import Image, ImageOps

from bench.screens.render import render_wild_set
from bench.screens.wild import FAMILIES


def test_wild_set_writes_labelled_pages(tmp_path):
    labels = render_wild_set(tmp_path, count=len(FAMILIES), seed=3)
    records = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert [r["family"] for r in records] == list(FAMILIES)
    for record in records:
        assert record["set"] == "wild" and record["degradation"] == "none" and record["layout"] == record["family"]
        image = ImageOps.exif_transpose(Image.open(tmp_path / record["path"]))
        assert image.size == (record["width"], record["height"])
        assert all(0 <= c["box"][0] < c["box"][2] <= image.width + 1 and 0 <= c["box"][1] < c["box"][3] <= image.height + 1 for c in record["cells"])
        assert all(len(c["quad"]) == 4 for c in record["cells"])
        assert isinstance(record["holdings"], list)
        if record["flag"]:
            assert len(record["holdings"]) == 1 and record["holdings"][0]["fund_code"] == record["fund_code"]
