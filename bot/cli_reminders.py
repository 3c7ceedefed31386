"""`nhacviec remind --at YYYY-MM-DDTHH:MM [--dry-run]`: the reminders due at a local moment.

Prints one JSON object a line: {"at", "kind", "platform", "chat_id", "task_ids", "text"} plus
"kinds", "chat_kind", "key" and, without --dry-run, "queued" (false when that message was
already in the outbox: a second run never queues a copy).

With --dry-run nothing is sent or recorded (the database is only read). Without it the
messages are written to the outbox (a moment already past is due at once rather than
expired; a future one waits for its time); a running bot sends them. When no bot holds the
database and TELEGRAM_BOT_TOKEN is set, this command delivers them itself, paced like the
bot. Quiet hours still apply.
"""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
import asyncio
import json
import sys
from datetime import datetime
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.cli_common import CliError
from config.settings import Settings
from scheduler.planner import PlannedMessage, PlannerOptions, ReminderPlanner
from scheduler.policy import ReminderPolicy
from timelang import numbers

DELIVERY_TIMEOUT_SECONDS = 600.0


def register(subparsers: Any) -> None:
    remind = subparsers.add_parser(
        "remind", help="các tin nhắc việc đến hạn vào một thời điểm (JSON, mỗi dòng một tin)")
    remind.add_argument("--at", required=True, help="giờ địa phương, dạng YYYY-MM-DDTHH:MM")
    remind.add_argument("--dry-run", action="store_true",
                        help="chỉ in ra: không gửi, không ghi gì vào cơ sở dữ liệu")
    remind.set_defaults(runner=cmd_remind)

    policy = subparsers.add_parser(
        "remind-policy", help="xem hoặc đổi lịch nhắc việc chung (JSON)")
    policy.add_argument("--set", action="append", default=[], metavar="KHOÁ=GIÁ_TRỊ",
                        help="ví dụ before_days=7,3,1 · escalate_every=3 · remind_at=08:00 · "
                             "digest=false (lặp lại được)")
    policy.add_argument("--reset", action="store_true", help="trở về mặc định")
    policy.add_argument("--task", type=int, metavar="SỐ",
                        help="lịch nhắc riêng của một nhiệm vụ (enabled, before_days, on_due_day, "
                             "overdue_every, escalate, escalate_first, escalate_every, remind_at)")
    policy.set_defaults(runner=cmd_policy)


def parse_at(value: str, settings: Settings) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            f"thời điểm không hợp lệ «{value}», cần dạng YYYY-MM-DDTHH:MM (giờ địa phương)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.tz)
    return moment


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app

    at = parse_at(args.at, settings)
    # A dry run must not touch the schema either: no migrations.
    app = build_app(settings, migrate=not args.dry_run)
    try:
        planner = ReminderPlanner(session_factory=app.session_factory, clock=app.clock,
                                  options=PlannerOptions.from_settings(settings))
        try:
            if args.dry_run:
                for message in planner.preview(at):
                    _print(message, settings, None)
                return 0
            results = planner.record(at)
        except (OperationalError, ProgrammingError) as error:
            raise CliError(f"không đọc được cơ sở dữ liệu ({str(error).splitlines()[0]}); "
                           "chạy «nhacviec db upgrade» trước") from None
        for message, queued in results:
            _print(message, settings, queued)
        new = [m for m, queued in results if queued]
        sent = _deliver_if_alone(app, planner, settings, new)
        sys.stderr.write(
            f"Đã ghi {len(new)} tin nhắc mới vào hàng đợi ({len(results) - len(new)} tin đã có "
            f"từ trước){sent}.\n")
        return 0
    finally:
        app.close()


def cmd_policy(args: argparse.Namespace, settings: Settings) -> int:
    """Prints the province-wide reminder policy; --set/--reset change the admins' layer
    (AppSetting "reminder_policy") first. With --task the task's own overrides are shown or
    changed instead, on top of the province-wide policy. Every change is audited."""
    from bot.app import build_app
    from db import services
    from db.models import AppSetting
    from scheduler.policy import (
        POLICY_SETTING_KEY,
        PolicyError,
        load_policy,
        save_policy,
        settings_policy,
    )

    changes: dict[str, Any] = {}
    for item in args.set:
        key, separator, value = item.partition("=")
        if not separator or not key.strip():
            raise CliError(f"«{item}» không đúng dạng KHOÁ=GIÁ_TRỊ")
        changes[key.strip()] = _policy_value(value.strip())
    base = settings_policy(settings)
    app = build_app(settings)
    try:
        with app.session_factory() as session:
            now = app.clock.now()
            try:
                if args.task is not None:
                    shown = _task_policy_change(session, args, changes, load_policy(session, base),
                                                now)
                else:
                    if args.reset:
                        row = session.get(AppSetting, POLICY_SETTING_KEY)
                        if row is not None:
                            session.delete(row)
                            session.flush()
                    if changes:
                        save_policy(session, base, changes, now)
                    shown = load_policy(session, base).to_dict()
                    if args.reset or changes:
                        services.audit(session, actor="cli", action="reminder_policy.change",
                                       entity="setting", entity_id=None, now=now,
                                       reset=args.reset, changes=changes)
            except PolicyError as error:
                raise CliError(f"lịch nhắc không hợp lệ: {error}") from None
            session.commit()
    finally:
        app.close()
    sys.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
    return 0


