"""`nhacviec plan parse FILE` and `nhacviec plan import FILE [--yes]`.

`parse` prints what was read from the file as the contract's JSON and touches nothing.
`import` shows the same reading as a preview (tasks per unit, deadlines, recurring duties,
unknown unit names), asks before it creates units or tasks, then writes everything in one
transaction. Bad input ends with status 2 and one line on stderr.
"""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli_common import CliError, print_json
from config.settings import Settings
from texts import messages


def register(subparsers: Any) -> None:
    plan = subparsers.add_parser("plan", help="kế hoạch: đọc tệp và nhập nhiệm vụ")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)

    parse = plan_sub.add_parser(
        "parse", help="in JSON những gì đọc được từ tệp (.txt, .md, .docx, .pdf, .xlsx); không ghi gì"
    )
    parse.add_argument("file", help="tệp kế hoạch")
    parse.add_argument("--count", type=int, default=4, help="số hạn tiếp theo liệt kê mỗi nhiệm vụ")
    parse.add_argument("--date", type=_plan_date, help=_DATE_HELP)
    parse.set_defaults(runner=cmd_parse)

    imp = plan_sub.add_parser("import", help="xem trước rồi nhập nhiệm vụ của kế hoạch")
    imp.add_argument("file", help="tệp kế hoạch")
    imp.add_argument("--date", type=_plan_date, help=_DATE_HELP)
    imp.add_argument("--yes", "-y", action="store_true", help="không hỏi lại trước khi nhập")
    imp.add_argument(
        "--map", action="append", default=[], metavar="TÊN=MÃ[,MÃ]",
        help="tên đơn vị trong kế hoạch ứng với (các) mã đơn vị; lặp lại được",
    )
    imp.add_argument(
        "--skip", action="append", default=[], metavar="TÊN",
        help="bỏ qua tên đơn vị này (không giao nhiệm vụ cho nó)",
    )
    imp.add_argument(
        "--create-units", action="store_true",
        help="tạo đơn vị mới cho mọi tên chưa có (mã tự đặt)",
    )
    imp.add_argument("--parent", metavar="MÃ", help="đơn vị cha của các đơn vị tạo mới")
    imp.add_argument(
        "--default-unit", metavar="MÃ",
        help="đơn vị chủ trì cho các nhiệm vụ kế hoạch không ghi đơn vị",
    )
    imp.add_argument("--json", action="store_true", help="in xem trước và kết quả dạng JSON")
    imp.set_defaults(runner=cmd_import)


def _read_file(path_text: str) -> tuple[bytes, str]:
    # why: the plan readers load when a plan command runs, not with `nhacviec run` (issue 17)
    from plans.readers import MAX_FILE_BYTES

    path = Path(path_text)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise CliError(f"«{path_text}» là thư mục, không phải tệp")
        if size > MAX_FILE_BYTES:
            raise CliError(
                f"tệp «{path.name}» nặng {size / 1024 / 1024:.1f} MB, vượt giới hạn 20 MB"
            )
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise CliError(f"không tìm thấy tệp «{path_text}»") from None
    except PermissionError:
        raise CliError(f"không có quyền đọc tệp «{path_text}»") from None
    except OSError as error:
        raise CliError(f"không đọc được tệp «{path_text}»: {error.strerror}") from None


_DATE_HELP = "ngày ban hành (YYYY-MM-DD) khi tệp không ghi ngày đọc được; hạn tương đối tính từ ngày này"


