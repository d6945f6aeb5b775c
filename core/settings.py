"""The service's settings: one frozen object built once from config.yaml and `FUNDOCR_<SECTION>__<KEY>`."""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = REPO_ROOT / "config.yaml"
ENV_PREFIX = "FUNDOCR_"
URL_TYPES = ("oss", "7min_local")

# Defaults the OCR layer shares with these settings (core is the one layer both may import).
MAX_SIDE = 1280  # longest side of the text detector's canvas
MAX_PIXELS = 30_000_000  # a 1440 x 20000 scrolling screenshot still fits
DETECTOR_STRIDE = 32  # the text detector's output stride: canvas sides are multiples of it
# Line strips go to the recogniser padded to a multiple of this width, from LINE_MIN_WIDTH up to
# LINE_MAX_WIDTH (wider lines are squeezed): a few shapes, each compiled once.
LINE_STEP, LINE_MAX_WIDTH = 160, 1600
LINE_MIN_WIDTH = 320  # PP-OCR's; 160 is faster but lowers short lines' confidence (docs/benchmarks.md, issue 16)
OcrBackend = Literal["paddle", "openvino"]  # what runs the OCR models (the same Paddle model files)
OcrPrecision = Literal["f32", "bf16"]  # OpenVINO's; Paddle Inference runs in f32
# The detector may also run its model quantised to int8 (made by bench/int8_detector.py, shipped beside it),
# with bf16 or f32 for what the quantisation leaves in floats.
DetectorPrecision = Literal[OcrPrecision, "int8"]
# Chosen by the numbers in docs/benchmarks.md (issue 16): bf16 reads most pages as f32 does in 0.6 x the time;
# the pages it leaves just short of sure are read again in f32 (SECOND_LOOK).
BACKEND: OcrBackend = "openvino"
DETECTOR_PRECISION: DetectorPrecision = "bf16"
RECOGNISER_PRECISION: OcrPrecision = "bf16"
SECOND_LOOK = True


# Bytes of one item of a job's body as a back office sends it: a URL of a few hundred characters and its keys.
JOB_ITEM_BYTES = 512


def max_side_problem(max_side: int) -> str | None:
    """Why `max_side` cannot be a detector canvas side, or None when it can."""
    if max_side % DETECTOR_STRIDE or max_side < 2 * DETECTOR_STRIDE:
        return f"must be a multiple of {DETECTOR_STRIDE} (the text detector's stride) and at least {2 * DETECTOR_STRIDE}"
    return None


class SettingsError(ValueError):
    """A setting is missing, unknown or out of range; the message names the key."""


def _require(ok: bool, key: str, message: str) -> None:
    if not ok:
        raise SettingsError(f"{key}: {message}")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    request_max_size: int = 524288
    request_timeout: float = 30.0
    response_timeout: float = 120.0
    keep_alive_timeout: float = 5.0

    def __post_init__(self) -> None:
        _require(1 <= self.port <= 65535, "server.port", "must be between 1 and 65535")
        _require(self.workers >= 1, "server.workers", "must be at least 1")
        _require(self.request_max_size >= 1024, "server.request_max_size", "must be at least 1024 bytes")
        for key in ("request_timeout", "response_timeout", "keep_alive_timeout"):
            _require(getattr(self, key) > 0, f"server.{key}", "must be positive")


@dataclass(frozen=True, slots=True)
class CacheSettings:
    size: int = 4096

    def __post_init__(self) -> None:
        _require(self.size >= 0, "cache.size", "must not be negative (0 turns the cache off)")


