"""Task tables flattened to one cell per line, rebuilt into tables.

A table copied out of a PDF or a web page often arrives as one cell per line: the header cells
("STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành") on lines
of their own, then each row as its number followed by its cells, the page's own menus and
notices before and after. A cell may still wrap onto several lines ("Cục trưởng Cục Phát thanh
truyền hình và" / "Thông tin điện tử", a "-" bullet list inside the result cell), so a row's
lines are cut into exactly as many cells as the header has, at the cuts that read best: a cell
does not end on "và"/"của"/"số", nor between "(1) …;" and "(2) …", nor after a bare "-"; the
time cell reads as a time, the unit cells start with a unit. The row ends at the next row
number in sequence ("2" after "1", so a wrapped "06" inside a cell is no row); the last row ends
at its time cell, where the page's text after the table starts.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from plans.readers import Block, Paragraph, Table
from plans.task_tables import _column_role
from plans.text import is_upper_heading
from plans.unitnames import starts_with_unit

_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]?$")
_ROW_SECTION = re.compile(r"^([IVXL]{1,6})\.?(?:\s+(\S.*))?$")
_HEADER_CELL_MAX = 40
_HEADER_CELLS_MAX = 9
# The row of column numbers under a header ("A", "B", "1", "2", "(3)").
_COLUMN_NUMBER = re.compile(r"^\(?(?:[A-Z]|\d{1,2})\)?$")
# "…......": the site cut the table there; the rows after it go on with other numbers.
_CUT_MARK = re.compile(r"^[….·]{6,}$")
# How many lines one row may take before the table is taken to have ended.
_ROW_LINES_PER_CELL = 4

# A line ending on a word that cannot end a phrase continues on the next line.
_OPEN_END = re.compile(
    r"(?:,|\b(?:và|của|các|cho|với|tại|về|theo|trong|số|hoặc|để|đối với|thuộc|trên|những))$",
    re.IGNORECASE,
)
_ENUMERATED = re.compile(r"^\((\d{1,2})\)")
_BULLET = re.compile(r"^[-–+•]")
_TIME_CELL = re.compile(
    r"^(?:(?:trước|trong|chậm nhất|hoàn thành|từ|đến|hạn|dự kiến|cuối|đầu|giữa)\s+)*"
    r"(?:ngày\s+)?(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|tháng\s+\d|qu[ýí]\s+[IV\d]|năm\s+\d{4}|\d{4}\b"
    r"|thường xuyên|hằng|hàng (?:năm|tháng|quý|tuần)|định kỳ|theo\b|giai đoạn|liên tục"
    # "Khi có phát sinh.", "Sau khi có Quy chế …": a time bound to an event (no deadline).
    r"|(?:sau\s+)?khi\b)",
    re.IGNORECASE,
)
_PERSON_TITLE = re.compile(
    r"^(?:\(\d{1,2}\)\s*)?(?:giám đốc|cục trưởng|vụ trưởng|chánh|thủ trưởng|chủ tịch|trưởng|phó"
    r"|bộ trưởng|thứ trưởng|tổng cục trưởng|viện trưởng|hiệu trưởng|người đứng đầu|lãnh đạo)\b",
    re.IGNORECASE,
)
_GROUP_START = re.compile(r"^(?:các|cơ quan|đơn vị|tổ chức|ủy ban|uỷ ban|ubnd)\b", re.IGNORECASE)


def _flat_header(paragraphs: list[str], start: int) -> tuple[list[str], int] | None:
    """(roles of the header cells starting at `start`, lines they take), if a task-table header
    is there. A header cell may wrap ("Thời gian hoàn" / "thành"); a column the parser has no
    use for ("Mức độ hoàn chỉnh", "Hình thức phổ biến") is kept as "other" between known ones."""
    roles: list[str] = []
    spans: list[int] = []  # lines of each cell
    cells: list[str] = []
    index = start
    while index < len(paragraphs) and len(cells) < _HEADER_CELLS_MAX:
        text = paragraphs[index]
        if not text or len(text) > _HEADER_CELL_MAX:
            break
        if cells and text[:1].islower() and not _ROW_NUMBER.match(text):
            # "Nội dung thực" / "hiện": the cell above goes on.
            cells[-1] = f"{cells[-1]} {text}"
            if roles[-1] == "other":
                roles[-1] = _column_role(cells[-1]) or "other"
            spans[-1] += 1
            index += 1
            continue
        role = _column_role(text)
        if role is None:
            if (
                not roles
                or _ROW_NUMBER.match(text)
                or _COLUMN_NUMBER.match(text)
                or _ROW_SECTION.match(text)
                or is_upper_heading(text)
            ):
                break  # the first row, or a group's numeral or capitalised heading
            role = "other"
        elif role in roles and role not in ("lead", "support"):
            break
        roles.append(role)
        cells.append(text)
        spans.append(1)
        index += 1
    if not (
        index < len(paragraphs)
        and (_ROW_NUMBER.match(paragraphs[index]) or _ROW_SECTION.match(paragraphs[index]))
    ):
        # The rows do not start right after: the last lines may be no header cells ("… |
        # Kết quả dự kiến | Nguồn kinh phí" then "I" keeps its last column, one the parser
        # has no use for but which a row's lines still hold).
        while roles and roles[-1] == "other":
            roles.pop()
            spans.pop()
    if (
        len(roles) - roles.count("other") < 3
        or roles.count("other") > 2
        or "content" not in roles
        or not {"lead", "time"} & set(roles)
    ):
        return None
    return roles, sum(spans)


def _cut_cost(before: str, after: str, cell_start: str) -> int:
    """How unlikely it is that a cell ends after `before` and the next starts with `after`."""
    cost = 0
    if before in ("-", "–", "+", "•") or _OPEN_END.search(before):
        cost += 4
    if after[:1].islower():
        cost += 4
    enumerated = _ENUMERATED.match(after)
    if enumerated and int(enumerated.group(1)) > 1:
        cost += 3  # "(2) …" goes on from "(1) …"
    if _BULLET.match(after) and _BULLET.match(cell_start):
        cost += 3  # the next bullet of the same list
    return cost


def _cell_cost(role: str, cell: str) -> int:
    """How badly `cell` fits a column of `role`."""
    cost = 2 if " " not in cell and role not in ("ref", "time") else 0
    if role == "time" and not _TIME_CELL.match(cell):
        cost += 3
    elif role == "head" and not _PERSON_TITLE.match(cell):
        cost += 2
    elif role in ("lead", "support") and not (starts_with_unit(cell) or _GROUP_START.match(cell)):
        cost += 1
    return cost


def _glued_cost(role: str, lines: list[str]) -> int:
    """How likely a unit cell of several lines is two cells glued: "Sở Tài chính" / "Các sở,
    ngành": a line that closes a name, then one that opens another (a list of units wraps
    after its "," or "và")."""
    if role not in ("lead", "support"):
        return 0
    return sum(
        2
        for before, after in itertools.pairwise(lines)
        if not _OPEN_END.search(before)
        and not before.endswith((";", "-"))
        and (starts_with_unit(after) or bool(_GROUP_START.match(after)))
    )


def _segment(lines: list[str], roles: list[str]) -> list[str] | None:
    """`lines` cut into one cell per role at the cheapest cuts, or None if too few lines."""
    count, width = len(lines), len(roles)
    if count < width:
        return None

    @cache
    def best(line: int, column: int) -> tuple[int, tuple[int, ...]]:
        # The cheapest way to fill columns column.. from lines line.. (cut positions).
        if column == width - 1:
            cell = " ".join(lines[line:])
            return _cell_cost(roles[column], cell), ()
        options: list[tuple[int, tuple[int, ...]]] = []
        for end in range(line + 1, count - (width - 1 - column) + 1):
            cell = " ".join(lines[line:end])
            rest_cost, rest_cuts = best(end, column + 1)
            cost = (
                _cell_cost(roles[column], cell)
                + _glued_cost(roles[column], lines[line:end])
                + _cut_cost(lines[end - 1], lines[end], lines[line])
                + rest_cost
            )
            options.append((cost, (end, *rest_cuts)))
        return min(options)

    _, cuts = best(0, 0)
    bounds = [0, *cuts, count]
    return [" ".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


def _row_start(text: str, last_top: int | None) -> bool:
    """A row's number: a numbered label, and a whole number only the next one in sequence."""
    if not _ROW_NUMBER.match(text):
        return False
    digits = text.rstrip(".)")
    if digits.isdigit() and last_top is not None:
        return int(digits) == last_top + 1
    return True


