"""Backup and restore: every table as portable JSON lines plus the files in DATA_DIR, in one
.tar.gz with a manifest of SHA-256 hashes, checked in full before anything is restored.

Portable because rows go through SQLAlchemy, not pg_dump or the SQLite file: a district that
starts on SQLite and moves to PostgreSQL restores the same archive there. The manifest records
the schema revision; a restore builds the schema to that revision, loads the rows, then runs
the newer migrations, so an old backup restores into a newer version of the bot.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text, update

from db.migrate import current_revision, upgrade
from db.models import Base

FORMAT = 1
MANIFEST = "manifest.json"
# Not backed up: the SQLite database (dumped as rows instead), temporary file links, backups.
_SKIP_DIRS = {"outgoing", "backups"}
_SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".lock")
_CHUNK = 1 << 20


class BackupError(Exception):
    """The archive is damaged or does not fit the target; the message says why (Vietnamese)."""


@dataclass(frozen=True)
class Summary:
    path: Path
    revision: str | None
    rows: dict[str, int]
    files: int

    def as_json(self) -> dict[str, Any]:
        return {"archive": str(self.path), "revision": self.revision, "rows": self.rows,
                "files": self.files}


# --- values ---------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$t": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$t": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$t": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$t": "timedelta", "v": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$t": "decimal", "v": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$t": "bytes", "v": base64.b64encode(bytes(value)).decode()}
    return value


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(seconds=float(v)),
    "decimal": Decimal,
    "bytes": base64.b64decode,
}


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {"$t", "v"} and value["$t"] in _DECODERS:
        return _DECODERS[value["$t"]](value["v"])
    return value


# --- backup ---------------------------------------------------------------------------------


def _revision(connection: Connection) -> str | None:
    return current_revision(connection)


def _data_files(data_dir: Path, exclude: Path | None) -> Iterator[tuple[str, Path]]:
    if not data_dir.is_dir():
        return
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if not path.is_file() or relative.parts[0] in _SKIP_DIRS:
            continue
        if path.name.endswith(_SKIP_SUFFIXES) or (exclude and path.resolve() == exclude):
            continue
        yield relative.as_posix(), path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(engine: Engine, data_dir: Path, out: Path, *, created_at: datetime) -> Summary:
    out = out.resolve()
    manifest: dict[str, Any] = {"format": FORMAT, "created_at": created_at.isoformat(),
                                "backend": engine.dialect.name, "tables": {}, "files": {}}
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(partial, "w:gz") as archive:
        # One snapshot on PostgreSQL: rows written while the dump runs are all in or all out.
        options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
        with engine.connect().execution_options(**options) as connection, connection.begin():
            manifest["revision"] = _revision(connection)
            for table in Base.metadata.sorted_tables:
                dump = Path(scratch) / f"{table.name}.jsonl"
                digest, count = hashlib.sha256(), 0
                with dump.open("wb") as handle:
                    order = list(table.primary_key.columns) or list(table.columns)
                    for row in connection.execute(select(table).order_by(*order)):
                        line = json.dumps({k: _encode(v) for k, v in row._mapping.items()},
                                          ensure_ascii=False, sort_keys=True).encode() + b"\n"
                        handle.write(line)
                        digest.update(line)
                        count += 1
                manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest()}
                archive.add(dump, arcname=f"db/{table.name}.jsonl")
        for name, path in _data_files(data_dir, exclude=out):
            manifest["files"][name] = _sha256_file(path)
            archive.add(path, arcname=f"files/{name}")
        body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(body), int(created_at.timestamp())
        archive.addfile(info, io.BytesIO(body))
    os.replace(partial, out)
    rows = {name: entry["rows"] for name, entry in manifest["tables"].items()}
    return Summary(out, manifest["revision"], rows, len(manifest["files"]))


# --- verify and restore ---------------------------------------------------------------------


def read_manifest(archive_path: Path) -> dict[str, Any]:
    """The manifest, after every member of the archive was hashed and matched against it."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise BackupError("tệp sao lưu không có manifest.json")
            manifest = json.loads(member.read())
            if manifest.get("format") != FORMAT:
                raise BackupError(f"định dạng sao lưu {manifest.get('format')} không hỗ trợ")
            expected = {f"db/{name}.jsonl": entry["sha256"]
                        for name, entry in manifest["tables"].items()}
            expected.update({f"files/{name}": digest
                             for name, digest in manifest["files"].items()})
            seen: set[str] = set()
            for info in archive:
                if info.name == MANIFEST:
                    continue
                if info.name not in expected or not info.isfile():
                    raise BackupError(f"tệp sao lưu có mục lạ: {info.name}")
                _safe_name(info.name)
                handle = archive.extractfile(info)
                assert handle is not None
                digest = hashlib.sha256()
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected[info.name]:
                    raise BackupError(f"mã băm không khớp: {info.name} (tệp sao lưu bị hỏng)")
                seen.add(info.name)
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"tệp sao lưu thiếu {len(missing)} mục, ví dụ {missing[0]}")
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError, KeyError) as error:
        raise BackupError(f"không đọc được tệp sao lưu: {error}") from None
    return manifest


