"""SQLAlchemy 2 models: the whole record of units, people, tasks, their periods and evidence.

Times are stored as naive UTC (SQLite keeps no zone) and handed out as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the project stores aware UTC times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


ROLE_MEMBER = "member"
ROLE_LEADER = "leader"


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # "huyen", "xa", "phong", "so", … – lets "UBND các xã" expand to every commune.
    kind: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    aliases: Mapped[list[UnitAlias]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitAlias.id"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="unit")


class UnitAlias(Base):
    __tablename__ = "unit_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(255))

    unit: Mapped[Unit] = relationship(back_populates="aliases")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where reminders go when the person is reachable on several platforms.
    preferred_platform: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list[Identity]] = relationship(back_populates="person")
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Identity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(255))
    # The private chat with the bot, once the person has written to it.
    private_chat_id: Mapped[str | None] = mapped_column(String(128))
    last_inbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="identities")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="memberships")
    unit: Mapped[Unit] = relationship(back_populates="memberships")


class JoinRequest(Base):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    role_granted: Mapped[str | None] = mapped_column(String(16))
    requested_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship()


class Chat(Base):
    __tablename__ = "chats"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # private | group
    title: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    bound_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    bound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class ChatState(Base):
    """A multi-step flow or a numbered menu waiting for the person's next message."""

    __tablename__ = "chat_states"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    flow: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The last menu: {"until": ISO time, "options": [[key, command], …], "confirm": command}
    # (db.chat_state); older rows hold a plain list of commands.
    menu: Mapped[dict[str, Any] | list[Any] | None] = mapped_column(JSON)
    expires_at: Mapped[datetime]


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[str | None] = mapped_column(String(128))
    issued_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(255))
    # Identifies a plan across re-imports so that tasks are not duplicated.
    fingerprint: Mapped[str] = mapped_column(String(128), unique=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tasks: Mapped[list[Task]] = relationship(back_populates="plan")


task_support_units = Table(
    "task_support_units",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True)
    ref: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    deadline_text: Mapped[str | None] = mapped_column(Text)
    schedule_kind: Mapped[str] = mapped_column(String(16))  # once | recurring | ongoing
    # The parsed deadline (timelang.deadlines.Deadline.to_spec()).
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rrule: Mapped[str | None] = mapped_column(String(255))
    reminder_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan | None] = relationship(back_populates="tasks")
    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    support_units: Mapped[list[Unit]] = relationship(secondary=task_support_units)
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="task", order_by="Occurrence.due_date", cascade="all, delete-orphan"
    )


class Occurrence(Base):
    """One period (kỳ) of a task; statistics count these."""

    __tablename__ = "occurrences"
    __table_args__ = (
        UniqueConstraint("task_id", "period_key"),
        Index("ix_occurrences_open_due", "done_at", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(String(32))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    extended_due_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    done_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship(back_populates="occurrences")
    done_by: Mapped[Person | None] = relationship()
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="occurrence", order_by="Evidence.id"
    )
    progress_updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="occurrence", order_by="ProgressUpdate.id"
    )
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="occurrence", order_by="ExtensionRequest.id"
    )

    @property
    def effective_due(self) -> date | None:
        return self.extended_due_date or self.due_date


