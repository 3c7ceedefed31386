"""Starting the Zalo platforms the settings name (the Zalo Bot, the Zalo OA) and joining
their transports to the outbox sender."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot import upload_page
from bot.zalo_adapter import PLATFORM, ZaloBot
from bot.zalo_oa import ZaloOABot

if TYPE_CHECKING:
    from bot.app import App
    from bot.health import Health
    from bot.http import WebServer
    from bot.startup import RetryPolicy



async def start_zalo_platforms(
    app: App, web_server: WebServer | None, *, health: Health | None = None,
    retry_policy: RetryPolicy | None = None,
) -> list[Callable[[], Awaitable[None]]]:
    """Starts the Zalo bot and the OA when configured; their transports join the outbox
    sender. Returns what to close at shutdown. Routes are added before the server starts."""
    settings = app.settings
    file_links = web_server.file_links if web_server is not None else None
    closers: list[Callable[[], Awaitable[None]]] = []
    if settings.zalo_bot_token.get_secret_value():
        zalo = ZaloBot.from_settings(settings, app.router, file_links=file_links,
                                     session_factory=app.session_factory, clock=app.clock)
        if health is not None:
            webhook = settings.webhook_mode and web_server is not None
            zalo.health = health.platform(PLATFORM, "webhook" if webhook else "polling")
            zalo.on_update = lambda: health.saw_update(PLATFORM)
            zalo.retry_policy = retry_policy
        if web_server is not None:
            zalo.upload_links = upload_page.mount(
                web_server, router=app.router, settings=settings,
                session_factory=app.session_factory, clock=app.clock,
                repliers={PLATFORM: zalo.replier})
        await zalo.start(web_server)
        app.add_transport(zalo.transport)
        closers.append(zalo.stop)
    if settings.zalo_oa_enabled:
        oa = ZaloOABot.from_settings(settings, router=app.router,
                                     session_factory=app.session_factory, clock=app.clock,
                                     file_links=file_links)
        await oa.start(web_server)
        app.add_transport(oa.transport)
        closers.append(oa.stop)
    return closers
