"""The environment of a `python server.py` process started by a test, as an operator would set it."""

from __future__ import annotations

import os

API_KEY = "operator-key-0123456789"


def service_environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without its FUNDOCR_ variables, then the database, private networks allowed
    (the image host is on 127.0.0.1), one OCR engine, an API key, and `settings` as FUNDOCR_ variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FUNDOCR_")}
    env.update(
        FUNDOCR_DATABASE__URL=database_url,
        FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS="true",
        FUNDOCR_OCR__INSTANCES="1",
        FUNDOCR_AUTH__API_KEYS__BACKOFFICE=API_KEY,
        OMP_NUM_THREADS="1",
    )
    env.update({f"FUNDOCR_{key}": value for key, value in settings.items()})
    return env