def _plan_date(text: str) -> date:
    """--date: the plan's date when its header has none (relative deadlines count from it)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{text}» không đúng dạng YYYY-MM-DD") from None


def _parse(path_text: str, calendar: Any = None, plan_date: date | None = None) -> Any:
    # why: the plan readers load when a plan command runs, not with `nhacviec run` (issue 17)
    from plans.parser import read_plan
    from plans.readers import PlanReadError
    from texts import ocr as ocr_texts

    def progress(page: int, pages: int) -> None:
        # stderr: stdout carries the JSON.
        print(ocr_texts.CLI_PROGRESS.format(page=page, pages=pages), file=sys.stderr, flush=True)

    data, name = _read_file(path_text)
    try:
        return read_plan(data, name, calendar=calendar, today=plan_date, progress=progress)
    except PlanReadError as error:
        raise CliError(error.message) from None


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    if not 0 <= args.count <= 1000:
        raise CliError("--count phải từ 0 đến 1000")
    from datetime import datetime

    from plans.review import review

    plan = _parse(args.file, plan_date=args.date)
    today = datetime.now(settings.tz).date()
    found = review(plan, today)
    data = plan.to_json(args.count)
    # What the reader is unsure of and which deadlines are already past, for a person to check.
    data["review"] = found.to_json()
    print_json(data)
    if found.date_guessed:
        sys.stderr.write(messages.CLI_PLAN_DATE_QUESTION + "\n")
    return 0





def _decisions(args: argparse.Namespace) -> Any:
    from plans.importer import Decisions

    decisions = Decisions(default_lead=args.default_unit)
    for item in args.map:
        name, sep, codes = item.partition("=")
        if not sep or not name.strip() or not codes.strip():
            raise CliError(f"--map cần dạng TÊN=MÃ[,MÃ], nhận được «{item}»")
        decisions.mappings[name.strip()] = [c.strip() for c in codes.split(",") if c.strip()]
    for name in args.skip:
        decisions.mappings[name.strip()] = []
    return decisions


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_app
    from db import queries
    from db.session import unit_of_work
    from plans import importer

    app = build_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            calendar = queries.load_calendar(session)
            plan = _parse(args.file, calendar, plan_date=args.date)
            from plans.review import needs_date

            if needs_date(plan):
                # Never count a plan's deadlines from today without saying so: ask for its date.
                raise CliError(messages.CLI_PLAN_DATE_QUESTION)
            decisions = _decisions(args)
            try:
                preview = importer.preview_import(session, plan, decisions)
                if args.create_units and preview.unknown:
                    _create_for_unknown(session, preview, decisions, args.parent)
                    preview = importer.preview_import(session, plan, decisions)
            except importer.PlanImportError as error:
                raise CliError(str(error)) from None
            if args.json:
                print_json({"plan": plan.to_json(), "preview": preview.to_json()})
            else:
                today = app.clock.now().astimezone(settings.tz).date()
                sys.stdout.write(render_preview(preview, today) + "\n")
            if preview.new_task_count == 0 and not decisions.create:
                sys.stdout.write("Không có nhiệm vụ mới để nhập.\n")
                return 0
            if not args.yes and not _confirm(preview):
                sys.stdout.write("Đã huỷ, không ghi gì.\n")
                return 0
            now = app.clock.now()
            today = now.astimezone(settings.tz).date()
            try:
                result = importer.import_plan(
                    session, plan, decisions, actor="cli", now=now, today=today,
                    calendar=calendar,
                )
            except importer.PlanImportError as error:
                raise CliError(str(error)) from None
            queued = importer.queue_unit_notices(
                session, result, now=now, reference=plan.deadline_reference
            )
            summary: dict[str, Any] = {
                "plan_id": result.plan.id,
                "created_tasks": len(result.created),
                "existing_tasks": result.existing,
                "created_units": [unit.code for unit in result.created_units],
                "left_out": [task.parsed.ref for task in result.left_out],
                "unknown_units": list(result.unknown),
                "notices_queued": queued,
            }
    finally:
        app.close()
    if args.json:
        print_json(summary)
    else:
        sys.stdout.write(
            f"Đã nhập {summary['created_tasks']} nhiệm vụ (kế hoạch #{summary['plan_id']}); "
            f"{summary['existing_tasks']} nhiệm vụ đã có từ lần nhập trước; "
            f"{queued} tin báo đơn vị đang chờ gửi.\n"
        )
        if summary["left_out"]:
            sys.stdout.write(
                "Không nhập (chưa có đơn vị chủ trì): " + ", ".join(summary["left_out"]) + "\n"
            )
    return 0


def _create_for_unknown(session: Any, preview: Any, decisions: Any, parent: str | None) -> None:
    """A new unit for each unknown name that names one unit. Group phrases ("các ngành liên
    quan") stay unknown: no single unit stands for them. Two spellings of one unit
    ("Trung tâm VH-TT-DL&TT huyện", "Trung tâm Văn hóa-Thể thao-Du lịch và Truyền thông
    huyện") become one unit."""
    from db import services
    from plans import importer
    from plans.matching import KnownUnit, UnitMatcher
    from plans.text import fold

    if parent and services.unit_by_code(session, parent) is None:
        raise CliError(f"không có đơn vị cha mã «{parent}»")
    taken = [unit.code for unit in importer.known_units(session)]
    planned: list[KnownUnit] = []
    for name in preview.unknown:
        if fold(name).startswith("cac "):
            continue
        same = UnitMatcher(planned).match(name) if planned else None
        if same is not None and len(same.units) == 1:
            decisions.mappings[name] = [same.units[0].code]
            continue
        code = importer.suggest_code(name, taken)
        taken.append(code)
        decisions.create[name] = importer.NewUnit(code, name, parent, importer.guess_kind(name))
        planned.append(KnownUnit(None, code, name, (), parent, None))


def _confirm(preview: Any) -> bool:
    if not sys.stdin.isatty() and not os.environ.get("NHACVIEC_ASSUME_TTY"):
        raise CliError("cần xác nhận: chạy lại với --yes để nhập mà không hỏi")
    creating = len(preview.units_to_create)
    question = f"Nhập {preview.new_task_count} nhiệm vụ"
    if creating:
        question += f" và tạo {creating} đơn vị mới"
    sys.stdout.write(question + "? [c/K] ")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("c", "co", "có", "y", "yes")


def render_preview(preview: Any, today: date | None = None) -> str:
    """The preview as plain text for a terminal."""
    plan = preview.plan
    lines = _preview_lines(preview)
    if today is not None:
        lines += _review_lines(plan, today)
    return "\n".join(lines)


def _review_lines(plan: Any, today: date) -> list[str]:
    from plans.review import review

    found = review(plan, today)
    lines: list[str] = []
    if found.no_unit:
        lines.append(messages.CLI_PLAN_NO_UNIT.format(
            count=len(found.no_unit), refs=", ".join(found.no_unit)))
    if found.unread:
        items = ", ".join(f"{ref} «{text}»" for ref, text in found.unread)
        lines.append(messages.CLI_PLAN_UNREAD.format(count=len(found.unread), items=items))
    if found.past_due:
        items = ", ".join(f"{ref} ({due:%d/%m/%Y})" for ref, due in found.past_due)
        lines.append(messages.CLI_PLAN_PAST_DUE.format(count=len(found.past_due), items=items))
    return lines


def _preview_lines(preview: Any) -> list[str]:
    plan = preview.plan
    head = plan.kind + (f" số {plan.number}" if plan.number else "")
    if plan.date:
        head += f" ngày {plan.date:%d/%m/%Y}"
    lines = [f"{head}: {plan.title}", f"Đọc được {len(plan.tasks)} nhiệm vụ."]
    if plan.ocr:
        from texts import ocr as ocr_texts

        lines.append(ocr_texts.OCR_WARNING.format(pages="các"))
    if preview.existing_plan_id is not None:
        lines.append(
            f"Kế hoạch này đã nhập trước đây (#{preview.existing_plan_id}): "
            f"{preview.existing_task_count} nhiệm vụ đã có, chỉ thêm phần còn thiếu."
        )
    lines.append(f"Sẽ tạo {preview.new_task_count} nhiệm vụ:")
    for unit, count in preview.per_unit:
        marker = " (đơn vị mới)" if unit.id is None else ""
        lines.append(f"  - {unit.name} [{unit.code}]{marker}: {count}")
    if preview.recurring:
        lines.append(f"Định kỳ ({len(preview.recurring)}):")
        for task in preview.recurring:
            lines.append(f"  - {task.parsed.ref}: {task.parsed.deadline_text}")
    if preview.undated:
        lines.append(f"Chưa có thời hạn, theo dõi dạng thường xuyên ({len(preview.undated)}):")
        for task in preview.undated:
            shown = f" «{task.parsed.deadline_text}»" if task.parsed.deadline_text else ""
            lines.append(f"  - {task.parsed.ref}{shown}: {task.deadline_note}")
    if preview.unknown:
        lines.append(f"Tên đơn vị chưa rõ ({len(preview.unknown)}) — sẽ bị bỏ qua nếu không gán:")
        for name in preview.unknown:
            hints = ", ".join(unit.code for unit in preview.suggestions.get(name, []))
            lines.append(f"  - {name}" + (f" (gợi ý: {hints})" if hints else ""))
        lines.append("  Gán bằng --map \"TÊN=MÃ\", bỏ qua bằng --skip \"TÊN\", hoặc --create-units.")
    if preview.left_out:
        refs = ", ".join(task.parsed.ref for task in preview.left_out)
        lines.append(f"Không nhập được vì chưa có đơn vị chủ trì: {refs} (dùng --default-unit MÃ).")
    return lines
