"""Reminder messages: a chat's due items grouped into one message per slot, and its text."""


from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from db.reminder_prefs import Personal
from scheduler.audience import Directory, Recipient
from scheduler.due_items import DueItem
from scheduler.policy import (
    KIND_BEFORE_DUE,
    KIND_DUE_TODAY,
    KIND_ESCALATION,
    KIND_OVERDUE,
    REMINDER_KINDS,
    ReminderPolicy,
)
from texts import messages
from texts.chat_actions import quick_action_menu
from texts.messages import esc, fmt_date
from timelang.words import shorten

TEXT_LIMITS: Mapping[str, int] = {"telegram": 4096, "zalo": 2000, "zalo_oa": 2000}
DEFAULT_TEXT_LIMIT = 2000
MENU_RESERVE = 400
MAX_BUTTONS = 6
TITLE_LIMIT = 140
def text_limit(platform: str) -> int:
    return TEXT_LIMITS.get(platform, DEFAULT_TEXT_LIMIT)


# --- messages --------------------------------------------------------------------------------


@dataclass
class PlannedMessage:
    key: str
    slot: datetime  # aware UTC
    kind: str
    recipient: Recipient
    text: str
    task_ids: Sequence[int]
    menu: Sequence[tuple[str, str]] | None = None
    kinds: Sequence[str] = ()

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "at": self.slot.astimezone(tz).isoformat(),
            "kind": self.kind,
            "platform": self.recipient.platform,
            "chat_id": self.recipient.chat_id,
            "task_ids": list(self.task_ids),
            "text": self.text,
            "kinds": list(self.kinds),
            "chat_kind": self.recipient.chat_kind,
            "key": self.key,
        }


def reminder_key(day: date, slot_time: time, base: ReminderPolicy, recipient: Recipient) -> str:
    # The default slot has no time in its key: moving REMIND_AT during a day that was already
    # planned must not send that day's reminders again. Tasks with their own time get theirs.
    slot_class = "" if slot_time == base.remind_at else f"@{slot_time:%H%M}"
    return f"rem:{day.isoformat()}{slot_class}:{recipient.platform}:{recipient.chat_id}"


def reminder_day_of(key: str) -> date | None:
    """The day a reminder row is for, from its key (`rem:2026-06-05…`)."""
    if not key.startswith("rem:"):
        return None
    try:
        return date.fromisoformat(key[4:14])
    except ValueError:
        return None


def group_reminders(
    items: Sequence[DueItem],
    directory: Directory,
    *,
    day: date,
    tz: ZoneInfo,
    base: ReminderPolicy,
    personal: Personal | None = None,
) -> list[PlannedMessage]:
    """One message per chat and slot, however many tasks and kinds it covers.

    Items are gathered per source — a unit's reminders, a unit's escalations — and each chat
    gets the sources it hears: a unit's group or members hear its reminders, its leaders its
    escalations. Most chats hear one source, so their message is rendered once per unit."""
    sources: dict[tuple[time, int, bool], list[DueItem]] = {}
    for item in items:
        key = (item.remind_at, item.unit_id, item.to_leaders)
        bucket = sources.get(key)
        if bucket is None:
            bucket = sources[key] = []
        bucket.append(item)
    heard: dict[tuple[time, str, str], tuple[Recipient, list[tuple[time, int, bool]]]] = {}
    for key in sources:
        _, unit_id, to_leaders = key
        audience = (directory.leader_audience(unit_id) if to_leaders
                    else directory.unit_audience(unit_id))
        for recipient in audience:
            chat = (key[0], recipient.platform, recipient.chat_id)
            entry = heard.get(chat)
            if entry is None:
                heard[chat] = (recipient, [key])
            elif key not in entry[1]:
                entry[1].append(key)
    renderer = ReminderRenderer(day, directory)
    slots: dict[time, datetime] = {}
    planned: list[PlannedMessage] = []
    for (slot_time, _, _), (recipient, keys) in heard.items():
        if personal is not None and personal.concerns(recipient.person_id) \
                and recipient.chat_kind == "private":
            rendered = _personal(renderer, keys, sources, recipient, personal)
            if rendered is None:
                continue  # everything this person would hear is snoozed or muted
            text, menu, kinds, task_ids = rendered
        else:
            text, menu, kinds, task_ids = renderer.render(tuple(keys), sources, recipient)
        slot = slots.get(slot_time)
        if slot is None:
            slot = slots[slot_time] = datetime.combine(day, slot_time, tzinfo=tz).astimezone(UTC)
        planned.append(PlannedMessage(
            key=reminder_key(day, slot_time, base, recipient), slot=slot, kind=kinds[0],
            recipient=recipient, text=text, task_ids=task_ids, menu=menu, kinds=kinds,
        ))
    return planned


