"""core.settings: config.yaml plus FUNDOCR_<SECTION>__<KEY> overrides, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import (
    DEFAULT_PATH,
    REPO_ROOT,
    Settings,
    SettingsError,
    load_settings,
)


def test_the_shipped_config_yaml_loads_and_suits_two_cores() -> None:
    config = load_settings(DEFAULT_PATH, {})
    assert config.server.workers * config.ocr.instances * config.ocr.threads_per_instance <= 2
    assert config.download.allow_private_networks is False
    assert config.database.url == "sqlite+aiosqlite:///var/fundocr.db"
    assert config.database.resolved_url == f"sqlite+aiosqlite:///{REPO_ROOT / 'var' / 'fundocr.db'}"


def test_environment_overrides_every_section() -> None:
    config = load_settings(
        DEFAULT_PATH,
        {
            "FUNDOCR_SERVER__HOST": "0.0.0.0",
            "FUNDOCR_SERVER__PORT": "9001",
            "FUNDOCR_DATABASE__URL": "mysql+aiomysql://fund:pw@db:3306/fundocr",
            "FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true",
            "FUNDOCR_DOWNLOAD__ALLOWED_HOSTS__OSS": "[img.example.com, '*.cdn.example.com']",
            "FUNDOCR_DOWNLOAD__TOTAL_TIMEOUT": "7.5",
            "FUNDOCR_AUTH__API_KEYS__OPS": "0123456789abcdef0123",
            "FUNDOCR_AUTH__REQUIRE_FOR": "all",
            "UNRELATED": "ignored",
        },
    )
    assert (config.server.host, config.server.port) == ("0.0.0.0", 9001)
    assert config.database.resolved_url == "mysql+aiomysql://fund:pw@db:3306/fundocr"
    assert config.download.allow_private_networks is True
    assert config.download.allowed_hosts["oss"] == ("img.example.com", "*.cdn.example.com")
    assert config.download.total_timeout == 7.5
    assert config.auth.api_keys == {"ops": "0123456789abcdef0123"} and config.auth.require_for == "all"


def test_no_file_means_the_defaults() -> None:
    assert load_settings(None, {}) == Settings()


@pytest.mark.parametrize(
    ("environ", "key"),
    [
        ({"FUNDOCR_SERVER__PORT": "eighty"}, "server.port"),
        ({"FUNDOCR_SERVER__PORT": "70000"}, "server.port"),
        ({"FUNDOCR_SERVER__WORKERS": "0"}, "server.workers"),
        ({"FUNDOCR_SERVER__HOST": "true"}, "server.host"),
        ({"FUNDOCR_SERVR__PORT": "1"}, "servr"),
        ({"FUNDOCR_SERVER__PROT": "1"}, "server.prot"),
        ({"FUNDOCR_SERVER": "1"}, "FUNDOCR_SERVER"),
        ({"FUNDOCR_DATABASE__URL": "mysql://root@db/fundocr"}, "database.url"),
        ({"FUNDOCR_DATABASE__URL": "::not a url::"}, "database.url"),
        ({"FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "maybe"}, "download.allow_private_networks"),
        ({"FUNDOCR_DOWNLOAD__ALLOWED_HOSTS__S3": "[a.com]"}, "download.allowed_hosts"),
        ({"FUNDOCR_DOWNLOAD__MAX_REDIRECTS": "50"}, "download.max_redirects"),
        ({"FUNDOCR_OCR__INSTANCES": "0"}, "ocr.instances"),
        ({"FUNDOCR_OCR__MAX_SIDE": "1000"}, "ocr.max_side"),
        ({"FUNDOCR_OCR__BACKEND": "onnxruntime"}, "ocr.backend"),
        ({"FUNDOCR_OCR__DETECTOR_PRECISION": "int4"}, "ocr.detector_precision"),
        ({"FUNDOCR_OCR__RECOGNISER_PRECISION": "f16"}, "ocr.recogniser_precision"),
        ({"FUNDOCR_OCR__RECOGNISER_PRECISION": "int8"}, "ocr.recogniser_precision"),  # the detector's alone
        ({"FUNDOCR_OCR__LINE_MIN_WIDTH": "200"}, "ocr.line_min_width"),
        ({"FUNDOCR_OCR__LINE_MIN_WIDTH": "0"}, "ocr.line_min_width"),
        ({"FUNDOCR_OCR__MAX_WAITING": "-1"}, "ocr.max_waiting"),
        ({"FUNDOCR_QUEUE__URL": "redis://127.0.0.1:6379"}, "queue.url"),
        ({"FUNDOCR_QUEUE__MAX_ATTEMPTS": "0"}, "queue.max_attempts"),
        ({"FUNDOCR_QUEUE__RETRY_SECONDS": "0"}, "queue.retry_seconds"),
        ({"FUNDOCR_QUEUE__PREFETCH": "11"}, "queue.prefetch"),  # above ocr.instances + ocr.max_waiting (10)
        ({"FUNDOCR_SERVER__REQUEST_MAX_SIZE": "65536"}, "server.request_max_size"),  # no room for a 1,000-item job
        ({"FUNDOCR_DECISION__THRESHOLD": "0"}, "decision.threshold"),
        ({"FUNDOCR_DECISION__THRESHOLD": "1.5"}, "decision.threshold"),
        ({"FUNDOCR_DECISION__LEARNED_LABELS": "var/no-such-labels.json"}, "decision.learned_labels"),
        ({"FUNDOCR_DECISION__LEARNED_LABELS": "[a, b]"}, "decision.learned_labels"),
        ({"FUNDOCR_AUTH__API_KEYS__OPS": "short"}, "auth.api_keys.ops"),
        ({"FUNDOCR_AUTH__REQUIRE_FOR": "some"}, "auth.require_for"),
        ({"FUNDOCR_LOGGING__LEVEL": "LOUD"}, "logging.level"),
    ],
)
def test_a_bad_setting_fails_with_a_message_naming_the_key(environ: dict[str, str], key: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{key}\b"):
        load_settings(DEFAULT_PATH, environ)


@pytest.mark.parametrize("max_side", [63, 100, 0])
def test_max_side_the_detector_cannot_take_is_refused(max_side: int) -> None:
    with pytest.raises(SettingsError, match=r"^ocr\.max_side: must be a multiple of 32 .* at least 64$"):
        load_settings(None, {"FUNDOCR_OCR__MAX_SIDE": str(max_side)})


@pytest.mark.parametrize("max_side", [64, 1280])
def test_max_side_on_the_detector_stride_is_accepted(max_side: int) -> None:
    assert load_settings(None, {"FUNDOCR_OCR__MAX_SIDE": str(max_side)}).ocr.max_side == max_side


def test_the_engine_options_carry_every_ocr_lever() -> None:
    ocr = load_settings(
        None,
        {
            "FUNDOCR_OCR__BACKEND": "paddle",
            "FUNDOCR_OCR__MAX_SIDE": "1024",
            "FUNDOCR_OCR__LINE_MIN_WIDTH": "320",
            "FUNDOCR_OCR__SECOND_LOOK": "false",
        },
    ).ocr
    assert ocr.engine == {
        "max_side": 1024,
        "max_pixels": ocr.max_pixels,
        "backend": "paddle",
        "detector_precision": ocr.detector_precision,
        "recogniser_precision": ocr.recogniser_precision,
        "line_min_width": 320,
        "second_look": False,
    }


def test_a_bad_file_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("server:\n  port: 8000\n  colour: blue\n")
    with pytest.raises(SettingsError, match=r"^server\.colour: unknown setting"):
        load_settings(path, {})
    path.write_text("- a list\n")
    with pytest.raises(SettingsError, match="mapping"):
        load_settings(path, {})
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings(tmp_path / "missing.yaml", {})


def test_learned_labels_name_a_file_or_nothing(tmp_path: Path) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text('{"labels": {}}', encoding="utf-8")
    assert load_settings(DEFAULT_PATH, {}).decision.labels_path is None
    assert load_settings(DEFAULT_PATH, {"FUNDOCR_DECISION__LEARNED_LABELS": str(labels)}).decision.labels_path == labels
    assert load_settings(DEFAULT_PATH, {"FUNDOCR_DECISION__LEARNED_LABELS": "null"}).decision.labels_path is None
