"""Where the pages the service serves itself keep their files: /docs and /review (api/static/)."""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
