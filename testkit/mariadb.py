"""A MariaDB server of a test's own (data directory in tmp, its own port) that the test may stop and start."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymysql
import pytest

from testkit.servers import closed_port


class PrivateMariaDB:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = closed_port()
        self.process: subprocess.Popen | None = None
        self.url = f"mysql+aiomysql://root@127.0.0.1:{self.port}/fundocr"

    def install(self) -> None:
        subprocess.run(
            [
                "mariadb-install-db", "--no-defaults", f"--datadir={self.directory / 'data'}", "--user=root",
                "--auth-root-authentication-method=normal", "--skip-test-db",
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start(self) -> None:
        log = (self.directory / "server.log").open("a")
        self.process = subprocess.Popen(
            [
                "mariadbd", "--no-defaults", f"--datadir={self.directory / 'data'}", "--user=root",
                f"--port={self.port}", "--bind-address=127.0.0.1", f"--socket={self.directory / 'sock'}",
                f"--pid-file={self.directory / 'pid'}", "--innodb-buffer-pool-size=16M", "--skip-log-bin",
            ],
            stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                pymysql.connect(host="127.0.0.1", port=self.port, user="root", connect_timeout=1).close()
                return
            except pymysql.err.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((self.directory / "server.log").read_text()[-2000:]) from None
                time.sleep(0.1)

    def kill(self) -> None:
        """Stop as a crash would: no shutdown, InnoDB recovers at the next start."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.process = None

    def execute(self, sql: str) -> None:
        connection = pymysql.connect(host="127.0.0.1", port=self.port, user="root", autocommit=True)
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()


@contextmanager
def private_mariadb(directory: Path) -> Iterator[PrivateMariaDB]:
    """Installed and started; skipped where MariaDB is not installed, unless CI is set."""
    if shutil.which("mariadbd") is None or shutil.which("mariadb-install-db") is None:
        if os.environ.get("CI"):
            pytest.fail("mariadbd and mariadb-install-db are needed (apt-get install mariadb-server)")
        pytest.skip("MariaDB server binaries not installed")
    server = PrivateMariaDB(directory)
    server.install()
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.process.terminate()
            server.process.wait(60)