def _top_number(label: str) -> int | None:
    head = label.rstrip(".)").split(".")[0]
    return int(head) if head.isdigit() else None


def _flat_rows(
    paragraphs: list[str], start: int, roles: list[str]
) -> tuple[list[tuple[str, ...]], int]:
    """The rows after a flattened header, and the index of the first paragraph after them."""
    width = len(roles)
    has_ref = roles[0] == "ref"
    content_col = roles.index("content")
    cell_roles = roles[1:]
    rows: list[tuple[str, ...]] = []
    index = start
    if all(_COLUMN_NUMBER.match(text) for text in paragraphs[start : start + width]):
        index += width  # "A | B | 1 | 2 | 3": the columns' numbers, no row
    last_top: int | None = None
    while index < len(paragraphs):
        text = paragraphs[index]
        if _CUT_MARK.match(text) and rows:
            # The rows after the cut go on with their own numbers.
            index += 1
            last_top = None
            continue
        section = _ROW_SECTION.match(text)
        if section and has_ref:
            heading = [section.group(2)] if section.group(2) else []
            index += 1
            # The heading may wrap onto the next lines, up to the next row's number.
            while (
                index < len(paragraphs)
                and len(heading) < 3
                and not _ROW_NUMBER.match(paragraphs[index])
                and not _ROW_SECTION.match(paragraphs[index])
                and (is_upper_heading(paragraphs[index]) or paragraphs[index].isupper())
            ):
                heading.append(paragraphs[index])
                index += 1
            if (
                not heading
                and index + 1 < len(paragraphs)
                and paragraphs[index]
                and not _ROW_NUMBER.match(paragraphs[index])
                and _row_start(paragraphs[index + 1], None)
            ):
                # "I" / "Hoàn thiện thể chế …" / "1": a group heading in sentence case, one
                # line between the group's numeral and its first row.
                heading.append(paragraphs[index])
                index += 1
            if not heading:
                break
            cells = [""] * width
            cells[0], cells[content_col] = section.group(1), " ".join(heading)
            rows.append(tuple(cells))
            last_top = None
            continue
        if not (has_ref and _row_start(text, last_top if rows else None)):
            break
        top = _top_number(text)
        index += 1
        window: list[str] = []
        ended = False
        while index + len(window) < len(paragraphs) and len(window) < width * _ROW_LINES_PER_CELL:
            cell = paragraphs[index + len(window)]
            if not cell:
                ended = True
                break
            if _row_start(cell, top) or _ROW_SECTION.match(cell) or _CUT_MARK.match(cell):
                break
            window.append(cell)
        else:
            ended = True
        read = _row_cells(window, cell_roles, ended)
        if not read:
            break
        used, values = read
        if not _time_reads(values, cell_roles):
            values = _without_trailing(window[:used], cell_roles) or values
        above = rows[-1] if rows and rows[-1][0] and not _ROW_SECTION.match(rows[-1][0]) else None
        if len(values) < width - 1 or not _time_reads(values, cell_roles):
            # Cells merged down from the row above are left out of this one ("2 | Số … |
            # Chính thức" under a row holding the month and the unit): the cells there are
            # taken from above only when this row's lines line up with the first columns. The
            # last row has no next number to end it: it ends at its last cell that fits.
            ends = range(min(len(window), width - 1), 1, -1) if ended else (used,)
            for end in ends:
                aligned = _merged_from_above(window[:end], cell_roles, above, least=2 if ended else 1)
                if aligned is None:
                    continue
                present, cells_read = aligned
                if ended and present < len(cell_roles) and end < len(window) and _fits(
                    cell_roles[present], window[end], above[present + 1] if above else ""
                ):
                    continue  # the next line is this row's next cell: nothing was merged
                used, values = end, cells_read
                break
        index += used
        cells = [""] * width
        cells[0] = text
        if len(values) == width - 1:
            cells[1:] = values
        else:
            # A missing cell cannot be placed for sure: keep the task, not a guessed unit.
            cells[content_col] = values[0]
        rows.append(tuple(cells))
        last_top = top if top is not None else last_top
    return rows, index


