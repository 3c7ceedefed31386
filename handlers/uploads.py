"""How a command asks for the file it waits for: in the chat where the platform passes
documents to bots (Telegram), through a signed one-time upload link where it does not (Zalo
Bot, Zalo OA; see bot/upload_page.py)."""

from __future__ import annotations

from handlers.base import Context, Incoming, UploadPurpose
from handlers.common import local_time
from texts import onboarding, uploads

_LINK_TEXTS = {
    "evidence": onboarding.UPLOAD_EVIDENCE_LINK,
    "plan": onboarding.UPLOAD_PLAN_LINK,
    "staff": uploads.UPLOAD_STAFF_LINK,
}


def file_prompt(msg: Incoming, ctx: Context, purpose: UploadPurpose, chat_prompt: str,
                without_page: str = uploads.UPLOAD_UNAVAILABLE) -> str:
    """The sentence that asks this person for the file: `chat_prompt` where files come in the
    chat, else an upload link made for them, else (no upload page) `without_page`."""
    link = ctx.replier.upload_link(msg.user_id, purpose)
    if link is not None:
        return _LINK_TEXTS[purpose.kind].format(
            task_id=purpose.task_id, max_mb=ctx.settings.max_file_bytes // (1024 * 1024),
            url=link.url, expires=local_time(ctx, link.expires_at))
    if not ctx.replier.receives_documents:
        return without_page
    return chat_prompt