def _personal(renderer: ReminderRenderer, keys: list[tuple[time, int, bool]],
              sources: Mapping[tuple[time, int, bool], Sequence[DueItem]],
              recipient: Recipient, personal: Personal) -> Rendered | None:
    """The private message of a person with their own settings or snoozes (/caidat,
    /nhaclai): only what they hear, rendered for them alone."""
    person = recipient.person_id
    assert person is not None
    kept = {key: [item for item in sources[key] if personal.hears(
        person, kind=item.kind, offset=item.offset, task_id=item.task_id,
        occurrence_id=item.occurrence_id)] for key in keys}
    if not any(kept.values()):
        return None
    return renderer.render_for(ReminderRenderer._merged(keys, kept),
                               text_limit(recipient.platform))


_KIND_RANK = {kind: rank for rank, kind in enumerate(REMINDER_KINDS)}


def _item_order(item: DueItem) -> tuple[int, int, date, int]:
    late_first = -item.offset if item.kind in (KIND_OVERDUE, KIND_ESCALATION) else 0
    return (_KIND_RANK[item.kind], late_first, item.due, item.task_id)


def short_title(title: str) -> str:
    return esc(shorten(title, TITLE_LIMIT))


def _when(item: DueItem, day: date, date_text: Callable[[date], str] = fmt_date) -> str:
    due = date_text(item.due)
    if item.kind == KIND_BEFORE_DUE:
        text = messages.REMINDER_WHEN_BEFORE_DUE.format(due=due, days=(item.due - day).days)
    elif item.kind == KIND_DUE_TODAY:
        if item.due == day:
            text = messages.REMINDER_WHEN_DUE_TODAY.format(due=due)
        else:
            text = messages.REMINDER_WHEN_DUE_DAY_OFF.format(
                due=due, weekday=messages.WEEKDAY_NAMES[item.due.weekday()])
    else:
        text = messages.REMINDER_WHEN_OVERDUE.format(due=due, days=(day - item.due).days)
    if item.original_due is not None:
        text += messages.REMINDER_EXTENDED.format(original=date_text(item.original_due))
    return text


_SECTION_TITLES = {
    KIND_ESCALATION: messages.REMINDER_SECTION_ESCALATION,
    KIND_OVERDUE: messages.REMINDER_SECTION_OVERDUE,
    KIND_DUE_TODAY: messages.REMINDER_SECTION_DUE_TODAY,
    KIND_BEFORE_DUE: messages.REMINDER_SECTION_BEFORE_DUE,
}

Rendered = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...], tuple[int, ...]]
# (any reminder to the unit, any escalation to its leaders) → the footer
_FOOTERS = {
    (True, False): messages.REMINDER_FOOTER,
    (False, True): messages.REMINDER_FOOTER_ESCALATION,
    (True, True): messages.REMINDER_FOOTER + "\n" + messages.REMINDER_FOOTER_ESCALATION,
    (False, False): "",
}


