"""Test doubles: a replier that records what a handler answered, a transport that records what
the outbox sender delivered, and a harness that scripts conversations against the real router
(in the spirit of botbuilder's TestAdapter)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.base import (
    Attachment,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    MenuOption,
    OutgoingFile,
    Replier,
)


@dataclass
class Reply:
    text: str
    buttons: list[MenuOption] = field(default_factory=list)
    file: OutgoingFile | None = None


_ESCAPED = re.compile(r"&(?:amp|lt|gt|quot|#\d+);")


def plain_labels(options: Sequence[MenuOption]) -> list[MenuOption]:
    """Button labels are plain text (a Telegram button shows "&amp;" as is): every test that
    records a menu checks it."""
    for option in options:
        assert not _ESCAPED.search(option.label), f"escaped button label: {option.label!r}"
    return list(options)


class RecordingReplier(Replier):
    supports_files = True

    def __init__(self, *, buttons: bool = True, limit: int = 4096,
                 files: dict[str, bytes] | None = None) -> None:
        super().__init__()
        self.supports_buttons = buttons
        self.max_text_length = limit
        self.replies: list[Reply] = []
        self.files = files or {}

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        self.replies.append(Reply(text, plain_labels(buttons.options) if buttons else []))

    async def send_file(self, file: OutgoingFile) -> None:
        self.replies.append(Reply(file.caption or "", [], file))

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        data = self.files[attachment.file_id or ""]
        if len(data) > max_bytes:
            raise FileTooLarge(len(data))
        return data

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)


class RecordingTransport:
    def __init__(self, platform: str, *, buttons: bool = True) -> None:
        self.platform = platform
        self.supports_buttons = buttons
        self.sent: list[tuple[str, str, list[MenuOption]]] = []

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> None:
        self.sent.append((chat_id, text, plain_labels(menu or [])))

    def to(self, chat_id: str) -> list[str]:
        return [text for chat, text, _ in self.sent if chat == chat_id]


class Harness:
    """Drives the real router and sender on a real database, as several people."""

    def __init__(self, app: Any, platform: str = "telegram") -> None:
        self.app = app
        self.platform = platform
        self.transport = RecordingTransport(platform)
        app.add_transport(self.transport)
        self.files: dict[str, bytes] = {}

    async def send(
        self,
        user: str,
        text: str,
        *,
        name: str | None = None,
        chat: str | None = None,
        group_title: str | None = None,
        attachment: Attachment | None = None,
        buttons: bool = True,
        drain: bool = True,
        pressed: bool = False,
    ) -> RecordingReplier:
        """`pressed`: `text` is a button's command, pressed rather than typed."""
        replier = RecordingReplier(buttons=buttons, files=self.files)
        incoming = Incoming(
            platform=self.platform,
            chat_id=chat or user,
            chat_type="group" if chat else "private",
            chat_title=group_title,
            user_id=user,
            user_name=name or user,
            text=text,
            attachment=attachment,
            is_button=pressed,
        )
        await self.app.router.handle(incoming, replier)
        if drain:
            await self.app.sender.drain_once()
        return replier

    async def send_confirmed(self, user: str, text: str, **kwargs: Any) -> RecordingReplier:
        """Sends a command that asks "Xác nhận?" and answers "có"; returns the answer's reply.
        A command refused before the question (bad number, not allowed) is returned as is."""
        # The question queues nothing; the outbox is left as the command alone would leave it.
        asked = await self.send(user, text, drain=False, **kwargs)
        if "Xác nhận?" not in asked.text:
            return asked
        chat = kwargs.get("chat")
        return await self.send(user, "có", chat=chat) if chat else await self.send(user, "có")

    def attach(self, file_id: str, data: bytes, *, kind: str = "document",
               file_name: str | None = None, size: int | None = None) -> Attachment:
        self.files[file_id] = data
        return Attachment(kind=kind, file_id=file_id, file_name=file_name,  # type: ignore[arg-type]
                          size=len(data) if size is None else size)


def sample_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sample_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


# A fixed Fernet key: the OA's tokens are encrypted at rest with DATA_ENCRYPTION_KEY.
TEST_ENCRYPTION_KEY = "qXwd1QlOi2KEVbE56jEXNM3pG9u_UQyTCXdPBS_SN0M="


def make_settings(tmp_path: Path, db_url: str, **overrides: Any) -> Any:
    from config.settings import Settings

    # port 0: the bot's HTTP server (always up in `run`, for /healthz) takes a free port.
    values: dict[str, Any] = {"data_dir": tmp_path / "data", "database_url": db_url,
                              "admins": "telegram:1", "data_encryption_key": TEST_ENCRYPTION_KEY,
                              "port": 0}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]
