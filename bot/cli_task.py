"""`nhacviec task edit|cancel|reopen`: a task's life from the command line, audited as "cli".

Exit 0 on success, 2 with a one-line reason on bad input. A change that concerns a frozen
report period says so on stdout: frozen figures never move.
"""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
import sys
from typing import Any

from bot.cli_common import CliError, print_json, unit_named
from config.settings import Settings
from db import queries, services, task_life
from db.models import Task
from db.session import unit_of_work
from handlers.base import to_plain_text
from texts import messages

CLI_ACTOR = "cli"


def register(task_sub: Any) -> None:
    edit = task_sub.add_parser("edit", help="sửa tên, thời hạn, đơn vị chủ trì, phối hợp")
    edit.add_argument("id", type=int)
    edit.add_argument("--title")
    edit.add_argument("--deadline", help="thời hạn mới, ví dụ «Quý III/2026»")
    edit.add_argument("--unit", help="mã đơn vị chủ trì mới (giao lại)")
    edit.add_argument("--support", help="mã đơn vị phối hợp, cách nhau dấu phẩy; rỗng: không có")
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(runner=cmd_task_edit)
    cancel = task_sub.add_parser("cancel", help="huỷ nhiệm vụ (giữ lại, không tính thống kê)")
    cancel.add_argument("id", type=int)
    cancel.add_argument("--reason", default="")
    cancel.add_argument("--json", action="store_true")
    cancel.set_defaults(runner=cmd_task_cancel)
    reopen = task_sub.add_parser("reopen", help="mở lại kỳ đã báo hoàn thành gần nhất")
    reopen.add_argument("id", type=int)
    reopen.add_argument("--reason", required=True)
    reopen.add_argument("--json", action="store_true")
    reopen.set_defaults(runner=cmd_task_reopen)


def _task(session: Any, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise CliError(f"không có nhiệm vụ #{task_id}")
    return task


def _unit(session: Any, code: str) -> Any:
    return unit_named(session, code)


def _finish(args: argparse.Namespace, result: dict[str, Any], line: str) -> int:
    if args.json:
        print_json(result)
        return 0
    sys.stdout.write(line + "\n")
    if result["frozen_periods"]:
        sys.stdout.write("Lưu ý: số liệu các kỳ đã chốt (" + ", ".join(result["frozen_periods"])
                         + ") được giữ nguyên, không thay đổi theo thao tác này.\n")
    return 0


def _run(settings: Settings, work: Any) -> dict[str, Any]:
    from bot.cli_core import _app

    app = _app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            try:
                return work(session, app.clock.now())  # type: ignore[no-any-return]
            except services.DomainError as error:
                text = messages.domain_error_text(error.key, error.params)
                raise CliError(to_plain_text(text)) from None
    finally:
        app.close()


def cmd_task_edit(args: argparse.Namespace, settings: Settings) -> int:
    from texts.deadlines import refusal_text
    from timelang.deadlines import DeadlineError, parse_deadline

    def work(session: Any, now: Any) -> dict[str, Any]:
        task = _task(session, args.id)
        today = now.astimezone(settings.tz).date()
        calendar = queries.load_calendar(session)
        change = task_life.Edit(title=args.title)
        if args.deadline is not None:
            try:
                change.deadline = parse_deadline(args.deadline, ref=today, calendar=calendar)
            except DeadlineError as error:
                raise CliError(refusal_text(error)) from None
        if args.unit is not None:
            change.lead = _unit(session, args.unit)
        if args.support is not None:
            change.support = [_unit(session, c.strip()) for c in args.support.split(",")
                              if c.strip()]
        changes = task_life.edit_task(session, actor=CLI_ACTOR, task=task, edit=change,
                                      now=now, today=today, calendar=calendar)
        return {"id": task.id, "changes": changes, "frozen_periods": []}

    result = _run(settings, work)
    fields = ", ".join(result["changes"]) or "không có gì thay đổi"
    return _finish(args, result, f"Nhiệm vụ #{result['id']}: {fields}.")


def cmd_task_cancel(args: argparse.Namespace, settings: Settings) -> int:
    def work(session: Any, now: Any) -> dict[str, Any]:
        task = _task(session, args.id)
        task_life.cancel_task(session, actor=CLI_ACTOR, task=task, reason=args.reason, now=now)
        days = [d for o in task.occurrences for d in task_life.occurrence_days(o, settings.tz)]
        return {"id": task.id, "status": task.status,
                "frozen_periods": task_life.frozen_periods(session, days)}

    result = _run(settings, work)
    return _finish(args, result, f"Đã huỷ nhiệm vụ #{result['id']}.")


def cmd_task_reopen(args: argparse.Namespace, settings: Settings) -> int:
    if not args.reason.strip():
        raise CliError("cần --reason: lý do mở lại")

    def work(session: Any, now: Any) -> dict[str, Any]:
        task = _task(session, args.id)
        occurrence = task_life.last_completed(task)
        if occurrence is None:
            raise CliError(f"nhiệm vụ #{task.id} chưa có kỳ nào được báo hoàn thành")
        days = task_life.occurrence_days(occurrence, settings.tz)
        kept = task_life.reopen_occurrence(session, actor=CLI_ACTOR, occurrence=occurrence,
                                           reason=args.reason, now=now)
        return {"id": task.id, "occurrence": occurrence.id, "period": occurrence.period_key,
                "previous_completion": {"done_at": kept["done_at"].isoformat(),
                                        "done_by": kept["done_by"], "note": kept["note"]},
                "frozen_periods": task_life.frozen_periods(session, days)}

    result = _run(settings, work)
    return _finish(args, result, f"Đã mở lại nhiệm vụ #{result['id']} (kỳ {result['period']}).")