class ProgressUpdate(Base):
    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(back_populates="progress_updates")
    person: Mapped[Person | None] = relationship()


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("occurrence_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime_type: Mapped[str] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(String(255))
    platform: Mapped[str] = mapped_column(String(32))
    platform_file_id: Mapped[str | None] = mapped_column(String(512))
    caption: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(back_populates="evidence")
    person: Mapped[Person | None] = relationship()


class ExtensionRequest(Base):
    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    old_due_date: Mapped[date | None] = mapped_column(Date)
    requested_due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(back_populates="extension_requests")
    requested_by: Mapped[Person] = relationship(foreign_keys=[requested_by_id])


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # "telegram:123", "cli", "scheduler": who acted, also when no person is behind it.
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CalendarOverride(Base):
    """A local day off or a make-up working day (ngày làm bù) set by an admin."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_working_day: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppSetting(Base):
    """Small admin-editable values (the reminder policy) and cross-instance state."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Outbox(Base):
    """Every message the bot sends on its own initiative: reminders, digests, notices."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    chat_kind: Mapped[str] = mapped_column(String(16), default="private")
    text: Mapped[str] = mapped_column(Text)
    # Optional buttons: [{"label": …, "command": …}], rendered as numbers where unsupported.
    menu: Mapped[list[Any] | None] = mapped_column(JSON)
    task_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_at: Mapped[datetime]
    not_before: Mapped[datetime]
    # pending | sending | sent | failed | blocked | unknown | expired
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportSnapshot(Base):
    """Figures of a closed period, kept so that later changes do not rewrite them."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("period_key", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_key: Mapped[str] = mapped_column(String(32))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    closed_at: Mapped[datetime]


class LinkCode(Base):
    """A one-time code that joins a chat identity to a person known on another app."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboxUpdate(Base):
    """A platform update, written before the platform is told it arrived and marked handled
    in the handler's own transaction: after a crash the unhandled ones are handled on start,
    and a redelivery (same platform and key) is refused by the unique key. The key is the
    platform's update or message id, or a content hash when there is none (`db.inbox`);
    handled rows older than INBOX_RETENTION_DAYS are pruned."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "key"),
                      Index("ix_inbox_pending", "platform", "handled_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(index=True)
    handled_at: Mapped[datetime | None]
    # Times handling was started again on start-up: an update that kills the bot every
    # time is given up after a few, not retried forever.
    replays: Mapped[int] = mapped_column(Integer, default=0)
    # The answers its unit of work produced, written in that same commit and cleared once
    # they are delivered: what a crash kept from the person is sent on the next start
    # (handlers/durable_replies.py). NULL: nothing owed.
    replies: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class CalendarFeed(Base):
    """A subscribed calendar (.ics) link. Only the token's SHA-256 is kept: the link is shown
    once, at creation; revoking one feed leaves every other link working."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "unit" or "person"
    key: Mapped[str] = mapped_column(String(64))  # the unit's code or the person's id
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class Invitation(Base):
    """A unit's invitation link (Telegram `?start=TOKEN`, a QR code). Only the token's SHA-256
    is kept: the link is shown once, at creation. Joining through it is immediate when
    `auto_approve`, else a join request for the unit's leaders."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column()
    uses: Mapped[int] = mapped_column(Integer, default=0)

    unit: Mapped[Unit] = relationship()


class StaffEntry(Base):
    """One row of the staff list an admin imported: who works where, matched by the phone
    number a person shares from Telegram's contact button."""

    __tablename__ = "staff_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # 0xxxxxxxxx
    full_name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    imported_at: Mapped[datetime]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    joined_at: Mapped[datetime | None] = mapped_column()

    unit: Mapped[Unit] = relationship()


class ReminderPrefs(Base):
    """A person's own reminder settings (/caidat): which days before a deadline, the weekly
    digest, tasks muted. Only what the person changed is stored; the admins' floor
    (db.reminder_prefs.Floor) always wins."""

    __tablename__ = "reminder_prefs"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           primary_key=True)
    before_days: Mapped[list[Any] | None] = mapped_column(JSON)  # None: the policy's days
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    muted_task_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderSnooze(Base):
    """"Nhắc lại sau": the person hears of this occurrence again only at `until`."""

    __tablename__ = "reminder_snoozes"
    __table_args__ = (UniqueConstraint("person_id", "occurrence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    until: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentMessage(Base):
    """Which tasks a message the bot sent was about, so that a reply to it ("xong", "50%")
    acts on them. Filled by the outbox sender once the platform returns the message id."""

    __tablename__ = "sent_messages"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(128))
    task_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(index=True)
