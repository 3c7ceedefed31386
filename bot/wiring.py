"""What a platform adapter gets from the composition root, and nothing more.

Adapters (Telegram, the Zalo Bot, the Zalo OA, the HTTP server) need the settings, the
router that handles updates, sessions for their inbox, the clock, and a way to hand their
transport to the outbox sender. They never see the whole `App` (its engine, planner,
reporter …), so what they can touch is written down here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from config.settings import Settings
from db.session import SessionFactory
from handlers.router import Router
from scheduler.transport import Transport
from timelang.clock import Clock


@dataclass(frozen=True)
class PlatformWiring:
    settings: Settings
    router: Router
    session_factory: SessionFactory
    clock: Clock
    # Joins a started platform's transport to the outbox sender (and wakes it).
    join_sender: Callable[[Transport], None]
