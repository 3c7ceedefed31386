"""What a person means when they do not type an exact command.

- Commands typed with spaces, accents or capitals ("/chi tiet 4", "/hoàn thành 4") are the
  command itself: nothing is guessed, they run.
- Commands with a small typo ("/chitet 4", "/nhiemv") are offered back: "Ý anh/chị là
  /chitiet 4?", run only on "Có".
- Plain Vietnamese without a slash ("xong việc 3 rồi", "báo cáo tiến độ 50% việc 2",
  "xin gia hạn việc 2 đến 20/12 vì …", "việc của tôi", "giúp", a command's name without its
  slash such as "chitiet 4") is recognised; what changes
  data is offered back for confirmation, listing and help just run. Completion goes
  straight to /hoanthanh, which asks its own "Xác nhận?" showing the task's title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from handlers import registry
from handlers.base import MenuOption, Replier
from handlers.common import normalize_command, strip_accents
from texts import messages

# A typo is one or two letters off: ratio ≥ 80 on the short ASCII command names.
TYPO_CUTOFF = 80

YES_WORDS = {"co", "c", "dong y", "xac nhan", "ok", "oke", "yes", "y", "u", "uh", "vang", "dung"}
NO_WORDS = {"khong", "k", "ko", "no", "n", "thoi", "bo qua", "huy"}


@dataclass(frozen=True)
class Suggestion:
    text: str  # what the person reads: the question, or a hint when nothing can be run
    command: str | None = None  # what "Có" runs
    direct: bool = False  # run at once: it changes nothing, or asks its own confirmation


@dataclass(frozen=True)
class FixedCommand:
    command: registry.Command
    rest: str
    exact: bool  # only spaces, accents or capitals differed

    def suggestion(self) -> Suggestion:
        full = f"/{self.command.name} {self.rest}".strip()
        return Suggestion(messages.render(messages.SUGGEST_COMMAND, command=full), full)


def _plain(text: str) -> str:
    return " ".join(strip_accents(text).lower().split())


def menu_key(text: str) -> str:
    """What a person typed to pick a menu option: "3", "#3", "số 3" → "3"."""
    plain = _plain(text).removeprefix("so ").lstrip("#").strip()
    return plain.rstrip(".")


def yes_or_no(text: str) -> bool | None:
    plain = _plain(text).strip(" .!")
    if plain in YES_WORDS:
        return True
    if plain in NO_WORDS:
        return False
    return None


def _names() -> list[str]:
    # Yes/no answers are never offered as a correction: "/khongco" is not "/khong".
    names = [c.name for c in registry.COMMANDS if c.name not in ("co", "khong")]
    return names + [alias for alias, name in registry.ALIASES.items() if name != "co"]


def fix_command(text: str) -> FixedCommand | None:
    """A slash command not found as typed: its words joined, then the nearest name."""
    words = text.lstrip("/").split()
    if not words:
        return None
    for count in (3, 2):
        if len(words) >= count:
            command = registry.find(normalize_command("".join(words[:count])))
            if command is not None:
                return FixedCommand(command, " ".join(words[count:]), exact=True)
    # why: rapidfuzz (≈4 MiB resident) is loaded with the first typo to match, not at start-up
    from rapidfuzz import fuzz, process

    best: tuple[str, float, int] | None = None
    for count in (1, 2):
        if len(words) < count:
            continue
        candidate = normalize_command("".join(words[:count]))
        found = process.extractOne(candidate, _names(), scorer=fuzz.ratio,
                                   score_cutoff=TYPO_CUTOFF)
        if found is not None and (best is None or found[1] > best[1]):
            best = (found[0], found[1], count)
    if best is None:
        return None
    command = registry.find(best[0])
    if command is None:
        return None
    return FixedCommand(command, " ".join(words[best[2]:]), exact=False)


async def offer(replier: Replier, suggestion: Suggestion) -> None:
    if suggestion.command is None:
        await replier.send_text(suggestion.text)
        return
    await replier.send_menu(suggestion.text, [
        MenuOption(messages.CONFIRM_YES, suggestion.command, key="1"),
        MenuOption(messages.CONFIRM_NO, "/khong", key="2"),
    ], columns=2)


# --- plain Vietnamese ----------------------------------------------------------------------

_DONE = re.compile(r"\b(xong|hoan thanh|hoan tat|da lam xong)\b")
_PROGRESS = re.compile(r"\b(tien do|cap nhat|duoc|dat|lam duoc)\b|%")
_PERCENT = re.compile(r"(\d{1,3})\s*(%|phan tram)")
_EXTEND = re.compile(r"\b(gia han|lui han|them thoi gian)\b")
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_TASK_NUMBER = re.compile(r"(?:#|\b(?:viec|nhiem vu|nv|so)\s*(?:so\s*)?)(\d{1,9})\b")
_NUMBER = re.compile(r"(?<![\d/.%-])\b(\d{1,9})\b(?!\s*(?:%|phan tram|[/.-]\d))")
_LIST = re.compile(r"\b(viec cua (toi|em|minh|anh|chi)|danh sach|xem (viec|nhiem vu)|"
                   r"nhiem vu cua (toi|em|minh)|co viec gi|viec gi|ds (viec|nhiem vu|nv))\b|"
                   r"^(cac )?(nhiem vu|cong viec)( cua don vi)?$")
_OVERDUE = re.compile(r"\bqua han\b")
_HELP = re.compile(r"^(giup|tro giup|huong dan|help|lam sao|lam the nao|menu|lenh)\b|"
                   r"\b(giup (toi|em|minh)|huong dan)\b")
_REASON = re.compile(r"\b(vi|ly do|do)\b\s*[:,]?\s*(.+)$")


def _task_number(plain: str) -> int | None:
    found = _TASK_NUMBER.search(plain)
    if found:
        return int(found.group(1))
    numbers = [int(m.group(1)) for m in _NUMBER.finditer(plain)]
    return numbers[0] if len(numbers) == 1 else None


def understand(text: str, today: date | None = None) -> Suggestion | None:
    """The intent of a message without a slash, or None when it is not one of ours."""
    plain = _plain(text)
    if not plain:
        return None
    if _EXTEND.search(plain):
        return _extension(text, plain, today)
    percent = _PERCENT.search(plain)
    if percent and _PROGRESS.search(plain):
        without = plain.replace(percent.group(0), " ")
        task_id = _task_number(without)
        if task_id is None:
            return Suggestion(messages.INTENT_NEED_TASK.format(example="tiến độ 50% việc 3"))
        command = f"/capnhat {task_id} {int(percent.group(1))}"
        return Suggestion(messages.render(messages.INTENT_PROGRESS, task_id=task_id,
                                          percent=int(percent.group(1)), command=command),
                          command)
    if _DONE.search(plain):
        task_id = _task_number(plain)
        if task_id is None:
            return Suggestion(messages.INTENT_NEED_TASK.format(example="xong việc 3"))
        return Suggestion("", f"/hoanthanh {task_id}", direct=True)
    if _LIST.search(plain) or (_OVERDUE.search(plain) and len(plain.split()) <= 4):
        command = "/nhiemvu quahan" if _OVERDUE.search(plain) else "/nhiemvu"
        return Suggestion("", command, direct=True)
    if _HELP.search(plain):
        return Suggestion("", "/trogiup", direct=True)
    return _command_without_slash(text)


def _command_without_slash(text: str) -> Suggestion | None:
    """"chitiet 4", "chi tiet 4", "nhiemvu": a command's own name typed without its slash, with
    at most numbers after it, is offered back as the command, never run unasked; anything
    longer may be an ordinary sentence that happens to begin with a command's word."""
    words = text.split()
    for count in (3, 2, 1):
        if len(words) < count or not _NUMBERS_ONLY.match(" ".join(words[count:])):
            continue
        command = registry.find(normalize_command("".join(words[:count])))
        if command is not None and command.in_help:
            full = f"/{command.name} {' '.join(words[count:])}".strip()
            return Suggestion(messages.render(messages.SUGGEST_COMMAND, command=full), full,
                              direct=command.name in _ONLY_READS)
    return None


