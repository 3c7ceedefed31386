"""`nhacviec invite create|list|revoke` and `nhacviec staff import FILE`: onboarding a
district without one /dangky per official.

    nhacviec invite create UNIT [--auto] [--days N] [--qr FILE.png]
    nhacviec invite list [--json]
    nhacviec invite revoke ID
    nhacviec staff import FILE.xlsx

`invite create` prints the link once (only its hash is kept). `staff import` checks every
row first and imports nothing when one is wrong.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import cli_reports
from bot.cli_common import CliError, one_line, print_json
from config.settings import Settings
from db import onboarding as ob
from db.models import Invitation
from db.session import unit_of_work
from handlers.base import to_plain_text
from handlers.common import find_units
from handlers.onboarding import deep_link, resolve_staff_units, staff_errors_text

ACTOR = "cli"


def register(subparsers: Any) -> None:
    invite = subparsers.add_parser("invite", help="đường dẫn mời vào đơn vị: tạo, liệt kê, "
                                                  "thu hồi")
    actions = invite.add_subparsers(dest="invite_action", required=True,
                                    parser_class=type(invite))
    create = actions.add_parser("create", help="tạo đường dẫn mời (in ra một lần)")
    create.add_argument("unit", help="mã hoặc tên đơn vị")
    create.add_argument("--auto", action="store_true",
                        help="người vào bằng đường dẫn được nhận ngay (mặc định: lãnh đạo duyệt)")
    create.add_argument("--days", type=int, default=30, help="số ngày dùng được (1–365)")
    create.add_argument("--qr", type=Path, help="ghi mã QR ra tệp PNG này")
    create.set_defaults(runner=cmd_create)
    listing = actions.add_parser("list", help="các đường dẫn mời còn dùng được")
    listing.add_argument("--json", action="store_true", help="in JSON")
    listing.set_defaults(runner=cmd_list)
    revoke = actions.add_parser("revoke", help="thu hồi một đường dẫn mời")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(runner=cmd_revoke)
    staff = subparsers.add_parser("staff", help="danh sách cán bộ (.xlsx)")
    staff_actions = staff.add_subparsers(dest="staff_action", required=True,
                                         parser_class=type(staff))
    load = staff_actions.add_parser("import", help="nhập danh sách: họ tên, SĐT, đơn vị, vai trò")
    load.add_argument("file", type=Path)
    load.set_defaults(runner=cmd_staff_import)


def _unit_id(session: Any, text: str) -> tuple[int, str]:
    found = find_units(session, text)
    if len(found) != 1:
        raise CliError(f"không có đơn vị «{text}»" if not found else
                       f"«{text}» trùng nhiều đơn vị: {', '.join(u.code for u in found[:5])}")
    return found[0].id, found[0].code


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.days <= 365:
        raise CliError("--days phải từ 1 đến 365")
    if not settings.telegram_bot_username:
        raise CliError("cần TELEGRAM_BOT_USERNAME (tên bot, không có @) để tạo đường dẫn")
    app = cli_reports.open_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            unit_id, code = _unit_id(session, args.unit)
            invitation, token = ob.create_invitation(
                session, unit_id=unit_id, auto_approve=args.auto, days=args.days, actor=ACTOR,
                now=datetime.now(UTC))
            number, expires = invitation.id, invitation.expires_at
    finally:
        app.close()
    link = deep_link(settings.telegram_bot_username, token)
    if args.qr is not None:
        # why: the QR encoder loads when asked for, not with `nhacviec run` (issue 17)
        from reports.qr import qr_png

        args.qr.write_bytes(qr_png(link))
    print_json({"id": number, "unit": code, "auto": args.auto, "expires_at": expires.isoformat(),
                "link": link, "zalo": f"/start {token}",
                "qr": str(args.qr) if args.qr else None})
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    app = cli_reports.open_app(settings)
    try:
        with app.session_factory() as session:
            rows = [{"id": i.id, "unit": i.unit.code, "auto": i.auto_approve, "uses": i.uses,
                     "expires_at": i.expires_at.isoformat(), "created_by": i.created_by}
                    for i in ob.active_invitations(session, datetime.now(UTC))]
    finally:
        app.close()
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        sys.stdout.write(f"{row['id']}\t{row['unit']}\t{'tự động' if row['auto'] else 'duyệt'}"
                         f"\t{row['expires_at']}\t{row['uses']} lần\n")
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    app = cli_reports.open_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            invitation = session.get(Invitation, args.id)
            if invitation is None:
                raise CliError(f"không có đường dẫn mời số {args.id}")
            if invitation.revoked_at is None:
                ob.revoke_invitation(session, invitation, actor=ACTOR, now=datetime.now(UTC))
    finally:
        app.close()
    sys.stdout.write(f"đã thu hồi đường dẫn mời số {args.id}\n")
    return 0


def cmd_staff_import(args: argparse.Namespace, settings: Settings) -> int:
    if not args.file.is_file():
        raise CliError(f"không có tệp {args.file}")
    # why: the staff-list reader (plans/) loads when this command runs, not with `nhacviec run`
    from plans.limits import ReadLimits
    from plans.read_document import PlanReadError
    from plans.staff_list import StaffListError, read_staff_list

    try:
        result: Any = read_staff_list(args.file.read_bytes(), args.file.name,
                                      limits=ReadLimits.from_settings(settings))
    except StaffListError as error:
        result = error.errors
    except PlanReadError as error:
        raise CliError(one_line(error.message)) from None
    app = cli_reports.open_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            records, errors = resolve_staff_units(session, result)
            if errors:
                sys.stderr.write(to_plain_text(staff_errors_text(errors)) + "\n")
                return 1
            added, updated = ob.import_staff(session, records, actor=ACTOR, now=datetime.now(UTC))
    finally:
        app.close()
    print_json({"added": added, "updated": updated})
    return 0

