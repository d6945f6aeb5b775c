"""A pool of OCR engines, each in a process of its own (ocr_service.worker), fed from one queue.

Processes, not threads: Paddle's predictor keeps the GIL while it runs, so two engines in one process read
one image at a time between them (measured: 2 threads x 1 engine each gave the images/s of one engine; two
processes gave 1.9x). A process also owns its predictor outright, which Paddle needs (not thread-safe), and
the serving process never loads Paddle at all.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Self

from .errors import OcrConfigError, OcrError
from .types import OcrResult
from .worker import receive, send

ROOT = Path(__file__).resolve().parents[1]
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers narrow), else os.cpu_count()."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class EngineProcess:
    """One `python -m ocr_service.worker` child: started and warmed up by the constructor, one image at a time."""

    def __init__(self, *, threads: int, options: dict[str, Any]) -> None:
        path = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
        env = {**os.environ, **dict.fromkeys(THREAD_VARIABLES, str(threads)), "PYTHONPATH": path}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        try:
            versions: tuple[str, str | None] = self._exchange({"threads": threads, **options})
        except BaseException:
            self.stop()
            raise
        self.version, self.exact_version = versions

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def read(self, image: bytes, *, exact: bool) -> OcrResult:
        """The worker's OcrResult for one image; its ImageError (or other error) is raised here."""
        return self._exchange((image, exact))

    def _exchange(self, message: Any) -> Any:
        try:
            send(self._process.stdin, message)
            kind, value = receive(self._process.stdout)
        except (EOFError, OSError) as error:
            code = self._process.wait()
            raise OcrError(f"the OCR engine process exited with code {code}") from error
        if kind == "error":
            raise value
        return value

    def stop(self) -> None:
        """Close its input (the worker then exits) and wait; kill it if it does not go."""
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()


class EnginePool:
    """`instances` engine processes, each fed by its own thread from one queue of images.

    `instances * threads_per_instance` may not exceed the cores available. An engine process that dies
    (killed, out of memory) fails the image it was reading with OcrError and is started again for the
    next one. Other keyword arguments go to every OcrEngine.
    """

    def __init__(self, *, instances: int = 1, threads_per_instance: int = 1, **engine_options: Any) -> None:
        if instances < 1 or threads_per_instance < 1:
            raise OcrConfigError(
                f"instances ({instances}) and threads_per_instance ({threads_per_instance}) must be >= 1"
            )
        cores = available_cores()
        if instances * threads_per_instance > cores:
            raise OcrConfigError(
                f"instances x threads_per_instance = {instances} x {threads_per_instance} "
                f"= {instances * threads_per_instance} exceeds the {cores} CPU cores available"
            )
        self.instances = instances
        self.threads_per_instance = threads_per_instance
        self._jobs: queue.Queue[tuple[bytes, bool, Future[OcrResult]] | None] = queue.Queue()
        self._closed = False
        self._closing = threading.Lock()  # no image may be queued behind the feeders' stop signals
        self._engines: list[EngineProcess | None] = [None] * instances
        started: list[Future[EngineProcess]] = [Future() for _ in range(instances)]
        self._feeders = [
            threading.Thread(
                target=self._feed,
                args=(i, started[i], threads_per_instance, engine_options),
                name=f"ocr-engine-{i}",
                daemon=True,
            )
            for i in range(instances)
        ]
        for feeder in self._feeders:
            feeder.start()
        # Daemon threads plus this hook: a pool nobody closed still stops its processes when the program ends.
        atexit.register(self.close)
        try:
            engines = [ready.result() for ready in started]
        except BaseException:
            self.close()
            raise
        self.version = engines[0].version
        self.exact_version = engines[0].exact_version  # None: no exact reading other than `version`'s

    @property
    def pids(self) -> list[int]:
        """Process ids of the engine processes now running (for memory readings and tests)."""
        return [engine.pid for engine in self._engines if engine is not None and engine.alive]

    @property
    def queue_depth(self) -> int:
        """Images waiting for a free engine (not counting those being read)."""
        return self._jobs.qsize()

    def submit(self, image: bytes, *, exact: bool = False) -> Future[OcrResult]:
        """Queue one image (`exact`: for the engines' exact reading); the future holds its OcrResult or the
        error (ImageError for bad input)."""
        done: Future[OcrResult] = Future()
        with self._closing:
            if self._closed:
                raise OcrError("the OCR pool is closed")
            self._jobs.put((image, exact, done))
        return done

    async def recognize(self, image: bytes, *, exact: bool = False) -> OcrResult:
        """Read one image in an engine process; the event loop stays free meanwhile."""
        return await asyncio.wrap_future(self.submit(image, exact=exact))

    def recognize_sync(self, image: bytes) -> OcrResult:
        """Read one image, blocking the calling thread until an engine has done it."""
        return self.submit(image).result()

    def close(self) -> None:
        """Finish the queued images, then stop the engine processes. Safe to call twice."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            for _ in self._feeders:
                self._jobs.put(None)
        atexit.unregister(self.close)
        for feeder in self._feeders:
            feeder.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _feed(self, index: int, started: Future[EngineProcess], threads: int, options: dict[str, Any]) -> None:
        try:
            engine = self._engines[index] = EngineProcess(threads=threads, options=options)
        except BaseException as exc:  # noqa: BLE001  (handed to the constructor, which raises it)
            started.set_exception(exc)
            return
        started.set_result(engine)
        while (job := self._jobs.get()) is not None:
            image, exact, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                if not engine.alive:
                    engine = self._engines[index] = EngineProcess(threads=threads, options=options)
                done.set_result(engine.read(image, exact=exact))
            except BaseException as exc:  # noqa: BLE001  (the caller's future raises it)
                done.set_exception(exc)
        engine.stop()