def _time_reads(values: list[str], roles: list[str]) -> bool:
    """Whether a full row's time cell reads as a time (else its lines were cut wrongly)."""
    if len(values) != len(roles) or "time" not in roles:
        return True
    return bool(_TIME_CELL.match(values[roles.index("time")]))


def _without_trailing(lines: list[str], roles: list[str]) -> list[str] | None:
    """The cells of a row whose columns after the time ("Sản phẩm", "Ghi chú") are empty, so
    that its lines hold one cell fewer: cut again without them, if the time then reads."""
    if "time" not in roles:
        return None
    last = roles.index("time") + 1
    if last == len(roles) or any(role not in ("product", "note", "other") for role in roles[last:]):
        return None
    cells = _segment(lines, roles[:last])
    if cells is None or not _time_reads(cells, roles[:last]):
        return None
    return cells + [""] * (len(roles) - last)


def _fits(role: str, cell: str, above: str) -> bool:
    """Whether one line is a whole cell of a column of `role` (`above`: that column's cell in
    the row above)."""
    if cell[:1].islower() or _BULLET.match(cell) or _OPEN_END.search(cell):
        return False
    if role == "time":
        return bool(_TIME_CELL.match(cell))
    if role in ("lead", "support"):
        return cell == above or starts_with_unit(cell) or bool(_GROUP_START.match(cell))
    return cell == above