class ReminderRenderer:
    """The Vietnamese text and buttons of grouped reminders for one day, within each
    platform's limit: the most urgent lines first, the rest counted in one "… và N nhiệm vụ
    khác" line. Lines and whole messages are cached: the members of a unit without a group
    usually get the very same message, and one task's line appears in several chats."""

    def __init__(self, day: date, directory: Directory) -> None:
        self.day = day
        self.directory = directory
        self._weekday = messages.WEEKDAY_NAMES[day.weekday()]
        self._lines: dict[tuple[int, str, bool], str] = {}
        self._messages: dict[tuple[Any, ...], Rendered] = {}
        self._dates: dict[date, str] = {}
        self._titles: dict[int, str] = {}
        self._units: dict[int, str] = {}
        self._whens: dict[tuple[str, date, date | None], str] = {}
        self._headers: dict[int | None, str] = {}
        self._headings: dict[tuple[str, int], str] = {}
        self._buttons: dict[tuple[int, ...], tuple[tuple[str, str], ...]] = {}
        self._blocks: dict[tuple[Any, ...], tuple[str, tuple[str, ...], tuple[int, ...]]] = {}

    def _menu(self, task_ids: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
        """Quick actions (done, progress, more time, snooze) for the message's tasks."""
        menu = self._buttons.get(task_ids)
        if menu is None:
            menu = self._buttons[task_ids] = quick_action_menu(task_ids, MAX_BUTTONS)
        return menu

    def render_for(self, items: Sequence[DueItem], limit: int) -> Rendered:
        """A private message of its own (not cached: it is one person's)."""
        return self._render(items, None, True, limit)

    def render(
        self,
        keys: tuple[tuple[time, int, bool], ...],
        sources: Mapping[tuple[time, int, bool], Sequence[DueItem]],
        recipient: Recipient,
    ) -> Rendered:
        """(text, menu, kinds most urgent first, task ids) of the chat that hears `keys`."""
        # A group is bound to one unit and hears only of it; a person may hear of several.
        group_unit = recipient.unit_id if recipient.chat_kind == "group" else None
        limit = text_limit(recipient.platform)
        cache_key = (keys, group_unit, limit)
        cached = self._messages.get(cache_key)
        if cached is None:
            cached = self._messages[cache_key] = (
                self._from_blocks(keys, sources, group_unit, limit)
                or self._render(self._merged(keys, sources), group_unit, group_unit is None,
                                limit))
        return cached

    @staticmethod
    def _merged(keys: Sequence[tuple[time, int, bool]],
                sources: Mapping[tuple[time, int, bool], Sequence[DueItem]]) -> list[DueItem]:
        merged: dict[tuple[int, str], DueItem] = {}
        for key in keys:
            for item in sources[key]:
                merged.setdefault((item.occurrence_id, item.kind), item)
        # A leader who is also a member of the late unit reads the task once, as escalated.
        escalated = {o for o, kind in merged if kind == KIND_ESCALATION}
        return sorted((item for (o, kind), item in merged.items()
                       if not (kind == KIND_OVERDUE and o in escalated)), key=_item_order)

    def _from_blocks(
        self,
        keys: Sequence[tuple[time, int, bool]],
        sources: Mapping[tuple[time, int, bool], Sequence[DueItem]],
        group_unit: int | None,
        limit: int,
    ) -> Rendered | None:
        """The common shapes — one unit's reminders, perhaps after the escalations of one
        unit — are the unit's ready-made blocks put together. None when the chat hears more
        (several units: their sections must interleave) or the whole does not fit."""
        escalations = [k for k in keys if k[2]]
        reminders = [k for k in keys if not k[2]]
        if len(escalations) > 1 or len(reminders) > 1:
            return None
        if escalations and reminders and escalations[0][1] == reminders[0][1]:
            return None  # the same unit's escalations and reminders overlap: merge them
        show_unit = group_unit is None
        blocks = [self._block(k, sources[k], show_unit) for k in escalations + reminders]
        header = self._header(group_unit)
        footer = _FOOTERS[(bool(reminders), bool(escalations))]
        if len(header) + sum(len(b[0]) for b in blocks) + len(footer) + 2 > limit - MENU_RESERVE:
            return None
        text = "".join([header, *(b[0] for b in blocks), "\n\n", footer])
        kinds = tuple(kind for b in blocks for kind in b[1])
        task_ids = tuple(dict.fromkeys(t for b in blocks for t in b[2]))
        return text, self._menu(task_ids[:MAX_BUTTONS]), kinds, task_ids

    def _block(self, key: tuple[time, int, bool], items: Sequence[DueItem], show_unit: bool
               ) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
        """One source's sections, untruncated: ("\n\nheading\nline…", kinds, task ids)."""
        cache_key = (key, show_unit)
        block = self._blocks.get(cache_key)
        if block is None:
            ordered = sorted(items, key=_item_order)
            counts: dict[str, int] = {}
            for item in ordered:
                counts[item.kind] = counts.get(item.kind, 0) + 1
            parts: list[str] = []
            kinds: list[str] = []
            line_of = self.line
            for item in ordered:
                if not kinds or kinds[-1] != item.kind:
                    kinds.append(item.kind)
                    parts.append("\n\n" + self._heading(item.kind, counts[item.kind]))
                parts.append("\n" + line_of(item, show_unit))
            block = self._blocks[cache_key] = (
                "".join(parts), tuple(kinds), tuple(dict.fromkeys(i.task_id for i in ordered)))
        return block

    def _header(self, group_unit: int | None) -> str:
        header = self._headers.get(group_unit)
        if header is None:
            day_text = self.date_text(self.day)
            header = self._headers[group_unit] = (
                messages.REMINDER_HEADER_UNIT.format(
                    weekday=self._weekday, date=day_text,
                    unit=esc(self.directory.unit_name(group_unit)))
                if group_unit is not None
                else messages.REMINDER_HEADER.format(weekday=self._weekday, date=day_text))
        return header

    def _heading(self, kind: str, count: int) -> str:
        heading = self._headings.get((kind, count))
        if heading is None:
            heading = self._headings[(kind, count)] = _SECTION_TITLES[kind].format(count=count)
        return heading

    def date_text(self, day: date) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = fmt_date(day)
        return text

    def line(self, item: DueItem, show_unit: bool) -> str:
        key = (item.occurrence_id, item.kind, show_unit)
        line = self._lines.get(key)
        if line is None:
            # Its parts repeat across thousands of lines: a unit's name, a due date's wording.
            unit = ""
            if show_unit or item.kind == KIND_ESCALATION:
                unit = self._units.get(item.unit_id, "")
                if not unit:
                    unit = self._units[item.unit_id] = messages.REMINDER_LINE_UNIT.format(
                        unit=esc(self.directory.unit_name(item.unit_id)))
            title = self._titles.get(item.task_id)
            if title is None:
                title = self._titles[item.task_id] = short_title(item.title)
            when_key = (item.kind, item.due, item.original_due)
            when = self._whens.get(when_key)
            if when is None:
                when = self._whens[when_key] = _when(item, self.day, self.date_text)
            line = self._lines[key] = messages.REMINDER_LINE.format(
                task_id=item.task_id, title=title, unit=unit, when=when)
        return line

    def _render(self, items: Sequence[DueItem], group_unit: int | None, show_unit: bool,
                platform_limit: int) -> Rendered:
        header = self._header(group_unit)
        to_unit = to_leaders = False
        for item in items:
            if item.kind == KIND_ESCALATION:
                to_leaders = True
            else:
                to_unit = True
        footer = _FOOTERS[(to_unit, to_leaders)]

        limit = platform_limit - MENU_RESERVE
        sections: list[tuple[str, list[DueItem]]] = []
        for item in items:  # already in kind order
            if not sections or sections[-1][0] != item.kind:
                sections.append((item.kind, []))
            sections[-1][1].append(item)
        used = len(header) + len(footer) + 4
        body: list[str] = [header]
        line_of = self.line
        for position, (kind, section) in enumerate(sections):
            reserve = (len(sections) - position) * 90  # later headings, a closing "… và N"
            heading = self._heading(kind, len(section))
            body += ("", heading)
            used += len(heading) + 2
            shown = 0
            for item in section:
                line = line_of(item, show_unit)
                if used + len(line) + 1 + reserve > limit:
                    break
                body.append(line)
                used += len(line) + 1
                shown += 1
            if shown < len(section):
                more = messages.REMINDER_MORE.format(count=len(section) - shown)
                body.append(more)
                used += len(more) + 1
        body += ("", footer)
        text = "\n".join(body)
        task_ids = tuple(dict.fromkeys(i.task_id for i in items))
        menu = self._menu(task_ids[:MAX_BUTTONS])
        kinds = tuple(kind for kind, _ in sections)
        return text, menu, kinds, task_ids