@dataclass(frozen=True, slots=True)
class ClaimSettings:
    lease_seconds: float = 15.0
    poll_seconds: float = 0.1

    def __post_init__(self) -> None:
        _require(self.lease_seconds >= 1, "claims.lease_seconds", "must be at least 1")
        _require(
            0 < self.poll_seconds < self.lease_seconds, "claims.poll_seconds", "must be positive and below lease_seconds"
        )


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str = "sqlite+aiosqlite:///var/fundocr.db"
    pool_size: int = 5
    max_overflow: int = 5
    pool_timeout: float = 10.0
    pool_recycle: int = 1800
    connect_timeout: float = 5.0
    echo: bool = False

    def __post_init__(self) -> None:
        try:
            url = make_url(self.url)
        except ArgumentError as exc:
            raise SettingsError(f"database.url: not a database URL ({exc})") from None
        _require(
            url.drivername in ("sqlite+aiosqlite", "mysql+aiomysql"),
            "database.url",
            "use mysql+aiomysql://user:password@host:port/db or sqlite+aiosqlite:///path.db",
        )
        _require(self.pool_size >= 1, "database.pool_size", "must be at least 1")
        _require(self.max_overflow >= 0, "database.max_overflow", "must not be negative")
        for key in ("pool_timeout", "connect_timeout"):
            _require(getattr(self, key) > 0, f"database.{key}", "must be positive")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def resolved_url(self) -> str:
        """The URL with a relative SQLite path taken from the repository root."""
        url = make_url(self.url)
        if not self.is_sqlite or url.database in (None, "", ":memory:") or Path(url.database).is_absolute():
            return self.url
        return url.set(database=str(REPO_ROOT / url.database)).render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class DownloadSettings:
    connect_timeout: float = 5.0
    total_timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 3
    max_url_length: int = 2048
    allow_private_networks: bool = False
    allowed_hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in ("connect_timeout", "total_timeout"):
            _require(getattr(self, key) > 0, f"download.{key}", "must be positive")
        _require(self.max_bytes >= 1024, "download.max_bytes", "must be at least 1024")
        _require(0 <= self.max_redirects <= 10, "download.max_redirects", "must be between 0 and 10")
        _require(16 <= self.max_url_length <= 65536, "download.max_url_length", "must be between 16 and 65536")
        unknown = sorted(set(self.allowed_hosts) - set(URL_TYPES))
        _require(not unknown, "download.allowed_hosts", f"unknown url_type {unknown}; known: {list(URL_TYPES)}")


@dataclass(frozen=True, slots=True)
class OcrSettings:
    instances: int = 2
    threads_per_instance: int = 1
    max_side: int = MAX_SIDE
    max_pixels: int = MAX_PIXELS
    backend: OcrBackend = BACKEND
    detector_precision: DetectorPrecision = DETECTOR_PRECISION
    recogniser_precision: OcrPrecision = RECOGNISER_PRECISION
    line_min_width: int = LINE_MIN_WIDTH
    second_look: bool = SECOND_LOOK
    max_waiting: int = 8

    def __post_init__(self) -> None:
        for key in ("instances", "threads_per_instance", "max_pixels"):
            _require(getattr(self, key) >= 1, f"ocr.{key}", "must be at least 1")
        _require(self.max_waiting >= 0, "ocr.max_waiting", "must not be negative")
        problem = max_side_problem(self.max_side)
        _require(problem is None, "ocr.max_side", problem or "")
        _require(
            self.line_min_width % LINE_STEP == 0 and LINE_STEP <= self.line_min_width <= LINE_MAX_WIDTH,
            "ocr.line_min_width",
            f"must be a multiple of {LINE_STEP} between {LINE_STEP} and {LINE_MAX_WIDTH}",
        )

    @property
    def engine(self) -> dict[str, Any]:
        """The options each OCR engine of the pool is built with (ocr_service.engine.OcrEngine)."""
        return {
            "max_side": self.max_side,
            "max_pixels": self.max_pixels,
            "backend": self.backend,
            "detector_precision": self.detector_precision,
            "recogniser_precision": self.recogniser_precision,
            "line_min_width": self.line_min_width,
            "second_look": self.second_look,
        }


@dataclass(frozen=True, slots=True)
class NerSettings:
    enabled: bool = True
    model_dir: str = "ner_service/model"
    threads: int = 1
    int8: bool = True
    max_batch: int = 16
    max_wait_ms: float = 10.0

    def __post_init__(self) -> None:
        _require(self.threads >= 1, "ner.threads", "must be at least 1")
        _require(self.max_batch >= 1, "ner.max_batch", "must be at least 1")
        _require(self.max_wait_ms >= 0, "ner.max_wait_ms", "must not be negative")

    @property
    def model_path(self) -> Path:
        return REPO_ROOT / self.model_dir


@dataclass(frozen=True, slots=True)
class DecisionSettings:
    threshold: float = 0.9
    learned_labels: str | None = None

    def __post_init__(self) -> None:
        _require(0.0 < self.threshold <= 1.0, "decision.threshold", "must be in (0, 1]")
        if self.learned_labels is not None:
            _require(self.labels_path.is_file(), "decision.learned_labels", f"{self.labels_path} is not a file")

    @property
    def labels_path(self) -> Path | None:
        return REPO_ROOT / self.learned_labels if self.learned_labels is not None else None


@dataclass(frozen=True, slots=True)
class AuthSettings:
    api_keys: Mapping[str, str] = field(default_factory=dict)
    require_for: Literal["corrections", "all"] = "corrections"

    def __post_init__(self) -> None:
        for name, key in self.api_keys.items():
            _require(len(key) >= 16, f"auth.api_keys.{name}", "must be at least 16 characters")
        _require(len(set(self.api_keys.values())) == len(self.api_keys), "auth.api_keys", "two names share one key")


