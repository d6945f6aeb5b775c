"""The engine pool: correct, identical answers under concurrent callers; clear errors; clean shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ocr_service.errors import ImageError, OcrConfigError, OcrError
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.predictor import cpu_has_bf16
from ocr_service.pool import ROOT, EnginePool, available_cores
from testkit.drawing import encode

CODES = ["005827", "110011", "161725", "000001"]


def page_texts(code: str) -> list[str]:
    return [f"基金代码{code}", "可用份额", f"{int(code) % 9000 + 1000:,}.{code[-2:]}"]


@pytest.fixture(scope="module")
def pages(page) -> dict[str, bytes]:
    drawn = {}
    for code in CODES:
        label, share_label, share = page_texts(code)
        image, _ = page([(40, 80, label), (40, 180, share_label), (400, 180, share)])
        drawn[code] = encode(image, "JPEG", quality=92)
    return drawn


@pytest.fixture(scope="module")
def pool():
    with EnginePool(instances=min(2, available_cores()), threads_per_instance=1) as pool:
        yield pool


def read(result) -> list[str]:
    return [line.text for line in result.lines]


def test_four_threads_get_identical_correct_texts(pool, pages):
    # Caller i reads pages i and i + 1: every page is read twice, by two threads, concurrently.
    assignments = [(CODES[i], CODES[(i + 1) % 4]) for i in range(4)]

    def caller(codes):
        return [(code, pool.recognize_sync(pages[code])) for code in codes]

    with ThreadPoolExecutor(4) as callers:
        answers = [answer for batch in callers.map(caller, assignments) for answer in batch]
    for code in CODES:
        first, second = [result for read_code, result in answers if read_code == code]
        assert read(first) == page_texts(code)
        assert first.lines == second.lines


async def test_recognize_runs_off_the_event_loop(pool, pages):
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    beat = asyncio.create_task(ticker())
    began = time.perf_counter()
    results = await asyncio.gather(*(pool.recognize(pages[code]) for code in CODES * 2))
    spent = time.perf_counter() - began
    beat.cancel()
    assert [read(result) for result in results] == [page_texts(code) for code in CODES * 2]
    assert ticks >= spent / 0.01 / 2  # the loop kept running while the engines worked


def test_queue_depth_counts_waiting_images(pool, pages):
    futures = [pool.submit(pages[CODES[0]]) for _ in range(4)]
    assert pool.queue_depth >= 4 - pool.instances - 1  # each engine holds at most one
    for future in futures:
        future.result()
    assert pool.queue_depth == 0


def test_an_exact_reading_is_asked_of_the_engines_f32_pipeline(pool, pages):
    # Where the CPU computes bf16 in f32, the engines' one pipeline is the exact one and reads both ways.
    assert (pool.exact_version is None) == (not cpu_has_bf16())
    assert (pool.exact_version or pool.version).endswith("f32/f32")
    assert pool.exact_version != pool.version
    assert read(pool.submit(pages[CODES[3]], exact=True).result()) == page_texts(CODES[3])


def test_a_bad_image_fails_alone(pool, pages):
    with pytest.raises(ImageError):
        pool.recognize_sync(b"GIF89a not really")
    assert read(pool.recognize_sync(pages[CODES[1]])) == page_texts(CODES[1])


def test_more_threads_than_cores_is_refused():
    cores = available_cores()
    with pytest.raises(OcrConfigError, match=f"exceeds the {cores} CPU cores"):
        EnginePool(instances=cores, threads_per_instance=2)
    with pytest.raises(OcrConfigError, match="must be >= 1"):
        EnginePool(instances=0)


def test_failed_start_raises_and_leaves_no_worker():
    before = threading.active_count()
    with pytest.raises(ValueError, match="multiple of 32"):
        EnginePool(instances=1, max_side=1000)
    assert threading.active_count() == before


def test_a_killed_engine_process_fails_its_image_and_is_replaced(pages):
    with EnginePool(instances=1) as pool:
        (first,) = pool.pids
        reading = pool.submit(pages[CODES[0]])
        time.sleep(0.02)  # the engine has the image: its detector alone takes over 50 ms on a whole canvas
        os.kill(first, signal.SIGKILL)
        with pytest.raises(OcrError, match="exited with code -9"):
            reading.result()
        assert read(pool.recognize_sync(pages[CODES[2]])) == page_texts(CODES[2])
        (second,) = pool.pids
        assert second != first


def test_the_calling_process_never_loads_paddle(pool):
    assert pool.pids and os.getpid() not in pool.pids
    probe = "import sys, ocr_service.pool; print(sorted(m for m in sys.modules if m.split('.')[0] == 'paddle'))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"


def test_close_finishes_queued_work_then_refuses_more(pool, pages):
    """Last in this file: it closes the module's pool."""
    queued = [pool.submit(pages[code]) for code in CODES[:2]]
    pool.close()
    assert all(future.done() for future in queued)
    assert [read(future.result()) for future in queued] == [page_texts(code) for code in CODES[:2]]
    pool.close()
    with pytest.raises(OcrError, match="closed"):
        pool.submit(pages[CODES[0]])
