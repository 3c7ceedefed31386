"""The composition root: the one place that reads settings and builds and closes resources."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from config.settings import Settings
from db.evidence_files import EvidenceStore
from db.migrate import upgrade
from db.queries import load_calendar
from db.session import SessionFactory, make_engine, make_session_factory
from handlers.router import Router
from scheduler.delivery_report import DeliveryReporter
from scheduler.planner import PlannerOptions, ReminderPlanner
from scheduler.ratelimit import PlatformRateLimiter, limits_for
from scheduler.sender import OutboxSender, SenderOptions
from scheduler.transport import Transport
from timelang.clock import Clock, SystemClock

if TYPE_CHECKING:
    from bot.startup import RetryPolicy

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
    planner: ReminderPlanner | None = None
    reporter: DeliveryReporter | None = None

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
    planner = ReminderPlanner(session_factory=session_factory, clock=clock,
                              options=PlannerOptions.from_settings(settings))
    reporter = DeliveryReporter(
        session_factory=session_factory, clock=clock, tz=settings.tz,
        env_admins=settings.admin_identities, catchup_window=planner.options.catchup_window)
    # Rate limiters are attached by `run` with the real platforms; tests deliver unpaced.
    sender = OutboxSender(
        session_factory=session_factory, transports={}, clock=clock,
        options=SenderOptions.from_settings(settings), refresher=planner.refresh,
        policy_provider=planner.current_policy, tz=settings.tz)
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
        planner=planner,
        reporter=reporter,
    )


def _rate_limiter(app: App, platform: str) -> PlatformRateLimiter | None:
    """One limiter per platform, shared by the sender and the platform's replies."""
    limiter = app.sender.limiters.get(platform)
    if limiter is None:
        limits = limits_for(app.settings, platform)
        if limits is None:
            return None
        limiter = app.sender.limiters[platform] = PlatformRateLimiter(limits, platform=platform)
    return limiter


async def run(app: App, *, stop: asyncio.Event | None = None,
              retry_policy: RetryPolicy | None = None) -> None:
    """Runs every platform whose token is set, with the sender, until SIGINT/SIGTERM.

    Platforms come up in the background, their network calls retried (bot.startup), while
    the HTTP server already answers /healthz with the real state (bot.health)."""
    from bot.health import Health
    from bot.http import build_web_server
    from bot.startup import RetryPolicy
    from bot.telegram_service import TelegramService
    from bot.zalo_platforms import start_zalo_platforms
    from db.locks import InstanceLock
    from reports.snapshots import close_periods_job
    from scheduler.jobs import ReminderJobs
    from scheduler.ratelimit import TelegramRateLimiter

    settings = app.settings
    if settings.zalo_oa_enabled:
        settings.token_cipher()  # says which variable to set before anything starts
    # SQLite: a second bot on the same file stops here, with the reason, before touching it.
    instance_lock = InstanceLock(settings.resolved_database_url)
    instance_lock.acquire()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    started: list[Callable[[], Awaitable[Any]]] = []
    tasks: list[asyncio.Task[Any]] = []
    jobs: ReminderJobs | None = None
    try:
        policy = retry_policy or RetryPolicy.from_settings(settings)
        health = Health(clock=app.clock, session_factory=app.session_factory)
        web_server = build_web_server(app, always=True)
        assert web_server is not None
        web_server.health = health
        if settings.telegram_bot_token.get_secret_value():
            limiter = _rate_limiter(app, "telegram")
            telegram = TelegramService(
                app, health=health, policy=policy,
                rate_limiter=TelegramRateLimiter(limiter) if limiter is not None else None,
                sender_rate_limiter=(TelegramRateLimiter(limiter) if limiter is not None
                                     else None))
            telegram.mount(web_server)
            started.append(telegram.close)
            telegram.start()
        started += await start_zalo_platforms(app, web_server, health=health,
                                              retry_policy=policy)
        try:
            await web_server.start()
            started.append(web_server.stop)
        except OSError as error:
            if settings.webhook_base_url:
                raise  # webhooks and file links cannot work without it
            # Polling only needs the server for /healthz: the bot works on without it.
            logger.error("Không mở được cổng %s cho /healthz (%s); bot vẫn chạy",
                         settings.port, error)
        if not settings.telegram_bot_token.get_secret_value() and not app.transports:
            logger.warning("Chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN: bot không kết nối nền tảng nào")
        for platform in list(app.transports):
            _rate_limiter(app, platform)
        assert app.planner is not None and app.reporter is not None
        jobs = ReminderJobs(planner=app.planner, sender=app.sender, reporter=app.reporter,
                            tz=settings.tz, remind_at=settings.remind_time,
                            close_periods=functools.partial(
                                close_periods_job, app.session_factory, app.clock, settings.tz))
        await jobs.catch_up(single_instance=instance_lock.path is not None)
        jobs.start()
        sender_task = asyncio.create_task(app.sender.run(), name="outbox-sender")
        tasks.append(sender_task)
        health.sender_probe = lambda: not sender_task.done()
        await stop.wait()
    finally:
        if jobs is not None:
            jobs.stop()
        # Graceful: sends on the wire finish and are recorded, the rest is handed back.
        app.sender.stop()
        if tasks:
            await asyncio.wait(tasks, timeout=app.sender.options.stop_grace + 5)
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
        instance_lock.release()
