"""What a plan must not lose when it arrives as .pdf or .docx instead of .txt (issue 14,
round 9): each class with a small document of our own, built the way the sample-plan tests
build theirs (tests/plan_builders.py)."""

from __future__ import annotations

from plans.readers import read_document
from tests.plan_builders import dejavu_font, text_to_pdf


def _paragraphs(data: bytes, name: str) -> list[str]:
    return read_document(data, name).paragraphs


def _numbered_pages_pdf(lines_per_page: list[list[str]]) -> bytes:
    """A4 pages of one-line paragraphs with the page number centred at the bottom."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=12)
    for number, lines in enumerate(lines_per_page, start=1):
        pdf.add_page()
        pdf.set_xy(20, 20)
        for line in lines:
            pdf.multi_cell(170, 6, line, new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(20)
            pdf.ln(4)
        pdf.set_xy(20, 280)
        pdf.cell(170, 6, str(number), align="C")
    return bytes(pdf.output())


def test_a_lone_row_number_in_a_pdf_is_text_and_the_page_number_is_not() -> None:
    # A task table flattened into lines (number, duty, unit), as site exports are: the row
    # numbers sit at the left margin, some at the top or bottom of a page.
    pages = [
        ["Nhiệm vụ cụ thể", "1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "2"],
        ["Kiểm tra công tác văn thư", "Sở Nội vụ", "3", "Báo cáo kết quả", "Văn phòng"],
    ]
    paragraphs = _paragraphs(_numbered_pages_pdf(pages), "kh.pdf")
    assert paragraphs.count("1") == 1 and paragraphs.count("2") == 1
    assert paragraphs.count("3") == 1
    assert paragraphs[-1] == "Văn phòng"  # page 2's number, centred at the bottom, is gone


def test_one_line_paragraphs_of_a_pdf_stay_apart() -> None:
    # Mostly one-line paragraphs with space between them: the gap inside a paragraph is the
    # one after a full line, not the commonest gap on the page.
    long_line = ("Căn cứ Nghị định số 94/2016/NĐ-CP ngày 01 tháng 7 năm 2016 của Chính phủ quy "
                 "định chi tiết và hướng dẫn thi hành một số điều của Luật Thống kê;")
    lines = [long_line] + [f"Căn cứ Quyết định số {n}/QĐ-TTg ngày 02 tháng 01 năm 2025;"
                           for n in range(10, 20)]
    paragraphs = _paragraphs(text_to_pdf("\n".join(lines)), "kh.pdf")
    assert paragraphs == lines
