"""Telling admins, in one message per round, what could not be delivered."""


from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import services
from db.locks import try_planner_lock
from db.models import (
    AppSetting,
    AuditLog,
    Chat,
    Person,
)
from db.session import SessionFactory
from scheduler.planner import parse_moment
from scheduler.policy import (
    KIND_DELIVERY_REPORT,
)
from texts import messages
from texts.messages import esc, fmt_date
from timelang.clock import Clock

logger = logging.getLogger(__name__)

REPORT_STATE_KEY = "delivery_report"
DEFAULT_TEXT_LIMIT = 2000


# --- telling admins what could not be delivered ------------------------------------------------

PROBLEM_ACTIONS = (
    "outbox.expired",
    "outbox.blocked",
    "outbox.chat_not_found",
    "outbox.unknown",
    "outbox.failed",
    "reminders.gap",
)
REPORT_LINES_PER_SECTION = 12


class DeliveryReporter:
    """Gathers the delivery problems recorded since the last report (expired reminders,
    blocked or vanished chats, unknown outcomes, give-ups) into ONE message to each admin.

    The record is the audit log, append-only. Reported entries are remembered by a
    watermark on its ids plus the ids above it already told: a transaction on another
    instance may commit an entry with a lower id a moment later, so the watermark only
    passes entries older than `settle`.
    """

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        tz: ZoneInfo,
        env_admins: Iterable[tuple[str, str]] = (),
        catchup_window: timedelta = timedelta(hours=12),
        settle: timedelta = timedelta(minutes=2),
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.tz = tz
        self.env_admins = tuple(env_admins)
        self.catchup_window = catchup_window
        self.settle = settle

    def report(self, now: datetime | None = None) -> int:
        """Queues the report; returns how many problems it covered (0: nothing new)."""
        now = now or self.clock.now()
        with self.session_factory() as session:
            if not try_planner_lock(session):
                return 0
            state = session.get(AppSetting, REPORT_STATE_KEY)
            through = int(state.value.get("through", 0)) if state else 0
            told = {int(i) for i in (state.value.get("told", []) if state else [])}
            entries = session.execute(
                select(AuditLog.id, AuditLog.action, AuditLog.details)
                .where(AuditLog.id > through, AuditLog.action.in_(PROBLEM_ACTIONS))
                .order_by(AuditLog.id)
            ).all()
            fresh = [e for e in entries if e.id not in told]
            if fresh:
                admins = services.admins(session, self.env_admins)
                text = self._render(session, fresh, now)
                key = f"{KIND_DELIVERY_REPORT}:{fresh[0].id}-{fresh[-1].id}"
                reached = 0
                for person in admins:
                    row = services.enqueue_to_person(
                        session, person=person, text=text, kind=KIND_DELIVERY_REPORT, key=key,
                        now=now, priority=5)
                    reached += row is not None
                if not reached:
                    logger.warning("delivery problems recorded but no admin is reachable: %s",
                                   text)
            settled = session.scalar(
                select(func.max(AuditLog.id)).where(AuditLog.id > through,
                                                    AuditLog.at <= now - self.settle)
            )
            new_through = max(through, settled or 0)
            told_after = sorted(i for i in told | {e.id for e in fresh} if i > new_through)
            if state is None:
                state = AppSetting(key=REPORT_STATE_KEY, value={}, version=0, updated_at=now)
                session.add(state)
            state.value = {"through": new_through, "told": told_after}
            state.version = (state.version or 0) + 1
            state.updated_at = now
            session.commit()
        return len(fresh)

    def _render(self, session: Session, entries: Sequence[Any], now: datetime) -> str:
        by_action: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            by_action[entry.action].append(dict(entry.details or {}))
        names = self._names(session, [d for ds in by_action.values() for d in ds])
        lines = [messages.DELIVERY_REPORT_HEADER.format(
            at=now.astimezone(self.tz).strftime("%H:%M %d/%m/%Y"))]
        for gap in by_action.get("reminders.gap", []):
            start, end = parse_moment(gap.get("from")), parse_moment(gap.get("to"))
            if start and end:
                lines += ["", messages.DELIVERY_REPORT_GAP.format(
                    start=fmt_date(start.astimezone(self.tz).date()),
                    end=fmt_date(end.astimezone(self.tz).date()))]
        sections = (
            ("outbox.expired", messages.DELIVERY_REPORT_EXPIRED),
            ("outbox.blocked", messages.DELIVERY_REPORT_BLOCKED),
            ("outbox.chat_not_found", messages.DELIVERY_REPORT_NOT_FOUND),
            ("outbox.unknown", messages.DELIVERY_REPORT_UNKNOWN),
            ("outbox.failed", messages.DELIVERY_REPORT_FAILED),
        )
        hours = round(self.catchup_window.total_seconds() / 3600)
        for action, heading in sections:
            details = by_action.get(action)
            if not details:
                continue
            lines += ["", heading.format(count=len(details), hours=hours)]
            for detail in details[:REPORT_LINES_PER_SECTION]:
                ids = detail.get("task_ids") or []
                tasks = (messages.DELIVERY_REPORT_TASKS.format(
                    ids=", ".join(f"#{i}" for i in ids[:8]) + ("…" if len(ids) > 8 else ""))
                    if ids else "")
                lines.append(messages.DELIVERY_REPORT_LINE.format(
                    who=esc(names.get(_address(detail), _address_label(detail))), tasks=tasks))
            if len(details) > REPORT_LINES_PER_SECTION:
                lines.append(messages.DELIVERY_REPORT_MORE.format(
                    count=len(details) - REPORT_LINES_PER_SECTION))
        if any(a in by_action for a in ("outbox.blocked", "outbox.chat_not_found")):
            lines += ["", messages.DELIVERY_REPORT_FOOTER]
        text = "\n".join(lines)
        limit = DEFAULT_TEXT_LIMIT
        if len(text) > limit:
            text = text[: limit - 1].rsplit("\n", 1)[0] + "\n…"
        return text

    def _names(self, session: Session, details: Sequence[Mapping[str, Any]]
               ) -> dict[tuple[str, str], str]:
        """Who a chat is, for an admin: the person's name or the group's title."""
        person_ids = sorted({int(d["person_id"]) for d in details if d.get("person_id")})
        names: dict[tuple[str, str], str] = {}
        people = dict(session.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(person_ids[:500]))
        ).all()) if person_ids else {}
        groups = [d for d in details if d.get("chat_kind") == "group"]
        titles: dict[tuple[str, str], str] = {}
        if groups:
            chat_ids = sorted({str(d.get("chat_id")) for d in groups})[:500]
            for platform, external_id, title in session.execute(
                select(Chat.platform, Chat.external_id, Chat.title).where(
                    Chat.external_id.in_(chat_ids))
            ):
                titles[(platform, external_id)] = title or external_id
        for detail in details:
            address = _address(detail)
            person_id = detail.get("person_id")
            if person_id and int(person_id) in people:
                names[address] = f"{people[int(person_id)]} ({_address_label(detail)})"
            elif address in titles:
                names[address] = f"nhóm «{titles[address]}» ({_address_label(detail)})"
        return names


def _address(detail: Mapping[str, Any]) -> tuple[str, str]:
    return (str(detail.get("platform")), str(detail.get("chat_id")))


def _address_label(detail: Mapping[str, Any]) -> str:
    return f"{detail.get('platform')}:{detail.get('chat_id')}"
