"""`nhacviec report`, `nhacviec dossier`, `nhacviec ics`: the reports on the command line.

    nhacviec report [--from D] [--to D | --period KỲ] [--unit CODE] [--json] [--xlsx FILE]
                    [--chart FILE]
    nhacviec dossier [--unit CODE] [--from D] [--to D | --period KỲ] [--out FILE.zip]
    nhacviec ics (--unit CODE | --person ID|PLATFORM:ID) [--out FILE.ics] [--url]
    nhacviec feed create|list|revoke (bot/cli_feed.py)

Dates are YYYY-MM-DD or dd/mm/yyyy. Without dates or --period: the current quarter for
`report`, the current year for `dossier`. With only --from, up to today; with only --to,
from 1 January of that year.
"""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli_common import CliError, print_json, unit_named
from config.settings import Settings
from db import services
from db.models import Identity, Person
from db.session import unit_of_work
from reports import feeds, period_report, periods, stats
from reports.feeds import FeedKind
from reports.periods import Period, PeriodError, PeriodKind
from timelang import numbers


def register(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="thống kê đúng hạn, trễ hạn theo đơn vị")
    _period_arguments(report)
    report.add_argument("--unit", help="mã đơn vị: đơn vị đó và các đơn vị trực thuộc")
    report.add_argument("--json", action="store_true", help="in JSON")
    report.add_argument("--xlsx", metavar="FILE", help="ghi bảng tính Excel")
    report.add_argument("--chart", metavar="FILE", help="ghi biểu đồ PNG")
    report.set_defaults(runner=cmd_report)

    dossier = subparsers.add_parser("dossier", help="xuất hồ sơ minh chứng (.zip)")
    _period_arguments(dossier)
    dossier.add_argument("--unit", help="mã đơn vị: đơn vị đó và các đơn vị trực thuộc")
    dossier.add_argument("--out", metavar="FILE", help="tệp .zip (mặc định trong thư mục hiện tại)")
    dossier.set_defaults(runner=cmd_dossier)

    feed = subparsers.add_parser("ics", help="lịch hạn nhiệm vụ (.ics) của một đơn vị hoặc người")
    who = feed.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="mã đơn vị")
    who.add_argument("--person", help="số người dùng, hoặc PLATFORM:ID (ví dụ telegram:123)")
    feed.add_argument("--out", metavar="FILE", help="ghi ra tệp (mặc định in ra màn hình)")
    feed.add_argument("--url", action="store_true",
                      help="tạo và in một đường dẫn đăng ký lịch mới (như feed create)")
    feed.set_defaults(runner=cmd_ics)


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="D", help="từ ngày")
    parser.add_argument("--to", dest="date_to", metavar="D", help="đến ngày")
    parser.add_argument("--period", metavar="KỲ",
                        help="thang, quy, 6thang, nam, «quy I/2026», «thang 3/2026», «nam 2025»")


def open_app(settings: Settings) -> Any:
    from bot.app import build_app

    return build_app(settings)


# --- report --------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    app = open_app(settings)
    try:
        now = app.clock.now()
        today = now.astimezone(settings.tz).date()
        period = resolve_period(args, today, default="quarter")
        with unit_of_work(app.session_factory) as session:
            unit_ids, scope_label = _scope(session, args.unit)
            # Writes the snapshot when this is the first report since the period closed.
            report = period_report.build_report(session, period, today=today, now=now, tz=settings.tz,
                                        unit_ids=unit_ids)
            if args.xlsx:
                from reports.xlsx import report_workbook

                _write(args.xlsx, report_workbook(session, report, scope_label=scope_label,
                                                  tz=settings.tz, generated_at=now))
        if args.chart:
            from reports.chart import report_chart

            _write(args.chart, report_chart(report, scope_label))
    finally:
        app.close()
    if args.json:
        print_json(report.to_json())
    else:
        sys.stdout.write(text_table(report, scope_label))
    return 0


def text_table(report: stats.Report, scope_label: str) -> str:
    period = report.period
    state = "đã khóa sổ" if report.frozen else f"số liệu đến {report.as_of:%d/%m/%Y}"
    lines = [
        f"Báo cáo {period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}), "
        f"{scope_label}; {state}",
        f"{'Mã':<12} {'Đơn vị':<40} {'Giao':>6} {'Đúng':>6} {'Trễ':>6} {'Q.hạn':>6} "
        f"{'Đang':>6} {'Tỷ lệ':>7} {'Hạng':>5} {'G.hạn':>6}",
    ]
    rows = [*report.units, None]
    for line in rows:
        if line is None:
            code, name, counts, rank = "", "Tổng cộng", report.totals, None
        else:
            code, name, counts, rank = (line.code, "  " * line.depth + line.name, line.total,
                                        line.rank)
        lines.append(
            f"{code:<12} {name[:40]:<40} {counts.assigned:>6} {counts.done_on_time:>6} "
            f"{counts.done_late:>6} {counts.overdue:>6} {counts.in_progress:>6} "
            f"{stats.format_rate(counts.on_time_rate):>7} {rank or '':>5} {counts.extended:>6}"
        )
    return "\n".join(lines) + "\n"


# --- dossier -------------------------------------------------------------------------------


