"""What keeps the internet-facing webhook server standing (finding 9 of issue 11).

aiohttp has no header read timeout: a client that sends half a request line is held until the
75 s keep-alive, and two hundred of them hold two hundred sockets. So:
- every connection goes through `GuardedProtocol`, which closes it (408) when a request's
  headers have not arrived whole within WEBHOOK_HEADER_TIMEOUT_SECONDS of its first byte, and
  turns away connections beyond WEBHOOK_MAX_CONNECTIONS with 503;
- the middleware reads every body within WEBHOOK_BODY_TIMEOUT_SECONDS and no larger than
  WEBHOOK_MAX_BODY_BYTES (aiohttp's client_max_size), before any handler runs;
- rejected calls (4xx) are logged by `RejectionLog` as one summary line per interval with
  counts, not one WARNING each: unauthenticated traffic cannot flood the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from timelang.clock import Clock

logger = logging.getLogger(__name__)

TIMEOUT_RESPONSE = (b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                    b"Content-Length: 0\r\n\r\n")
BUSY_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 5\r\n"
                 b"Content-Length: 0\r\n\r\n")


class RejectionLog:
    """Counts rejected calls; logs at most one WARNING line per interval, with the counts."""

    def __init__(self, interval_seconds: float, clock: Clock) -> None:
        self.interval = timedelta(seconds=interval_seconds)
        self.clock = clock
        self._counts: Counter[str] = Counter()
        self._since: datetime | None = None
        self._next_line: datetime | None = None
        self._timer: asyncio.TimerHandle | None = None

    def note(self, what: str) -> None:
        now = self.clock.now()
        if self._since is None:
            self._since = now
        self._counts[what] += 1
        if self._next_line is None or now >= self._next_line:
            self.flush()
        elif self._timer is None:
            # The calls held back are reported even when the flood stops.
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # called outside the server (a test): flushed by hand
                return
            self._timer = loop.call_later(self.interval.total_seconds(), self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._counts:
            return
        now = self.clock.now()
        total = sum(self._counts.values())
        detail = ", ".join(f"{what} ×{count}" for what, count in self._counts.most_common(5))
        seconds = (now - self._since).total_seconds() if self._since else 0.0
        logger.warning("HTTP: đã từ chối %d yêu cầu trong %.0f giây qua (%s)",
                       total, seconds, detail)
        self._counts.clear()
        self._since = None
        self._next_line = now + self.interval


class ConnectionGuard:
    """Connection cap and per-request header deadline, shared by every connection."""

    def __init__(self, *, max_connections: int, header_timeout: float) -> None:
        self.max_connections = max_connections
        self.header_timeout = header_timeout
        self._open: dict[Any, GuardedProtocol] = {}  # transport → its protocol
        self.turned_away = 0
        self.timed_out = 0

    def factory(self, inner: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        return lambda: GuardedProtocol(inner(), self)

    def protocol_for(self, transport: Any) -> GuardedProtocol | None:
        return self._open.get(transport)

    @property
    def open_connections(self) -> int:
        return len(self._open)


class GuardedProtocol(asyncio.Protocol):
    """Wraps aiohttp's protocol; only the asyncio protocol methods are forwarded."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self.inner = inner
        self.guard = guard
        self.transport: asyncio.Transport | None = None
        self.refused = False
        self._timer: asyncio.TimerHandle | None = None
        self._busy = False  # a request's headers are in, its handler runs
        self._data_while_busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.guard.open_connections >= self.guard.max_connections:
            self.refused = True
            self.guard.turned_away += 1
            transport.write(BUSY_RESPONSE)
            transport.close()
            return
        self.guard._open[transport] = self
        self.inner.connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self._busy:
            self._data_while_busy = True
        elif self._timer is None:
            self._arm()  # the first byte of the next request on a kept-alive connection
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return None if self.refused else self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if self.refused:
            return
        self.guard._open.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if not self.refused:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if not self.refused:
            self.inner.resume_writing()

    # --- called by the middleware -------------------------------------------------------

    def request_started(self) -> None:
        self._busy = True
        self._data_while_busy = False
        self._disarm()

    def request_finished(self) -> None:
        self._busy = False
        if self._data_while_busy:
            self._arm()  # a pipelined request began meanwhile: its headers get the deadline

    # --- the deadline -------------------------------------------------------------------

    def _arm(self) -> None:
        self._disarm()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.guard.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self._timer = None
        if self._busy or self.transport is None or self.transport.is_closing():
            return
        self.guard.timed_out += 1
        self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


class GuardedSite(web.TCPSite):
    """aiohttp's TCP site with every connection wrapped by the guard."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *,
                 guard: ConnectionGuard) -> None:
        super().__init__(runner, host, port)
        self.guard = guard

    async def start(self) -> None:
        await web.BaseSite.start(self)
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None
        self._server = await loop.create_server(
            self.guard.factory(server), self._host, self._port,  # type: ignore[arg-type]
            reuse_address=True, backlog=self._backlog)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def guard_middleware(guard: ConnectionGuard, rejections: RejectionLog,
                     body_timeout: float) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        protocol = guard.protocol_for(request.transport)
        if protocol is not None:
            protocol.request_started()
        try:
            try:
                # A route that takes files (the upload page) reads its body itself, as a
                # stream with its own size and time limits.
                own_body = getattr(request.match_info.handler, "reads_own_body", False)
                if request.body_exists and not own_body:
                    try:
                        # Read whole here, under a deadline; handlers get the cached body.
                        await asyncio.wait_for(request.read(), body_timeout)
                    except TimeoutError:
                        rejections.note(f"408 {_route(request)}")
                        response = web.Response(status=408)
                        response.force_close()
                        return response
                response = await handler(request)  # type: ignore[assignment]
            except web.HTTPException as error:  # 413 from the read, 404, 405, …
                if 400 <= error.status < 500:
                    rejections.note(f"{error.status} {_route(request)}")
                raise
            if 400 <= response.status < 500:
                rejections.note(f"{response.status} {_route(request)}")
            return response
        finally:
            if protocol is not None:
                protocol.request_finished()

    return middleware


def _route(request: web.Request) -> str:
    """The route's pattern, never the path itself: paths carry file and feed tokens."""
    resource = request.match_info.route.resource
    name = resource.canonical if resource is not None else "(không có đường dẫn)"
    return f"{request.method} {name}"
