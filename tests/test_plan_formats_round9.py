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


def test_a_ruled_table_in_a_pdf_is_read_as_a_table() -> None:
    text = (
        "II. NHIỆM VỤ CỤ THỂ\n"
        "| TT | Nội dung | Cơ quan chủ trì | Thời gian |\n"
        "| 1 | Rà soát, đơn giản hóa thủ tục hành chính nội bộ của các cơ quan chuyên môn "
        "thuộc Ủy ban nhân dân tỉnh | Sở Tư pháp | Quý II/2026 |\n"
        "| 2 | Kiểm tra công tác văn thư | Sở Nội vụ | Tháng 10/2026 |\n"
        "III. TỔ CHỨC THỰC HIỆN"
    )
    document = read_document(text_to_pdf(text), "kh.pdf")
    assert document.paragraphs == ["II. NHIỆM VỤ CỤ THỂ", "III. TỔ CHỨC THỰC HIỆN"]
    (table,) = document.tables
    assert table.rows[0] == ("TT", "Nội dung", "Cơ quan chủ trì", "Thời gian")
    assert table.rows[1][1].startswith("Rà soát, đơn giản hóa thủ tục hành chính nội bộ của")
    assert table.rows[1][1].endswith("thuộc Ủy ban nhân dân tỉnh")
    assert "\n" not in table.rows[1][1]  # the cell's wrapped lines are one paragraph
    assert table.rows[2] == ("2", "Kiểm tra công tác văn thư", "Sở Nội vụ", "Tháng 10/2026")


def test_a_pdf_table_going_on_over_the_page_is_one_table() -> None:
    rows = "\n".join(f"| {n} | Nhiệm vụ số {n} của kế hoạch | Sở Nội vụ | Quý I/2026 |"
                     for n in range(1, 80))
    document = read_document(text_to_pdf("Danh mục nhiệm vụ\n" + rows), "kh.pdf")
    assert document.pages is not None and document.pages >= 2
    (table,) = document.tables
    assert [row[0] for row in table.rows] == [str(n) for n in range(1, 80)]