def _task_policy_change(session: Session, args: argparse.Namespace, changes: dict[str, Any],
                        province: ReminderPolicy, now: datetime) -> dict[str, Any]:
    """A task's overrides: --reset drops them, --set adds to them (validated against the keys
    a task may change). Returns {"task", "overrides", "policy"}: the effective policy."""
    from db import services
    from db.models import Task
    from scheduler.policy import TASK_KEYS

    task = session.get(Task, args.task)
    if task is None:
        raise CliError(f"không có nhiệm vụ số {args.task}")
    overrides = {} if args.reset else dict(task.reminder_policy or {})
    if changes:
        overrides.update(changes)
        every = province.merged(overrides, allowed=TASK_KEYS).to_dict()  # validates
        overrides = {key: every[key] for key in overrides}
    if args.reset or changes:
        task.reminder_policy = overrides or None
        services.audit(session, actor="cli", action="task.reminder_policy", entity="task",
                       entity_id=task.id, now=now, overrides=overrides)
        session.flush()
    effective = province.merged(overrides, allowed=TASK_KEYS)
    return {"task": task.id, "overrides": overrides, "policy": effective.to_dict()}


def _policy_value(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("true", "false", "có", "không"):
        return lowered in ("true", "có")
    if "," in value:
        return [int(part) for part in value.split(",") if part.strip()] if all(
            numbers.is_ascii_number(part) for part in value.split(",") if part.strip()) else value
    return int(value) if numbers.is_ascii_number(value) else value


def _print(message: PlannedMessage, settings: Settings, queued: bool | None) -> None:
    data = message.to_json(settings.tz)
    if queued is not None:
        data["queued"] = queued
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _deliver_if_alone(app: Any, planner: ReminderPlanner, settings: Settings,
                      new: list[PlannedMessage]) -> str:
    """Sends the new rows now when no bot would: SQLite and the file lock is free (else the
    running bot sends them) or PostgreSQL (claims are exclusive, a running bot cannot send
    the same row)."""
    from db.locks import AlreadyRunning, InstanceLock

    if not new or not settings.telegram_bot_token.get_secret_value():
        return "; bot đang chạy hoặc lần chạy tới sẽ gửi" if new else ""
    lock = InstanceLock(settings.resolved_database_url)
    try:
        lock.acquire()
    except AlreadyRunning:
        return "; bot đang chạy sẽ gửi"
    try:
        keys = {m.key for m in new}
        sent = asyncio.run(_deliver(app, planner, settings, keys))
    finally:
        lock.release()
    return f"; đã gửi {sent} tin"


async def _deliver(app: Any, planner: ReminderPlanner, settings: Settings, keys: set[str]) -> int:
    from sqlalchemy import select
    from telegram import Bot

    from bot.telegram import TelegramTransport
    from db.models import Outbox
    from scheduler.ratelimit import PlatformRateLimiter, limits_for
    from scheduler.sender import OutboxSender, SenderOptions

    with app.session_factory() as session:
        ids = set(session.scalars(select(Outbox.id).where(Outbox.idempotency_key.in_(keys))))
    limits = limits_for(settings, "telegram")
    async with Bot(settings.telegram_bot_token.get_secret_value(), base_url=settings.telegram_api_base_url,
                   base_file_url=settings.telegram_file_base_url) as bot:
        sender = OutboxSender(
            session_factory=app.session_factory,
            transports={"telegram": TelegramTransport(bot)},
            clock=app.clock,
            limiters={"telegram": PlatformRateLimiter(limits, platform="telegram")}
            if limits else None,
            options=SenderOptions.from_settings(settings),
            refresher=planner.refresh,
            policy_provider=planner.current_policy,
            tz=settings.tz,
            only_ids=ids,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DELIVERY_TIMEOUT_SECONDS
        while loop.time() < deadline and await sender.drain_once(limit=100):
            pass
    return sender.stats.sent
