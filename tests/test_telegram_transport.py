"""How a Bot API failure reaches the outbox sender: the decision to retry, wait, give up or
record an unknown outcome rests on this mapping."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.telegram import TelegramTransport
from scheduler import transport


def quiet_retry_after(seconds: int) -> RetryAfter:
    # PTB 22 warns about its own coming change of `retry_after`'s type as it builds the error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return RetryAfter(timedelta(seconds=seconds))


class FailingBot:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    async def send_message(self, **_: Any) -> None:
        self.calls += 1
        raise self.error

    async def do_api_request(self, *_: Any, **__: Any) -> None:
        # How replies and reminders go out (bot.telegram.TelegramReplier._send_chunk).
        self.calls += 1
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (quiet_retry_after(7), transport.RetryAfter),
        (Forbidden("Forbidden: bot was blocked by the user"), transport.Blocked),
        (BadRequest("Chat not found"), transport.ChatNotFound),
        (BadRequest("Message is too long"), transport.SendError),
        (TimedOut("Pool timeout: All connections in the connection pool are occupied. "
                  "Request was *not* sent to Telegram."), transport.TransientError),
        (TimedOut(), transport.UnknownOutcome),
        (NetworkError("Connection reset by peer"), transport.TransientError),
    ],
)
async def test_failures_map_to_what_the_sender_decides_on(
    error: Exception, expected: type[transport.SendError]
) -> None:
    bot = FailingBot(error)
    with pytest.raises(expected) as raised:
        await TelegramTransport(bot).send("42", "Nhắc việc", None)  # type: ignore[arg-type]
    assert type(raised.value) is expected
    assert bot.calls == 1  # the transport itself never repeats a send
    if isinstance(raised.value, transport.RetryAfter):
        assert raised.value.seconds == 7
