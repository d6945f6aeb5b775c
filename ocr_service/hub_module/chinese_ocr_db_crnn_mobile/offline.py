"""PaddleHub's usage report, switched off: loading and running this module opens no network connection.

In paddlehub 2.4.0, `hub.Module(name=...)` and `hub.Module(directory=...)` (paddlehub/module/module.py,
`Module.__new__`) start `paddlehub.server.server.CacheUpdater`, a thread whose `run()` sends the module
name, the Paddle version and a per-install id to the hub server (`GET <hub server>/search`). PaddleHub has
no setting for it: `hub config server==URL` only moves the request elsewhere. `Module.__new__` imports this
module's code before it starts the thread, so making `CacheUpdater.run` a no-op here is enough.
"""

from __future__ import annotations


def disable_usage_report() -> None:
    """Make every PaddleHub report thread (`CacheUpdater`) end without sending anything."""
    from paddlehub.server.server import CacheUpdater

    CacheUpdater.run = _no_report


def _no_report(self) -> None:
    """Replaces `CacheUpdater.run`: the report is dropped."""
