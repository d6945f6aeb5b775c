"""Our PaddleHub module on disk, its installation under `$HUB_HOME/modules/` for `hub.Module(name=...)`, and
PaddleHub's own command line with the module installed and no usage report:

    python -m ocr_service.hub serving start -m chinese_ocr_db_crnn_mobile [--use_multiprocess --workers 2]
    python -m ocr_service.hub serving start -c config.json   # init_args: threads, max_side, backend, ...

`hub serving start` starts PaddleHub's report thread before it imports any module, so the module's own
switch (offline.py) comes too late for that one; here it is thrown before PaddleHub runs at all.
"""

from __future__ import annotations

import os
import sys
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


def main(argv: list[str]) -> int:
    """`hub ARGV...` (PaddleHub's command line) once the module is installed and the report is off."""
    from .hub_module.chinese_ocr_db_crnn_mobile.offline import disable_usage_report

    install_module()
    disable_usage_report()
    from paddlehub.commands.utils import execute

    sys.argv = ["hub", *argv]
    return execute()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
