"""A small client for the Zalo Bot Platform, on httpx.

The PyPI wrappers return None on errors, drop photos and break inside a running event loop, so
the bot talks to the API itself: `POST {base}{token}/{method}` with a JSON body, answered by
`{"ok": true, "result": …}` or `{"ok": false, "error_code": n, "description": "…"}`.

Every failure is a `ZaloError` subclass that says whether the request could have reached Zalo,
so callers can tell "safe to retry" from "may have been delivered". The token is part of every
URL; no message built here ever contains a URL, and `repr` hides the token.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.tls import shared_tls_context
from timelang import numbers

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com/bot"
EMPTY_POLL = 408  # getUpdates: the long poll ended without an update
# Long polls answer after `timeout` seconds; the HTTP read timeout must outlast that.
POLL_GRACE_SECONDS = 15.0


class ZaloError(Exception):
    """Any failure talking to Zalo."""


class ZaloApiError(ZaloError):
    """Zalo answered `ok: false` (or an HTTP error without a usable body)."""

    def __init__(self, error_code: int, description: str, *,
                 http_status: int | None = None) -> None:
        super().__init__(f"Zalo error {error_code}: {description}")
        self.error_code = error_code
        self.description = description
        self.http_status = http_status

    @property
    def is_rate_limited(self) -> bool:
        return self.error_code == 429 or self.http_status == 429

    @property
    def is_unauthorized(self) -> bool:
        return self.error_code == 401 or self.http_status == 401

    @property
    def is_forbidden(self) -> bool:
        return self.error_code == 403 or self.http_status == 403

    @property
    def is_not_found(self) -> bool:
        text = self.description.lower()
        return self.error_code == 404 or "not found" in text or "not exist" in text

    @property
    def is_server_error(self) -> bool:
        return self.error_code >= 500 or (self.http_status or 0) >= 500


class ZaloNetworkError(ZaloError):
    """The request never reached Zalo (no connection): safe to send again."""


class ZaloTimeout(ZaloError):
    """The request went out but no answer came: Zalo may have acted on it."""


class ZaloBadResponse(ZaloError):
    """Zalo answered something that is not the documented JSON envelope."""


class FileTooBig(ZaloError):
    """A download was longer than allowed; `size` is what was known when it stopped."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"file larger than allowed ({size} bytes)")
        self.size = size


class ZaloBotClient:
    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        timeout: float = 20.0,
    ) -> None:
        if not token:
            raise ValueError("ZALO_BOT_TOKEN is empty")
        self._token = token
        self.base_url = base_url
        self.timeout = timeout
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(timeout=httpx.Timeout(timeout),
                                              verify=shared_tls_context())

    def __repr__(self) -> str:
        return f"ZaloBotClient(base_url={self.base_url!r}, token=***)"

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    # --- the API ------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        return await self._call("getMe", {})

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update, or None when the long poll ended empty (408)."""
        try:
            result = await self._call(
                "getUpdates", {"timeout": str(timeout)}, read_timeout=timeout + POLL_GRACE_SECONDS
            )
        except ZaloApiError as error:
            if error.error_code == EMPTY_POLL or error.http_status == EMPTY_POLL:
                return None
            raise
        return result or None

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        return await self._call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> dict[str, Any]:
        return await self._call("deleteWebhook", {})

    async def get_webhook_info(self) -> dict[str, Any]:
        return await self._call("getWebhookInfo", {})

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self._call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str,
                         caption: str | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self._call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> dict[str, Any]:
        return await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, max_bytes: int) -> bytes:
        """A file Zalo links to (photo_url). The URL is Zalo's CDN, not the API: no token."""
        return await download(self.http, url, max_bytes)

    # --- plumbing -----------------------------------------------------------------------

    def _url(self, method: str) -> str:
        return f"{self.base_url}{self._token}/{method}"

    async def _call(
        self, method: str, payload: dict[str, Any], *, read_timeout: float | None = None
    ) -> Any:
        timeout = httpx.Timeout(self.timeout, read=read_timeout or self.timeout)
        try:
            response = await self.http.post(self._url(method), json=payload, timeout=timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise ZaloNetworkError(f"{method}: {type(error).__name__}") from None
        except httpx.TimeoutException as error:
            raise ZaloTimeout(f"{method}: {type(error).__name__}") from None
        except httpx.TransportError as error:
            # Written but not answered (connection reset, broken pipe): outcome unknown.
            raise ZaloTimeout(f"{method}: {type(error).__name__}") from None
        return _result(method, response)


def _result(method: str, response: httpx.Response) -> Any:
    """The `result` of a reply; `ok` decides, not the HTTP status alone."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "ok" not in body:
        if response.status_code >= 400:
            raise ZaloApiError(response.status_code, response.reason_phrase or "HTTP error",
                               http_status=response.status_code)
        raise ZaloBadResponse(f"{method}: reply is not a Zalo envelope")
    if body.get("ok") is True:
        return body.get("result")
    code = body.get("error_code")
    try:
        error_code = int(code) if code is not None else response.status_code
    except (TypeError, ValueError):
        error_code = response.status_code
    description = str(body.get("description") or "")
    raise ZaloApiError(error_code, description, http_status=response.status_code)


async def download(http: httpx.AsyncClient, url: str, max_bytes: int) -> bytes:
    """The body at `url`, read no further than max_bytes (`FileTooBig` past it)."""
    if not url.startswith(("http://", "https://")):
        raise ZaloBadResponse("file link is not an http(s) URL")
    try:
        async with http.stream("GET", url, follow_redirects=True) as response:
            if response.status_code != 200:
                raise ZaloApiError(response.status_code, "download failed",
                                   http_status=response.status_code)
            declared = response.headers.get("content-length")
            if declared and numbers.is_ascii_number(declared) and int(declared) > max_bytes:
                raise FileTooBig(int(declared))
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise FileTooBig(received)
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.TimeoutException:
        raise ZaloTimeout("download timed out") from None
    except httpx.TransportError as error:
        raise ZaloNetworkError(f"download failed: {type(error).__name__}") from None
