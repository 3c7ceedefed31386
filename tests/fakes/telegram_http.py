"""The fake Telegram server's HTTP side: reading requests, validation, errors, long polling, internals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import mimetypes
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.bot_api_spec import MethodSpec, UploadedFile
from tests.fakes.formatting import Parsed
from tests.fakes.telegram_model import (
    CLIENT_GONE,
    PHOTO_UPLOAD_LIMIT,
    UPLOAD_LIMIT,
    ApiError,
    BotMessage,
    FakeChat,
    FakeFile,
    FakeUser,
    Fault,
    RecordedRequest,
    _Call,
    _command_entities,
    _image_size,
)

logger = logging.getLogger("tests.fakes.telegram_api")


class HttpMixin:
    """Mixed into FakeTelegramServer (tests.fakes.telegram_api), whose __init__ sets the state."""

    # ------------------------------------------------------------------ HTTP

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query) if request.query_string else {}
        files: dict[str, UploadedFile] = {}
        if request.method != "POST" or not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.read()
            if body.strip():
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("JSON body must be an object")
                params.update(data)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(key, value.filename, value.content_type,
                                              value.file.read())
                else:
                    params[key] = value
        elif await request.read():
            raise ValueError(f"unsupported Content-Type {ctype!r}")
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        spec = self.spec.method(name)
        record = RecordedRequest(spec.name if spec else name, {}, self._clock(), request.method)
        self.requests.append(record)
        try:
            try:
                params, files = await self._read(request)
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large", violation=True,
                               detail=f"upload over {UPLOAD_LIMIT} bytes") from None
            except (ValueError, web.HTTPException) as error:
                raise ApiError(400, "Bad Request: can't parse request body", violation=True,
                               detail=str(error)) from None
            record.params = params
            result = await self._process(record, request.match_info["token"], spec, params,
                                         files)
            record.status = 200
            record.result = result
            response = web.Response(text=json.dumps({"ok": True, "result": result}),
                                    content_type="application/json")
        except ApiError as error:
            response = self._error_response(record, error)
        except Exception as error:  # a bug in the fake itself: make it loud, not a hang
            logger.exception("fake Telegram server failed on %s", record.method)
            response = self._error_response(record, ApiError(
                500, "Internal Server Error", violation=True,
                detail=f"FAKE SERVER BUG {type(error).__name__}: {error}"))
        if request.transport is None or request.transport.is_closing():
            # The client gave up (timeout, cancelled long poll): nobody reads this answer.
            record.status = CLIENT_GONE
            record.description = "client closed the connection before the answer"
        self._notify()
        return response

    def _error_response(self, record: RecordedRequest, error: ApiError) -> web.Response:
        record.status = error.status
        record.description = error.description
        if error.violation:
            detail = f" — {error.detail}" if error.detail else ""
            self.violations.append(f"{record.method}: {error.description}{detail}")
        body: dict[str, Any] = {"ok": False, "error_code": error.status,
                                "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.Response(text=json.dumps(body), status=error.status,
                            content_type="application/json")

    async def _process(self, record: RecordedRequest, token: str, spec: MethodSpec | None,
                       raw: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self.latency_ms and record.method != "getUpdates":
            await asyncio.sleep(self.latency_ms / 1000)
        if token != self.token:
            raise ApiError(401, "Unauthorized", violation=True,
                           detail=f"token {token[:12]}… is not the fake bot's token")
        if spec is None:
            raise ApiError(404, "Not Found", violation=True,
                           detail=f"no Bot API method {record.method!r}")
        validation = self.spec.validate(spec, raw, files, strict_ampersand=self.strict_ampersand)
        params = validation.params
        record.params = params
        if validation.problems:
            raise ApiError(400, validation.problems[0].description, violation=True,
                           detail="; ".join(p.detail for p in validation.problems))
        if spec.name == "getUpdates":
            return await self._get_updates(params)
        for fault in self.faults:
            if fault.matches(spec.name, params):
                fault.hits += 1
                await self._fault(fault)
        chat = self._target_chat(spec, params)
        limited = chat is not None and spec.name in self._rate_limited
        now = self._clock()
        if limited and self.rate_limits is not None:
            assert chat is not None
            wait = self._rate_wait(chat, now)
            if wait is not None:
                self.too_many_requests += 1
                retry = max(1, math.ceil(wait))
                raise ApiError(429, f"Too Many Requests: retry after {retry}",
                               parameters={"retry_after": retry})
        handler = self._handlers.get(spec.name, self._generic)
        result = handler(_Call(spec, params, chat, validation.parsed, record, files))
        if limited:
            assert chat is not None
            self._accept_send(chat, spec.name, now)
        return result

    async def _fault(self, fault: Fault) -> None:
        if fault.hang:
            self.hung_requests += 1
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.hang_seconds)
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        raise ApiError(fault.status, fault.description, parameters=parameters)

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["file_path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or stored is None:
            self.violations.append(f"file download: no file at {path!r} for this token")
            return web.Response(status=404, text=json.dumps(
                {"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json")
        self.downloads.append(path)
        self._notify()
        return web.Response(body=stored.data,
                            content_type=stored.mime_type or "application/octet-stream")

    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _handle_script(self, request: web.Request) -> web.Response:
        """For a fake in its own process: users write `text`, `count` times round-robin (or,
        with `texts`, user i writes texts[i])."""
        body = await request.json()
        users = [self.user(int(uid), f"Người dùng {uid}") for uid in body["users"]]
        texts = [str(t) for t in body.get("texts") or [body["text"]]]
        for i in range(int(body.get("count", 1))):
            self.send_text(users[i % len(users)], texts[i % len(users) % len(texts)])
        return web.json_response({"ok": True})

    # ------------------------------------------------------------------ internals

    def _notify(self) -> None:
        if not self._waiters:
            return
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                value = predicate()
            except Exception as error:  # surface assertion errors etc. in the waiting test
                future.set_exception(error)
                continue
            if value:
                future.set_result(value)

    def _wake_poller(self, reason: str) -> None:
        waiter = self._poll_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(reason)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(float(params.get("timeout", 0)), self.max_long_poll)
        self._wake_poller("conflict")
        if not self._pending and timeout > 0 and not (self._stopping and self._stopping.is_set()):
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            try:
                done, _ = await asyncio.wait({waiter}, timeout=timeout)
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if done and waiter.result() == "conflict":
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
        return self._pending[:limit]

    def _find_chat(self, chat_id: int | str) -> FakeChat | None:
        if isinstance(chat_id, int):
            return self._chats.get(chat_id)
        if chat_id.lstrip("-").isdigit():
            return self._chats.get(int(chat_id))
        name = chat_id.lstrip("@").lower()
        for chat in self._chats.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None

    def _auto_chat(self, chat_id: int) -> FakeChat:
        if chat_id > 0:
            chat = FakeChat(chat_id, "private", first_name=f"User {chat_id}")
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = FakeChat(chat_id, kind, title=f"Group {chat_id}")
        self._chats[chat_id] = chat
        return chat

    def _chat_key(self, chat: int | str | FakeChat | FakeUser) -> int:
        if isinstance(chat, FakeChat | FakeUser):
            return chat.id
        if isinstance(chat, int):
            return chat
        found = self._find_chat(chat)
        if found is None:
            return int(chat)
        return found.id

    def _target_chat(self, spec: MethodSpec, params: dict[str, Any]) -> FakeChat | None:
        chat_id = params.get("chat_id")
        if chat_id is None or "chat_id" not in spec.fields:
            return None
        chat = self._find_chat(chat_id)
        if chat is None:
            numeric = isinstance(chat_id, int) or str(chat_id).lstrip("-").isdigit()
            if self.strict_chats or not numeric or int(chat_id) == 0:
                raise ApiError(400, "Bad Request: chat not found")
            chat = self._auto_chat(int(chat_id))
        if chat.bot_left and spec.name in self._rate_limited:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _require_chat(self, call: _Call) -> FakeChat:
        if call.chat is None:
            raise ApiError(400, "Bad Request: chat_id is empty", violation=True)
        return call.chat

    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            return user
        return self._users.get(user) or self.user(user)

    def _store_file(self, data: bytes, folder: str, suffix: str, file_name: str | None,
                    mime_type: str | None, *, declared_size: int | None = None,
                    width: int | None = None, height: int | None = None) -> FakeFile:
        self._file_seq += 1
        n = self._file_seq
        prefix = {"photos": "AgAC", "documents": "BQAC"}.get(folder, "CAAC")
        stored = FakeFile(
            file_id=f"{prefix}FakeFile{n:06d}",
            file_unique_id=f"AQADFake{n:06d}",
            data=data,
            file_size=declared_size if declared_size is not None else len(data),
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _add_caption(self, content: dict[str, Any], caption: str | None) -> None:
        if caption:
            content["caption"] = caption
            entities = _command_entities(caption)
            if entities:
                content["caption_entities"] = entities

    def _user_message(self, user: FakeUser | int, chat: FakeChat | int | None,
                      content: dict[str, Any],
                      reply_to: BotMessage | Mapping[str, Any] | None) -> dict[str, Any]:
        sender = self._as_user(user)
        target = self.chat(chat) if chat is not None else self.chat(sender.id)
        if target.is_group:
            target.members.add(sender.id)
        message: dict[str, Any] = {
            "message_id": target.next_message_id(),
            "from": sender.to_dict(),
            "chat": target.to_dict(),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = (reply_to.payload if isinstance(reply_to, BotMessage)
                                           else dict(reply_to))
        self._user_messages[(target.id, message["message_id"])] = message
        self.push_update({"message": message})
        return message

    def _find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        bot = self._bot_messages.get((chat_id, message_id))
        if bot is not None and not bot.deleted:
            return bot.payload
        return self._user_messages.get((chat_id, message_id))

    def _new_message(self, call: _Call, content: dict[str, Any], file: FakeFile | None = None,
                     raw_text: str | None = None) -> dict[str, Any]:
        chat = self._require_chat(call)
        params = call.params
        payload: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": self._bot_from,
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **content,
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            replied = self._find_message(chat.id, reply["message_id"])
            if replied is not None:
                payload["reply_to_message"] = {k: v for k, v in replied.items()
                                               if k != "reply_to_message"}
            elif not reply.get("allow_sending_without_reply"):
                chat.last_message_id -= 1
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        if params.get("has_spoiler"):
            payload["has_media_spoiler"] = True
        raw = raw_text or (params.get("text") if "text" in content else params.get("caption"))
        message = BotMessage(chat.id, payload["message_id"], call.spec.name, payload, params,
                             call.record.time, file, raw if isinstance(raw, str) else None)
        self._bot_messages[(chat.id, message.message_id)] = message
        self._chat_messages.setdefault(chat.id, []).append(message)
        self.sent_messages.append(message)
        return payload

    @staticmethod
    def _text_content(parsed: Parsed | None, params: dict[str, Any], key: str) -> dict[str, Any]:
        if parsed is None:
            return {}
        entities_key = "entities" if key == "text" else "caption_entities"
        content: dict[str, Any] = {key: parsed.text}
        if parsed.entities:
            content[entities_key] = parsed.entities
        elif params.get(entities_key):
            content[entities_key] = params[entities_key]
        return content

    def _incoming_file(self, value: Any, folder: str, default_name: str) -> FakeFile:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty", violation=True,
                               detail=f"empty upload {value.filename!r}")
            limit = PHOTO_UPLOAD_LIMIT if folder == "photos" else UPLOAD_LIMIT
            if len(value.data) > limit:
                raise ApiError(400, "Bad Request: file is too big", violation=True,
                               detail=f"{len(value.data)} bytes > {limit}")
            name = value.filename or default_name
            mime = mimetypes.guess_type(name)[0] or value.content_type or \
                "application/octet-stream"
            suffix = Path(name).suffix if re.fullmatch(r"\.\w{1,8}", Path(name).suffix) else ""
            if folder == "photos":
                width, height = _image_size(value.data)
                return self._store_file(value.data, folder, ".jpg", None, "image/jpeg",
                                        width=width, height=height)
            return self._store_file(value.data, folder, suffix, name, mime)
        if isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                name = value.rsplit("/", 1)[-1] or default_name
                return self._store_file(b"", folder, "", name,
                                        mimetypes.guess_type(name)[0])
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
