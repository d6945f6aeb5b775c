import asyncio
import threading
import time

import pytest

from ner_service.batcher import BatcherClosed, NerBatcher
from ner_service.types import Entity


class RecordingPredictor:
    """Stands in for the model (the batching is under test): one entity per text, naming the text."""

    def __init__(self, delay: float = 0.0, fail_on: str | None = None):
        self.calls: list[list[str]] = []
        self.threads: set[str] = set()
        self.delay = delay
        self.fail_on = fail_on

    def predict(self, texts):
        self.calls.append(list(texts))
        self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        if self.fail_on in texts:
            raise RuntimeError("model failed")
        return [[Entity("ECHO", text, 0, len(text))] for text in texts]


async def test_concurrent_submits_share_predict_calls_and_each_caller_gets_its_own_answer():
    predictor = RecordingPredictor(delay=0.01)
    batcher = NerBatcher(predictor, max_batch=8, max_wait_ms=50)
    texts = [f"text {i}" for i in range(20)]
    results = await asyncio.gather(*(batcher.submit(t) for t in texts))
    await batcher.close()
    assert [r[0].text for r in results] == texts
    assert len(predictor.calls) < len(texts)
    assert max(len(c) for c in predictor.calls) <= 8
    assert sorted(t for c in predictor.calls for t in c) == sorted(texts)
    assert len(predictor.threads) == 1 and threading.main_thread().name not in predictor.threads


async def test_a_lone_request_waits_at_most_about_max_wait():
    batcher = NerBatcher(RecordingPredictor(), max_batch=32, max_wait_ms=20)
    started = time.perf_counter()
    assert (await batcher.submit("alone"))[0].text == "alone"
    assert time.perf_counter() - started < 1.0
    await batcher.close()


async def test_queue_depth_counts_waiting_texts():
    predictor = RecordingPredictor(delay=0.2)
    batcher = NerBatcher(predictor, max_batch=2, max_wait_ms=0)
    tasks = [asyncio.create_task(batcher.submit(str(i))) for i in range(6)]
    await asyncio.sleep(0.05)  # the first batch of two is running, four wait
    assert batcher.queue_depth == 4
    await asyncio.gather(*tasks)
    assert batcher.queue_depth == 0
    await batcher.close()


async def test_a_failing_batch_fails_its_callers_only_and_the_batcher_goes_on():
    predictor = RecordingPredictor(fail_on="bad")
    batcher = NerBatcher(predictor, max_batch=4, max_wait_ms=30)
    results = await asyncio.gather(batcher.submit("bad"), batcher.submit("ok"), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert (await batcher.submit("later"))[0].text == "later"
    await batcher.close()


async def test_close_tags_what_is_queued_then_refuses_new_texts():
    batcher = NerBatcher(RecordingPredictor(delay=0.05), max_batch=2, max_wait_ms=1000)
    tasks = [asyncio.create_task(batcher.submit(str(i))) for i in range(3)]
    await asyncio.sleep(0)
    await batcher.close()
    assert [(await t)[0].text for t in tasks] == ["0", "1", "2"]
    with pytest.raises(BatcherClosed):
        await batcher.submit("too late")


async def test_a_caller_that_gives_up_is_skipped():
    predictor = RecordingPredictor(delay=0.1)
    batcher = NerBatcher(predictor, max_batch=1, max_wait_ms=0)
    first = asyncio.create_task(batcher.submit("first"))
    second = asyncio.create_task(batcher.submit("gave up"))
    await asyncio.sleep(0.02)
    second.cancel()
    await first
    await batcher.close()
    assert ["gave up"] not in predictor.calls


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        NerBatcher(RecordingPredictor(), max_batch=0, max_wait_ms=5)
