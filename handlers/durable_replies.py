"""Durable answers: the replies a unit of work produces are stored with the update's inbox
row in the same commit (db/inbox.py `owe_replies`) and cleared once delivered, so a kill -9
between the commit and the sending loses no reply; on the next start each platform sends
what is owed (`Router.resend_owed`), before it handles anything new.

Sent at least once: a crash after a reply went out and before it was cleared sends it again
on the next start (as the outbox does with a send in flight). Clearing costs no commit of its
own (`Delivered`): the next unit of work of the process clears what went out since, in its
commit; a quiet bot clears them after `CLEAR_DELAY_SECONDS`, and on a graceful stop. So a
crash sends again at most the answers of the last moment (those on the wire, and those
delivered since the last commit, at most `CLEAR_DELAY_SECONDS` ago). Files are not stored (they may
weigh megabytes): in their place the person is told to ask again.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
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


# A bot with nothing else to do clears what it delivered this long after (one commit for all
# of them); a busy one clears them with its next unit of work, in the same commit.
CLEAR_DELAY_SECONDS = 1.0


class Delivered:
    """Updates (platform, inbox key) whose stored answers went out and are not cleared yet.
    Safe across threads: units of work may run off the event loop."""

    def __init__(self, flush: Callable[[], Awaitable[None]], *,
                 delay: float = CLEAR_DELAY_SECONDS) -> None:
        self._flush = flush
        self._delay = delay
        self._lock = threading.Lock()
        self._keys: dict[str, list[str]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()

    def add(self, platform: str, key: str) -> None:
        """Called on the event loop once the answers went out; a flush comes after the
        delay unless a unit of work takes them first."""
        with self._lock:
            self._keys.setdefault(platform, []).append(key)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._start_flush)

    def _start_flush(self) -> None:
        self._timer = None
        task = asyncio.ensure_future(self._flush())
        self._flushing.add(task)  # a reference, so the task is not collected mid-way
        task.add_done_callback(self._flushing.discard)

    def take(self, platform: str) -> list[str]:
        """This platform's keys, for a unit of work to clear in its commit (given back if it
        does not commit)."""
        with self._lock:
            return self._keys.pop(platform, [])

    def take_all(self) -> dict[str, list[str]]:
        with self._lock:
            keys, self._keys = self._keys, {}
        return keys

    def give_back(self, platform: str, keys: Sequence[str]) -> None:
        if keys:
            with self._lock:
                self._keys.setdefault(platform, [])[:0] = keys

    def __len__(self) -> int:
        with self._lock:
            return sum(len(keys) for keys in self._keys.values())
