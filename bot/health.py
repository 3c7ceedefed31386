"""What `/healthz` reports: each platform's real state, the database, the outbox sender.

The answer is JSON; the status is 200 when the bot can work and 503 when it cannot (a
configured platform not receiving, the database unreachable, the sender stopped), so that
Docker's HEALTHCHECK, a load balancer or a monitoring probe see the truth instead of "ok".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from sqlalchemy import text

from db.session import SessionFactory
from timelang.clock import Clock

logger = logging.getLogger(__name__)

State = Literal["starting", "running", "stopped"]
# A database that does not answer within this is as good as down for a chat bot.
DB_PROBE_TIMEOUT = 5.0


@dataclass
class PlatformHealth:
    """One chat platform as the start-up code and the update path see it."""

    platform: str
    mode: Literal["polling", "webhook"]
    state: State = "starting"
    webhook_registered: bool = False
    last_update_at: datetime | None = None
    last_error: str | None = None
    start_attempts: int = 0
    # Asked at each report: is the polling loop still going (PTB's updater, Zalo's task)?
    polling_probe: Callable[[], bool] | None = None

    @property
    def polling_alive(self) -> bool:
        return self.polling_probe is not None and self.polling_probe()

    @property
    def receiving(self) -> bool:
        if self.state != "running":
            return False
        return self.webhook_registered if self.mode == "webhook" else self.polling_alive

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mode": self.mode,
            "state": self.state,
            "ok": self.receiving,
            "last_update_at": self.last_update_at.isoformat() if self.last_update_at else None,
            "start_attempts": self.start_attempts,
            "last_error": self.last_error,
        }
        if self.mode == "webhook":
            data["webhook_registered"] = self.webhook_registered
        else:
            data["polling_alive"] = self.polling_alive
        return data


@dataclass
class Health:
    clock: Clock
    session_factory: SessionFactory | None = None
    platforms: dict[str, PlatformHealth] = field(default_factory=dict)
    # Set by `run` once the outbox sender's task exists.
    sender_probe: Callable[[], bool] | None = None

    def platform(self, name: str, mode: Literal["polling", "webhook"]) -> PlatformHealth:
        entry = self.platforms.get(name)
        if entry is None or entry.mode != mode:
            entry = self.platforms[name] = PlatformHealth(platform=name, mode=mode)
        return entry

    def saw_update(self, platform: str) -> None:
        entry = self.platforms.get(platform)
        if entry is not None:
            entry.last_update_at = self.clock.now()

    def database_reachable(self) -> bool:
        if self.session_factory is None:
            return True
        try:
            with self.session_factory() as session:
                session.execute(text("SELECT 1"))
            return True
        except Exception as error:
            logger.warning("healthz: CSDL không trả lời: %s", type(error).__name__)
            return False

    async def report(self) -> tuple[int, dict[str, Any]]:
        try:
            database = await asyncio.wait_for(asyncio.to_thread(self.database_reachable),
                                              DB_PROBE_TIMEOUT)
        except TimeoutError:
            database = False
        sender = self.sender_probe() if self.sender_probe is not None else False
        platforms = {name: entry.as_json() for name, entry in sorted(self.platforms.items())}
        ok = database and sender and bool(platforms) and all(
            entry["ok"] for entry in platforms.values())
        body = {"ok": ok, "database": database, "sender_alive": sender,
                "platforms": platforms, "time": self.clock.now().isoformat()}
        return (200 if ok else 503), body

    async def handle(self, request: web.Request) -> web.Response:
        status, body = await self.report()
        return web.json_response(body, status=status,
                                 headers={"Cache-Control": "no-store"})