def _safe_name(name: str) -> None:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"tệp sao lưu có đường dẫn không an toàn: {name}")


def _target_is_empty(connection: Connection) -> None:
    existing = set(inspect(connection).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name in existing and connection.scalar(select(func.count()).select_from(table)):
            raise BackupError(f"CSDL đích đã có dữ liệu (bảng {table.name}); hãy khôi phục "
                              "vào một CSDL trống")


def restore_backup(engine: Engine, data_dir: Path, archive_path: Path) -> Summary:
    manifest = read_manifest(archive_path)
    files: dict[str, str] = manifest["files"]
    for name in files:
        if (data_dir / name).exists():
            raise BackupError(f"DATA_DIR đã có tệp {name}; hãy khôi phục vào thư mục trống")
    with engine.connect() as connection:
        _target_is_empty(connection)
        current = _revision(connection)
    revision = manifest.get("revision")
    if current is None and revision:
        upgrade(engine, revision)
    elif current != revision:
        raise BackupError(f"CSDL đích ở phiên bản {current}, bản sao lưu ở {revision}; hãy "
                          "khôi phục vào một CSDL trống")
    with tarfile.open(archive_path, "r:gz") as archive:
        with engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                if table.name not in manifest["tables"]:
                    continue  # a table newer than the backup stays empty
                member = archive.extractfile(f"db/{table.name}.jsonl")
                assert member is not None
                _load_table(connection, table, (json.loads(line) for line in member))
        for name, digest in files.items():
            _restore_file(archive, name, digest, data_dir)
    upgrade(engine, "head")
    rows = {name: entry["rows"] for name, entry in manifest["tables"].items()}
    return Summary(archive_path, revision, rows, len(files))


def _load_table(connection: Connection, table: Table, lines: Iterator[dict[str, Any]]) -> None:
    # A row may point at a later row of its own table (a unit's parent created after it):
    # such columns are loaded empty and filled in once every row is there.
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    for raw in lines:
        row = {key: _decode(value) for key, value in raw.items() if key in table.c}
        if self_refs and any(row.get(c) is not None for c in self_refs):
            later.append(row)
            row = {**row, **dict.fromkeys(self_refs)}
        batch.append(row)
        if len(batch) >= 1000:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    keys = list(table.primary_key.columns)
    for row in later:
        connection.execute(update(table)
                           .where(*(key == row[key.name] for key in keys))
                           .values({c: row[c] for c in self_refs}))
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, table)


def _reset_sequences(connection: Connection, table: Table) -> None:
    """Ids were given explicitly, so the next id PostgreSQL hands out must come after them."""
    for column in table.primary_key.columns:
        if column.autoincrement is False or column.type.python_type is not int:
            continue
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                     {"t": table.name, "c": column.name})
        if sequence:
            connection.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM '
                     f'"{table.name}"), 1), (SELECT COUNT(*) > 0 FROM "{table.name}"))'),
                {"s": sequence})


def _restore_file(archive: tarfile.TarFile, name: str, digest: str, data_dir: Path) -> None:
    target = data_dir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    member = archive.extractfile(f"files/{name}")
    assert member is not None
    partial = target.with_name(target.name + ".partial")
    hasher = hashlib.sha256()
    with partial.open("wb") as handle:
        while chunk := member.read(_CHUNK):
            hasher.update(chunk)
            handle.write(chunk)
    if hasher.hexdigest() != digest:
        partial.unlink(missing_ok=True)
        raise BackupError(f"mã băm không khớp khi ghi {name}")
    os.replace(partial, target)
