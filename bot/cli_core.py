"""Core commands: run, chat, demo, db, admin, unit, task."""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli_common import CliError, print_json, unit_named
from config.settings import NO_SECRET, Settings
from db import queries, services
from db.models import Identity, Person, Task, Unit
from db.session import unit_of_work


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="chạy bot trên các nền tảng đã có token, kèm lịch nhắc")
    run.set_defaults(runner=cmd_run)

    chat = subparsers.add_parser("chat", help="trò chuyện với bot trong terminal")
    chat.add_argument("--user", default="canbo", help="tên người dùng trong terminal")
    chat.add_argument("--admin", action="store_true", help="với quyền quản trị")
    chat.set_defaults(runner=cmd_chat)

    demo = subparsers.add_parser("demo", help="dữ liệu mẫu trong CSDL tạm, rồi trò chuyện")
    demo.add_argument("--keep", action="store_true", help="giữ thư mục dữ liệu tạm sau khi thoát")
    demo.set_defaults(runner=cmd_demo)

    db = subparsers.add_parser("db", help="cơ sở dữ liệu")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_sub.add_parser("upgrade", help="áp dụng các migration")
    db_upgrade.set_defaults(runner=cmd_db_upgrade)

    admin = subparsers.add_parser("admin", help="quyền quản trị")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    for name in ("add", "remove"):
        sub = admin_sub.add_parser(name)
        sub.add_argument("identity", help="PLATFORM:ID, ví dụ telegram:123456")
        sub.set_defaults(runner=cmd_admin, admin_action=name)
    admin_list = admin_sub.add_parser("list")
    admin_list.add_argument("--json", action="store_true")
    admin_list.set_defaults(runner=cmd_admin_list)

    unit = subparsers.add_parser("unit", help="đơn vị")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True)
    unit_add = unit_sub.add_parser("add")
    unit_add.add_argument("code")
    unit_add.add_argument("name")
    unit_add.add_argument("--parent")
    unit_add.add_argument("--alias", action="append", default=[])
    unit_add.add_argument("--kind", help="loại: huyen, xa, phong, so …")
    unit_add.set_defaults(runner=cmd_unit_add)
    unit_list = unit_sub.add_parser("list")
    unit_list.add_argument("--json", action="store_true")
    unit_list.set_defaults(runner=cmd_unit_list)

    task = subparsers.add_parser("task", help="nhiệm vụ")
    task_sub = task.add_subparsers(dest="task_command", required=True)
    task_add = task_sub.add_parser("add")
    task_add.add_argument("--unit", required=True)
    task_add.add_argument("--title", required=True)
    task_add.add_argument("--deadline", required=True, help="thời hạn, ví dụ «Quý II/2026»")
    task_add.add_argument("--support", default="", help="mã đơn vị phối hợp, cách nhau dấu phẩy")
    task_add.add_argument("--description")
    task_add.add_argument("--json", action="store_true")
    task_add.add_argument("--allow-past", action="store_true",
                          help="giao cả khi hạn đã qua (không có cờ này thì hỏi lại)")
    task_add.set_defaults(runner=cmd_task_add)
    task_list = task_sub.add_parser("list")
    task_list.add_argument("--unit")
    task_list.add_argument("--json", action="store_true")
    task_list.set_defaults(runner=cmd_task_list)
    from bot import cli_task

    cli_task.register(task_sub)


def _app(settings: Settings) -> Any:
    from bot.app import build_app

    return build_app(settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import run
    from bot.logging_setup import configure_logging

    configure_logging(settings.secrets)
    app = _app(settings)
    try:
        asyncio.run(run(app))
    finally:
        app.close()
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.console import chat_loop
    from bot.logging_setup import configure_logging

    configure_logging(settings.secrets, level=logging.WARNING)
    app = _app(settings)
    try:
        asyncio.run(chat_loop(app, args.user, admin=args.admin))
    finally:
        app.close()
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.console import chat_loop
    from bot.demo import seed_demo
    from bot.logging_setup import configure_logging

    configure_logging(settings.secrets, level=logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="nhacviec-demo-"))
    demo_settings = settings.model_copy(update={"data_dir": workdir, "database_url": NO_SECRET})
    app = _app(demo_settings)
    try:
        summary = seed_demo(app)
        sys.stdout.write(summary + "\n")
        asyncio.run(chat_loop(app, "quantri", admin=True))
    finally:
        app.close()
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
        else:
            sys.stdout.write(f"Dữ liệu demo giữ tại {workdir}\n")
    return 0


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade
    from db.session import make_engine

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    sys.stdout.write("Đã cập nhật cơ sở dữ liệu.\n")
    return 0


def _split_identity(value: str) -> tuple[str, str]:
    platform, _, external_id = value.partition(":")
    if not platform or not external_id:
        raise CliError(f"«{value}» không đúng dạng PLATFORM:ID (ví dụ telegram:123456)")
    return platform.strip().lower(), external_id.strip()


def cmd_admin(args: argparse.Namespace, settings: Settings) -> int:
    platform, external_id = _split_identity(args.identity)
    app = _app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            identity = session.scalar(select(Identity).where(
                Identity.platform == platform, Identity.external_id == external_id))
            now = app.clock.now()
            if identity is None:
                if args.admin_action == "remove":
                    raise CliError(f"không có tài khoản {platform}:{external_id}")
                person = Person(display_name=f"{platform}:{external_id}", created_at=now)
                identity = Identity(person=person, platform=platform, external_id=external_id,
                                    created_at=now)
                session.add(identity)
                session.flush()
            identity.person.is_admin = args.admin_action == "add"
            services.audit(session, actor="cli", action=f"admin.{args.admin_action}",
                           entity="person", entity_id=identity.person_id, now=now,
                           identity=f"{platform}:{external_id}")
    finally:
        app.close()
    verb = "Đã cấp" if args.admin_action == "add" else "Đã thu hồi"
    sys.stdout.write(f"{verb} quyền quản trị cho {platform}:{external_id}.\n")
    return 0


