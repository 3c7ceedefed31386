"""Helpers shared by the command handlers: argument parsing and permission checks."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from sqlalchemy.orm import Session

from db import services
from db.models import Occurrence, Task, Unit
from handlers.base import Context
from texts import messages


class UserError(Exception):
    """Bad input or a refused action; the message is a rendered catalogue text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def normalize_command(word: str) -> str:
    """'/NhiệmVụ@nhacviec_bot' → 'nhiemvu': people type accents and capitals."""
    name = word.lstrip("/").split("@", 1)[0]
    return strip_accents(name).lower().replace("_", "").replace("-", "")


def usage(template: str) -> UserError:
    return UserError(messages.USAGE.format(usage=template))


def parse_task_id(ctx: Context, value: str | None, example: str) -> int:
    if value is None:
        raise usage(example)
    cleaned = value.strip().lstrip("#")
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise UserError(messages.BAD_NUMBER.format(value=messages.esc(value), example=example))
    return int(cleaned)


def parse_date(value: str) -> date:
    for separator in ("/", "-", "."):
        parts = value.strip().split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            day, month, year = (int(p) for p in parts)
            if year < 100:
                year += 2000
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise UserError(messages.BAD_DATE.format(value=messages.esc(value)))


def load_task(ctx: Context, task_id: int, *, allow_cancelled: bool = False) -> Task:
    task = services.get_task(ctx.session, task_id)
    if task is None or (task.status != "active" and not allow_cancelled):
        raise UserError(messages.TASK_NOT_FOUND.format(task_id=task_id))
    if not services.can_view_task(ctx.session, ctx.actor, task):
        # Not revealing other units' task titles: the same answer as for a missing task,
        # but naming the refusal so the person knows why.
        raise UserError(messages.TASK_NOT_YOURS.format(
            task_id=task_id, unit=messages.esc(task.lead_unit.name)))
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


def _folded(text: str) -> str:
    return " ".join(strip_accents(text).lower().replace("-", " ").split())


def find_units(session: Session, text: str) -> list[Unit]:
    """Units named by `text`: the code; else a name or alias written the same (accents,
    capitals and hyphens aside); else the names and aliases that contain it."""
    unit = services.unit_by_code(session, text)
    if unit is not None:
        return [unit]
    wanted = _folded(text)
    if not wanted:
        return []
    exact: list[Unit] = []
    partial: list[Unit] = []
    for candidate in services.all_units(session):
        names = [_folded(candidate.name)] + [_folded(a.alias) for a in candidate.aliases]
        if wanted in names:
            exact.append(candidate)
        elif any(wanted in name for name in names):
            partial.append(candidate)
    return exact or partial


def require_unit(session: Session, code: str) -> Unit:
    """A unit by code, name or alias; several matches are listed for the person to pick."""
    found = find_units(session, code)
    if not found:
        raise UserError(messages.UNIT_NOT_FOUND.format(code=messages.esc(code)))
    if len(found) > 1:
        choices = ", ".join(f"{messages.esc(u.name)} (<code>{messages.esc(u.code)}</code>)"
                            for u in found[:10])
        raise UserError(messages.UNIT_AMBIGUOUS.format(name=messages.esc(code), units=choices))
    return found[0]


def require_units(session: Session, text: str) -> list[Unit]:
    """Units listed in `text`: one name ("Phòng Nội vụ"), names or codes separated by
    commas, or codes separated by spaces."""
    text = text.strip()
    if len(find_units(session, text)) == 1:
        return [require_unit(session, text)]
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > 1 and all(len(find_units(session, part)) == 1 for part in parts):
        return [require_unit(session, part) for part in parts]
    words = text.replace(",", " ").split()
    if len(words) > 1 and all(services.unit_by_code(session, w) for w in words):
        return [require_unit(session, word) for word in words]
    return [require_unit(session, text)]


def local_time(ctx: Context, moment: datetime) -> str:
    return messages.fmt_datetime(moment, ctx.settings.tz)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def person_name(ctx: Context, person_id: int | None) -> str:
    if person_id is None:
        return "—"
    from db.models import Person

    person = ctx.session.get(Person, person_id)
    return messages.esc(person.display_name) if person else "—"
