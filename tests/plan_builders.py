"""Build test documents: a sample plan (plain text with light Markdown) as .docx and as a
text-layer .pdf, a .docx with its tasks in a table, an .xlsx annex, a long plan.

Only used by tests and bench scripts; the product never writes these formats.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import ClassVar

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SOURCES_DIR = GOLDEN_DIR / "sources"
SAMPLES = {
    "000": "000_26c21913df203f54.txt",
    "002": "002_db4feb9660799fcf.txt",
    "004": "004_9a23d4ea0e0477f2.txt",
}

_EMPHASIS = re.compile(r"(\*{1,3})")


def sample_text(key: str) -> str:
    return (SOURCES_DIR / SAMPLES[key]).read_text(encoding="utf-8")


def dejavu_font() -> Path:
    import matplotlib

    return Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


def _bullet_of(line: str) -> tuple[str | None, str]:
    """Leading list marker of a sample line: "-", "+", "*" (a Markdown bullet) or None."""
    stripped = line.lstrip()
    if stripped.startswith(("- ", "+ ")):
        return stripped[0], stripped[2:]
    run = len(stripped) - len(stripped.lstrip("*"))
    if run % 2 == 1 and stripped[run : run + 1] == " ":
        # "* **Thời gian" and "*** Thời gian:**": a bullet, then bold.
        return "*", ("**" if run == 3 else "") + stripped[run + 1 :]
    return None, stripped


def _add_runs(paragraph: object, text: str) -> None:
    bold = italic = False
    for piece in _EMPHASIS.split(text):
        if not piece:
            continue
        if set(piece) == {"*"}:
            if len(piece) >= 2:
                bold = not bold
            if len(piece) in (1, 3):
                italic = not italic
            continue
        run = paragraph.add_run(piece)  # type: ignore[attr-defined]
        run.bold = bold or None
        run.italic = italic or None


_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# "1. …", "IV. …", "a) …": the list numbers Word would carry outside the text.
_LIST_ITEM = re.compile(r"^\s*(?:(\d{1,2})\.|([IVX]{1,5})\.|([a-z])\))\s+(?=\S)")
_LATIN = "abcdefghijklmnopqrstuvwxyz"


def _table_row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().removeprefix("|").removesuffix("|").split("|")]


def _table_rows(lines: list[str], index: int) -> tuple[list[list[str]], int]:
    """The "| … |" rows from `index` on (rule lines left out, blank lines inside kept going),
    and the index after them."""
    rows: list[list[str]] = []
    while index < len(lines) and (_TABLE_LINE.match(lines[index]) or not lines[index].strip()):
        if lines[index].strip() and not _TABLE_RULE.match(lines[index]):
            rows.append(_table_row(lines[index]))
        index += 1
    return rows, index


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for here, after in zip(numeral, numeral[1:] + " ", strict=True):
        value = values[here]
        total += -value if values.get(after, 0) > value else value
    return total


class _WordLists:
    """Word automatic numbering for "1.", "IV." and "a)" paragraphs: the number leaves the
    text and lives in numbering.xml, each restart a new list instance (startOverride), as
    Word writes a list the official restarted by hand."""

    _FORMATS: ClassVar[dict[str, tuple[str, str]]] = {
        "decimal": ("decimal", "%1."), "roman": ("upperRoman", "%1."),
        "letter": ("lowerLetter", "%1)"),
    }

    def __init__(self, document: object) -> None:
        from docx.oxml import parse_xml

        self._parse = parse_xml
        self._numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
        self._abstract: dict[str, str] = {}
        self._last: dict[str, tuple[str, int]] = {}
        self._next_id = 900

    def _ns(self) -> str:
        return 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def _abstract_id(self, kind: str) -> str:
        if kind not in self._abstract:
            self._next_id += 1
            fmt, text = self._FORMATS[kind]
            abstract_id = str(self._next_id)
            node = self._parse(
                f'<w:abstractNum {self._ns()} w:abstractNumId="{abstract_id}">'
                f'<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
            )
            # abstractNum elements come before every num element in numbering.xml.
            first_num = self._numbering.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num"
            )
            if first_num is not None:
                first_num.addprevious(node)
            else:
                self._numbering.append(node)
            self._abstract[kind] = abstract_id
        return self._abstract[kind]

    def number(self, line: str) -> tuple[str, str] | None:
        """(numId, the text without its number) for a list item, else None."""
        match = _LIST_ITEM.match(line)
        if match is None:
            return None
        decimal, roman, letter = match.groups()
        if decimal is not None:
            kind, value = "decimal", int(decimal)
        elif roman is not None:
            kind, value = "roman", _roman_value(roman)
        else:
            kind, value = "letter", _LATIN.index(letter) + 1
        last = self._last.get(kind)
        if last is not None and last[1] + 1 == value:
            num_id = last[0]
        else:
            self._next_id += 1
            num_id = str(self._next_id)
            self._numbering.append(self._parse(
                f'<w:num {self._ns()} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{self._abstract_id(kind)}"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{value}"/></w:lvlOverride>'
                f"</w:num>"
            ))
        self._last[kind] = (num_id, value)
        return num_id, line[match.end():]

    def apply(self, paragraph: object, num_id: str) -> None:
        ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
        ppr.append(self._parse(
            f'<w:numPr {self._ns()}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        ))


def text_to_docx(text: str, *, numbering: bool = False) -> bytes:
    """Each line becomes a paragraph; "-" and "*" bullets become Word bullets (List Bullet),
    "+" bullets second-level ones (List Bullet 2); Markdown emphasis becomes bold/italic;
    consecutive "| … |" lines become a Word table. With `numbering`, "1.", "IV." and "a)"
    leave the text and become Word automatic numbering."""
    import docx

    document = docx.Document()
    lists = _WordLists(document) if numbering else None
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if _TABLE_LINE.match(line) and line.count("|") >= 2:
            rows, index = _table_rows(lines, index)
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=False):
                    cell.text = value
            continue
        index += 1
        if not line.strip():
            continue
        bullet, rest = _bullet_of(line)
        numbered = lists.number(rest) if lists is not None and bullet is None else None
        if bullet == "+":
            paragraph = document.add_paragraph(style="List Bullet 2")
        elif bullet is not None:
            paragraph = document.add_paragraph(style="List Bullet")
        else:
            paragraph = document.add_paragraph()
        if numbered is not None and lists is not None:
            lists.apply(paragraph, numbered[0])
            rest = numbered[1]
        _add_runs(paragraph, rest)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_to_pdf(text: str, *, font_size: float = 12, word_layout: bool = False) -> bytes:
    """A4 pages with a real text layer (DejaVu Sans, so Vietnamese survives), one
    paragraph per non-empty line, a blank gap between paragraphs as Word would leave.
    With `word_layout`, as most official plans are set instead: justified, a first-line
    indent of about 1 cm and no gap between paragraphs."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=font_size)
    pdf.add_page()
    line_height = font_size * 0.3528 * 1.35  # points to mm, 1.35 line spacing
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if _TABLE_LINE.match(line) and line.count("|") >= 2:
            # "| … |" rows: a table of drawn cells, as Word prints one.
            rows, index = _table_rows(lines, index)
            width = max(len(row) for row in rows)
            pdf.set_font("DejaVu", size=font_size * 0.75)
            # Two columns are the header's or the signature's sides: Word prints those
            # without borders, side by side.
            borders = "NONE" if width <= 2 else "ALL"
            with pdf.table(first_row_as_headings=False, line_height=line_height * 0.75,
                           borders_layout=borders) as table:
                for values in rows:
                    row = table.row()
                    for value in values + [""] * (width - len(values)):
                        row.cell(value)
            pdf.set_font("DejaVu", size=font_size)
            pdf.ln(line_height * 0.6)
            continue
        index += 1
        if not line.strip():
            continue
        bullet, rest = _bullet_of(line)
        plain = rest.replace("*", "")
        prefix = {"-": "- ", "+": "+ ", "*": "• "}.get(bullet or "", "")
        if word_layout:
            # The indent as spaces: the reader places a line by its first visible character.
            pdf.multi_cell(0, line_height, "       " + prefix + plain, align="J",
                           new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.multi_cell(0, line_height, prefix + plain, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(line_height * 0.6)
    return bytes(pdf.output())


def text_pdf_without_text_layer() -> bytes:
    """What a scanner produces: pages that are only a picture."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (600, 800), "white")
    for x in range(50, 550):
        for y in range(100, 104):
            image.putpixel((x, y), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=190)
    return bytes(pdf.output())


TABLE_PLAN_ROWS: list[tuple[str, str, str, str, str, str]] = [
    # STT, Nội dung, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian, Sản phẩm
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", "", "", ""),
    ("1", "Ban hành Kế hoạch cải cách hành chính năm 2024", "Phòng Nội vụ",
     "Các cơ quan, đơn vị", "Trước ngày 31/01/2024", "Kế hoạch"),
    ("2", "Kiểm tra công tác cải cách hành chính tại các xã", "Phòng Nội vụ",
     "Văn phòng HĐND và UBND huyện", "Quý II/2024", "Báo cáo kết quả kiểm tra"),
    ("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", ""),
    ("1", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "Văn phòng HĐND và UBND huyện",
     "Các phòng chuyên môn", "Trong năm 2024", "Phương án đơn giản hóa"),
    ("2", "Niêm yết công khai thủ tục hành chính tại Bộ phận một cửa", "UBND các xã, thị trấn",
     "", "Thường xuyên", ""),
    ("3", "Báo cáo tình hình giải quyết hồ sơ thủ tục hành chính", "UBND các xã, thị trấn",
     "Văn phòng HĐND và UBND huyện", "Hằng tháng, trước ngày 20", "Báo cáo"),
]


def table_plan_docx(rows: list[tuple[str, ...]] | None = None) -> bytes:
    """A Kế hoạch whose tasks are a table, as many districts write them."""
    import docx

    rows = rows if rows is not None else TABLE_PLAN_ROWS
    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nHUYỆN THỬ NGHIỆM\nSố: 15/KH-UBND"
    header.cell(0, 1).text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Thử Nghiệm, ngày 10 tháng 01 năm 2024"
    )
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Cải cách hành chính năm 2024")
    document.add_paragraph("Căn cứ Kế hoạch số 01/KH-UBND ngày 02/01/2024 của UBND tỉnh.")
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Nâng cao chất lượng công tác cải cách hành chính.")
    document.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
    document.add_paragraph("(Chi tiết tại bảng dưới đây)")
    table = document.add_table(rows=1, cols=6)
    for cell, title in zip(
        table.rows[0].cells,
        ("STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn hoàn thành",
         "Sản phẩm"),
        strict=True,
    ):
        cell.text = title
    for values in rows:
        cells = table.add_row().cells
        if values[2:] == ("", "", "", "") and values[0] in ("I", "II", "III"):
            merged = cells[1].merge(cells[5])
            cells[0].text = values[0]
            merged.text = values[1]
            continue
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph(
        "1. Giao Phòng Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này; tổng hợp báo cáo "
        "UBND huyện trước ngày 15/12/2024."
    )
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Như trên;")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def annex_xlsx() -> bytes:
    """An Excel annex: a title row, a two-row header with merged cells, column order and
    spelling unlike the .docx table, a lead unit merged down over two tasks, a real date."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục"
    sheet.append(["DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2024"])
    sheet.merge_cells("A1:F1")
    sheet.append(["TT", "Tên nhiệm vụ", "Thời gian thực hiện", "Đơn vị thực hiện", None, "Ghi chú"])
    sheet.append([None, None, None, "Chủ trì", "Phối hợp", None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:E2")
    sheet.merge_cells("F2:F3")
    sheet.append(["1", "Xây dựng kế hoạch tuyên truyền cải cách hành chính",
                  date(2024, 3, 15), "Phòng Văn hóa và Thông tin", "Phòng Nội vụ", None])
    sheet.append(["2", "Tổ chức hội thi tìm hiểu cải cách hành chính", "Quý III/2024",
                  "Phòng Văn hóa và Thông tin", "UBND các xã, thị trấn", None])
    sheet.merge_cells("D4:D5")
    sheet.append(["3", "Đánh giá, chấm điểm Chỉ số cải cách hành chính cấp xã",
                  "Tháng 12/2024", "Phòng Nội vụ", "Các cơ quan, đơn vị", "Hằng năm"])
    sheet.append(["4", "Họp Ban chỉ đạo cải cách hành chính", "Định kỳ hằng quý",
                  "Văn phòng HĐND và UBND huyện", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def long_plan_text(pages: int = 100) -> str:
    """A plan of about `pages` A4 pages (≈3,000 characters each): the 004 header, then
    sections built from the samples' bullets, assignment lines and deadlines."""
    sample = sample_text("004")
    header = sample.split("I. MỤC ĐÍCH, YÊU CẦU")[0]
    bullets = [
        line for line in sample.split("\n") if line.startswith("- ") and len(line) > 120
    ]
    times = ["Quý I/2024", "Trong năm 2024", "Thường xuyên", "chậm nhất ngày 15/11/2024",
             "Quý III năm 2024", "trong tháng 10 năm 2024"]
    leads = ["Phòng Nội vụ", "Văn phòng HĐND và UBND huyện", "Phòng Tài chính - Kế hoạch",
             "Thanh tra huyện", "UBND các xã, thị trấn"]
    romans = ["II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"]
    parts = [header, "I. MỤC ĐÍCH, YÊU CẦU\n\nNâng cao chất lượng công tác CCHC.\n"]
    target = pages * 3000
    section = 0
    item = 0
    while sum(len(part) for part in parts) < target:
        if item % 12 == 0:
            parts.append(f"{romans[section % len(romans)]}. NHIỆM VỤ, GIẢI PHÁP PHẦN {section + 1}\n")
            section += 1
            number = 0
        number += 1
        parts.append(f"{number}. Nhóm nhiệm vụ số {item + 1}\n")
        for offset in range(3):
            parts.append(bullets[(item + offset) % len(bullets)] + "\n")
        parts.append(f"- Cơ quan chủ trì: {leads[item % len(leads)]}.\n")
        parts.append(f"- Cơ quan phối hợp: {leads[(item + 1) % len(leads)]}, các ngành liên quan.\n")
        parts.append(f"- Thời gian thực hiện: {times[item % len(times)]}.\n")
        item += 1
    parts.append("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n")
    return "\n".join(parts)
