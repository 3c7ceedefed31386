"""`nhacviec chat`: the same handlers in a terminal, as one user, on the same data."""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.app import App
from db import services
from db.session import unit_of_work
from handlers.base import (
    Attachment,
    AttachmentKind,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    MenuOption,
    OutgoingFile,
    Replier,
    to_plain_text,
)
from texts import messages

PLATFORM = "console"
FILE_PREFIX = "!tep"


class ConsoleReplier(Replier):
    max_text_length = 4096
    supports_files = True

    def __init__(self, out: TextIO, export_dir: Path) -> None:
        super().__init__()
        self.out = out
        self.export_dir = export_dir

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        self.out.write(f"\n🤖 {to_plain_text(text)}\n")
        self.out.flush()

    async def send_file(self, file: OutgoingFile) -> None:
        self.export_dir.mkdir(parents=True, exist_ok=True)
        target = self.export_dir / file.file_name
        target.write_bytes(file.data)
        caption = f" — {to_plain_text(file.caption)}" if file.caption else ""
        await self._send_chunk(f"📄 Tệp đã lưu: {target}{caption}", None)

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        assert attachment.url is not None
        path = Path(attachment.url)
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLarge(size)
        return path.read_bytes()


class ConsoleTransport:
    """Messages the bot sends to other console users are shown, marked with the recipient."""

    platform = PLATFORM
    supports_buttons = False

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> None:
        lines = [to_plain_text(text)]
        if menu:
            lines += [f"  {i}. {option.label}  ({option.command})"
                      for i, option in enumerate(menu, 1)]
        self.out.write(f"\n📨 [gửi tới {chat_id}] " + "\n".join(lines) + "\n")
        self.out.flush()


def ensure_console_user(app: App, user: str, *, admin: bool) -> None:
    with unit_of_work(app.session_factory) as session:
        actor = services.resolve_actor(
            session, platform=PLATFORM, external_id=user, display_name=user,
            private_chat_id=user, now=app.clock.now(),
        )
        if admin and not actor.person.is_admin:
            actor.person.is_admin = True
            services.audit(session, actor="cli", action="admin.add", entity="person",
                           entity_id=actor.person_id, now=app.clock.now(),
                           identity=f"{PLATFORM}:{user}")


def parse_line(line: str, user: str) -> Incoming:
    """A typed line; `!tep PATH [caption]` sends a file, as attaching one would in an app."""
    attachment = None
    text = line
    if line.startswith(FILE_PREFIX):
        rest = line[len(FILE_PREFIX):].strip()
        path_text, _, caption = rest.partition(" ")
        path = Path(path_text).expanduser()
        mime, _ = mimetypes.guess_type(path.name)
        kind: AttachmentKind = "photo" if (mime or "").startswith("image/") else "document"
        attachment = Attachment(kind=kind, file_name=path.name, mime_type=mime,
                                size=path.stat().st_size if path.exists() else None,
                                url=str(path))
        text = caption
    return Incoming(platform=PLATFORM, chat_id=user, user_id=user, user_name=user, text=text,
                    attachment=attachment)


async def chat_loop(app: App, user: str, *, admin: bool, inp: TextIO | None = None,
                    out: TextIO | None = None) -> None:
    inp = inp or sys.stdin
    out = out or sys.stdout
    ensure_console_user(app, user, admin=admin)
    app.add_transport(ConsoleTransport(out))
    replier = ConsoleReplier(out, app.settings.data_dir / "exports")
    out.write(f"Nhắc Việc — trò chuyện trong terminal với tư cách «{user}»"
              f"{' (quản trị)' if admin else ''}. Gõ /trogiup; Ctrl-D để thoát.\n"
              f"Gửi tệp: {FILE_PREFIX} ĐƯỜNG_DẪN [chú thích], ví dụ "
              f"«{FILE_PREFIX} bienban.pdf /minhchung 1».\n")
    out.flush()
    while True:
        out.write("\n> ")
        out.flush()
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line.startswith(FILE_PREFIX) and not Path(
                line[len(FILE_PREFIX):].strip().partition(" ")[0]).expanduser().exists():
            out.write(to_plain_text(messages.EVIDENCE_DOWNLOAD_FAILED) + "\n")
            continue
        await app.router.handle(parse_line(line, user), replier)
        await app.sender.drain_once()
    out.write("\nTạm biệt!\n")
