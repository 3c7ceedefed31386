"""Telling the chat how far the OCR of a scan has got ("đang đọc trang 3/12").

Reading a scan costs a few seconds a page, so a long one would look like a bot that has
died. A few messages say it has not: one when OCR starts, then at most three more, evenly
spread, however many pages there are (a platform cannot edit messages everywhere, and one
message a page for 100 pages would bury the chat).

The reader reports from a worker thread; the messages are sent on the bot's event loop, and
`finish()` waits for them so they arrive before the preview.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math

from handlers.base import Replier
from texts import messages
from texts import ocr as ocr_texts

MOST_MESSAGES = 4


def pages_to_tell(total: int, most: int = MOST_MESSAGES) -> list[int]:
    """The pages announced for a scan of `total` pages: the first, then every
    ceil(total / most) pages."""
    if total <= 0:
        return []
    step = max(1, math.ceil(total / most))
    return list(range(1, total + 1, step))[:most]


class ChatProgress:
    """The `progress` callback of plans.parser.read_plan for one chat."""

    def __init__(self, replier: Replier, loop: asyncio.AbstractEventLoop, name: str) -> None:
        self._replier = replier
        self._loop = loop
        self._name = name
        self._told: list[int] | None = None
        self._sent: list[concurrent.futures.Future[None]] = []

    def __call__(self, page: int, pages: int) -> None:
        if self._told is None:
            self._told = pages_to_tell(pages)
        if page not in self._told:
            return
        if page == 1:
            text = messages.render(ocr_texts.PROGRESS_START, name=self._name, pages=pages)
        else:
            text = ocr_texts.PROGRESS_PAGE.format(page=page, pages=pages)
        self._sent.append(
            asyncio.run_coroutine_threadsafe(self._replier.send_text(text), self._loop))

    async def finish(self) -> None:
        """Waits until every progress message is out (a failed one is not worth an error)."""
        if self._sent:
            await asyncio.gather(*(asyncio.wrap_future(sent) for sent in self._sent),
                                 return_exceptions=True)
