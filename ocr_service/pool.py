"""A pool of OCR engines: each lives in its own thread, so no Paddle predictor is ever shared."""

from __future__ import annotations

import asyncio
import atexit
import os
import queue
import threading
from concurrent.futures import Future
from typing import Any, Self

from .engine import OcrEngine
from .errors import OcrConfigError, OcrError
from .types import OcrResult


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers narrow), else os.cpu_count()."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class EnginePool:
    """`instances` worker threads, each owning one warmed-up OcrEngine, fed from one queue.

    A thread keeps its engine for life: oneDNN caches kernels per thread, so moving an engine between
    threads would rebuild them. `instances * threads_per_instance` may not exceed the cores available.
    Other keyword arguments go to every OcrEngine.
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
        self._jobs: queue.Queue[tuple[bytes, Future[OcrResult]] | None] = queue.Queue()
        self._closed = False
        self._closing = threading.Lock()  # no image may be queued behind the workers' stop signals
        started: list[Future[str]] = [Future() for _ in range(instances)]
        self._workers = [
            threading.Thread(
                target=self._work,
                args=(started[i], threads_per_instance, engine_options),
                name=f"ocr-engine-{i}",
                daemon=True,
            )
            for i in range(instances)
        ]
        for worker in self._workers:
            worker.start()
        # Daemon threads plus this hook: a pool nobody closed still ends cleanly when the program does.
        atexit.register(self.close)
        try:
            versions = [ready.result() for ready in started]
        except BaseException:
            self.close()
            raise
        self.version = versions[0]

    @property
    def queue_depth(self) -> int:
        """Images waiting for a free engine (not counting those being read)."""
        return self._jobs.qsize()

    def submit(self, image: bytes) -> Future[OcrResult]:
        """Queue one image; the future holds its OcrResult or the error (ImageError for bad input)."""
        done: Future[OcrResult] = Future()
        with self._closing:
            if self._closed:
                raise OcrError("the OCR pool is closed")
            self._jobs.put((image, done))
        return done

    async def recognize(self, image: bytes) -> OcrResult:
        """Read one image on a pool thread; the event loop stays free meanwhile."""
        return await asyncio.wrap_future(self.submit(image))

    def recognize_sync(self, image: bytes) -> OcrResult:
        """Read one image, blocking the calling thread until an engine has done it."""
        return self.submit(image).result()

    def close(self) -> None:
        """Finish the queued images, then stop the workers. Safe to call twice."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            for _ in self._workers:
                self._jobs.put(None)
        atexit.unregister(self.close)
        for worker in self._workers:
            worker.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _work(self, started: Future[str], threads: int, engine_options: dict[str, Any]) -> None:
        try:
            engine = OcrEngine(threads=threads, **engine_options)
            engine.warm_up()
        except BaseException as exc:  # noqa: BLE001  (handed to the constructor, which raises it)
            started.set_exception(exc)
            return
        started.set_result(engine.version)
        while (job := self._jobs.get()) is not None:
            image, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                done.set_result(engine.recognize(image))
            except BaseException as exc:  # noqa: BLE001  (the caller's future raises it)
                done.set_exception(exc)
