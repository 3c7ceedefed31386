"""What a plan must not lose when it arrives as .pdf or .docx instead of .txt (issue 14,
round 9): each class with a small document of our own, built the way the sample-plan tests
build theirs (tests/plan_builders.py)."""

from __future__ import annotations

from plans.parser import parse_document
from plans.readers import read_document
from tests.plan_builders import dejavu_font, text_to_docx, text_to_pdf


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


def _lines_pdf(pages: list[list[str]], *, width: float = 170) -> bytes:
    """Pages of lines set at the given width, no space between lines (one paragraph's
    wrapped lines), so only the text and the line ends say where paragraphs end."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=12)
    for lines in pages:
        pdf.add_page()
        pdf.set_xy(20, 20)
        for line in lines:
            pdf.cell(width, 6, line, align="J" if line.endswith(" ") else "L",
                     new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_dash_inside_a_sentence_cut_at_the_line_end_goes_on() -> None:
    full = "8. Tổng kết giai đoạn năm 2013 - 2015; bổ sung kế hoạch cho giai đoạn năm 2016"
    paragraphs = _paragraphs(
        _lines_pdf([[full, "- 2020 của các bộ, ngành.", "- Sở Tư pháp chủ trì."]],
                   width=_text_width(full)),
        "kh.pdf",
    )
    assert paragraphs == [f"{full} - 2020 của các bộ, ngành.", "- Sở Tư pháp chủ trì."]


def test_what_ends_a_page_ends_its_paragraph() -> None:
    # Full lines at the foot of a page, then the next page: a heading in capitals, ";" and
    # ")" end their paragraph; a line of only a row number starts one; a heading wrapped in
    # capitals goes on.
    heads = [
        ("II. NHIỆM VỤ TRỌNG TÂM CỦA CÁC SỞ, BAN, NGÀNH VÀ ỦY BAN NHÂN DÂN", "1"),
        ("Căn cứ Luật Giao dịch điện tử số 20/2023/QH15 ngày 22 tháng 6 năm 2023;",
         "Căn cứ Luật Xây dựng số 50/2014/QH13"),
        ("(Kèm theo Kế hoạch số 15/KH-UBND ngày 10/01/2026 của UBND thành phố)", "TT"),
        ("Cơ sở dữ liệu hồ sơ quy hoạch đã được chuẩn hóa và cập nhật đầy đủ", "6"),
        ("IV. THÀNH LẬP, KIỆN TOÀN TỔ CHỨC, LỰC LƯỢNG LÀM NHIỆM VỤ CHỈ ĐẠO VÀ",
         "TÌM KIẾM, QUY TẬP HÀI CỐT LIỆT SĨ"),
    ]
    for before, after in heads:
        paragraphs = _paragraphs(
            _lines_pdf([[before], [after]], width=_text_width(before)), "kh.pdf"
        )
        if before.startswith("IV."):
            assert paragraphs == [f"{before} {after}"]
        else:
            assert paragraphs == [before, after], before


def _text_width(text: str) -> float:
    """The width (mm) the line takes at 12 pt, so it fills its page's text width."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(dejavu_font()))
    pdf.set_font("DejaVu", size=12)
    return float(pdf.get_string_width(text)) + 1


def test_a_heading_then_a_bullet_after_a_gap_or_a_page_break_stay_apart() -> None:
    heading = "b) Về các dự án đầu tư sử dụng các nguồn vốn khác ngoài vốn đầu tư công"
    bullet = "- Đẩy mạnh xã hội hóa, thu hút các nguồn lực để đầu tư."
    wrapped = "Tiếp tục thu hút và sử dụng có hiệu quả các nguồn vốn đầu tư công. " * 6
    paragraphs = _paragraphs(text_to_pdf(f"{wrapped}\n{heading}\n{bullet}"), "kh.pdf")
    assert paragraphs[1:] == [heading, bullet]
    over_the_page = _lines_pdf([[heading], [bullet]], width=_text_width(heading))
    assert _paragraphs(over_the_page, "kh.pdf") == [heading, bullet]


def test_a_one_row_ruled_table_is_a_table() -> None:
    text = ("| 1 | Rà soát thủ tục hành chính nội bộ | Sở Tư pháp | Quý II/2026 |\n"
            "Giao Sở Nội vụ theo dõi")
    document = read_document(text_to_pdf(text), "kh.pdf")
    (table,) = document.tables
    assert table.rows == (("1", "Rà soát thủ tục hành chính nội bộ", "Sở Tư pháp", "Quý II/2026"),)
    assert document.paragraphs == ["Giao Sở Nội vụ theo dõi"]


