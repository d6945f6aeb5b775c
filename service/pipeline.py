"""One image URL's story: stored answer, or download -> OCR -> rules (-> NER) -> store, shared by concurrent callers
in this process (SingleFlight) and in every process on the database (Claims)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from db import results
from db.engine import transaction
from db.tables import utcnow
from ocr_service.errors import ImageError
from ocr_service.labels import NO_LABELS, Learned
from ocr_service.types import OcrResult
from service.admission import Admission
from service.answers import AnswerCache
from service.claims import Claim, Claims
from service.download import Downloader
from service.errors import FetchError, RecognitionFailed, UnreadableImage
from service.metrics import Metrics
from service.reading import NerStep, Reading, line_json, read_page
from service.singleflight import SingleFlight

log = logging.getLogger("fundocr.pipeline")

BUSINESS_TYPE = "基金"
T = TypeVar("T")


class Recognizer(Protocol):
    """What the service needs from the OCR pool (ocr_service.pool.EnginePool): recognition off the event loop,
    fast, or `exact` where the engines have an exact reading (`exact_version`; None: they read one way)."""

    version: str
    exact_version: str | None

    @property
    def queue_depth(self) -> int: ...

    async def recognize(self, image: bytes, *, exact: bool = False) -> OcrResult: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Answer:
    result: results.StoredResult
    source: Literal["ocr", "stored"]


class ScreenshotService:
    """Answers for image URLs (what /ocr_handler serves); owns the transaction of each store."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        downloader: Downloader,
        ocr: Recognizer,
        metrics: Metrics,
        answers: AnswerCache,
        threshold: float,
        claims: Claims,
        admission: Admission,
        ner: NerStep | None = None,
        learned: Learned = NO_LABELS,
    ) -> None:
        self._engine = engine
        self._threshold = threshold
        self._learned = learned
        self._answers = answers
        self._claims = claims
        self._admission = admission
        self._downloader = downloader
        self._ocr = ocr
        self._metrics = metrics
        self._ner = ner
        self._flights: SingleFlight[tuple[results.StoredResult, bool]] = SingleFlight()

    async def answer(self, url: str, url_type: str) -> Answer:
        """The stored answer for `url`, or a new one; concurrent requests for one URL share one lookup,
        and on a miss one download and one OCR run, whichever replica they reach. A miss past the replica's
        bound is refused at once (Overloaded)."""
        self._downloader.check(url, url_type)
        key = results.url_hash(url)
        if (remembered := self._answers.get(key)) is not None:
            if await self._unchanged(remembered):
                self._metrics.cache.labels(result="hit").inc()
                return Answer(remembered, "stored")
            self._metrics.outdated.inc()
        (stored, fresh), joined = await self._flights.run(key, partial(self._find_or_read, url, key, url_type))
        self._metrics.cache.labels(result="miss" if fresh else "hit").inc()
        if joined and fresh:
            self._metrics.shared.inc()
        self._answers.put(key, stored)
        return Answer(stored, "ocr" if fresh else "stored")

    async def _unchanged(self, remembered: results.StoredResult) -> bool:
        """Whether the row is still as remembered: one indexed read of updated_at, which every correction moves."""
        async with transaction(self._engine) as conn:
            return await results.updated_at(conn, url_hash=remembered.url_hash) == remembered.updated_at

    async def _stored(self, key: str) -> results.StoredResult | None:
        async with transaction(self._engine) as conn:
            return await results.get_by_url_hash(conn, url_hash=key)

    async def _find_or_read(
        self, url: str, key: str, url_type: str, deserted: asyncio.Event
    ) -> tuple[results.StoredResult, bool]:
        """The stored row, and whether this call read the image and stored it (False: it was there)."""
        while True:
            if (stored := await self._stored(key)) is not None:
                return stored, False
            # admitted before the claim: a full replica refuses at once, without a write to the database
            async with self._admission.admitted(), self._claims.hold(key) as claim:
                if claim is not None:
                    # the previous holder may have stored it between the look above and the claim
                    if (stored := await self._stored(key)) is not None:
                        return stored, False
                    return await self._read(url, key, url_type, claim, deserted)
            self._metrics.claim_waits.inc()
            await self._claims.wait(key)

    async def _read(
        self, url: str, key: str, url_type: str, claim: Claim, deserted: asyncio.Event
    ) -> tuple[results.StoredResult, bool]:
        """Download, OCR, rules (and NER), then store; the row is written whole, and the claim released, in
        one transaction or not at all. A fast reading worth an exact one (service.decide) is read again
        exactly, and the exact reading is the answer (unless every caller has left meanwhile: then the fast
        one is stored)."""
        started = time.perf_counter()
        try:
            image = await self._downloader.fetch(url, url_type)
        except FetchError as error:
            self._metrics.download_failures.labels(reason=error.reason).inc()
            raise
        self._metrics.download_seconds.observe(time.perf_counter() - started)
        ocr, reading = await self._look(image, deserted, exact=False)
        ocr_model = self._ocr.version
        if reading.decision.worth_exact_reading and self._ocr.exact_version is not None and not deserted.is_set():
            ocr, reading = await self._look(image, deserted, exact=True)
            ocr_model = self._ocr.exact_version
            self._metrics.second_looks.labels(flagged=str(reading.decision.flag).lower()).inc()
        now = utcnow()
        new = results.NewResult(
            url=url,
            url_hash=key,
            url_type=url_type,
            business_type=BUSINESS_TYPE,
            image_sha256=hashlib.sha256(image).hexdigest(),
            image_width=ocr.width,
            image_height=ocr.height,
            ocr_lines=[line_json(line) for line in ocr.lines],
            **reading.stored(self._ner.version if self._ner is not None else None),
            ocr_model=ocr_model,
            ocr_seconds=ocr.seconds,
            created_at=now,
            updated_at=now,
        )
        async with transaction(self._engine, write=True) as conn:
            inserted = await results.insert_if_absent(conn, result=new)
            stored = await results.get_by_url_hash(conn, url_hash=key)
            await claim.release(conn)
        assert stored is not None  # inserted now, or by the worker that won the race
        return stored, inserted

    async def _look(self, image: bytes, deserted: asyncio.Event, *, exact: bool) -> tuple[OcrResult, Reading]:
        """One reading of the image: OCR in an engine (fast, or exact), then the rules and the model."""
        async with self._admission.engine(deserted):
            ocr = await self._timed(self._metrics.ocr_seconds.observe, self._ocr.recognize(image, exact=exact), "OCR")
        reading = await self._timed(
            self._metrics.ner_seconds.observe,
            read_page(ocr, self._ner, threshold=self._threshold, learned=self._learned),
            "NER",
        )
        return ocr, reading

    @staticmethod
    async def _timed(observe: Callable[[float], None], work: Awaitable[T], stage: str) -> T:
        started = time.perf_counter()
        try:
            value = await work
        except ImageError as error:
            raise UnreadableImage(f"the image cannot be read: {error}", reason="bad_image") from None
        except Exception as error:
            log.exception("%s failed", stage)
            raise RecognitionFailed(f"{stage} failed on this image ({type(error).__name__})") from None
        observe(time.perf_counter() - started)
        return value

