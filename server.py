"""The fund-ocr service: `create_app(config)`, and
`python server.py [serve|worker|migrate|export-corrections|learn-labels|reprocess]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from aiohttp.abc import AbstractResolver
from sanic import Sanic
from sanic.config import Config as SanicConfig
from sanic.worker.loader import AppLoader
from sqlalchemy.ext.asyncio import AsyncEngine

from api.context import AppContext
from api.errors import render
from api.logs import log_config
from api.middleware import finish_request, start_request
from api.openapi import describe
from api.routes import docs, health, jobs, metrics, ner, ocr, results, review
from core.settings import (
    DEFAULT_PATH,
    REPO_ROOT,
    NerSettings,
    OcrSettings,
    Settings,
    SettingsError,
    load_settings,
)
from db.engine import create_engine
from ner_service.batcher import NerBatcher
from ocr_service.labels import NO_LABELS, Learned
from ocr_service.pool import EnginePool
from ocr_service.teach import MIN_PAGES, read_labels, teach, write_labels
from service.admission import Admission
from service.answers import AnswerCache
from service.broker import Broker
from service.claims import Claims
from service.download import Downloader
from service.errors import Unavailable
from service.export import read_corrected, write_export
from service.jobs import ItemWorker, JobService
from service.metrics import Metrics
from service.ner import NerReader
from service.pipeline import Recognizer, ScreenshotService
from service.reprocess import reprocess

VERSION = "0.1.0"
log = logging.getLogger("fundocr.server")

OcrFactory = Callable[[OcrSettings], Awaitable[Recognizer]]


def create_app(
    config: Settings,
    *,
    resolver: AbstractResolver | None = None,
    ocr_factory: OcrFactory | None = None,
) -> Sanic[SanicConfig, AppContext]:
    """The app; what it owns (HTTP client, database engine, OCR pool) is created when a worker starts.

    `resolver` replaces DNS for the downloader and `ocr_factory` the OCR pool: tests inject them.
    """
    app = Sanic(
        "fundocr",
        ctx=AppContext(
            config=config,
            metrics=Metrics(),
            answers=AnswerCache(size=config.cache.size),
        ),
        log_config=log_config(config.logging),
    )
    app.config.update(
        REQUEST_MAX_SIZE=config.server.request_max_size,
        REQUEST_TIMEOUT=config.server.request_timeout,
        RESPONSE_TIMEOUT=config.server.response_timeout,
        KEEP_ALIVE_TIMEOUT=config.server.keep_alive_timeout,
        ACCESS_LOG=False,  # one JSON line per request comes from api.middleware
        MOTD=False,
        CORS=False,
    )
    app.error_handler.add(Exception, render)
    app.blueprint([ocr.bp, jobs.bp, ner.bp, health.bp, metrics.bp, docs.bp, results.bp, review.bp])
    app.on_request(start_request)
    app.on_response(finish_request)
    describe(app, VERSION, config, redoc_script=docs.REDOC_PATH)

    @app.before_server_start
    async def _open(app: Sanic) -> None:
        ctx: AppContext = app.ctx
        ctx.downloader = Downloader(config.download, resolver=resolver)
        ctx.db = database(config)
        ctx.broker = Broker(config.queue) if config.queue.configured else None
        ctx.jobs = JobService(engine=ctx.db, downloader=ctx.downloader, broker=ctx.broker)
        if ctx.broker is not None:
            try:
                await ctx.broker.ensure()
            except Unavailable as error:  # the batch API answers 503 and connects again on its next request
                log.warning("%s", error)
        # Models load in the background: a worker acknowledges its start at once (Sanic kills workers that
        # take over 30 s), /health answers meanwhile, and /ready and the model endpoints say they are loading.
        ctx.loading = asyncio.get_running_loop().create_task(_load_models(app), name="load-models")
        if not config.auth.api_keys:
            log.warning("no API keys configured: anyone who can reach the service can correct answers")

    async def _load_models(app: Sanic) -> None:
        ctx: AppContext = app.ctx
        try:
            models = await load_models(config, ocr_factory=ocr_factory)
        except Exception as error:
            log.exception("the models could not be loaded")
            ctx.load_error = f"{type(error).__name__}: {error}"
            return
        ctx.ocr, ctx.ner = models.ocr, models.ner
        ctx.metrics.watch_queues(
            ocr=lambda: ctx.ocr.queue_depth,
            ner=(lambda: ctx.ner.batcher.queue_depth) if ctx.ner is not None else None,
        )
        ctx.screenshots = screenshot_service(
            config,
            db=ctx.db,
            downloader=ctx.downloader,
            ocr=ctx.ocr,
            ner=ctx.ner,
            metrics=ctx.metrics,
            answers=ctx.answers,
            learned=models.learned,
        )

    @app.after_server_stop
    async def _close(app: Sanic) -> None:
        ctx: AppContext = app.ctx
        if ctx.loading is not None:
            await ctx.loading
        if ctx.broker is not None:
            await ctx.broker.close()
        if ctx.downloader is not None:
            await ctx.downloader.close()
        if ctx.db is not None:
            await ctx.db.dispose()
        if ctx.ner is not None:
            await ctx.ner.batcher.close()
        if ctx.ocr is not None:
            await asyncio.to_thread(ctx.ocr.close)  # lets queued images finish

    return app


def screenshot_service(
    config: Settings,
    *,
    db: AsyncEngine,
    downloader: Downloader,
    ocr: Recognizer,
    ner: NerReader | None,
    metrics: Metrics,
    answers: AnswerCache,
    learned: Learned,
) -> ScreenshotService:
    """The one image-URL story, as the HTTP app and the queue worker both run it."""
    return ScreenshotService(
        engine=db,
        downloader=downloader,
        ocr=ocr,
        metrics=metrics,
        answers=answers,
        threshold=config.decision.threshold,
        claims=Claims(db, lease_seconds=config.claims.lease_seconds, poll_seconds=config.claims.poll_seconds),
        admission=Admission(engines=config.ocr.instances, max_waiting=config.ocr.max_waiting, metrics=metrics),
        ner=ner,
        learned=learned,
    )


def database(config: Settings) -> AsyncEngine:
    """The database engine of the configured URL and pool settings."""
    return create_engine(
        config.database.resolved_url,
        pool_size=config.database.pool_size,
        max_overflow=config.database.max_overflow,
        pool_timeout=config.database.pool_timeout,
        pool_recycle=config.database.pool_recycle,
        connect_timeout=config.database.connect_timeout,
        echo=config.database.echo,
    )


@dataclass(frozen=True, slots=True)
class Models:
    ocr: Recognizer
    ner: NerReader | None
    learned: Learned


async def load_models(config: Settings, *, ocr_factory: OcrFactory | None = None) -> Models:
    """The OCR pool, the entity model (when enabled) and the learned labels, loaded side by side: the engine
    processes warm up while this process imports torch, so a start (or a restart) takes the longer of the
    two, not their sum. If one fails, what the others loaded is closed again."""
    loads = await asyncio.gather(
        (ocr_factory or _engine_pool)(config.ocr),
        _ner_reader(config.ner) if config.ner.enabled else asyncio.sleep(0),
        asyncio.to_thread(learned_labels, config),
        return_exceptions=True,
    )
    ocr, ner, learned = loads
    failure = next((load for load in loads if isinstance(load, BaseException)), None)
    if failure is None:
        return Models(ocr, ner, learned)
    if isinstance(ner, NerReader):
        await ner.batcher.close()
    if not isinstance(ocr, BaseException):
        await asyncio.to_thread(ocr.close)
    raise failure


async def _engine_pool(config: OcrSettings) -> Recognizer:
    # Starting and warming the engine processes takes seconds: wait off the loop, which stays responsive.
    return await asyncio.to_thread(
        EnginePool,
        instances=config.instances,
        threads_per_instance=config.threads_per_instance,
        **config.engine,
    )


async def _ner_reader(config: NerSettings) -> NerReader:
    # loads torch: only when a worker starts
    from ner_service.predict import NerPredictor

    predictor = await asyncio.to_thread(NerPredictor.load, config.model_path, threads=config.threads, int8=config.int8)
    batcher = NerBatcher(predictor, max_batch=config.max_batch, max_wait_ms=config.max_wait_ms)
    return NerReader(batcher, version=predictor.version)


def migrate(config: Settings, revision: str = "head") -> None:
    """Bring the configured database to `revision` (Alembic)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    alembic = AlembicConfig(str(REPO_ROOT / "alembic.ini"))
    alembic.attributes["url"] = config.database.resolved_url
    command.upgrade(alembic, revision)


