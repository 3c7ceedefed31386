"""Durable answers: the replies a unit of work produces are stored with the update's inbox
row in the same commit (db/inbox.py `owe_replies`) and cleared once delivered, so a kill -9
between the commit and the sending loses no reply; on the next start each platform sends
what is owed (`Router.resend_owed`), before it handles anything new.

Sent at least once: a crash after a reply went out and before it was cleared sends it again
on the next start (as the outbox does with a send in flight). Files are not stored (they may
weigh megabytes): in their place the person is told to ask again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.base import MenuOption, OutgoingFile, Replier
from texts import durable_replies as t
from texts import messages

Call = tuple[str, tuple[Any, ...], dict[str, Any]]


def encode(chat_id: str, calls: Sequence[Call]) -> dict[str, Any] | None:
    """The replier calls as JSON (None when there is nothing to send)."""
    stored: list[dict[str, Any]] = []
    for name, args, kwargs in calls:
        if name == "send_text":
            stored.append({"send": "text", "text": args[0]})
        elif name == "send_menu":
            stored.append({"send": "menu", "text": args[0], "columns": kwargs.get("columns", 1),
                           "options": [[o.label, o.command, o.key] for o in args[1]]})
        elif name == "send_file":
            file: OutgoingFile = args[0]
            stored.append({"send": "text", "text": t.REPLY_FILE_LOST.format(
                name=messages.esc(file.file_name))})
        elif name == "ask_contact":
            stored.append({"send": "contact", "text": args[0], "button": args[1]})
        else:
            raise ValueError(f"a reply of an unknown kind: {name}")
    return {"chat": chat_id, "calls": stored} if stored else None


async def play(replier: Replier, stored: dict[str, Any]) -> None:
    for call in stored["calls"]:
        if call["send"] == "menu":
            options = [MenuOption(label, command, key) for label, command, key in call["options"]]
            await replier.send_menu(call["text"], options, columns=int(call["columns"]))
        elif call["send"] == "contact":
            await replier.ask_contact(call["text"], call["button"])
        else:
            await replier.send_text(call["text"])
