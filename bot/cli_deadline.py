"""`nhacviec deadline PHRASE [--ref YYYY-MM-DD] [--count N]`: what a deadline phrase means."""

from __future__ import annotations

# Runners import what they use when they run: `nhacviec deadline …` must not load the chat
# platforms, the composition root or the file readers.
import argparse
from datetime import datetime
from typing import Any

from bot.cli_common import CliError, parse_iso_date, print_json
from config.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("deadline", help="giải nghĩa một cụm thời hạn, in JSON")
    parser.add_argument("phrase", nargs="+", help="ví dụ: «chậm nhất ngày 05 của các tháng 3, 6, 9, 12»")
    parser.add_argument("--ref", help="ngày tham chiếu YYYY-MM-DD (mặc định hôm nay)")
    parser.add_argument("--count", type=int, default=4, help="số hạn tiếp theo cần liệt kê")
    parser.set_defaults(runner=cmd_deadline)


def cmd_deadline(args: argparse.Namespace, settings: Settings) -> int:
    from texts.deadlines import moved_dues_note, refusal_text
    from timelang.calendar import default_calendar
    from timelang.deadlines import Refusal, read_deadline

    if args.count < 0 or args.count > 1000:
        raise CliError("--count phải từ 0 đến 1000")
    ref = parse_iso_date(args.ref) if args.ref else datetime.now(settings.tz).date()
    phrase = " ".join(args.phrase)
    reading = read_deadline(phrase, ref, default_calendar())
    if isinstance(reading, Refusal):
        raise CliError(refusal_text(reading))
    deadline = reading.deadline
    moved = deadline.moved_dues(ref)
    # Extra keys (the contract welcomes them): due dates a short month moves, and the note
    # that tells it ("ngày 30" in February), never a silent move.
    print_json(deadline.to_json(ref, args.count) | {
        "past": reading.past,
        "moved": [{"day": day, "due": due.isoformat()} for day, due in moved],
        "note": moved_dues_note(moved) or None,
    })
    return 0