def test_word_numbering_restarted_or_set_to_a_value_reads_as_shown() -> None:
    # A list Word restarts per section, one the official set to start at 3 (an excerpt goes
    # on from an earlier page), Roman headings and a letters list: Word keeps each number in
    # numbering.xml (startOverride), none in the text.
    text = "\n".join([
        "I. MỤC ĐÍCH", "1. Nâng cao chất lượng", "2. Bảo đảm tiến độ",
        "II. NHIỆM VỤ", "1. Rà soát thủ tục", "2. Kiểm tra văn thư",
        "III. GIẢI PHÁP", "4. Bố trí kinh phí",
        "a) Sở Nội vụ", "b) Sở Tư pháp", "c) Sở Tài chính", "d) Sở Y tế", "e) Sở Xây dựng",
        "f) Sở Công Thương",
    ])
    data = text_to_docx(text, numbering=True)
    assert b"1. N" not in data and "MỤC ĐÍCH".encode() in zipped_text(data)
    assert read_document(data, "kh.docx").paragraphs == text.split("\n")


def zipped_text(data: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = archive.read("word/document.xml")
    assert document.count(b"<w:numPr>") == 14  # every line numbered by Word, not by text
    return document


def test_a_pdf_header_set_in_two_sides_reads_one_side_then_the_other() -> None:
    # Word prints the header's two sides beside each other, without borders; each side
    # wraps on its own, the right one lower than the left (centred in its cell).
    text = (
        "| ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ THỬ NGHIỆM BAN THƯỜNG TRỰC Số: 16/KH-MTTQ | "
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Thử Nghiệm, ngày 18 "
        "tháng 11 năm 2025 |\nKẾ HOẠCH\nTổ chức hội nghị hiệp thương"
    )
    paragraphs = _paragraphs(text_to_pdf(text), "kh.pdf")
    right = paragraphs.index(next(p for p in paragraphs if p.startswith("CỘNG HÒA")))
    assert all("CỘNG HÒA" not in p and "Tự do" not in p for p in paragraphs[:right])
    assert any("16/KH-MTTQ" in p for p in paragraphs[:right])
    assert any(p.endswith("ngày 18 tháng 11 năm 2025") for p in paragraphs[right:])
    assert paragraphs[-2:] == ["KẾ HOẠCH", "Tổ chức hội nghị hiệp thương"]
    plan = parse_document(read_document(text_to_pdf(text), "kh.pdf")).to_json()
    assert plan["date"] == "2025-11-18" and plan["number"] == "16/KH-MTTQ"


def test_a_header_date_cut_after_nam_takes_the_year_from_the_next_line() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THỬ NGHIỆM\nSố: 12/KH-UBND\n"
            "Thành phố Thử Nghiệm, ngày 28 tháng 6 năm\n2014\nKẾ HOẠCH\nCải cách hành chính")
    plan = parse_document(read_document(text.encode(), "kh.txt")).to_json()
    assert plan["date"] == "2014-06-28"


def test_word_layout_a_full_heading_then_an_indented_bullet_stay_apart() -> None:
    # Justified, first-line indent, no gap between paragraphs: the indent says a bullet
    # starts, not a dash inside the heading's sentence; an indented lone row number is text.
    long_heading = ("5. Các sở ban ngành đoàn thể cấp tỉnh và Ủy ban nhân dân các xã phường "
                    "thị trấn trên địa bàn toàn tỉnh và các cơ quan đơn vị")
    words = long_heading.split()
    heading = words.pop(0)
    while _text_width("       " + heading + " " + words[0]) < 168:
        heading += " " + words.pop(0)  # the heading fills its line, indent included
    wrapped = "Tiếp tục thu hút và sử dụng có hiệu quả các nguồn vốn đầu tư công. " * 8
    text = "\n".join([wrapped.strip(), heading, "- Tiếp tục phổ biến, quán triệt các quy định.",
                      "2", "Rà soát thủ tục hành chính"])
    paragraphs = _paragraphs(text_to_pdf(text, word_layout=True), "kh.pdf")
    assert paragraphs == text.split("\n")
