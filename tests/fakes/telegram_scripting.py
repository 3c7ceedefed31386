"""The fake Telegram server's test-facing side: scripted users, recorded output, waits, faults, rate limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.fakes.telegram_model import (
    CLIENT_GONE,
    AcceptedSend,
    BotMessage,
    FakeChat,
    FakeTimeout,
    FakeUser,
    Fault,
    RateLimits,
    RecordedRequest,
    T,
    _command_entities,
    _image_size,
)

logger = logging.getLogger("tests.fakes.telegram_api")


class ScriptingMixin:
    """Mixed into FakeTelegramServer (tests.fakes.telegram_api), whose __init__ sets the state."""

    # ------------------------------------------------------------------ scripted users

    def user(self, user_id: int, first_name: str = "Người dùng", last_name: str | None = None,
             username: str | None = None, language_code: str | None = "vi") -> FakeUser:
        """Registers a user (and the private chat with the bot, chat_id == user_id)."""
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        self._users[user_id] = user
        chat = self._chats.get(user_id)
        if chat is None or chat.type != "private":
            self._chats[user_id] = FakeChat(user_id, "private", username=username,
                                            first_name=first_name, last_name=last_name)
        return user

    def group(self, chat_id: int, title: str, *, supergroup: bool = False,
              admins: Iterable[int | FakeUser] = (), creator: int | FakeUser | None = None,
              members: Iterable[int | FakeUser] = (), username: str | None = None) -> FakeChat:
        """Registers a group chat (chat_id must be negative) the bot is a member of."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (e.g. -1001234567890)")
        ids = {m.id if isinstance(m, FakeUser) else m for m in members}
        admin_ids = {a.id if isinstance(a, FakeUser) else a for a in admins}
        creator_id = creator.id if isinstance(creator, FakeUser) else creator
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title=title,
                        username=username, admins=admin_ids, creator=creator_id,
                        members=ids | admin_ids | ({creator_id} if creator_id else set()))
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat: int | str | FakeChat | FakeUser) -> FakeChat:
        """The chat for an id (auto-created like the real chat would exist), user or chat."""
        if isinstance(chat, FakeChat):
            return chat
        if isinstance(chat, FakeUser):
            chat = chat.id
        found = self._find_chat(chat)
        if found is None:
            if isinstance(chat, str) and not chat.lstrip("-").isdigit():
                raise KeyError(f"unknown chat {chat!r}")
            found = self._auto_chat(int(chat))
        return found

    def push_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Queues a raw update (update_id is assigned) for getUpdates."""
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self._pending.append(update)
        self.updates.append(update)
        self._wake_poller("update")
        self._wake_webhook()
        return update

    def redeliver(self, update: Mapping[str, Any]) -> None:
        """Queues an update again under its own update_id, as Telegram does when a bot died
        before confirming it (getUpdates offset) or a webhook call was not answered 2xx."""
        self._pending.append(dict(update))
        self._pending.sort(key=lambda u: u["update_id"])
        self._wake_poller("update")
        self._wake_webhook()

    def send_text(self, user: FakeUser | int, text: str,
                  chat: FakeChat | int | None = None, *,
                  reply_to: BotMessage | Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The user writes ``text``; /commands get bot_command entities. Returns the Message."""
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(user, chat, content, reply_to)

    def send_photo(self, user: FakeUser | int, data: bytes, caption: str | None = None,
                   chat: FakeChat | int | None = None) -> dict[str, Any]:
        """The user sends a photo; the bot can getFile + download the bytes."""
        width, height = _image_size(data)
        big = self._store_file(data, "photos", ".jpg", None, "image/jpeg", width=width,
                               height=height)
        scale = max(width, height) / 90 if max(width, height) > 90 else 1.0
        thumb = self._store_file(data, "photos", ".jpg", None, "image/jpeg",
                                 width=max(1, round(width / scale)),
                                 height=max(1, round(height / scale)))
        sizes = [
            {**f.file_dict(), "width": f.width, "height": f.height} for f in (thumb, big)
        ]
        content: dict[str, Any] = {"photo": sizes}
        self._add_caption(content, caption)
        return self._user_message(user, chat, content, None)

    def send_document(self, user: FakeUser | int, data: bytes, file_name: str,
                      mime_type: str | None = None, caption: str | None = None,
                      chat: FakeChat | int | None = None,
                      declared_size: int | None = None) -> dict[str, Any]:
        """The user sends a file. ``declared_size`` fakes a bigger file_size (e.g. 25 MB) than
        the bytes given; getFile then refuses sizes over 20 MB like Telegram."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        suffix = Path(file_name).suffix if re.fullmatch(r"\.\w{1,8}", Path(file_name).suffix) \
            else ""
        stored = self._store_file(data, "documents", suffix, file_name, mime,
                                  declared_size=declared_size)
        document = {**stored.file_dict(), "file_name": file_name, "mime_type": mime}
        content: dict[str, Any] = {"document": document}
        self._add_caption(content, caption)
        return self._user_message(user, chat, content, None)

    def press_button(self, user: FakeUser | int, message: BotMessage, callback_data: str, *,
                     check: bool = True) -> str:
        """The user presses an inline button of a bot message; returns the callback query id.

        With ``check`` the callback_data must be on the message's current keyboard."""
        if message.deleted:
            raise AssertionError(f"{message!r} was deleted; its buttons can't be pressed")
        if check and callback_data not in [b.callback_data for b in message.buttons()]:
            raise AssertionError(f"{callback_data!r} is not a button of {message!r}; buttons: "
                                 f"{[(b.text, b.callback_data) for b in message.buttons()]}")
        sender = self._as_user(user)
        self._callback_seq += 1
        query_id = f"{self.bot.id}{self._callback_seq:08d}"
        query = {
            "id": query_id,
            "from": sender.to_dict(),
            "message": json.loads(json.dumps(message.payload)),
            "chat_instance": str(abs(hash(("chat", message.chat_id))) % 10**18),
            "data": callback_data,
        }
        self._callback_queries[query_id] = query
        self.push_update({"callback_query": query})
        return query_id

    def click(self, user: FakeUser | int, message: BotMessage, label: str) -> str:
        """press_button on the one button whose label contains ``label``."""
        return self.press_button(user, message, message.button_data(label))

    # ------------------------------------------------------------------ recorded output

    def messages_to(self, chat: int | str | FakeChat | FakeUser) -> list[BotMessage]:
        """Every message the bot sent to the chat (edits applied, deleted ones flagged)."""
        key = self._chat_key(chat)
        return list(self._chat_messages.get(key, ()))

    def last_message(self, chat: int | str | FakeChat | FakeUser) -> BotMessage | None:
        messages = self._chat_messages.get(self._chat_key(chat))
        return messages[-1] if messages else None

    def requests_for(self, method: str) -> list[RecordedRequest]:
        spec = self.spec.method(method)
        name = spec.name if spec else method
        return [r for r in self.requests if r.method == name]

    @property
    def errors(self) -> list[str]:
        """Every request answered with an error (violations, faults, 429, state errors); requests
        whose client had already disconnected (status 499) are left out."""
        return [f"{r.method}: {r.status} {r.description}" for r in self.requests
                if r.status not in (0, 200, CLIENT_GONE)]

    def assert_no_violations(self) -> None:
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"{len(self.violations)} Bot API violation(s):\n  {listing}")

    def diagnostics(self, last: int = 15) -> str:
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} requests:"]
        for r in self.requests[-last:]:
            summary = ", ".join(f"{k}={v!r:.40}" for k, v in r.params.items())
            outcome = "ok" if r.ok else f"{r.status} {r.description}"
            lines.append(f"  {r.method}({summary}) -> {outcome}")
        if self.violations:
            lines.append("violations:")
            lines.extend(f"  {v}" for v in self.violations[-10:])
        return "\n".join(lines)

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0, *,
                       what: str | None = None) -> T:
        """Waits until ``predicate()`` is truthy (re-checked after every request); returns it."""
        value = predicate()
        if value:
            return value
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise FakeTimeout(f"timed out after {timeout}s waiting for {what or predicate}\n"
                              f"{self.diagnostics()}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

    async def wait_for_messages(self, chat: int | str | FakeChat | FakeUser, count: int = 1,
                                timeout: float = 5.0) -> list[BotMessage]:
        """The next ``count`` bot messages to the chat not returned by an earlier wait for that
        chat (exactly ``count``, so the result does not depend on timing; the first wait starts
        from the chat's first message). Raises FakeTimeout with diagnostics."""
        key = self._chat_key(chat)
        start = self._wait_cursor.get(key, 0)
        await self.wait_for(lambda: len(self._chat_messages.get(key, ())) >= start + count,
                            timeout, what=f"{count} new message(s) to chat {key}")
        self._wait_cursor[key] = start + count
        return self._chat_messages[key][start:start + count]

    async def wait_for_request(self, method: str,
                               where: Callable[[RecordedRequest], bool] | None = None,
                               timeout: float = 5.0) -> RecordedRequest:
        """The next answered request of ``method`` (after the one this returned last time)."""
        spec = self.spec.method(method)
        name = spec.name if spec else method

        def find() -> RecordedRequest | None:
            for index in range(self._request_cursor.get(name, 0), len(self.requests)):
                r = self.requests[index]
                if r.method == name and r.status and (where is None or where(r)):
                    self._request_cursor[name] = index + 1
                    return r
            return None

        return await self.wait_for(find, timeout, what=f"a {name} request")

    async def wait_for_callback_answer(self, query_id: str,
                                       timeout: float = 5.0) -> dict[str, Any]:
        return await self.wait_for(lambda: self.callback_answers.get(query_id), timeout,
                                   what=f"answerCallbackQuery({query_id})")

    # ------------------------------------------------------------------ faults

    def inject_fault(self, *, status: int = 500, description: str = "Internal Server Error",
                     chat_id: int | str | None = None, method: str | None = None,
                     times: int | None = None, hang: bool = False,
                     retry_after: int | None = None) -> Fault:
        fault = Fault(status, description, chat_id, method, times, hang, retry_after)
        self.faults.append(fault)
        return fault

    def block_chat(self, chat_id: int | str, times: int | None = None) -> Fault:
        """The user blocked the bot: 403 "Forbidden: bot was blocked by the user"."""
        return self.inject_fault(status=403, description="Forbidden: bot was blocked by the user",
                                 chat_id=chat_id, times=times)

    def chat_not_found(self, chat_id: int | str, times: int | None = None) -> Fault:
        return self.inject_fault(status=400, description="Bad Request: chat not found",
                                 chat_id=chat_id, times=times)

    def hang_requests(self, *, chat_id: int | str | None = None, method: str | None = None,
                      times: int | None = None) -> Fault:
        """Matching requests are not answered until stop() or ``hang_seconds``."""
        return self.inject_fault(status=504, description="Gateway Timeout", chat_id=chat_id,
                                 method=method, times=times, hang=True)

    def remove_fault(self, fault: Fault) -> None:
        with contextlib.suppress(ValueError):
            self.faults.remove(fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    # ------------------------------------------------------------------ rate limits

    def limit_violations(self, limits: RateLimits | None = None) -> int:
        """How many accepted sends broke a flood limit, recomputed from their timestamps."""
        return self.limit_violation_details(limits)["total"]

    def limit_violation_details(self, limits: RateLimits | None = None) -> dict[str, int]:
        limits = limits or self.rate_limits or RateLimits()
        sends = sorted(self.accepted_sends, key=lambda s: s.time)
        bad: set[int] = set()
        details = {"global": 0, "per_chat": 0, "per_group": 0}

        def scan(indices: list[int], window: float, limit: int | None, key: str) -> None:
            if limit is None:
                return
            low = 0
            for k, index in enumerate(indices):
                now = sends[index].time
                while sends[indices[low]].time <= now - window:
                    low += 1
                if k - low + 1 > limit:
                    details[key] += 1
                    bad.add(index)

        scan(list(range(len(sends))), 1.0, limits.global_per_sec, "global")
        by_chat: dict[int, list[int]] = {}
        for index, send in enumerate(sends):
            by_chat.setdefault(send.chat_id, []).append(index)
        for indices in by_chat.values():
            scan(indices, 1.0, limits.per_chat_per_sec, "per_chat")
            if sends[indices[0]].group:
                scan(indices, 60.0, limits.per_group_per_min, "per_group")
        return {**details, "total": len(bad)}

    def stats(self) -> dict[str, Any]:
        return {
            "requests": len(self.requests),
            "violations": len(self.violations),
            "accepted_sends": len(self.accepted_sends),
            "too_many_requests": self.too_many_requests,
            "hung_requests": self.hung_requests,
            "limit_violations": self.limit_violation_details(),
            "messages": len(self.sent_messages),
            "errors": len(self.errors),
        }

    def _rate_wait(self, chat: FakeChat, now: float) -> float | None:
        """Seconds until this send would be within every limit; None when it is now."""
        limits = self.rate_limits
        assert limits is not None
        waits = []
        checks: list[tuple[deque[float], float, int | None]] = [
            (self._global_window, 1.0, limits.global_per_sec),
            (self._chat_windows.setdefault(chat.id, deque()), 1.0, limits.per_chat_per_sec),
        ]
        if chat.is_group:
            checks.append((self._group_windows.setdefault(chat.id, deque()), 60.0,
                           limits.per_group_per_min))
        for window, span, limit in checks:
            if limit is None:
                continue
            while window and window[0] <= now - span:
                window.popleft()
            if len(window) >= limit:
                waits.append(window[len(window) - limit] + span - now)
        return max(waits) if waits else None

    def _accept_send(self, chat: FakeChat, method: str, now: float) -> None:
        self.accepted_sends.append(AcceptedSend(now, chat.id, chat.is_group, method))
        if self.rate_limits is not None:
            self._global_window.append(now)
            self._chat_windows.setdefault(chat.id, deque()).append(now)
            if chat.is_group:
                self._group_windows.setdefault(chat.id, deque()).append(now)