# Commands that change nothing run at once, as "việc của tôi" and "giúp" do.
_ONLY_READS = frozenset({"trogiup", "nhiemvu", "chitiet", "donvi"})
_NUMBERS_ONLY = re.compile(r"^(#?\d{1,9}(\s+\d{1,3}%?)?)?$")


def _extension(text: str, plain: str, today: date | None) -> Suggestion:
    found = _DATE.search(plain)
    without_date = plain.replace(found.group(0), " ") if found else plain
    task_id = _task_number(without_date)
    if task_id is None or found is None:
        return Suggestion(messages.INTENT_NEED_TASK.format(
            example="xin gia hạn việc 3 đến 20/12/2026 vì chờ số liệu"))
    day, month, year = found.group(1), found.group(2), found.group(3)
    if year is None:
        year = str(today.year if today else date.today().year)
    elif len(year) == 2:
        year = f"20{year}"
    reason_match = _REASON.search(without_date)
    # The reason is kept as the person wrote it, accents and all.
    reason = ""
    if reason_match:
        words = len(reason_match.group(2).split())
        reason = " ".join(text.split()[-words:]) if words else ""
    command = f"/giahan {task_id} {int(day):02d}/{int(month):02d}/{year} {reason}".strip()
    return Suggestion(messages.render(messages.INTENT_EXTENSION, task_id=task_id,
                                      command=command), command)
