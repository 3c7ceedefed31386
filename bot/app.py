"""The composition root: the one place that reads settings and builds and closes resources."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from bot.health import Health
from bot.http import build_web_server
from bot.memory import release_start_up_memory
from bot.startup import RetryPolicy
from bot.telegram_service import TelegramService
from bot.wiring import PlatformWiring
from bot.zalo_platforms import start_zalo_platforms
from config.settings import Settings
from db.evidence_files import EvidenceStore
from db.locks import InstanceLock
from db.migrate import upgrade
from db.queries import lazy_calendar
from db.session import SessionFactory, make_engine, make_session_factory
from handlers.router import Router
from reports.snapshots import close_periods_job
from scheduler.delivery_report import DeliveryReporter
from scheduler.jobs import ReminderJobs
from scheduler.planner import PlannerOptions, ReminderPlanner
from scheduler.ratelimit import PlatformRateLimiter, TelegramRateLimiter, limits_for
from scheduler.sender import OutboxSender, SenderOptions
from scheduler.transport import Transport
from timelang.clock import Clock, SystemClock

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
    planner: ReminderPlanner | None = None
    reporter: DeliveryReporter | None = None

    def add_transport(self, transport: Transport) -> None:
        self.transports[transport.platform] = transport
        self.sender.transports[transport.platform] = transport

    def join_sender(self, transport: Transport) -> None:
        self.add_transport(transport)
        self.sender.kick()

    def wiring(self) -> PlatformWiring:
        """What the platform adapters get: never the whole app."""
        return PlatformWiring(settings=self.settings, router=self.router,
                              session_factory=self.session_factory, clock=self.clock,
                              join_sender=self.join_sender)

    def close(self) -> None:
        self.router.close()  # its workers finish before their connections go
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
        calendar_provider=lazy_calendar,
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
    the HTTP server already answers /healthz with the real state (bot.health). Everything
    started is registered on one exit stack, so it closes in reverse order whatever fails."""
    settings = app.settings
    if settings.zalo_oa_enabled:
        settings.token_cipher()  # says which variable to set before anything starts
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    async with contextlib.AsyncExitStack() as stack:
        # SQLite: a second bot on the same file stops here, with the reason, before touching it.
        instance_lock = InstanceLock(settings.resolved_database_url)
        instance_lock.acquire()
        stack.callback(instance_lock.release)
        # Last before the lock goes: the answers delivered and not yet cleared are cleared,
        # so a restart does not send them again.
        stack.push_async_callback(_quietly, app.router.flush_delivered)
        policy = retry_policy or RetryPolicy.from_settings(settings)
        health = Health(clock=app.clock, session_factory=app.session_factory)
        wiring = app.wiring()
        web_server = build_web_server(wiring, always=True)
        assert web_server is not None
        web_server.health = health
        if settings.telegram_bot_token.get_secret_value():
            limiter = _rate_limiter(app, "telegram")
            telegram = TelegramService(
                wiring, health=health, policy=policy,
                rate_limiter=TelegramRateLimiter(limiter) if limiter is not None else None,
                sender_rate_limiter=(TelegramRateLimiter(limiter) if limiter is not None
                                     else None))
            telegram.mount(web_server)
            stack.push_async_callback(_quietly, telegram.close)
            telegram.start()
        for closer in await start_zalo_platforms(wiring, web_server, health=health,
                                                 retry_policy=policy):
            stack.push_async_callback(_quietly, closer)
        try:
            await web_server.start()
            stack.push_async_callback(_quietly, web_server.stop)
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
        stack.push_async_callback(_stop_sender, app, sender_task)
        stack.callback(jobs.stop)  # last in, first out: no planning while the sender stops
        health.sender_probe = lambda: not sender_task.done()
        release_start_up_memory()
        await stop.wait()


async def _stop_sender(app: App, sender_task: asyncio.Task[Any]) -> None:
    """Graceful: sends on the wire finish and are recorded, the rest is handed back."""
    app.sender.stop()
    await asyncio.wait([sender_task], timeout=app.sender.options.stop_grace + 5)
    sender_task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await sender_task


async def _quietly(close: Callable[[], Awaitable[Any]]) -> None:
    """A platform that fails to close must not keep the others open."""
    try:
        await close()
    except Exception as error:
        logger.warning("Đóng %s lỗi: %s", getattr(close, "__qualname__", close), error)
