"""A chat's pending step (a flow waiting for a file) and its last numbered menu."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ChatState

STATE_LIFETIME = timedelta(hours=12)


def load(session: Session, platform: str, chat_id: str, user_id: str, now: datetime) -> ChatState | None:
    state = session.scalar(
        select(ChatState).where(
            ChatState.platform == platform,
            ChatState.chat_id == chat_id,
            ChatState.user_id == user_id,
        )
    )
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
    session: Session, platform: str, chat_id: str, user_id: str, commands: list[str], now: datetime
) -> None:
    state = _upsert(session, platform, chat_id, user_id, now)
    state.menu = list(commands)
    session.flush()
