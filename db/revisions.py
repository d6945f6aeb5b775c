"""Which database schemas this code can serve on: its own revision and any later one.

Migrations are additive (deploy/k8s/README.md), so the previous release keeps serving on the next one's
schema during a rollout. A revision this code's migrations do not know is taken to be such a later one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory

from db.tables import SCHEMA_REVISION

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@cache
def _earlier() -> frozenset[str]:
    script = ScriptDirectory(str(MIGRATIONS))
    return frozenset(revision.revision for revision in script.iterate_revisions(SCHEMA_REVISION, "base")) - {
        SCHEMA_REVISION
    }


def behind(revision: str | None) -> bool:
    """True when the database lacks tables this code uses: never migrated, or at an earlier revision."""
    return revision is None or revision in _earlier()
