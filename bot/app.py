"""The composition root: the one place that reads settings and builds and closes resources."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from config.settings import Settings
from db.migrate import upgrade
from db.queries import load_calendar
from db.session import SessionFactory, make_engine, make_session_factory
from handlers.router import Router
from handlers.storage import EvidenceStore
from scheduler.clock import Clock, SystemClock
from scheduler.sender import OutboxSender
from scheduler.transport import Transport

logger = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    engine: Engine
    session_factory: SessionFactory
    clock: Clock
    evidence_store: EvidenceStore
    router: Router
    sender: OutboxSender
    transports: dict[str, Transport] = field(default_factory=dict)
    # Coroutines started by `run` beside the chat platforms (scheduler, HTTP server …).
    closers: list[Callable[[], Awaitable[None] | None]] = field(default_factory=list)

    def add_transport(self, transport: Transport) -> None:
        self.transports[transport.platform] = transport
        self.sender.transports[transport.platform] = transport

    def close(self) -> None:
        self.engine.dispose()


def build_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> App:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    if migrate:
        upgrade(engine)
    session_factory = make_session_factory(engine)
    clock = clock or SystemClock()
    evidence_store = EvidenceStore(settings.data_dir / "evidence")
    sender = OutboxSender(session_factory=session_factory, transports={}, clock=clock)
    router = Router(
        session_factory=session_factory,
        settings=settings,
        clock=clock,
        evidence_store=evidence_store,
        calendar_provider=load_calendar,
        on_outbox_change=sender.kick,
    )
    return App(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        evidence_store=evidence_store,
        router=router,
        sender=sender,
    )


async def run(app: App, *, stop: asyncio.Event | None = None) -> None:
    """Runs every platform whose token is set, with the sender, until SIGINT/SIGTERM."""
    from bot.telegram import TelegramTransport, build_application

    settings = app.settings
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    started: list[Callable[[], Awaitable[Any]]] = []
    tasks: list[asyncio.Task[Any]] = []
    try:
        if settings.telegram_bot_token:
            telegram_app = build_application(settings, app.router)
            await telegram_app.initialize()
            if telegram_app.post_init is not None:
                await telegram_app.post_init(telegram_app)
            await telegram_app.start()
            assert telegram_app.updater is not None
            await telegram_app.updater.start_polling(drop_pending_updates=False)
            app.add_transport(TelegramTransport(telegram_app.bot))
            started.append(telegram_app.shutdown)
            started.append(telegram_app.stop)
            started.append(telegram_app.updater.stop)
            logger.info("Telegram: đang nhận tin (long polling)")
        if not app.transports:
            logger.warning("Chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN: bot không kết nối nền tảng nào")
        tasks.append(asyncio.create_task(app.sender.run(), name="outbox-sender"))
        await stop.wait()
    finally:
        app.sender.stop()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for closer in reversed(started):
            with contextlib.suppress(Exception):
                await closer()
        for closer in reversed(app.closers):
            with contextlib.suppress(Exception):
                result = closer()
                if asyncio.iscoroutine(result):
                    await result