def _content(lines: list[str]) -> str:
    """A content cell's lines: a wrapped line joins the one above; a list ("Trong đó:",
    "- …") stays on lines of its own, the detail under the title."""
    text = lines[0]
    for before, line in itertools.pairwise(lines):
        wraps = line[:1].islower() or bool(_OPEN_END.search(before))
        text = f"{text} {line}" if wraps else f"{text}\n{line}"
    return text


def _merged_from_above(
    lines: list[str], roles: list[str], above: tuple[str, ...] | None, least: int = 1
) -> tuple[int, list[str]] | None:
    """(columns present, cells) of a row whose last columns were merged with the row above's:
    the content first (one or more lines), then one line per column that fits it, then the row
    above's cells. None when the lines do not line up so, or no row above holds the missing
    cells."""
    if above is None or not lines or roles[0] != "content":
        return None
    width = len(roles)
    for present in range(min(len(lines), width - 1), least - 1, -1):
        split = len(lines) - (present - 1)
        head, tail = lines[:split], lines[split:]
        if not all(
            _fits(roles[column + 1], cell, above[column + 2]) for column, cell in enumerate(tail)
        ):
            continue
        if any(
            (_TIME_CELL.match(line) or starts_with_unit(line)) and not _BULLET.match(line)
            for line in head[1:]
        ) or not all(above[column + 1] for column in range(present, width)):
            return None  # a cell of another column inside the content: no sure reading
        return present, [_content(head), *tail, *above[present + 1 :]]
    return None


def _row_cells(window: list[str], roles: list[str], ended: bool) -> tuple[int, list[str]] | None:
    """(lines used, cells) of one row from the lines after its number. `ended`: no next row
    number closed the window, so the table may end inside it."""
    width = len(roles)
    if not window:
        return None
    timed = roles.index("time") + 1 if "time" in roles else 0
    if (
        timed
        and timed <= len(window) < width
        and all(role in ("product", "note", "other") for role in roles[timed:])
    ):
        # "1 | Triển khai … | Sở X | Cơ quan liên quan | Thường xuyên" with no "Sản phẩm":
        # the cells up to a time that reads, as many of the last columns as the lines hold;
        # the others, merged or empty, are left empty.
        for present in range(len(window), timed - 1, -1):
            cells = list(window) if present == len(window) else _segment(window, roles[:present])
            if cells and _TIME_CELL.match(cells[timed - 1]):
                return len(window), [*cells, *[""] * (width - present)]
    if len(window) <= width:
        return len(window), list(window)
    if ended:
        # The last row: it ends at the first line, far enough on, that reads as its time cell.
        # Columns after the time ("Sản phẩm") cannot be told from the page's own text after
        # the table: they are left empty.
        if not timed or any(role not in ("product", "note", "other") for role in roles[timed:]):
            return width, window[:width]
        end = next(
            (n for n in range(timed, len(window) + 1) if _TIME_CELL.match(window[n - 1])), None
        )
        if end is None:
            return width, window[:width]
        cells = _segment(window[:end], roles[:timed])
        return (end, cells + [""] * (width - timed)) if cells else None
    cells = _segment(window, roles)
    return (len(window), cells) if cells else None


def _header_cells(lines: list[str], width: int) -> tuple[str, ...]:
    """The header's cells from its lines, wrapped cells joined again."""
    cells: list[str] = []
    for line in lines:
        if cells and line[:1].islower():
            cells[-1] = f"{cells[-1]} {line}"
        else:
            cells.append(line)
    return tuple(cells[:width])


def flat_tables(blocks: list[Block]) -> list[Block]:
    """`blocks` with each run of one-cell-per-line task table rebuilt into a Table."""
    texts = [block.text.strip() if isinstance(block, Paragraph) else "" for block in blocks]
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        found = _flat_header(texts, index) if texts[index] else None
        if found is not None:
            roles, taken = found
            rows, end = _flat_rows(texts, index + taken, roles)
            if len(rows) >= 2:
                header = _header_cells(texts[index : index + taken], len(roles))
                result.append(Table((header, *rows)))
                index = end
                continue
        result.append(blocks[index])
        index += 1
    return result
