"""Helpers shared by the command handlers: argument parsing and permission checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from db import services
from db.models import Occurrence, Person, Task, Unit
from handlers.base import Attachment, Context, FileTooLarge, Replier
from texts import messages
from timelang import numbers
from timelang.words import strip_accents


class UserError(Exception):
    """Bad input or a refused action; the message is a rendered catalogue text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def normalize_command(word: str) -> str:
    """'/NhiệmVụ@nhacviec_bot' → 'nhiemvu': people type accents and capitals."""
    name = word.lstrip("/").split("@", 1)[0]
    return strip_accents(name).lower().replace("_", "").replace("-", "")


def usage(template: str) -> UserError:
    return UserError(messages.USAGE.format(usage=template))


def parse_task_id(ctx: Context, value: str | None, example: str) -> int:
    if value is None:
        raise usage(example)
    number = numbers.ascii_int(value.strip().lstrip("#"), low=1, high=numbers.ID_MAX)
    if number is None:
        raise UserError(messages.BAD_NUMBER.format(value=messages.esc(value), example=example))
    return number


def parse_number(value: str, *, low: int, high: int, error: str) -> int:
    """An ASCII number within [low, high]; otherwise `error`, a rendered catalogue text."""
    number = numbers.ascii_int(value, low=low, high=high)
    if number is None:
        raise UserError(error)
    return number


def parse_request_id(value: str | None, usage_text: str) -> int:
    """The number of a join or extension request, as typed or carried by a button."""
    if value is None:
        raise usage(usage_text)
    return parse_number(value, low=1, high=numbers.ID_MAX, error=messages.BAD_REQUEST_NUMBER.format(
        value=messages.esc(value[:20]), usage=usage_text))


def limit_args(ctx: Context, limit: int, usage_text: str) -> list[str]:
    """Refuse a command with more words than it can mean, before any lookup is made."""
    if len(ctx.args) > limit:
        raise UserError(messages.TOO_MANY_WORDS.format(limit=limit, usage=usage_text))
    return ctx.args


def parse_date(value: str) -> date:
    for separator in ("/", "-", "."):
        parts = value.strip().split(separator)
        if len(parts) != 3 or not all(numbers.is_ascii_number(p) for p in parts):
            continue
        day = numbers.ascii_int(parts[0], low=1, high=31)
        month = numbers.ascii_int(parts[1], low=1, high=12)
        year = numbers.year(parts[2])
        if day is None or month is None or year is None:
            break
        try:
            return date(year, month, day)
        except ValueError:
            break
    raise UserError(messages.BAD_DATE.format(value=messages.esc(value)))


def load_task(ctx: Context, task_id: int, *, allow_cancelled: bool = False) -> Task:
    task = services.get_task(ctx.session, task_id)
    # A task the person may not see gets the very answer of a missing one: naming its unit
    # would confirm that it exists and where, to anyone who counts through the numbers.
    if (task is None or (task.status != "active" and not allow_cancelled)
            or not services.can_view_task(ctx.session, ctx.actor, task)):
        raise UserError(messages.TASK_NOT_FOUND.format(task_id=task_id))
    return task


def load_task_to_act(ctx: Context, task_id: int) -> Task:
    task = load_task(ctx, task_id)
    if not services.can_act_on_task(ctx.session, ctx.actor, task):
        raise UserError(messages.TASK_NOT_YOURS.format(
            task_id=task_id, unit=messages.esc(task.lead_unit.name)))
    return task


def open_occurrence(task: Task) -> Occurrence:
    occurrence = services.current_occurrence(task)
    if occurrence is None:
        raise UserError(messages.NO_OCCURRENCE.format(task_id=task.id))
    if occurrence.done_at is not None:
        raise UserError(messages.OCCURRENCE_ALREADY_DONE)
    return occurrence


def require_admin(ctx: Context) -> None:
    if not ctx.actor.is_admin:
        raise UserError(messages.ADMIN_ONLY)


class UnitChoice(UserError):
    """Several units (or only near ones) answer to a name: the person picks one. The router
    shows them as a menu that runs the same command with the chosen unit's code."""

    def __init__(self, name: str, units: list[Unit]) -> None:
        choices = ", ".join(f"{messages.esc(u.name)} (<code>{messages.esc(u.code)}</code>)"
                            for u in units[:10])
        super().__init__(messages.UNIT_AMBIGUOUS.format(name=messages.esc(name), units=choices))
        self.name = name
        self.units = units[:10]
        self.command = ""  # the command that asked, set by the router


def find_units(session: Session, text: str) -> list[Unit]:
    """Units named by `text`: the code, a name or an alias (db.units.units_named)."""
    return services.units_named(session, text)


def require_unit(session: Session, code: str) -> Unit:
    """A unit by code, name or alias. Several matches, or only near ones (a typo), are
    offered as a choice (UnitChoice); none is ever picked silently."""
    found = find_units(session, code)
    if len(found) == 1:
        return found[0]
    if not found:
        found = services.units_like(session, code)
        if not found:
            raise UserError(messages.UNIT_NOT_FOUND.format(code=messages.esc(code)))
    raise UnitChoice(code, found)


def require_units(session: Session, text: str) -> list[Unit]:
    """Units listed in `text`: one name ("Phòng Nội vụ"), names or codes separated by
    commas, or codes separated by spaces."""
    text = text.strip()
    found = find_units(session, text)
    if len(found) == 1:
        return found  # what require_unit(text) would return, without reading the units again
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > 1:
        # Each part by code or name; an ambiguous one is offered as a choice by itself.
        return [require_unit(session, part) for part in parts]
    words = text.replace(",", " ").split()
    if len(words) > 1 and all(services.unit_by_code(session, w) for w in words):
        return [require_unit(session, word) for word in words]
    return [require_unit(session, text)]


def local_time(ctx: Context, moment: datetime) -> str:
    return messages.fmt_datetime(moment, ctx.settings.tz)


async def download_document(replier: Replier, attachment: Attachment, limit: int,
                            name: str) -> bytes:
    """A document sent for reading (a plan, a staff list): its bytes, or a UserError that
    says it is too large or could not be fetched."""
    max_mb = limit // (1024 * 1024)
    try:
        return await replier.download(attachment, limit)
    except FileTooLarge as error:
        size = human_size(error.size) if error.size else f"> {max_mb} MB"
        raise UserError(messages.PLAN_IMPORT_TOO_LARGE.format(
            name=messages.esc(name), size=size, max_mb=max_mb)) from None
    except UserError:
        raise
    except Exception:
        raise UserError(messages.PLAN_IMPORT_DOWNLOAD_FAILED) from None


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def person_name(ctx: Context, person_id: int | None) -> str:
    if person_id is None:
        return "—"

    person = ctx.session.get(Person, person_id)
    return messages.esc(person.display_name) if person else "—"