def serve(config: Settings) -> None:
    """Run `server.workers` worker processes, each building its app from `config`."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, str(config.ocr.threads_per_instance))
    loader = AppLoader(factory=partial(create_app, config))
    app = loader.load()
    app.prepare(host=config.server.host, port=config.server.port, workers=config.server.workers)
    Sanic.serve(primary=app, app_loader=loader)


async def run_worker(config: Settings, stop: asyncio.Event, *, ocr_factory: OcrFactory | None = None) -> None:
    """`worker`: answer job items from the broker until `stop` is set, then finish those in hand
    (up to server.response_timeout; the rest are redelivered to another worker)."""
    metrics = Metrics()
    db = database(config)
    downloader = Downloader(config.download)
    broker = Broker(config.queue)
    ocr: Recognizer | None = None
    ner: NerReader | None = None
    try:
        await broker.ensure(prefetch=config.queue.prefetch)
        models = await load_models(config, ocr_factory=ocr_factory)
        ocr, ner = models.ocr, models.ner
        screenshots = screenshot_service(
            config,
            db=db,
            downloader=downloader,
            ocr=ocr,
            ner=ner,
            metrics=metrics,
            answers=AnswerCache(size=config.cache.size),
            learned=models.learned,
        )
        worker = ItemWorker(engine=db, screenshots=screenshots, max_attempts=config.queue.max_attempts)
        await broker.consume(worker.handle)
        log.info("worker: consuming %s", config.queue.name)
        await stop.wait()
        await broker.stop(grace=config.server.response_timeout)
    finally:
        await broker.close()
        await downloader.close()
        await db.dispose()
        if ner is not None:
            await ner.batcher.close()
        if ocr is not None:
            await asyncio.to_thread(ocr.close)


async def _work(config: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(config, stop)


async def export_corrections(config: Settings, args: argparse.Namespace) -> None:
    """`export-corrections`: the corrected results as training records (service.export)."""
    engine = database(config)
    try:
        tally = await write_export(
            engine, args.out, since=args.since, until=args.until, include_accepted=args.include_accepted
        )
    finally:
        await engine.dispose()
    print(json.dumps({"out": str(args.out), **tally}))


def learned_labels(config: Settings) -> Learned:
    """The labels `decision.learned_labels` names (none when it names no file)."""
    path = config.decision.labels_path
    return read_labels(path) if path is not None else NO_LABELS


def learn_labels(args: argparse.Namespace) -> None:
    """`learn-labels`: the labels corrected pages teach the rules (ocr_service.teach), from export files."""
    try:
        pages = read_corrected(args.corrections)
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.exit(f"learn-labels: the corrections cannot be read ({type(error).__name__}: {error})")
    taught = teach(pages, min_pages=args.min_pages)
    write_labels(taught, args.out)
    print(json.dumps({"out": str(args.out), "pages": len(pages), "labels": taught.labels}, ensure_ascii=False))


async def reprocess_stored(config: Settings, args: argparse.Namespace) -> None:
    """`reprocess`: stored answers decided again from their OCR lines (service.reprocess)."""
    learned = learned_labels(config)
    engine = database(config)
    reader = await _ner_reader(config.ner) if config.ner.enabled else None
    try:
        tally = await reprocess(
            engine,
            ner=reader,
            threshold=config.decision.threshold,
            learned=learned,
            since=args.since,
            unflagged_only=args.where == "unflagged",
        )
    finally:
        if reader is not None:
            await reader.batcher.close()
        await engine.dispose()
    print(json.dumps({"model": reader.version if reader else None, **tally}))


def _day(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD or an ISO time, UTC)") from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    settings = argparse.ArgumentParser(add_help=False)  # --config before or after the command
    settings.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="YAML settings (default: config.yaml)")
    parser = argparse.ArgumentParser(description=__doc__, parents=[settings])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", parents=[settings], help="serve HTTP (the default)")
    commands.add_parser("worker", parents=[settings], help="answer batch job items from the broker (queue.url)")
    commands.add_parser("migrate", parents=[settings], help="bring the database to the newest schema")
    export = commands.add_parser(
        "export-corrections", parents=[settings], help="corrected results as NER training data (JSON lines)"
    )
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--since", type=_day, help="corrections made at or after this UTC time")
    export.add_argument("--until", type=_day, help="corrections made before this UTC time")
    export.add_argument(
        "--include-accepted", action="store_true", help="also answers staff kept as the service gave them"
    )
    learn = commands.add_parser(
        "learn-labels", parents=[settings], help="labels the rules learn from exported corrections (JSON)"
    )
    learn.add_argument("--corrections", type=Path, nargs="+", required=True, help="files of export-corrections")
    learn.add_argument("--out", type=Path, required=True, help="the file decision.learned_labels names")
    learn.add_argument("--min-pages", type=int, default=MIN_PAGES, help="corrected pages a label needs")
    again = commands.add_parser("reprocess", parents=[settings], help="decide stored answers again from their OCR lines")
    again.add_argument("--since", type=_day, help="only results stored at or after this UTC time")
    again.add_argument("--where", choices=("all", "unflagged"), default="all", help="which stored answers")
    args = parser.parse_args(argv)
    args.config = getattr(args, "config", DEFAULT_PATH)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        config = load_settings(args.config)
    except SettingsError as error:
        sys.exit(f"configuration error: {error}")
    if args.command == "migrate":
        migrate(config)
    elif args.command == "worker":
        if not config.queue.configured:
            sys.exit("configuration error: queue.url: the worker needs a broker (e.g. amqp://guest:guest@127.0.0.1:5672/)")
        logging.config.dictConfig(log_config(config.logging))
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(name, str(config.ocr.threads_per_instance))
        try:
            asyncio.run(_work(config))
        except Unavailable as error:
            sys.exit(f"worker: {error}")
    elif args.command == "export-corrections":
        asyncio.run(export_corrections(config, args))
    elif args.command == "learn-labels":
        learn_labels(args)
    elif args.command == "reprocess":
        asyncio.run(reprocess_stored(config, args))
    else:
        serve(config)


if __name__ == "__main__":
    main()
