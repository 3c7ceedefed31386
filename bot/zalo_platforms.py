"""Starting the Zalo platforms the settings name (the Zalo Bot, the Zalo OA) and joining
their transports to the outbox sender.

Their modules (clients, webhook payload models, the upload page) are imported only for a
platform that is switched on: a Telegram-only bot does not carry them (issue 17: idle RSS).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from handlers.base import Replier

if TYPE_CHECKING:
    from bot.health import Health
    from bot.http import WebServer
    from bot.startup import RetryPolicy
    from bot.wiring import PlatformWiring
    from bot.zalo_adapter import ZaloBot
    from bot.zalo_oa import ZaloOABot



async def start_zalo_platforms(
    wiring: PlatformWiring, web_server: WebServer | None, *, health: Health | None = None,
    retry_policy: RetryPolicy | None = None,
) -> list[Callable[[], Awaitable[None]]]:
    """Starts the Zalo bot and the OA when configured; their transports join the outbox
    sender. Returns what to close at shutdown. Routes are added before the server starts."""
    settings = wiring.settings
    file_links = web_server.file_links if web_server is not None else None
    closers: list[Callable[[], Awaitable[None]]] = []
    zalo: ZaloBot | None = None
    oa: ZaloOABot | None = None
    if settings.zalo_bot_token.get_secret_value():
        # why: the Zalo Bot's client loads only when it is switched on
        from bot.zalo_adapter import PLATFORM, ZaloBot

        zalo = ZaloBot.from_settings(settings, wiring.router, file_links=file_links,
                                     session_factory=wiring.session_factory, clock=wiring.clock)
        if health is not None:
            webhook = settings.webhook_mode and web_server is not None
            zalo.health = health.platform(PLATFORM, "webhook" if webhook else "polling")
            zalo.on_update = lambda: health.saw_update(PLATFORM)
            zalo.retry_policy = retry_policy
    if settings.zalo_oa_enabled:
        # why: the Zalo OA's client loads only when it is switched on
        from bot.zalo_oa import ZaloOABot

        oa = ZaloOABot.from_settings(settings, router=wiring.router,
                                     session_factory=wiring.session_factory, clock=wiring.clock,
                                     file_links=file_links)
    # One upload page for both: neither Zalo platform passes documents to the bot reliably.
    repliers: dict[str, Callable[[str], Replier]] = {}
    if zalo is not None:
        repliers[zalo.transport.platform] = zalo.replier
    if oa is not None:
        repliers[oa.transport.platform] = oa.replier
    if web_server is not None and repliers:
        # why: the upload page loads only for a Zalo platform
        from bot import upload_page

        links = upload_page.mount(
            web_server, router=wiring.router, settings=settings,
            session_factory=wiring.session_factory, clock=wiring.clock, repliers=repliers)
        if zalo is not None:
            zalo.upload_links = links
        if oa is not None:
            oa.upload_links = links
    if zalo is not None:
        await zalo.start(web_server)
        wiring.join_sender(zalo.transport)
        closers.append(zalo.stop)
    if oa is not None:
        await oa.start(web_server)
        wiring.join_sender(oa.transport)
        closers.append(oa.stop)
    return closers