def cmd_dossier(args: argparse.Namespace, settings: Settings) -> int:
    from reports.dossier import plan_dossier, sanitize, write_dossier

    app = open_app(settings)
    try:
        now = app.clock.now()
        today = now.astimezone(settings.tz).date()
        period = resolve_period(args, today, default="year")
        with app.session_factory() as session:
            unit_ids, scope_label = _scope(session, args.unit)
            plan = plan_dossier(session, period, unit_ids=unit_ids, today=today, tz=settings.tz,
                                scope_label=scope_label)
        target = Path(args.out) if args.out else Path(
            f"{sanitize(plan.root, limit=120).replace(' ', '_')}.zip")
        try:
            with target.open("wb") as handle:
                written = write_dossier(plan, handle, app.evidence_store, tz=settings.tz,
                                        generated_at=now)
        except OSError as error:
            raise CliError(f"không ghi được {target}: {error.strerror}") from None
    finally:
        app.close()
    sys.stdout.write(
        f"Đã ghi {target}: {written.files} tệp minh chứng cho {plan.with_evidence}/"
        f"{plan.occurrences} nhiệm vụ đến hạn; {len(plan.missing)} nhiệm vụ chưa có minh chứng"
        + (f"; {written.gone} tệp không còn trong kho" if written.gone else "")
        + ".\n"
    )
    return 0


# --- ics -----------------------------------------------------------------------------------


def cmd_ics(args: argparse.Namespace, settings: Settings) -> int:
    from reports import ics

    if args.url:
        sys.stdout.write(create_feed(settings, unit=args.unit, person=args.person,
                                     label=None) + "\n")
        return 0
    app = open_app(settings)
    try:
        now = app.clock.now()
        today = now.astimezone(settings.tz).date()
        with app.session_factory() as session:
            if args.unit:
                scope = ics.unit_scope(unit_named(session, args.unit))
            else:
                scope = ics.person_scope(session, person_by_ref(session, args.person))
            body = ics.feed(session, scope, today=today, now=now, tz=settings.tz)
    finally:
        app.close()
    if args.out:
        _write(args.out, body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0


def person_by_ref(session: Session, value: str) -> Person:
    value = value.strip()
    person: Person | None = None
    if numbers.is_ascii_number(value):
        person_id = numbers.ascii_int(value, low=1, high=numbers.ID_MAX)
        person = session.get(Person, person_id) if person_id is not None else None
    elif ":" in value:
        platform, _, external_id = value.partition(":")
        identity = session.scalar(select(Identity).where(
            Identity.platform == platform.strip().lower(),
            Identity.external_id == external_id.strip()))
        person = identity.person if identity else None
    if person is None:
        raise CliError(f"không có người dùng «{value}» (cần số người dùng hoặc PLATFORM:ID)")
    return person


# --- calendar feeds ------------------------------------------------------------------------


def create_feed(settings: Settings, *, unit: str | None, person: str | None,
                label: str | None) -> str:
    if not settings.webhook_base_url:
        raise CliError("cần đặt WEBHOOK_BASE_URL (địa chỉ công khai của bot) để có đường dẫn lịch")
    kind: FeedKind
    app = open_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            if unit:
                found = unit_named(session, unit)
                kind, key = "unit", found.code
            else:
                kind, key = "person", str(person_by_ref(session, person or "").id)
            made = feeds.create(session, kind, key, now=app.clock.now(), label=label)
    finally:
        app.close()
    return feeds.url(settings, made)


# --- shared --------------------------------------------------------------------------------


def parse_day(value: str) -> date:
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace(".", "/").split("/")
    if len(parts) == 3:
        day = numbers.ascii_int(parts[0], low=1, high=31)
        month = numbers.ascii_int(parts[1], low=1, high=12)
        year = numbers.ascii_int(parts[2], low=numbers.YEAR_MIN, high=numbers.YEAR_MAX)
        if day is not None and month is not None and year is not None:
            try:
                return date(year, month, day)
            except ValueError:
                pass
    raise CliError(f"ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD hoặc dd/mm/yyyy")


def resolve_period(args: argparse.Namespace, today: date, *, default: PeriodKind) -> Period:
    if args.period and (args.date_from or args.date_to):
        raise CliError("dùng --period hoặc --from/--to, không dùng cả hai")
    try:
        if args.period:
            return periods.parse_period(args.period, today, default=default)
        if not args.date_from and not args.date_to:
            return periods.current(default, today)
        start = parse_day(args.date_from) if args.date_from else None
        end = parse_day(args.date_to) if args.date_to else None
        if start is None:
            assert end is not None
            start = date(end.year, 1, 1)
        if end is None:
            end = max(start, today)
        return periods.date_range(start, end)
    except PeriodError as error:
        raise CliError(f"kỳ báo cáo không hợp lệ: {error}") from None


def _scope(session: Session, code: str | None) -> tuple[set[int] | None, str]:
    if not code:
        return None, "tất cả đơn vị"
    unit = unit_named(session, code)
    return services.subtree_ids(session, [unit.id]), unit.name


def _write(path: str, data: bytes) -> None:
    try:
        target = Path(path)
        if target.parent and not target.parent.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as error:
        raise CliError(f"không ghi được {path}: {error.strerror}") from None
