"""Fake Zalo servers on loopback (aiohttp), for end-to-end tests without the internet.

`FakeZaloBotApi` plays the Zalo Bot Platform as DOMAIN.md §2 describes it: `POST
/bot{token}/{method}` with a JSON body; `{"ok": true, "result": …}` or `{"ok": false,
"error_code": n, "description": …}`; getUpdates hands out ONE update per call, long-polls up
to `timeout` seconds and answers 408 when nothing came; sendMessage refuses text over 2,000
characters; sendPhoto fetches the photo URL it is given, as Zalo's servers would. It also
serves test photos over http so that updates can carry a `photo_url`, and can push updates to
a webhook with or without the secret header, wrapped or bare.

`FakeZaloOA` plays the Official Account API: the OAuth refresh endpoint (single-use refresh
tokens, calls counted, optional delay) and the customer-service message endpoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from timelang.clock import Clock

TEXT_LIMIT = 2000


@dataclass
class Sent:
    """One message the bot sent: text, or a photo (its URL, fetched bytes and caption)."""

    method: str
    chat_id: str
    text: str = ""
    photo_url: str | None = None
    photo_bytes: bytes | None = None
    at: float = field(default_factory=time.monotonic)


class _Loopback:
    def __init__(self) -> None:
        self.app = web.Application()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _ok(result: Any = True) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, status: int = 200) -> web.Response:
    return web.json_response({"ok": False, "error_code": code, "description": description},
                             status=status)


class FakeZaloBotApi(_Loopback):
    def __init__(self, token: str = "123456:fake-zalo-token") -> None:
        super().__init__()
        self.token = token
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.photos: dict[str, bytes] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        # Chats the bot may write to: people who have written to it (Zalo's own rule).
        self.known_chats: set[str] = set()
        # method → (error_code, description, http status) answered once, for failure tests.
        self.fail_next: dict[str, tuple[int, str, int]] = {}
        self._closing = asyncio.Event()
        self.app.router.add_post("/bot{token}/{method}", self._api)
        self.app.router.add_get("/photos/{photo_id}", self._photo)

    @property
    def base_url(self) -> str:
        return f"{self.origin}/bot"

    async def stop(self) -> None:
        self._closing.set()  # ends pending long polls, so shutdown does not wait for them
        await super().stop()

    # --- what users do -------------------------------------------------------------------

    def text_update(self, user_id: str, text: str, *, name: str = "Người dùng",
                    chat_id: str | None = None, group: bool = False) -> dict[str, Any]:
        return self._update("message.text.received", user_id, name, chat_id, group, text=text)

    def photo_update(self, user_id: str, data: bytes, *, caption: str | None = None,
                     name: str = "Người dùng", field_name: str = "photo_url") -> dict[str, Any]:
        extra: dict[str, Any] = {field_name: self.host_photo(data)}
        if caption is not None:
            extra["caption"] = caption
        return self._update("message.image.received", user_id, name, None, False, **extra)

    def unsupported_update(self, user_id: str, *, name: str = "Người dùng") -> dict[str, Any]:
        return self._update("message.unsupported.received", user_id, name, None, False)

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates."""
        self.updates.put_nowait(update)

    def host_photo(self, data: bytes) -> str:
        photo_id = secrets.token_hex(8)
        self.photos[photo_id] = data
        return f"{self.origin}/photos/{photo_id}.jpg"

    async def deliver_webhook(self, update: dict[str, Any], *, secret: str | None = "",
                              wrapped: bool = False) -> int:
        """POST an update to the registered webhook; secret "" means the registered one,
        None means no header at all. Returns the HTTP status."""
        headers = {}
        if secret is not None:
            headers["X-Bot-Api-Secret-Token"] = secret or self.webhook_secret
        body = {"ok": True, "result": update} if wrapped else update
        async with aiohttp.ClientSession() as session, session.post(
            self.webhook_url, json=body, headers=headers
        ) as response:
            return response.status

    def sent_to(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def _update(self, event: str, user_id: str, name: str, chat_id: str | None, group: bool,
                **fields: Any) -> dict[str, Any]:
        chat = chat_id or user_id
        if not group:
            self.known_chats.add(chat)
        return {
            "event_name": event,
            "message": {
                "message_id": secrets.token_hex(10),
                "date": int(time.time() * 1000),
                "chat": {"id": chat, "chat_type": "GROUP" if group else "PRIVATE"},
                "from": {"id": user_id, "display_name": name, "is_bot": False},
                **fields,
            },
        }

    # --- the API -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized", status=401)
        method = request.match_info["method"]
        try:
            payload = await request.json() if request.can_read_body else {}
        except ValueError:
            return _error(400, "Bad Request: body is not JSON", status=400)
        self.calls.append((method, payload))
        if method in self.fail_next:
            code, description, status = self.fail_next.pop(method)
            return _error(code, description, status=status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Method {method} not found", status=404)
        return await handler(payload)

    async def _m_getMe(self, payload: dict[str, Any]) -> web.Response:
        return _ok({"id": "1459232241454765289", "account_name": "bot.NhacViec",
                    "account_type": "BASIC", "can_join_groups": False})

    async def _m_getUpdates(self, payload: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return _error(409, "Conflict: webhook is active, use deleteWebhook first")
        try:
            timeout = float(payload.get("timeout", 30))
        except (TypeError, ValueError):
            return _error(400, "Bad Request: timeout must be a number")
        getting = asyncio.ensure_future(self.updates.get())
        closing = asyncio.ensure_future(self._closing.wait())
        done, _ = await asyncio.wait({getting, closing}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        closing.cancel()
        if getting not in done:
            getting.cancel()
            return _error(408, "Request timeout", status=408)
        return _ok(getting.result())

    async def _m_sendMessage(self, payload: dict[str, Any]) -> web.Response:
        chat_id, text = str(payload.get("chat_id") or ""), payload.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            return _error(400, f"Bad Request: text must be 1 to {TEXT_LIMIT} characters")
        if chat_id not in self.known_chats:
            return _error(404, "Chat not found")
        self.sent.append(Sent("sendMessage", chat_id, text=text))
        return _ok({"message_id": secrets.token_hex(10), "date": int(time.time() * 1000)})

    async def _m_sendPhoto(self, payload: dict[str, Any]) -> web.Response:
        chat_id, photo = str(payload.get("chat_id") or ""), payload.get("photo")
        caption = payload.get("caption") or ""
        if chat_id not in self.known_chats:
            return _error(404, "Chat not found")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            return _error(400, "Bad Request: photo must be an http(s) URL")
        if len(caption) > TEXT_LIMIT:
            return _error(400, f"Bad Request: caption longer than {TEXT_LIMIT} characters")
        try:
            async with aiohttp.ClientSession() as session, session.get(photo) as response:
                if response.status != 200:
                    return _error(400, f"Bad Request: photo URL answered {response.status}")
                data = await response.read()
        except aiohttp.ClientError:
            return _error(400, "Bad Request: photo URL unreachable")
        self.sent.append(Sent("sendPhoto", chat_id, text=caption, photo_url=photo,
                              photo_bytes=data))
        return _ok({"message_id": secrets.token_hex(10), "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, payload: dict[str, Any]) -> web.Response:
        if payload.get("action") not in ("typing", "upload_photo"):
            return _error(400, "Bad Request: unknown action")
        return web.json_response({"ok": True})

    async def _m_setWebhook(self, payload: dict[str, Any]) -> web.Response:
        url, secret = payload.get("url"), payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return _error(400, "Bad Request: url is required")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8 to 256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, payload: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = ""
        return _ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, payload: dict[str, Any]) -> web.Response:
        return _ok({"url": self.webhook_url, "updated_at": int(time.time() * 1000)})

    async def _photo(self, request: web.Request) -> web.Response:
        photo_id = request.match_info["photo_id"].removesuffix(".jpg")
        data = self.photos.get(photo_id)
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="image/jpeg")


# --- Official Account ----------------------------------------------------------------------


class FakeZaloOA(_Loopback):
    """OAuth refresh (single-use refresh tokens) and the OA customer-service message API."""

    def __init__(self, *, app_id: str, app_secret: str, refresh_token: str,
                 refresh_delay: float = 0.0, clock: Clock | None = None) -> None:
        super().__init__()
        # Events carry the bot's (controllable) time: the bot refuses stale timestamps.
        self.clock = clock
        self.app_id = app_id
        self.app_secret = app_secret
        self.valid_refresh_tokens = {refresh_token}
        self.valid_access_tokens: set[str] = set()
        self.refresh_delay = refresh_delay
        self.refresh_calls = 0
        self.sent: list[tuple[str, str]] = []  # (user_id, text)
        self.profiles: dict[str, str] = {}
        # user id → error code answered for messages to them (e.g. -213 outside the window).
        self.refuse: dict[str, int] = {}
        self._counter = itertools.count(1)
        self.app.router.add_post("/v4/oa/access_token", self._refresh)
        self.app.router.add_post("/v3.0/oa/message/cs", self._message)
        self.app.router.add_get("/v3.0/oa/user/detail", self._profile)

    @property
    def api_base_url(self) -> str:
        return self.origin

    @property
    def oauth_url(self) -> str:
        return f"{self.origin}/v4/oa/access_token"

    def expire_access_tokens(self) -> None:
        self.valid_access_tokens.clear()

    async def _refresh(self, request: web.Request) -> web.Response:
        self.refresh_calls += 1
        form = await request.post()
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        app_ok = form.get("app_id") == self.app_id
        if request.headers.get("secret_key") != self.app_secret or not app_ok:
            return web.json_response({"error": -14002, "error_name": "Invalid app",
                                      "error_description": "app_id or secret_key is wrong"})
        if form.get("grant_type") != "refresh_token":
            return web.json_response({"error": -14003, "error_name": "Invalid grant type"})
        token = str(form.get("refresh_token") or "")
        if token not in self.valid_refresh_tokens:
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token",
                                      "error_description": "refresh token is used or expired"})
        self.valid_refresh_tokens.discard(token)  # single use
        number = next(self._counter)
        access, refresh = f"access-{number}-{secrets.token_hex(4)}", f"refresh-{number}"
        self.valid_access_tokens.add(access)
        self.valid_refresh_tokens.add(refresh)
        return web.json_response({"access_token": access, "refresh_token": refresh,
                                  "expires_in": "90000"})

    async def _message(self, request: web.Request) -> web.Response:
        if request.headers.get("access_token") not in self.valid_access_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        user_id = str(body.get("recipient", {}).get("user_id") or "")
        text = str(body.get("message", {}).get("text") or "")
        if user_id in self.refuse:
            return web.json_response({"error": self.refuse[user_id],
                                      "message": "User has not interacted with the OA"})
        if not 1 <= len(text) <= TEXT_LIMIT:
            return web.json_response({"error": -201, "message": "text is invalid"})
        self.sent.append((user_id, text))
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"message_id": secrets.token_hex(8), "user_id": user_id}})

    async def _profile(self, request: web.Request) -> web.Response:
        if request.headers.get("access_token") not in self.valid_access_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        data = json.loads(request.query.get("data", "{}"))
        user_id = str(data.get("user_id") or "")
        if user_id not in self.profiles:
            return web.json_response({"error": -201, "message": "user not found"})
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"user_id": user_id,
                                           "display_name": self.profiles[user_id]}})

    def signed_event(self, body: dict[str, Any],
                     oa_secret_key: str) -> tuple[bytes, dict[str, str]]:
        """An OA webhook call as Zalo signs it: mac = sha256(app_id + body + timestamp + key)."""
        raw = json.dumps(body, ensure_ascii=False).encode()
        timestamp = str(body["timestamp"])
        mac = hashlib.sha256(
            self.app_id.encode() + raw + timestamp.encode() + oa_secret_key.encode()
        ).hexdigest()
        return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        now_ms = int((self.clock.now().timestamp() if self.clock else time.time()) * 1000)
        return {
            "app_id": self.app_id,
            "user_id_by_app": f"app-{user_id}",
            "event_name": "user_send_text",
            "timestamp": str(now_ms),
            "sender": {"id": user_id},
            "recipient": {"id": "oa-1"},
            "message": {"msg_id": secrets.token_hex(10), "text": text},
        }
