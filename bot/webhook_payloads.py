"""Typed webhook payloads: a body is parsed with a nesting limit and checked against a pydantic
model before any adapter code reads it, so a bad shape is HTTP 400, never a 500 from deep
inside a handler (`"chat": "abc"` used to reach `.get` on a string).

The models check only what the adapters read; unknown keys pass through untouched (platforms
add fields), and ids may be strings or integers, as both platforms send them.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from timelang import numbers

MAX_TEXT = 20_000  # both platforms cap messages far below this
MAX_ID = 128


class BadPayload(ValueError):
    """The body is not JSON of the expected shape."""


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def parse_json(body: bytes, max_depth: int) -> Any:
    """JSON from a request body, refusing nesting deeper than `max_depth` before parsing:
    the parser itself would recurse (RecursionError) on a body of a few kilobytes."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                raise BadPayload(f"JSON nested deeper than {max_depth}")
        else:
            depth -= 1
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BadPayload(f"not JSON: {type(error).__name__}") from None


Id = Annotated[StrictStr, Field(max_length=MAX_ID)] | StrictInt
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _check(model: type[_Model], data: Any) -> None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise BadPayload(f"{model.__name__}: {where}: {first.get('msg')}") from None


# --- Zalo Bot Platform ---------------------------------------------------------------------


class ZaloChat(_Model):
    id: Id | None = None
    chat_type: StrictStr | None = None


class ZaloSender(_Model):
    id: Id | None = None
    display_name: Text | None = None
    first_name: Text | None = None
    name: Text | None = None


class ZaloMessage(_Model):
    message_id: Id | None = None
    date: StrictInt | StrictStr | None = None
    chat: ZaloChat | None = None
    sender: ZaloSender | None = Field(default=None, alias="from")
    text: Text | None = None
    caption: Text | None = None


class ZaloUpdate(_Model):
    event_name: StrictStr | None = None
    message: ZaloMessage


def validate_zalo_update(payload: Any) -> dict[str, Any]:
    """The update inside a webhook body, wrapped (`{"ok": true, "result": {…}}`) or bare."""
    if not isinstance(payload, dict):
        raise BadPayload("a Zalo update is a JSON object")
    update = payload
    if "result" in payload and "message" not in payload:
        update = payload["result"]
        if not isinstance(update, dict):
            raise BadPayload("result is not an object")
    _check(ZaloUpdate, update)
    return update


# --- Zalo Official Account -----------------------------------------------------------------


class OAUser(_Model):
    id: Id


class OAAttachmentPayload(_Model):
    url: StrictStr | None = None
    name: Text | None = None
    size: StrictInt | StrictStr | None = None


class OAAttachment(_Model):
    type: StrictStr | None = None
    payload: OAAttachmentPayload | None = None


class OAMessage(_Model):
    msg_id: Id | None = None
    text: Text | None = None
    attachments: Annotated[list[OAAttachment], Field(max_length=20)] | None = None


class OAEvent(_Model):
    app_id: Id | None = None
    event_name: StrictStr
    timestamp: StrictStr | StrictInt
    sender: OAUser | None = None
    recipient: OAUser | None = None
    message: OAMessage | None = None


def validate_oa_event(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadPayload("an OA event is a JSON object")
    _check(OAEvent, payload)
    timestamp = payload["timestamp"]
    if isinstance(timestamp, str) and not numbers.is_ascii_number(timestamp):
        raise BadPayload("timestamp is not milliseconds")
    return payload


# --- Telegram ------------------------------------------------------------------------------

_Object = dict[str, Any] | None


class TelegramUpdate(_Model):
    update_id: StrictInt
    message: _Object = None
    edited_message: _Object = None
    channel_post: _Object = None
    edited_channel_post: _Object = None
    callback_query: _Object = None
    inline_query: _Object = None
    my_chat_member: _Object = None
    chat_member: _Object = None
    chat_join_request: _Object = None


def validate_telegram_update(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise BadPayload("a Telegram update is a JSON object")
    _check(TelegramUpdate, payload)
    return payload
