"""What the outbox sender needs from a platform: send a text (with optional menu) to a chat,
and say clearly how it failed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from texts.menus import MenuOption


class SendError(Exception):
    """A send failed; subclasses say whether and when to try again."""


class RetryAfter(SendError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Blocked(SendError):
    """The person blocked the bot or left: retrying will not help."""


class ChatNotFound(SendError):
    """The chat does not exist (any more): retrying will not help."""


class TransientError(SendError):
    """Network trouble or a server error before the message was accepted: safe to retry."""


class UnknownOutcome(SendError):
    """The request went out but no answer came (a timeout): it may have been delivered."""


class Transport(Protocol):
    platform: str
    supports_buttons: bool

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None
                   ) -> Sequence[str] | None:
        """Deliver one outbox message; raise a SendError subclass on failure. Returns the
        ids the platform gave the message's pieces (None when it gives none), so that a
        reply to one of them can be tied to the message's tasks."""
        ...