def cmd_admin_list(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.session_factory() as session:
            rows: list[dict[str, Any]] = []
            for person in services.admins(session, settings.admin_identities):
                ids = [f"{i.platform}:{i.external_id}" for i in person.identities]
                from_env = any((i.platform, i.external_id) in settings.admin_identities
                               for i in person.identities)
                rows.append({"id": person.id, "name": person.display_name, "identities": ids,
                             "source": "ADMINS" if from_env and not person.is_admin else "db"})
            known = {i for row in rows for i in row["identities"]}
            for platform, external_id in settings.admin_identities:
                if f"{platform}:{external_id}" not in known:
                    rows.append({"id": None, "name": None,
                                 "identities": [f"{platform}:{external_id}"], "source": "ADMINS"})
    finally:
        app.close()
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            sys.stdout.write(f"{', '.join(row['identities'])}\t{row['name'] or ''}\t"
                             f"({row['source']})\n")
    return 0


def cmd_unit_add(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            parent = None
            if args.parent:
                parent = services.unit_by_code(session, args.parent)
                if parent is None:
                    raise CliError(f"không có đơn vị cấp trên mã «{args.parent}»")
            unit = services.create_unit(session, code=args.code, name=args.name, parent=parent,
                                        aliases=args.alias, kind=args.kind, actor="cli",
                                        now=app.clock.now())
            code = unit.code
    finally:
        app.close()
    sys.stdout.write(f"Đã thêm đơn vị {code}.\n")
    return 0


def unit_json(unit: Unit, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": unit.id,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": codes.get(unit.parent_id) if unit.parent_id else None,
        "aliases": [a.alias for a in unit.aliases],
    }


def cmd_unit_list(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.session_factory() as session:
            units = services.all_units(session)
            codes = {u.id: u.code for u in units}
            rows = [unit_json(u, codes) for u in units]
    finally:
        app.close()
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            parent = f" (thuộc {row['parent']})" if row["parent"] else ""
            sys.stdout.write(f"{row['code']}\t{row['name']}{parent}\n")
    return 0


def task_json(session: Session, task: Task, settings: Settings, today: Any) -> dict[str, Any]:
    occurrence = services.current_occurrence(task)
    status = services.status_of(occurrence, today, settings.tz) if occurrence else None
    return {
        "id": task.id,
        "title": task.title,
        "code": task.lead_unit.code,
        "unit": task.lead_unit.name,
        "support": [u.code for u in task.support_units],
        "deadline_text": task.deadline_text,
        "kind": task.schedule_kind,
        "due": occurrence.effective_due.isoformat() if occurrence and occurrence.effective_due
        else None,
        "original_due": occurrence.due_date.isoformat() if occurrence and occurrence.due_date
        else None,
        "status": status.value if status else None,
        "progress": occurrence.progress if occurrence else 0,
        "plan": task.plan.number if task.plan else None,
        "ref": task.ref,
    }


def cmd_task_add(args: argparse.Namespace, settings: Settings) -> int:
    from texts.deadlines import refusal_text
    from timelang.deadlines import Refusal, read_deadline

    app = _app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            lead = unit_named(session, args.unit)
            support = [unit_named(session, code, "đơn vị phối hợp")
                       for code in filter(None, (c.strip() for c in args.support.split(",")))]
            now = app.clock.now()
            today = now.astimezone(settings.tz).date()
            calendar = queries.load_calendar(session)
            reading = read_deadline(args.deadline, today, calendar)
            if isinstance(reading, Refusal):
                raise CliError(refusal_text(reading))
            deadline = reading.deadline
            if reading.past and not args.allow_past and deadline.due is not None:
                # A past due date makes the task overdue at once: say so, add nothing.
                raise CliError(f"hạn «{args.deadline}» là {deadline.due:%d/%m/%Y}, đã qua "
                               f"(hôm nay {today:%d/%m/%Y}); thêm --allow-past nếu đúng là vậy")
            task = services.create_task(
                session, title=args.title, lead_unit=lead, support_units=support,
                deadline=deadline, description=args.description, actor="cli", now=now,
                today=today, calendar=calendar,
            )
            row = task_json(session, task, settings, today)
    finally:
        app.close()
    if args.json:
        print_json(row)
    else:
        sys.stdout.write(f"Đã thêm nhiệm vụ #{row['id']} cho {row['code']}, hạn {row['due']}.\n")
    return 0


def cmd_task_list(args: argparse.Namespace, settings: Settings) -> int:
    app = _app(settings)
    try:
        with app.session_factory() as session:
            today = app.clock.now().astimezone(settings.tz).date()
            query = select(Task).where(Task.status == "active").order_by(Task.id)
            if args.unit:
                unit = unit_named(session, args.unit)
                query = query.where(Task.lead_unit_id.in_(services.subtree_ids(session, [unit.id])))
            rows = [task_json(session, t, settings, today) for t in session.scalars(query)]
    finally:
        app.close()
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            sys.stdout.write(f"#{row['id']}\t{row['code']}\t{row['due'] or 'thường xuyên'}\t"
                             f"{row['status']}\t{row['title']}\n")
    return 0
