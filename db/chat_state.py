"""A chat's pending step (a flow waiting for a file), its last menu and a question waiting
for "Có"/"Không".

A menu answers only the message right after it: the router clears it whenever anything
else arrives, and it expires after `MENU_LIFETIME` anyway. So "3" typed long after a task's
details never runs that menu's third action (issue 15's stale-menu case).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from db.models import ChatState

STATE_LIFETIME = timedelta(hours=12)
# Long enough to read a menu and pick from it, short enough that a number typed later
# is not taken as a choice from a menu the person has forgotten.
MENU_LIFETIME = timedelta(minutes=5)
# A menu pushed with a notice (an extension to approve, a reminder) is answered when the
# person reads it, hours later; it is still single-use, forgotten at their next message.
PUSHED_MENU_LIFETIME = STATE_LIFETIME


@dataclass(frozen=True)
class Menu:
    options: dict[str, str]  # key typed → command run
    confirm: str | None  # the command "Có" runs as confirmed, when the menu asks "Xác nhận?"
    yes: str | None  # the command "Có" runs when the menu offers a suggestion


@functools.cache
def _load_statement() -> Select[ChatState]:
    """Built once (every update reads its chat's state): values travel as parameters."""
    return select(ChatState).where(
        ChatState.platform == bindparam("state_platform"),
        ChatState.chat_id == bindparam("state_chat"),
        ChatState.user_id == bindparam("state_user"),
    )


def load(session: Session, platform: str, chat_id: str, user_id: str, now: datetime) -> ChatState | None:
    state = session.scalar(_load_statement(), {
        "state_platform": platform, "state_chat": chat_id, "state_user": user_id})
    return current(session, state, now)


def current(session: Session, state: ChatState | None, now: datetime) -> ChatState | None:
    """A state read (by `load`, or with the actor: db.actors.resolve_actor_and_state), or
    None once expired (then it is deleted)."""
    if state is not None and state.expires_at < now:
        session.delete(state)
        session.flush()
        return None
    return state


def _upsert(session: Session, platform: str, chat_id: str, user_id: str, now: datetime) -> ChatState:
    state = load(session, platform, chat_id, user_id, now)
    if state is None:
        state = ChatState(platform=platform, chat_id=chat_id, user_id=user_id, data={},
                          expires_at=now + STATE_LIFETIME)
        session.add(state)
    state.expires_at = now + STATE_LIFETIME
    return state


def start_flow(
    session: Session, platform: str, chat_id: str, user_id: str, flow: str, data: dict[str, Any],
    now: datetime,
) -> None:
    state = _upsert(session, platform, chat_id, user_id, now)
    state.flow = flow
    state.data = dict(data)
    session.flush()


def end_flow(session: Session, platform: str, chat_id: str, user_id: str, now: datetime) -> bool:
    state = load(session, platform, chat_id, user_id, now)
    if state is None or state.flow is None:
        return False
    state.flow = None
    state.data = {}
    session.flush()
    return True


def save_menu(
    session: Session,
    platform: str,
    chat_id: str,
    user_id: str,
    commands: Sequence[str | tuple[str, str]],
    now: datetime,
    *,
    confirm: str | None = None,
    yes: str | None = None,
    lifetime: timedelta = PUSHED_MENU_LIFETIME,
) -> None:
    """Remembers the menu just shown: plain commands are chosen by position (1, 2, …),
    (key, command) pairs by their key. Replies pass `MENU_LIFETIME`; the default serves
    menus pushed with notices."""
    options: list[list[str]] = []
    for index, entry in enumerate(commands, 1):
        key, command = (str(index), entry) if isinstance(entry, str) else entry
        options.append([key, command])
    state = _upsert(session, platform, chat_id, user_id, now)
    state.menu = {"until": (now + lifetime).isoformat(), "options": options, "confirm": confirm,
                  "yes": yes}
    session.flush()


def current_menu(state: ChatState | None, now: datetime) -> Menu | None:
    """The menu still waiting for an answer, or None (none shown, or expired)."""
    if state is None or not isinstance(state.menu, dict):
        return None  # old rows (a plain list) carry no expiry: never trusted
    try:
        until = datetime.fromisoformat(state.menu["until"])
    except (KeyError, TypeError, ValueError):
        return None
    if until < now:
        return None
    options = {str(key): str(command) for key, command in state.menu.get("options") or []}
    confirm, yes = state.menu.get("confirm"), state.menu.get("yes")
    return Menu(options=options, confirm=str(confirm) if confirm else None,
                yes=str(yes) if yes else None)


def clear_menu(session: Session, state: ChatState | None) -> bool:
    """Forgets the menu and any question; True when there was one."""
    if state is None or state.menu is None:
        return False
    state.menu = None
    session.flush()
    return True


def remember(session: Session, platform: str, chat_id: str, user_id: str, key: str,
             value: Any, now: datetime, *, lifetime: timedelta = MENU_LIFETIME) -> None:
    """Keeps a value for the next few messages (a reply waiting for its task to be
    chosen), next to the chat's flow data; `recall` forgets it after `lifetime`."""
    state = _upsert(session, platform, chat_id, user_id, now)
    state.data = {**(state.data or {}), key: {"until": (now + lifetime).isoformat(),
                                              "value": value}}
    session.flush()


def recall(session: Session, platform: str, chat_id: str, user_id: str, key: str,
           now: datetime) -> Any:
    state = load(session, platform, chat_id, user_id, now)
    entry = (state.data or {}).get(key) if state is not None else None
    if not isinstance(entry, dict):
        return None
    try:
        if datetime.fromisoformat(entry["until"]) < now:
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return entry.get("value")
