"""`nhacviec backup` / `nhacviec restore`: the database and DATA_DIR's files in one verified
archive (db.backup). Restore goes into an empty database and DATA_DIR only."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli_common import CliError, print_json
from config.settings import Settings
from db.backup import BackupError, create_backup, read_manifest, restore_backup
from db.session import make_engine


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup", help="sao lưu CSDL và tệp minh chứng vào một tệp .tar.gz có mã băm")
    backup.add_argument("--out", type=Path,
                        help="tệp đích (mặc định nhacviec-backup-NGÀYGIỜ.tar.gz)")
    backup.set_defaults(runner=cmd_backup)
    restore = subparsers.add_parser(
        "restore", help="kiểm tra rồi khôi phục một bản sao lưu vào CSDL và DATA_DIR trống")
    restore.add_argument("archive", type=Path)
    restore.add_argument("--verify-only", action="store_true",
                         help="chỉ kiểm tra mã băm, không ghi gì")
    restore.set_defaults(runner=cmd_restore)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.now(UTC)
    out: Path = args.out or Path(f"nhacviec-backup-{now:%Y%m%d-%H%M%S}.tar.gz")
    engine = make_engine(settings.resolved_database_url)
    try:
        summary = create_backup(engine, settings.data_dir, out, created_at=now)
    finally:
        engine.dispose()
    print_json(summary.as_json())
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    if not args.archive.is_file():
        raise CliError(f"không có tệp {args.archive}")
    try:
        if args.verify_only:
            manifest = read_manifest(args.archive)
            print_json({"archive": str(args.archive), "verified": True,
                        "revision": manifest.get("revision"),
                        "rows": {k: v["rows"] for k, v in manifest["tables"].items()},
                        "files": len(manifest["files"])})
            return 0
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url)
        try:
            summary = restore_backup(engine, settings.data_dir, args.archive)
        finally:
            engine.dispose()
    except BackupError as error:
        raise CliError(str(error)) from None
    print_json({**summary.as_json(), "verified": True})
    return 0
