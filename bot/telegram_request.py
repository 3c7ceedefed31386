"""python-telegram-bot's requests to the Bot API over aiohttp's client instead of httpx.

Why: on the bot's hot path (getUpdates, one sendMessage per reply) httpx and httpcore were a
third of the process's busy samples: httpx builds a Request, a Response and their streams in
Python, and httpcore's pool, on every request and every response, asks each idle pooled
connection whether its socket is readable (a `select` and anyio's attribute table per
connection), twice, in a loop over the pool inside a loop over the pool. aiohttp's client
parses HTTP in C and takes a pooled connection off a deque. aiohttp is already loaded at
start (the bot's own HTTP server, bot.http), so this client costs no new module.

The contract is PTB's `BaseRequest` (telegram/request/_baserequest.py, PTB 22): `do_request`
returns (status, body) and PTB's `post` maps statuses to its exceptions (400 → BadRequest,
403 → Forbidden, 429 → RetryAfter, …) and decodes the body exactly as with HTTPXRequest. Only
the transport's own failures are mapped here, as HTTPXRequest maps httpx's: a timeout →
`TimedOut` (the wait for a free connection or for connecting says "Pool timeout" and that the
request was not sent, which the outbox sender takes as safe to retry, see
bot.telegram.TelegramTransport), any other client error → `NetworkError`.

Parameters go out as HTTPXRequest sends them: an url-encoded form (see `form_body`), or
multipart/form-data when there are files (InputFile), with PTB's User-Agent.
"""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any
from urllib.parse import quote_plus

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: no connection to the Bot API became free or could be made in time. "
    "Request was *not* sent to Telegram."
)
_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one aiohttp `ClientSession`, its pool capped at
    `connection_pool_size` connections (HTTPXRequest's meaning of the size).

    Timeouts as HTTPXRequest's, per request overridable the same way: `pool_timeout` and
    `connect_timeout` bound, together, the wait for a pooled connection and the connecting
    (aiohttp's `connect`); `read_timeout` the wait for each piece of the answer (`sock_read`;
    getUpdates passes its long-polling timeout + 2 s); `write_timeout` (`media_write_timeout`
    for uploads) is added to the read timeout as the whole request's bound (aiohttp has no
    write timeout of its own, and a request is written before its answer is read)."""

    __slots__ = (
        "_connection_pool_size",
        "_default_timeout",
        "_media_write_timeout",
        "_session",
        "_ssl",
        "_timeouts",
    )

    def __init__(self, connection_pool_size: int = 16, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self._connection_pool_size = connection_pool_size
        self._media_write_timeout = media_write_timeout
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        # The common case (no per-request override) builds its ClientTimeout once.
        self._default_timeout = _client_timeout(read_timeout, write_timeout, connect_timeout,
                                                pool_timeout)
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The session must be made inside the running loop it will serve.
            connector = aiohttp.TCPConnector(limit=self._connection_pool_size, ssl=self._ssl)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._default_timeout,
                headers={"User-Agent": self.USER_AGENT},
                # The Bot API sets no cookies we want; a shared jar is work on every answer.
                cookie_jar=aiohttp.DummyCookieJar(),
                # A proxy from the environment (HTTPS_PROXY, NO_PROXY…), as httpx reads it;
                # without one, aiohttp is spared reading the environment on every request.
                trust_env=bool(urllib.request.getproxies()),
                # PTB decodes the body itself (BaseRequest.parse_json_payload).
                raise_for_status=False, auto_decompress=True)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        data: Any = None
        headers: dict[str, str] | None = None
        if files:
            data = _multipart(request_data, files)  # type: ignore[arg-type]
        elif request_data is not None:
            data = form_body(request_data.json_parameters)
            headers = _FORM_HEADERS
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout,
                                bool(files))
        try:
            async with session.request(method, url, data=data, headers=headers,
                                       timeout=timeout) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error

    def _timeout(self, read: ODVInput[float], write: ODVInput[float],
                 connect: ODVInput[float], pool: ODVInput[float],
                 upload: bool) -> aiohttp.ClientTimeout:
        if not upload and all(isinstance(value, DefaultValue)
                              for value in (read, write, connect, pool)):
            return self._default_timeout
        default_read, default_write, default_connect, default_pool = self._timeouts
        if upload and isinstance(write, DefaultValue):
            write = self._media_write_timeout
        return _client_timeout(
            default_read if isinstance(read, DefaultValue) else read,
            default_write if isinstance(write, DefaultValue) else write,
            default_connect if isinstance(connect, DefaultValue) else connect,
            default_pool if isinstance(pool, DefaultValue) else pool)


def _client_timeout(read: float | None, write: float | None, connect: float | None,
                    pool: float | None) -> aiohttp.ClientTimeout:
    total = None if read is None or write is None or connect is None or pool is None else (
        read + write + connect + pool)
    waiting = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect,
                                 sock_read=read)


def form_body(parameters: dict[str, str]) -> bytes:
    """The parameters as an url-encoded form, every byte of each value escaped as %XX.

    The same form to any reader (percent-decoding takes %XX for any byte) as urllib's
    `urlencode`, which PTB and httpx use, at a tenth of its CPU: urlencode escapes byte by
    byte in a Python loop, ≈0.2 ms for a page of Vietnamese text and its keyboard, as much as
    the whole request through aiohttp; `bytes.hex` does it in C. The body is larger (3 bytes
    a byte, ≈5 KB for such a page), which a connection to Telegram does not feel."""
    return "&".join(
        f"{quote_plus(name)}={'%' + value.encode().hex('%') if value else ''}"
        for name, value in parameters.items()).encode("ascii")


def _multipart(request_data: RequestData, files: dict[str, Any]) -> aiohttp.FormData:
    """Fields and files as one multipart/form-data body, as httpx builds it from PTB's
    `json_parameters` and `multipart_data` (name → (file name, content, MIME type))."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in files.items():
        file_name, content, mime_type = part
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form


class UpdatesRequest(AiohttpRequest):
    """getUpdates' request, which also keeps each update of the batch as Telegram sent it
    (the parsed JSON) in `received`, by update_id, until the inbox takes it
    (bot.telegram.InboxQueue): the inbox stores what arrived instead of PTB encoding the
    Update back (`Update.to_dict`, a twentieth of the bot's time per update).

    PTB's `Update.de_json` copies what it parses (`TelegramObject._parse_data`), so these
    dicts stay as received. The Updater puts a whole batch in its queue before it asks for the
    next one, so a new batch clears what an earlier one left (updates never put)."""

    __slots__ = ("received",)

    def __init__(self, received: dict[int, dict[str, Any]], connection_pool_size: int = 1,
                 **kwargs: Any) -> None:
        super().__init__(connection_pool_size, **kwargs)
        self.received = received

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        # PTB's documented hook for decoding answers (its `post` is final); getUpdates' is
        # the only kind this request gets, errors included (no list of updates in those).
        answer = super().parse_json_payload(payload)
        received = self.received
        received.clear()
        result = answer.get("result") if isinstance(answer, dict) else None
        if isinstance(result, list):
            for update in result:
                update_id = update.get("update_id") if isinstance(update, dict) else None
                if isinstance(update_id, int):
                    received[update_id] = update
        return answer
