"""Evidence files, stored content-addressed under DATA_DIR so the same file is kept once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path


def sniff_mime(data: bytes, file_name: str | None) -> str | None:
    """The file's real type from its first bytes; None when it is not an accepted type.

    Names lie (a .pdf that is an .exe); magic bytes do not, so both must agree."""
    extension = Path(file_name).suffix.lower() if file_name else ""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        kind = "application/pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "image/gif"
    elif head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "image/webp"
    elif data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1"):
        kind = "image/heic"
    elif head.startswith(b"PK\x03\x04"):
        # Office Open XML is a zip; only .docx/.xlsx names are accepted as such.
        if extension in (".docx", ".xlsx"):
            return ALLOWED_EXTENSIONS[extension]
        return None
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if extension in (".doc", ".xls"):
            return ALLOWED_EXTENSIONS[extension]
        return None
    else:
        return None
    if extension and extension in ALLOWED_EXTENSIONS:
        declared = ALLOWED_EXTENSIONS[extension]
        if declared.split("/")[0] != kind.split("/")[0] and declared != kind:
            return None
    return kind


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def save(self, data: bytes) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a crash never leaves a half file under the final name.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return StoredFile(sha256=digest, size=len(data), path=target)

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
