"""The fake Telegram server's Bot API methods (getMe, send*, edit*, webhooks, chats, generic)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterable
from typing import Any

import aiohttp

from tests.fakes.formatting import Parsed, ParseError, parse_formatted
from tests.fakes.telegram_model import (
    _MEDIA_METHODS,
    _NOT_MODIFIED,
    _QUERY_INVALID,
    CHAT_ACTIONS,
    GET_FILE_LIMIT,
    ApiError,
    BotMessage,
    FakeChat,
    FakeUser,
    _Call,
)

logger = logging.getLogger("tests.fakes.telegram_api")


class MethodsMixin:
    """Mixed into FakeTelegramServer (tests.fakes.telegram_api), whose __init__ sets the state."""

    # ------------------------------------------------------------------ method handlers

    def _get_me(self) -> dict[str, Any]:
        me = {**self._bot_from, "can_join_groups": True, "can_read_all_group_messages": False,
              "supports_inline_queries": False, "can_connect_to_business": False,
              "has_main_web_app": False}
        fields = self.spec.types["User"].fields if "User" in self.spec.types else me
        return {k: v for k, v in me.items() if k in fields}

    def _set_webhook(self, call: _Call) -> bool:
        self.webhook_url = call.params.get("url", "")
        self.webhook_secret = call.params.get("secret_token")
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        self._wake_webhook()
        return True

    def _wake_webhook(self) -> None:
        if not self.webhook_url or not self._pending:
            return
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())

    async def _deliver_webhook(self) -> None:
        """Like Telegram: the oldest pending update first, redelivered until 2xx."""
        async with aiohttp.ClientSession() as session:
            while self.webhook_url and self._pending:
                if self._stopping is not None and self._stopping.is_set():
                    return
                update = self._pending[0]
                headers = {}
                if self.webhook_secret:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
                try:
                    async with session.post(self.webhook_url, json=update,
                                            headers=headers) as response:
                        status = response.status
                except aiohttp.ClientError:
                    status = 0
                self.webhook_statuses.append(status)
                if 200 <= status < 300:
                    if self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                else:
                    await asyncio.sleep(0.05)

    def _delete_webhook(self, call: _Call) -> bool:
        self.webhook_url = ""
        self.webhook_secret = None
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _get_webhook_info(self, call: _Call) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._pending)}

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def _set_my_commands(self, call: _Call) -> bool:
        self.commands[self._commands_key(call.params)] = list(call.params["commands"])
        return True

    def _get_my_commands(self, call: _Call) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(call.params), [])

    def _delete_my_commands(self, call: _Call) -> bool:
        self.commands.pop(self._commands_key(call.params), None)
        return True

    def _send_message(self, call: _Call) -> dict[str, Any]:
        return self._new_message(call, self._text_content(call.parsed.get("text"), call.params,
                                                          "text"))

    def _send_document(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        stored = self._incoming_file(call.params["document"], "documents", "document")
        document = {**stored.file_dict()}
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        content = {"document": document,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_photo(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        stored = self._incoming_file(call.params["photo"], "photos", "photo.jpg")
        width, height = stored.width or 800, stored.height or 600
        scale = max(width, height) / 90 if max(width, height) > 90 else 1.0
        sizes = [
            {**stored.file_dict(), "file_id": stored.file_id + "-s",
             "width": max(1, round(width / scale)), "height": max(1, round(height / scale))},
            {**stored.file_dict(), "width": width, "height": height},
        ]
        content = {"photo": sizes,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_media(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        key, type_name = _MEDIA_METHODS[call.spec.name]
        stored = self._incoming_file(call.params[key], key + "s", key)
        media = {**self.spec.minimal(type_name), **stored.file_dict()}
        content = {key: media,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_media_group(self, call: _Call) -> list[dict[str, Any]]:
        self._require_chat(call)
        items = call.params["media"]
        if not 2 <= len(items) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album", violation=True,
                           detail=f"{len(items)} items, allowed 2-10")
        sent = []
        for item in items:
            media = item.get("media", "")
            if isinstance(media, str) and media.startswith("attach://"):
                media = call.files[media[len("attach://"):]]
            kind = item.get("type", "document")
            stored = self._incoming_file(media, "photos" if kind == "photo" else kind + "s", kind)
            if kind == "photo":
                body: Any = [{**stored.file_dict(), "width": stored.width or 800,
                              "height": stored.height or 600}]
            elif kind == "document":
                body = {**stored.file_dict(), "file_name": stored.file_name or "document",
                        "mime_type": stored.mime_type or "application/octet-stream"}
            else:
                type_name = kind.title().replace("_", "")  # video → Video, live_photo → LivePhoto
                body = {**self.spec.minimal(type_name), **stored.file_dict()}
            content: dict[str, Any] = {kind: body}
            if isinstance(item.get("caption"), str):
                try:
                    parsed = parse_formatted(item["caption"], item.get("parse_mode"),
                                             strict_ampersand=self.strict_ampersand)
                except (ParseError, ValueError):  # already reported by validation
                    parsed = Parsed(item["caption"])
                content.update(self._text_content(parsed, item, "caption"))
            sent.append(self._new_message(call, content, stored, item.get("caption")))
        return sent

    def _send_chat_action(self, call: _Call) -> bool:
        self._require_chat(call)
        if call.params["action"] not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request", violation=True,
                           detail=f"action {call.params['action']!r}")
        return True

    def _editable(self, call: _Call) -> BotMessage | None:
        """The bot message an edit targets; None for inline messages (answered True)."""
        params = call.params
        if params.get("inline_message_id"):
            return None
        if call.chat is None or params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified",
                           violation=True, detail="need chat_id+message_id or inline_message_id")
        message = self._bot_messages.get((call.chat.id, params["message_id"]))
        if message is None or message.deleted:
            if (call.chat.id, params["message_id"]) in self._user_messages:
                raise ApiError(400, "Bad Request: message can't be edited")
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    @staticmethod
    def _apply_edit(message: BotMessage, changes: dict[str, Any], drop: Iterable[str],
                    markup: dict[str, Any] | None) -> dict[str, Any]:
        new = {k: v for k, v in message.payload.items()
               if k not in drop and k not in ("reply_markup", "edit_date")}
        new.update(changes)
        if markup is not None:
            new["reply_markup"] = markup
        old = {k: v for k, v in message.payload.items() if k != "edit_date"}
        if new == old:
            raise ApiError(400, _NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        message.edits.append(message.payload)
        message.payload = new
        return new

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    def _edit_message_text(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if "text" not in message.payload:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        content = self._text_content(call.parsed.get("text"), call.params, "text")
        result = self._apply_edit(message, content, ("text", "entities"),
                                  self._inline_markup(call.params))
        message.raw_text = call.params.get("text")
        return result

    def _edit_message_caption(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if "text" in message.payload:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content = self._text_content(call.parsed.get("caption"), call.params, "caption")
        result = self._apply_edit(message, content, ("caption", "caption_entities"),
                                  self._inline_markup(call.params))
        message.raw_text = call.params.get("caption")
        return result

    def _edit_message_reply_markup(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        return self._apply_edit(message, {}, (), self._inline_markup(call.params))

    def _delete_message(self, call: _Call) -> bool:
        chat = self._require_chat(call)
        key = (chat.id, call.params["message_id"])
        message = self._bot_messages.get(key)
        if message is not None and not message.deleted:
            message.deleted = True
            return True
        if self._user_messages.pop(key, None) is not None:
            return True
        raise ApiError(400, "Bad Request: message to delete not found")

    def _answer_callback_query(self, call: _Call) -> bool:
        query_id = call.params["callback_query_id"]
        if query_id not in self._callback_queries or query_id in self.callback_answers:
            raise ApiError(400, _QUERY_INVALID)
        self.callback_answers[query_id] = dict(call.params)
        return True

    def _get_file(self, call: _Call) -> dict[str, Any]:
        file_id = call.params["file_id"]
        stored = self._files.get(file_id) or self._files.get(file_id.removesuffix("-s"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > GET_FILE_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {**stored.file_dict(), "file_id": file_id, "file_path": stored.file_path}

    def _get_chat(self, call: _Call) -> dict[str, Any]:
        chat = self._require_chat(call)
        info = {**self.spec.minimal("ChatFullInfo"), **chat.to_dict(), "max_reaction_count": 11}
        fields = self.spec.types["ChatFullInfo"].fields
        return {k: v for k, v in info.items() if k in fields}

    def _leave_chat(self, call: _Call) -> bool:
        chat = self._require_chat(call)
        if not chat.is_group:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private "
                                "chats")
        chat.bot_left = True
        return True

    def _member(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        user = self.bot if user_id == self.bot.id else self._users.get(user_id) \
            or FakeUser(user_id, f"User {user_id}")
        if chat.creator == user_id:
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if user_id in chat.admins:
            admin = self.spec.minimal("ChatMemberAdministrator")
            rights = {k: True for k, v in admin.items() if isinstance(v, bool)}
            return {**admin, **rights, "status": "administrator", "user": user.to_dict(),
                    "is_anonymous": False, "can_be_edited": False}
        if chat.bot_left and user_id == self.bot.id:
            return {"status": "left", "user": user.to_dict()}
        return {"status": "member", "user": user.to_dict()}

    def _get_chat_member(self, call: _Call) -> dict[str, Any]:
        return self._member(self._require_chat(call), call.params["user_id"])

    def _get_chat_administrators(self, call: _Call) -> list[dict[str, Any]]:
        chat = self._require_chat(call)
        ids = ([chat.creator] if chat.creator else []) + sorted(chat.admins)
        return [self._member(chat, user_id) for user_id in ids]

    def _get_chat_member_count(self, call: _Call) -> int:
        chat = self._require_chat(call)
        return 2 if chat.type == "private" else len(chat.members) + 1

    def _generic(self, call: _Call) -> Any:
        """Any other method: validated, then a plausible answer from its return type."""
        returns = call.spec.returns
        first = returns[0] if returns else "Boolean"
        if first in ("True", "Boolean") or "True" in returns or (
                "Boolean" in returns and (call.chat is None or call.spec.name.startswith("edit"))):
            return True
        if first == "Message":
            content = {**self._text_content(call.parsed.get("text"), call.params, "text"),
                       **self._text_content(call.parsed.get("caption"), call.params, "caption")}
            if not content:
                content = {"text": f"[{call.spec.name}]"}
            return self._new_message(call, content)
        if first == "MessageId":
            return {"message_id": self._require_chat(call).next_message_id()}
        if first == "Array of Message":
            items = call.params.get("media") or [{}]
            return [self._new_message(call, {"text": f"[{call.spec.name} {i}]"})
                    for i in range(len(items))]
        if first == "Array of MessageId":
            ids = call.params.get("message_ids") or []
            chat = self._require_chat(call)
            return [{"message_id": chat.next_message_id()} for _ in ids]
        if first == "User":
            return self._get_me()
        return self.spec.minimal(first)
