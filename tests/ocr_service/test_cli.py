"""`python -m ocr_service` over a folder, run as a user would: JSON lines on stdout, exit code 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from testkit.drawing import encode

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reads_a_folder_recursively_and_reports_every_image(tmp_path, page):
    answer, _ = page(
        [(40, 60, "易方达蓝筹精选混合"), (40, 140, "基金代码 005827"), (40, 220, "可用份额"), (400, 220, "8,000.00份")]
    )
    (tmp_path / "a.png").write_bytes(encode(answer))
    (tmp_path / "nested").mkdir()
    no_answer, _ = page([(40, 60, "我的资产"), (40, 140, "总金额 1,234.56")])
    (tmp_path / "nested" / "b.JPG").write_bytes(encode(no_answer, "JPEG", quality=90))
    listed, _ = page(
        [(40, 60, "我的基金"), (40, 160, "易方达蓝筹精选混合"), (40, 230, "005827   持有份额 1,234.56"),
         (40, 330, "华夏成长混合A"), (40, 400, "000001   持有份额 88.00")]
    )
    (tmp_path / "c.png").write_bytes(encode(listed))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    (tmp_path / "notes.txt").write_text("not an image, and not looked at in a folder")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "ocr_service", str(tmp_path), str(tmp_path / "missing.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(r["path"]).name for r in records] == ["a.png", "broken.png", "c.png", "b.JPG", "missing.png"]
    for record in records:
        assert {"path", "flag", "fund_code", "hold_share", "holdings", "lines"} <= set(record)
    found, broken, several, nothing, missing = records
    assert (found["flag"], found["fund_code"], found["hold_share"]) == (True, "005827", "8000.00")
    assert [line["text"] for line in found["lines"]] == ["易方达蓝筹精选混合", "基金代码005827", "可用份额", "8,000.00份"]
    assert all(len(line["box"]) == 4 and 0 < line["confidence"] <= 1 for line in found["lines"])
    (holding,) = found["holdings"]
    assert (holding["fund_code"], holding["available_share"], holding["fund_name"]) == ("005827", "8000.00", "易方达蓝筹精选混合")
    assert several["flag"] is False
    assert [(h["fund_code"], h["hold_share"]) for h in several["holdings"]] == [("005827", "1234.56"), ("000001", "88.00")]
    assert all(len(h["boxes"]["fund_code"]) == 4 for h in several["holdings"])
    assert nothing["holdings"] == [] and broken["holdings"] == []
    assert "not an image" in broken["error"] and broken["lines"] == [] and broken["flag"] is False
    assert "error" not in nothing
    assert (nothing["flag"], nothing["fund_code"], nothing["hold_share"]) == (False, "", "")
    assert [line["text"] for line in nothing["lines"]] == ["我的资产", "总金额1,234.56"]
    assert "cannot read the file" in missing["error"]
    assert "image/s" in done.stderr  # five images: a progress bar, on stderr only
