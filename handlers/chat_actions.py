"""Quick actions on reminders: /thaotac (a task's actions), /nhaclai ("nhắc lại sau"),
/traloi (a reply to a reminder or a task message acts on its task) and /caidat (a person's
own reminder settings under the admins' floor).

Whatever changes data asks "Xác nhận?" first (handlers.confirm); the rules and the audit
trail live in db.reminder_prefs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from db import chat_state as state
from db import reminder_prefs as prefs
from db.domain import DomainError
from db.models import Task
from handlers import confirm
from handlers.base import Context, Incoming, MenuOption
from handlers.common import (
    UserError,
    load_task,
    open_occurrence,
    parse_task_id,
    usage,
)
from handlers.reminder_settings import domain_error, plain, province_policy
from scheduler.policy import ReminderPolicy
from texts import chat_actions as texts
from texts import messages
from timelang import numbers
from timelang.words import shorten

if TYPE_CHECKING:
    from handlers.intents import Suggestion

# Where a reply waits while the person picks which of a message's tasks it is about.
REPLY_KEY = "reply"
# A message about more tasks than this is a digest: a reply to it names its task itself.
MAX_REPLY_TASKS = 10
MAX_SNOOZE_TASKS = 6
_TASK_REF = re.compile(r"#(\d{1,9})\b")
_SNOOZE_WORDS = re.compile(r"\b(nhac lai|nhac sau|bao lai|hoan lai)\b")
_WHEN_WORDS = {
    "chieu": "chieu", "chieunay": "chieu", "toinay": "chieu",
    "mai": "mai", "ngaymai": "mai", "sangmai": "mai",
    "ngaylamviec": "ngaylamviec", "ngaylamvieckhac": "ngaylamviec",
    "ngaylamviectoi": "ngaylamviec", "tuansau": "ngaylamviec", "thuhai": "ngaylamviec",
}


# --- /thaotac ------------------------------------------------------------------------------


async def task_actions(msg: Incoming, ctx: Context) -> None:
    """The actions of one task, as a reminder about several tasks offers them."""
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                        "/thaotac 12"))
    open_occurrence(task)
    options = [MenuOption(label, command)
               for label, command in texts.quick_action_menu((task.id,))]
    options.append(MenuOption(texts.ACTION_DETAIL.format(task_id=task.id), f"/chitiet {task.id}"))
    await ctx.replier.send_menu(messages.render(
        texts.ACTIONS_HEADER, task_id=task.id, title=shorten(task.title, 120)), options,
        columns=2 if ctx.replier.supports_buttons else 1)


# --- /nhaclai ------------------------------------------------------------------------------


def _task_ids(ctx: Context, value: str) -> list[int]:
    parts = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not parts or len(parts) > MAX_SNOOZE_TASKS:
        raise usage(texts.SNOOZE_USAGE)
    return list(dict.fromkeys(parse_task_id(ctx, part, texts.SNOOZE_USAGE) for part in parts))


def when_word(word: str) -> str | None:
    return _WHEN_WORDS.get(plain(word).replace(" ", ""))


def _snooze_moment(ctx: Context, when: str, policy: ReminderPolicy) -> datetime | None:
    return prefs.snooze_moment(when, ctx.now.astimezone(ctx.settings.tz),
                               remind_at=policy.remind_at, quiet_start=policy.quiet_start,
                               calendar=ctx.calendar)


async def snooze(msg: Incoming, ctx: Context) -> None:
    if not ctx.args:
        raise usage(texts.SNOOZE_USAGE)
    tasks = [load_task(ctx, task_id) for task_id in _task_ids(ctx, ctx.args[0])]
    occurrences = [open_occurrence(task) for task in tasks]
    if ctx.actor.person_id is None:
        raise UserError(texts.SNOOZE_NEED_PERSON)
    policy = province_policy(ctx)
    ids = ",".join(str(task.id) for task in tasks)
    names = ", ".join(f"#{task.id}" for task in tasks)
    if len(ctx.args) < 2:
        options = []
        for when, label in (("chieu", texts.SNOOZE_LATER_TODAY),
                            ("mai", texts.SNOOZE_TOMORROW),
                            ("ngaylamviec", texts.SNOOZE_NEXT_WORKING_DAY)):
            moment = _snooze_moment(ctx, when, policy)
            if moment is not None:
                options.append(MenuOption(
                    label.format(time=f"{moment:%H:%M}", date=messages.fmt_date(moment.date())),
                    f"/nhaclai {ids} {when}"))
        await ctx.replier.send_menu(messages.render(texts.SNOOZE_CHOOSE, tasks=names), options)
        return
    chosen = when_word(" ".join(ctx.args[1:]))
    if chosen is None:
        raise UserError(messages.render(texts.SNOOZE_BAD_WHEN, when=" ".join(ctx.args[1:])[:40]))
    when = chosen
    moment = _snooze_moment(ctx, when, policy)
    if moment is None:
        raise UserError(texts.SNOOZE_TOO_LATE_TODAY)
    at = messages.fmt_datetime(moment, ctx.settings.tz)
    # A time picked from the menu just offered is already the answer to a question; typed
    # (or read from a reply's words) it is confirmed first.
    if not (ctx.confirmed or ctx.chosen_from_menu):
        await confirm.ask(ctx, messages.render(texts.SNOOZE_CONFIRM, tasks=names, at=at),
                          f"/nhaclai {ids} {when}")
        return
    reachable = True
    for task, occurrence in zip(tasks, occurrences, strict=True):
        try:
            reachable = prefs.snooze(ctx.session, actor=ctx.actor, occurrence=occurrence,
                                     until=moment.astimezone(UTC), now=ctx.now,
                                     text=_snoozed_text(task, occurrence.effective_due),
                                     menu=texts.quick_action_menu((task.id,)))
        except DomainError as error:
            raise domain_error(error) from None
    await ctx.replier.send_text(messages.render(
        texts.SNOOZE_DONE if reachable else texts.SNOOZE_NO_PRIVATE_CHAT, tasks=names, at=at))


def _snoozed_text(task: Task, due: date | None) -> str:
    line = messages.render(texts.SNOOZED_LINE, task_id=task.id, title=shorten(task.title, 140),
                           due=due if due else messages.PERIOD_ONGOING)
    return "\n".join([texts.SNOOZED_HEADER, line, "", texts.SNOOZED_FOOTER])


# --- a reply to a reminder or a task message -----------------------------------------------


def reply_tasks(session: Session, msg: Incoming) -> list[int]:
    """The tasks of the message `msg` replies to: recorded when the reminder was sent, else
    the task numbers (#12) of the bot's own message quoted by the platform."""
    found: list[int] = []
    if msg.reply_to_id:
        found = prefs.tasks_of_message(session, platform=msg.platform, chat_id=msg.chat_id,
                                       message_id=msg.reply_to_id)
    if not found and msg.reply_to_text:
        found = [int(m.group(1)) for m in _TASK_REF.finditer(msg.reply_to_text)
                 if numbers.ascii_int(m.group(1), low=1, high=numbers.ID_MAX)]
    return list(dict.fromkeys(found))[:MAX_REPLY_TASKS]


def remember_reply(session: Session, msg: Incoming, text: str, task_ids: Sequence[int],
                   now: datetime) -> str:
    """Keeps the reply for /traloi; returns the command that acts on it."""
    state.remember(session, msg.platform, msg.chat_id, msg.user_id, REPLY_KEY,
                   {"text": text[:500], "tasks": list(task_ids)}, now)
    return f"/traloi {task_ids[0]}" if len(task_ids) == 1 else "/traloi"


# What a reply to a task's message can ask for; anything else ("ok", "cảm ơn") is talk.
REPLY_COMMANDS = ("/hoanthanh ", "/capnhat ", "/giahan ", "/nhaclai ")


def acts_on_task(text: str, task_id: int, today: date) -> bool:
    """Whether a reply is one of the task actions (not a "cảm ơn" to the bot)."""
    suggestion = reply_intent(text, task_id, today)
    return bool(suggestion and suggestion.command
                and f"{suggestion.command} ".startswith(REPLY_COMMANDS))


def reply_intent(text: str, task_id: int, today: date) -> Suggestion | None:
    """What a reply about task `task_id` asks for: done, progress, more time, a snooze."""
    # Imported here: intents reads the command registry, which lists this module's commands.
    from handlers import intents

    folded = plain(text)
    if _SNOOZE_WORDS.search(folded):
        whens = [w for word in folded.split() if (w := when_word(word))]
        if "ngay lam viec" in folded or "tuan sau" in folded:
            whens = ["ngaylamviec"]
        return intents.Suggestion("", f"/nhaclai {task_id} {whens[0] if whens else ''}".strip(),
                                  direct=True)
    # The replied task goes first: a number in the reply's own words is read after it.
    return intents.understand(f"#{task_id} {text}", today)


async def reply(msg: Incoming, ctx: Context) -> None:
    pending = state.recall(ctx.session, msg.platform, msg.chat_id, msg.user_id, REPLY_KEY,
                           ctx.now)
    if not isinstance(pending, dict):
        raise UserError(texts.REPLY_EXPIRED)
    text, task_ids = str(pending.get("text") or ""), [int(t) for t in pending.get("tasks") or []]
    if not ctx.args:
        tasks = [task for task_id in task_ids
                 if (task := _visible(ctx, task_id)) is not None]
        if not tasks:
            raise UserError(texts.REPLY_EXPIRED)
        await ctx.replier.send_menu(
            messages.render(texts.REPLY_WHICH_TASK, count=len(tasks), text=shorten(text, 80)),
            [MenuOption(messages.BUTTON_TASK.format(task_id=t.id, title=shorten(t.title, 28)),
                        f"/traloi {t.id}", key=str(t.id)) for t in tasks])
        return
    task_id = parse_task_id(ctx, ctx.args[0], texts.REPLY_PICK_USAGE)
    if task_id not in task_ids:
        raise UserError(texts.REPLY_EXPIRED)
    task = load_task(ctx, task_id)
    suggestion = reply_intent(text, task.id, ctx.today)
    if suggestion is None or suggestion.command is None:
        raise UserError(messages.render(texts.REPLY_NOT_UNDERSTOOD, text=shorten(text, 80),
                                        task_id=task.id))
    command = suggestion.command
    if command.startswith("/nhaclai"):
        # Choosing when (or confirming it) is /nhaclai's own question.
        ctx.args = command.split()[1:]
        ctx.raw_args = " ".join(ctx.args)
        await snooze(msg, ctx)
        return
    action = (texts.REPLY_ACTION_DONE if command.startswith("/hoanthanh")
              else messages.render(texts.REPLY_ACTION_COMMAND, command=command))
    await confirm.ask(ctx, messages.render(texts.REPLY_CONFIRM, task_id=task.id,
                                           title=shorten(task.title, 120), action="") + action,
                      command)


def _visible(ctx: Context, task_id: int) -> Task | None:
    try:
        return load_task(ctx, task_id)
    except UserError:
        return None
