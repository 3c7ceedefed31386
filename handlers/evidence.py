"""/minhchung: a photo or document attached as evidence to a task's current period."""

from __future__ import annotations

from db import chat_state as state
from db import services
from db.evidence_files import sniff_mime
from handlers.base import Attachment, Context, FileTooLarge, Incoming, UploadPurpose
from handlers.common import (
    UserError,
    human_size,
    load_task_to_act,
    open_occurrence,
    parse_task_id,
)
from handlers.uploads import file_prompt
from texts import messages, uploads

FLOW = "evidence"


async def evidence(msg: Incoming, ctx: Context) -> None:
    task = load_task_to_act(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                               messages.EVIDENCE_USAGE))
    open_occurrence(task)
    if msg.attachment is None:
        state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, FLOW,
                         {"task_id": task.id}, ctx.now)
        await ctx.replier.send_text(_evidence_prompt(msg, ctx, task.id))
        return
    await _store(msg, ctx, task.id, msg.attachment)


def _evidence_prompt(msg: Incoming, ctx: Context, task_id: int) -> str:
    max_mb = ctx.settings.max_file_bytes // (1024 * 1024)
    return file_prompt(
        msg, ctx, UploadPurpose("evidence", task_id),
        messages.EVIDENCE_WAITING.format(task_id=task_id, max_mb=max_mb),
        without_page=uploads.EVIDENCE_PHOTO_ONLY.format(task_id=task_id, max_mb=max_mb))


async def evidence_flow(msg: Incoming, ctx: Context, data: dict[str, object]) -> None:
    """The file that follows a bare /minhchung SỐ."""
    task_id = int(str(data["task_id"]))
    if msg.attachment is None:
        raise UserError(_evidence_prompt(msg, ctx, task_id))
    load_task_to_act(ctx, task_id)
    await _store(msg, ctx, task_id, msg.attachment)
    state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)


async def _store(msg: Incoming, ctx: Context, task_id: int, attachment: Attachment) -> None:
    task = load_task_to_act(ctx, task_id)
    occurrence = open_occurrence(task)
    limit = ctx.settings.max_file_bytes
    max_mb = limit // (1024 * 1024)
    name = attachment.file_name or ("anh.jpg" if attachment.kind == "photo" else "tep")
    if attachment.size is not None and attachment.size > limit:
        raise UserError(messages.EVIDENCE_TOO_LARGE.format(size=human_size(attachment.size),
                                                           max_mb=max_mb))
    try:
        data = await ctx.replier.download(attachment, limit)
    except FileTooLarge as error:
        size = human_size(error.size) if error.size else f"> {max_mb} MB"
        raise UserError(messages.EVIDENCE_TOO_LARGE.format(size=size, max_mb=max_mb)) from None
    except UserError:
        raise
    except Exception:
        raise UserError(messages.EVIDENCE_DOWNLOAD_FAILED) from None
    if not data:
        raise UserError(messages.EVIDENCE_EMPTY.format(name=messages.esc(name)))
    if len(data) > limit:
        raise UserError(messages.EVIDENCE_TOO_LARGE.format(size=human_size(len(data)),
                                                           max_mb=max_mb))
    mime = sniff_mime(data, attachment.file_name if attachment.kind == "document" else None)
    if mime is None:
        raise UserError(messages.EVIDENCE_BAD_TYPE.format(name=messages.esc(name)))
    stored = ctx.evidence_store.save(data)
    caption = " ".join(ctx.args[1:]) if ctx.args and len(ctx.args) > 1 else None
    _, is_new = services.add_evidence(
        ctx.session, actor=ctx.actor, occurrence=occurrence, sha256=stored.sha256,
        size=stored.size, mime_type=mime, file_name=name, platform_file_id=attachment.file_id,
        caption=caption, now=ctx.now,
    )
    template = messages.EVIDENCE_SAVED if is_new else messages.EVIDENCE_DUPLICATE
    await ctx.replier.send_text(template.format(name=messages.esc(name),
                                                size=human_size(stored.size), task_id=task.id))
