"""What the deadline reader could not read, said to people: the reasons of
`timelang.refusals` in Vietnamese, and the examples of how to write a deadline.

The functions give plain text (the CLI prints it as is); a chat reply fills it into a
catalogue template with `render`, which escapes it like any other value from a user.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, assert_never

from texts.format import fmt_date
from timelang.refusals import (
    AsRewritten,
    CountedFromEvent,
    DayNotInEveryMonth,
    DurationFromWhen,
    InRound,
    MonthDaysCollide,
    NextMonthOrJune,
    NoPhrase,
    NoSuchDate,
    NoSuchMonth,
    NoSuchMonthDay,
    NoSuchQuarter,
    NoSuchQuarterEndDay,
    NoSuchWeekday,
    NotUnderstood,
    PeriodicWithoutPeriod,
    Reason,
    RoundWithoutEnd,
    SeveralDues,
    SeveralYears,
    StartNotDeadline,
    TimesPerDaysMismatch,
    TimesPerWithoutDays,
    TooFar,
    TwoDaysInMonth,
    UnusedWords,
    VagueDay,
    YearlyDaysNotEveryMonth,
)
from timelang.schedule import LAST_DAY

__all__ = ["DEADLINE_EXAMPLES", "moved_dues_note", "reason_text", "refusal_text"]

# Phrases the reader reads, shown when a phrase was not read (each one reads: tested).
DEADLINE_EXAMPLES = (
    "«31/12/2026», «chậm nhất ngày 15 tháng 11 năm 2026», «Quý II/2026», «tháng 9/2026», "
    "«cuối quý», «10 ngày làm việc», «thường xuyên», "
    "«hằng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)», "
    "«chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12», «ngày 20 hằng tháng», "
    "«thứ Hai hằng tuần», «ngày 15/6 và 15/12 hằng năm»"
)

class _Refused(Protocol):
    """A `timelang.deadlines.Refusal` or a `DeadlineError`."""

    @property
    def reason(self) -> Reason: ...

    @property
    def phrase(self) -> str | None: ...


REFUSAL_LINE = "Chưa hiểu thời hạn «{phrase}»: {reason}"

_PERIOD_NAMES = {"month": "tháng", "quarter": "quý", "year": "năm", "half": "6 tháng",
                 "week": "tuần", "day": "ngày"}


def refusal_text(refusal: _Refused) -> str:
    """One line, naming the phrase once."""
    reason = reason_text(refusal.reason)
    if refusal.phrase is None:
        return reason
    return REFUSAL_LINE.format(phrase=refusal.phrase, reason=reason)


def reason_text(reason: Reason) -> str:
    examples = DEADLINE_EXAMPLES
    match reason:
        case NoPhrase():
            return f"chưa có thời hạn. Ví dụ cách viết: {examples}."
        case NoSuchQuarter(quarter=quarter):
            return (f"không có quý {quarter}: một năm có 4 quý (I, II, III, IV). "
                    f"Ví dụ cách viết: {examples}.")
        case NoSuchWeekday(word=word):
            return (f"không có «thứ {word}» trong tuần: dùng thứ Hai … thứ Bảy hoặc Chủ nhật. "
                    f"Ví dụ cách viết: {examples}.")
        case NoSuchMonth(token=token):
            return f"Không có tháng {token}: tháng phải từ 1 đến 12."
        case NoSuchDate(day=day, month=month, year=year):
            return (f"Ngày {day:02d}/{month:02d}/{year} không có thật. "
                    f"Ví dụ cách viết đúng: {examples}.")
        case NoSuchMonthDay(day=day):
            return f"Không có ngày {day} trong tháng. Ví dụ: {examples}."
        case NoSuchQuarterEndDay(day=day):
            return f"Không có ngày {day} trong mọi tháng cuối quý. Ví dụ: {examples}."
        case DayNotInEveryMonth(day=day):
            return (f"Ngày {day} không có trong mọi tháng đã nêu. "
                    f"Ví dụ cách viết đúng: {examples}.")
        case StartNotDeadline():
            return ("đây là thời điểm bắt đầu, chưa phải thời hạn. Hãy ghi hạn hoàn thành, "
                    "ví dụ «từ 01/3 đến 30/6/2027», «cuối quý II/2027».")
        case UnusedWords(understood=understood, unused=unused):
            listed = ", ".join(f"«{text}»" for text in unused)
            return (f"mới hiểu được «{understood}», còn {listed} chưa dùng đến. "
                    f"Hãy viết lại rõ hơn, ví dụ: {examples}.")
        case InRound(label=label, inner=inner):
            return f"đợt {label}: {reason_text(inner)}"
        case RoundWithoutEnd(label=label):
            return (f"đợt {label} chưa có ngày kết thúc rõ ràng. Ví dụ cách viết: "
                    f"«Đợt 1: từ ngày 01/3 đến ngày 15/3/2027».")
        case AsRewritten(rewritten=rewritten, inner=inner):
            return f"(hiểu là «{rewritten}») {reason_text(inner)}"
        case PeriodicWithoutPeriod():
            return ("«định kỳ» mà chưa nói kỳ nào: hằng tuần, hằng tháng, hằng quý, 6 tháng hay "
                    f"hằng năm? Ví dụ cách viết: {examples}.")
        case NotUnderstood():
            return _not_understood(reason) + f"Ví dụ cách viết: {examples}."
        case DurationFromWhen(written=written, example=example):
            return (f"«{written}» tính từ ngày nào? Hãy ghi hạn là một ngày cụ thể, "
                    f"ví dụ «{_example_day(example)}».")
        case CountedFromEvent():
            # The phrase is quoted just before: the reason does not repeat it.
            return ("số ngày này tính từ một việc xảy ra theo từng trường hợp, không phải từ một "
                    "ngày định trước, nên chưa đặt được hạn. Khi việc xảy ra, hãy giao nhiệm vụ "
                    "với hạn là một ngày cụ thể.")
        case NextMonthOrJune(written=written, next_month=month, next_month_year=year,
                             june_year=june_year):
            return (f"«{written}» là tháng sau (tháng {month}/{year}) hay tháng Sáu? "
                    f"Hãy ghi rõ, ví dụ «cuối tháng {month}/{year}» hoặc "
                    f"«cuối tháng 6/{june_year}».")
        case VagueDay(written=written, example=example, next_month=month,
                      next_month_year=year):
            return (f"«{written}» chưa nói rõ ngày nào. Hãy ghi ngày cụ thể, ví dụ "
                    f"«{_example_day(example)}», hoặc cả kỳ, ví dụ «cuối tháng {month}/{year}».")
        case TooFar(days=days):
            return f"{days} ngày là quá xa. Ví dụ cách viết: {examples}."
        case TimesPerWithoutDays(count=count, per=per):
            return (f"«{count} lần mỗi {_PERIOD_NAMES[per]}» chưa nói vào những ngày nào. "
                    f"Hãy ghi rõ các ngày hạn, ví dụ «{_days_example(per)}», hoặc một kỳ, "
                    f"ví dụ: {examples}.")
        case SeveralDues(dues=dues):
            listed = ", ".join(fmt_date(d) for d in dues)
            return (f"cụm này có {len(dues)} hạn khác nhau ({listed}); một nhiệm vụ một lần chỉ "
                    f"có một hạn. Hãy giao thành nhiều nhiệm vụ, hoặc thêm «hằng năm» nếu đó là "
                    f"các hạn lặp lại mỗi năm.")
        case TwoDaysInMonth(month=month):
            return (f"có hai ngày trong cùng tháng {month}; một nhiệm vụ hằng năm chỉ có một hạn "
                    f"mỗi tháng. Hãy giao thành hai nhiệm vụ.")
        case SeveralYears(years=years):
            return (f"cụm này nêu {len(years)} năm khác nhau ({', '.join(map(str, years))}) cho "
                    f"một việc hằng năm; hãy ghi «từ năm {years[0]}».")
        case YearlyDaysNotEveryMonth():
            return ("các ngày này không có trong mọi tháng đã nêu để lặp lại hằng năm; "
                    "hãy giao thành nhiều nhiệm vụ.")
        case MonthDaysCollide(days=days):
            return (f"{_listed_days(days)} trùng nhau vào ngày cuối của tháng 2 (tháng 2 chỉ có "
                    f"28 hoặc 29 ngày). Hãy bỏ bớt một ngày, ví dụ «ngày 15 và ngày cuối tháng "
                    f"hằng tháng».")
        case TimesPerDaysMismatch(count=count, days=days):
            return (f"«{count} lần mỗi tháng» mà nêu {len(days)} ngày "
                    f"({_listed_days(days)}): hãy ghi số lần bằng số ngày, ví dụ «{len(days)} "
                    f"lần/tháng vào {_listed_days(days)}», hoặc chỉ ghi các ngày.")
        case _:
            assert_never(reason)


def _not_understood(reason: NotUnderstood) -> str:
    understood = []
    if reason.years:
        understood.append(f"năm {', '.join(reason.years)}")
    if reason.mentions_month:
        understood.append("có nhắc đến tháng")
    if reason.mentions_quarter:
        understood.append("có nhắc đến quý")
    if reason.mentions_day:
        understood.append("có nhắc đến ngày")
    return f"tôi chỉ nhận ra: {'; '.join(understood)}. " if understood else ""


def _listed_days(days: tuple[int, ...]) -> str:
    names = ["ngày cuối tháng" if d == LAST_DAY else f"ngày {d}" for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def _example_day(day: date) -> str:
    return f"ngày {day:%d/%m/%Y}"


def _days_example(per: str) -> str:
    if per == "month":
        return "ngày 15 và 30 hằng tháng"
    return "ngày 15/4 và 15/10 hằng năm"


def moved_dues_note(moved: list[tuple[int, date]], shown: int = 3) -> str:
    """Due days a short month moves ("ngày 30" → 28/02/2027), told, never silent; empty when
    none does (`Deadline.moved_dues`)."""
    if not moved:
        return ""
    day = moved[0][0]
    dues = ", ".join(fmt_date(due) for _, due in moved[:shown])
    more = ", …" if len(moved) > shown else ""
    return (f"⚠️ Tháng nào không có ngày {day} thì hạn là ngày cuối của tháng đó: "
            f"{dues}{more}.")
