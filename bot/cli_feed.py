"""`nhacviec feed create|list|revoke`: calendar (.ics) links, each revocable on its own.

    nhacviec feed create (--unit CODE | --person ID|PLATFORM:ID) [--label TEXT]
    nhacviec feed list [--json]
    nhacviec feed revoke ID

`create` prints the link once: only its hash is kept, it cannot be shown again.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot import cli_reports
from bot.cli_common import CliError, print_json
from config.settings import Settings
from db.session import unit_of_work
from reports import feeds


def register(subparsers: Any) -> None:
    feed = subparsers.add_parser("feed", help="đường dẫn lịch .ics: tạo, liệt kê, thu hồi")
    actions = feed.add_subparsers(dest="feed_action", required=True,
                                  parser_class=type(feed))
    create = actions.add_parser("create", help="tạo đường dẫn lịch mới (in ra một lần)")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", help="mã đơn vị")
    who.add_argument("--person", help="số người dùng, hoặc PLATFORM:ID (ví dụ telegram:123)")
    create.add_argument("--label", help="ghi chú: ai dùng đường dẫn này")
    create.set_defaults(runner=cmd_create)
    listing = actions.add_parser("list", help="các đường dẫn lịch đã tạo (không có token)")
    listing.add_argument("--json", action="store_true", help="in JSON")
    listing.set_defaults(runner=cmd_list)
    revoke = actions.add_parser("revoke", help="thu hồi một đường dẫn lịch")
    revoke.add_argument("id", type=int, help="số của đường dẫn (xem feed list)")
    revoke.set_defaults(runner=cmd_revoke)


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    sys.stdout.write(cli_reports.create_feed(settings, unit=args.unit, person=args.person,
                                 label=args.label) + "\n")
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    app = cli_reports.open_app(settings)
    try:
        with app.session_factory() as session:
            rows: list[dict[str, Any]] = [{"id": f.id, "kind": f.kind, "key": f.key, "label": f.label,
                     "created_at": f.created_at.isoformat(),
                     "revoked_at": f.revoked_at.isoformat() if f.revoked_at else None}
                    for f in feeds.all_feeds(session)]
    finally:
        app.close()
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        state = f"thu hồi {row['revoked_at'][:10]}" if row["revoked_at"] else "đang dùng"
        sys.stdout.write(f"{row['id']:>4}  {row['kind']:<6} {row['key']:<12} {state:<20} "
                         f"{row['label'] or ''}\n")
    return 0


def cmd_revoke(args: argparse.Namespace, settings: Settings) -> int:
    app = cli_reports.open_app(settings)
    try:
        with unit_of_work(app.session_factory) as session:
            if not feeds.revoke(session, args.id, now=app.clock.now()):
                raise CliError(f"không có đường dẫn lịch số {args.id} đang dùng")
    finally:
        app.close()
    sys.stdout.write(f"Đã thu hồi đường dẫn lịch số {args.id}.\n")
    return 0
