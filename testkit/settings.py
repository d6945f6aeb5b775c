"""Configurations for tests, built through the same loader as production (environment overrides)."""

from __future__ import annotations

from core.settings import Settings, load_settings


def config_for(database_url: str, **settings: str) -> Settings:
    """Defaults, the given database, private networks allowed (the image host is on 127.0.0.1), plus
    `settings` as FUNDOCR_ variables, e.g. DOWNLOAD__TOTAL_TIMEOUT="1"."""
    environ = {
        "FUNDOCR_DATABASE__URL": database_url,
        "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",
        "FUNDOCR_DOWNLOAD__TOTAL_TIMEOUT": "1.5",
        "FUNDOCR_DOWNLOAD__MAX_BYTES": str(1024 * 1024),
        "FUNDOCR_LOGGING__LEVEL": "WARNING",
        "FUNDOCR_NER__ENABLED": "false",  # tests of the model in the pipeline turn it on
    }
    environ.update({f"FUNDOCR_{key}": value for key, value in settings.items()})
    return load_settings(None, environ)
