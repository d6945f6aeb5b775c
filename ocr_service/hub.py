"""Our PaddleHub module on disk, and its installation under `$HUB_HOME/modules/` for `hub.Module(name=...)`."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OcrError

MODULE_NAME = "chinese_ocr_db_crnn_mobile"
MODULE_DIR = Path(__file__).resolve().parent / "hub_module" / MODULE_NAME


def hub_home() -> Path:
    """PaddleHub's home: `$HUB_HOME`, else `~/.paddlehub` (the rule of paddlehub/env.py)."""
    return Path(os.environ.get("HUB_HOME") or Path.home() / ".paddlehub")


def install_module(home: Path | None = None) -> Path:
    """Link our module folder into `<home>/modules/` so `hub.Module(name=MODULE_NAME)` loads it offline.

    A link, not a copy, so the installed module never drifts from the code. An existing link is replaced;
    a real folder (for instance the original module from the hub) is left alone and reported.
    """
    target = (home or hub_home()) / "modules" / MODULE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()
    elif target.exists():
        raise OcrError(f"{target} already exists and is not our link; remove it to install {MODULE_NAME}")
    target.symlink_to(MODULE_DIR, target_is_directory=True)
    return target