@dataclass(frozen=True, slots=True)
class QueueSettings:
    url: str = ""
    name: str = "fundocr.items"
    max_items: int = 1000
    max_attempts: int = 4
    retry_seconds: float = 2.0
    prefetch: int = 4
    connect_timeout: float = 5.0

    def __post_init__(self) -> None:
        _require(
            not self.url or self.url.startswith(("amqp://", "amqps://")),
            "queue.url",
            "use amqp://user:password@host:5672/vhost, or leave it empty for no broker",
        )
        _require(bool(self.name.strip()), "queue.name", "must not be empty")
        for key in ("max_items", "max_attempts", "prefetch"):
            _require(getattr(self, key) >= 1, f"queue.{key}", "must be at least 1")
        for key in ("retry_seconds", "connect_timeout"):
            _require(getattr(self, key) > 0, f"queue.{key}", "must be positive")

    @property
    def configured(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    server: ServerSettings = field(default_factory=ServerSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    claims: ClaimSettings = field(default_factory=ClaimSettings)
    download: DownloadSettings = field(default_factory=DownloadSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    ner: NerSettings = field(default_factory=NerSettings)
    decision: DecisionSettings = field(default_factory=DecisionSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    queue: QueueSettings = field(default_factory=QueueSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)

    def __post_init__(self) -> None:
        # a worker never holds more items than its replica admits: none of them is refused as overloaded
        room = self.ocr.instances + self.ocr.max_waiting
        _require(self.queue.prefetch <= room, "queue.prefetch", f"must not exceed ocr.instances + ocr.max_waiting ({room})")
        # a job of queue.max_items ordinary URLs must fit in one request body
        need = self.queue.max_items * JOB_ITEM_BYTES
        _require(
            self.server.request_max_size >= need,
            "server.request_max_size",
            f"must hold a job of queue.max_items ({self.queue.max_items}) items of {JOB_ITEM_BYTES} bytes: at least {need}",
        )


def load_settings(path: Path | str | None = DEFAULT_PATH, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the YAML file (None: defaults only), apply environment overrides and validate everything."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SettingsError(f"{path}: cannot read ({exc})") from None
        _require(isinstance(raw, dict), str(path), "must be a mapping of sections")
    for name, value in (os.environ if environ is None else environ).items():
        if name.startswith(ENV_PREFIX):
            _apply_env(raw, name, value)
    return _build(Settings, raw, "")


def _apply_env(raw: dict[str, Any], name: str, value: str) -> None:
    """FUNDOCR_AUTH__API_KEYS__OPS=... sets raw["auth"]["api_keys"]["ops"]; values are parsed as YAML scalars."""
    parts = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
    _require(len(parts) >= 2 and all(parts), name, "expected FUNDOCR_<SECTION>__<KEY>")
    target = raw
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        _require(isinstance(target, dict), name, f"{part} is not a section")
    try:
        target[parts[-1]] = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        target[parts[-1]] = value


def _build(cls: type, raw: Any, prefix: str) -> Any:
    _require(isinstance(raw, dict), prefix or "config", "must be a mapping")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - names)
    _require(not unknown, f"{prefix}{unknown[0]}" if unknown else "", f"unknown setting; known: {sorted(names)}")
    values = {name: _coerce(hints[name], value, f"{prefix}{name}") for name, value in raw.items()}
    try:
        return cls(**values)
    except TypeError as exc:
        raise SettingsError(f"{prefix or 'config'}: {exc}") from None


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if is_dataclass(hint):
        return _build(hint, value if value is not None else {}, f"{key}.")
    if origin is types.UnionType:  # `str | None`: a setting that may be left out (null)
        present = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return None if value is None else _coerce(present[0], value, key)
    if origin is Literal:
        _require(value in typing.get_args(hint), key, f"must be one of {list(typing.get_args(hint))}")
        return value
    if origin in (Mapping, dict):
        value = {} if value is None else value
        _require(isinstance(value, dict), key, "must be a mapping")
        _, value_hint = typing.get_args(hint)
        return {str(k): _coerce(value_hint, v, f"{key}.{k}") for k, v in value.items()}
    if origin is tuple:
        items = [value] if isinstance(value, str) else value
        _require(isinstance(items, list | tuple), key, "must be a list")
        return tuple(_coerce(typing.get_args(hint)[0], item, key) for item in items)
    if hint is bool:
        _require(isinstance(value, bool), key, "must be true or false")
        return value
    if hint is int:
        _require(isinstance(value, int) and not isinstance(value, bool), key, "must be an integer")
        return value
    if hint is float:
        _require(isinstance(value, int | float) and not isinstance(value, bool), key, "must be a number")
        return float(value)
    if hint is str:
        _require(isinstance(value, str | int | float) and not isinstance(value, bool), key, "must be a string")
        return str(value)
    raise SettingsError(f"{key}: unsupported setting type {hint}")
