"""Plan readers: each format to paragraphs and tables, and a clear Vietnamese refusal for
every file we cannot read."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from plans.ocr import ocr_available
from plans.parser import read_plan
from plans.readers import (
    MAX_FILE_BYTES,
    Paragraph,
    PlanReadError,
    Table,
    detect_type,
    join_wrapped_lines,
    read_document,
)
from tests.plan_builders import (
    annex_xlsx,
    table_plan_docx,
    text_pdf_without_text_layer,
    text_to_docx,
    text_to_pdf,
)

SMALL_PLAN = """Số: 12/KH-UBND
Hà Nội, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
Rà soát thủ tục hành chính năm 2024

I. NHIỆM VỤ
1. Rà soát thủ tục hành chính nội bộ.
Cơ quan chủ trì: Phòng Nội vụ.
Thời gian thực hiện: Quý II/2024.
"""


_broken_image = "corrupt" if ocr_available() else "ocr_missing"


def _refusal(data: bytes, name: str) -> PlanReadError:
    with pytest.raises(PlanReadError) as caught:
        read_plan(data, name)
    return caught.value


# --- type detection ------------------------------------------------------------------------


def test_detects_each_supported_type_by_content() -> None:
    assert detect_type(SMALL_PLAN.encode(), "a.txt") == "text"
    assert detect_type(SMALL_PLAN.encode(), "a.md") == "markdown"
    assert detect_type(text_to_docx(SMALL_PLAN), "a.docx") == "docx"
    assert detect_type(text_to_pdf(SMALL_PLAN), "a.pdf") == "pdf"
    assert detect_type(annex_xlsx(), "a.xlsx") == "xlsx"


def test_a_file_without_extension_is_read_by_its_content() -> None:
    # Telegram and Zalo sometimes hand over "document" or "file_17" names.
    assert detect_type(text_to_docx(SMALL_PLAN), "document") == "docx"
    plan = read_plan(text_to_pdf(SMALL_PLAN), "file_17")
    assert [task.ref for task in plan.tasks] == ["I.1"]


@pytest.mark.parametrize(
    ("builder", "name", "said"),
    [
        (lambda: text_to_pdf(SMALL_PLAN), "ke-hoach.docx", "PDF"),
        (lambda: text_to_docx(SMALL_PLAN), "ke-hoach.pdf", "Word"),
        (lambda: annex_xlsx(), "phu-luc.docx", "Excel"),
        (lambda: text_to_docx(SMALL_PLAN), "ke-hoach.txt", "Word"),
        (lambda: text_to_pdf(SMALL_PLAN), "ke-hoach.jpg", "PDF"),
    ],
)
def test_wrong_extension_is_refused_with_the_real_type(builder, name: str, said: str) -> None:
    error = _refusal(builder(), name)
    assert error.code == "wrong_extension"
    assert said in error.message and name in error.message
    assert "đổi đuôi" in error.message


@pytest.mark.parametrize(
    ("data", "name", "code", "words"),
    [
        # Pictures are read by OCR whatever their name (tests/test_plan_ocr.py); a broken one
        # is refused as such, or as unreadable where Tesseract is missing.
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "anh-chup.png", _broken_image, "ảnh chụp"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "scan.pdf", _broken_image, "ảnh chụp"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "cu.doc", "old_office", ".docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "cu.xls", "old_office", ".xlsx"),
        (b"{\\rtf1\\ansi hello}", "van-ban.rtf", "unsupported", "RTF"),
        (b"\x00\x01\x02\x03\x04" * 100, "du-lieu.bin", "unsupported", "chưa đọc được"),
        (b"PK\x03\x04 broken zip", "hong.docx", "corrupt", "bị hỏng"),
    ],
)
def test_unreadable_types_get_a_vietnamese_reason(
    data: bytes, name: str, code: str, words: str
) -> None:
    error = _refusal(data, name)
    assert error.code == code
    assert words in error.message


def test_zip_that_is_not_an_office_file() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ke-hoach.txt", SMALL_PLAN)
    error = _refusal(buffer.getvalue(), "ke-hoach.zip")
    assert error.code == "unsupported"
    assert "tệp nén" in error.message


@pytest.mark.parametrize("data", [b"", b"   \n\n\t  ", "\ufeff\n".encode()])
def test_empty_file(data: bytes) -> None:
    error = _refusal(data, "trong.txt")
    assert error.code == "empty"
    assert "trống" in error.message or "không có nội dung" in error.message


def test_empty_word_document() -> None:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    error = _refusal(buffer.getvalue(), "trong.docx")
    assert error.code == "empty"


def test_file_over_20_mb_is_refused_before_reading() -> None:
    data = b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES
    error = _refusal(data, "lon.pdf")
    assert error.code == "too_large"
    assert "20 MB" in error.message


def test_scanned_pdf_without_text_layer() -> None:
    """No text layer: OCR reads it (a page with one rule on it has no words), or the reply
    says that the OCR program is missing."""
    error = _refusal(text_pdf_without_text_layer(), "ban-scan.pdf")
    assert error.code == ("ocr_empty" if ocr_available() else "ocr_missing")
    assert "bản scan/ảnh" in error.message


def test_document_without_tasks() -> None:
    letter = "Kính gửi: Phòng Nội vụ\n\nĐề nghị quý cơ quan cho ý kiến về dự thảo.\n\nTrân trọng."
    for data, name in (
        (letter.encode(), "cong-van.txt"),
        (text_to_docx(letter), "cong-van.docx"),
        (text_to_pdf(letter), "cong-van.pdf"),
    ):
        error = _refusal(data, name)
        assert error.code == "no_tasks"
        assert "Không tìm thấy nhiệm vụ" in error.message


def test_errors_are_value_errors_with_a_message() -> None:
    error = _refusal(b"", "x.txt")
    assert isinstance(error, ValueError)
    assert str(error) == error.message


# --- text ----------------------------------------------------------------------------------


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps â, ê, ơ … whole and types the tone as a combining mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            for size in (2, 1):
                try:
                    out += unicodedata.normalize("NFC", parts[:size]).encode("cp1258")
                    out += parts[size:].encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
    return out


def test_windows_1258_text_is_decoded() -> None:
    text = "Kế hoạch cải cách hành chính Đăk Hà"
    document = read_document(_cp1258(text) + b"\n\n1. R\xe0 so\xe1t.", "cu.txt")
    assert document.paragraphs[0] == text


def test_utf16_text_is_decoded() -> None:
    document = read_document(SMALL_PLAN.encode("utf-16"), "utf16.txt")
    assert "KẾ HOẠCH" in document.paragraphs


def test_hard_wrapped_prose_is_joined_but_lists_are_not() -> None:
    lines = [
        "Tăng cường công tác kiểm tra cải cách hành chính tại các cơ quan, đơn vị",
        "trên địa bàn huyện, kịp thời chấn chỉnh những thiếu sót trong việc công khai",
        "thủ tục hành chính theo quy định của pháp luật hiện hành về kiểm soát.",
        "- Cơ quan chủ trì: Phòng Nội vụ.",
        "- Thời gian thực hiện: Quý II/2024.",
    ]
    paragraphs = join_wrapped_lines(lines)
    assert len(paragraphs) == 3
    assert paragraphs[0].endswith("kiểm soát.")


def test_markdown_table_becomes_a_table() -> None:
    text = (
        "# KẾ HOẠCH\n\nCải cách hành chính\n\n"
        "| STT | Nội dung | Cơ quan chủ trì | Thời hạn |\n"
        "|---|---|---|---|\n"
        "| 1 | Rà soát thủ tục | Phòng Nội vụ | 30/6/2024 |\n"
    )
    document = read_document(text.encode(), "kh.md")
    tables = document.tables
    assert tables and tables[0].rows[1] == ("1", "Rà soát thủ tục", "Phòng Nội vụ", "30/6/2024")
    plan = read_plan(text.encode(), "kh.md")
    assert [(t.ref, t.lead, t.deadline_text) for t in plan.tasks] == [
        ("1", ["Phòng Nội vụ"], "30/6/2024")
    ]


# --- Word ----------------------------------------------------------------------------------


def test_docx_keeps_paragraphs_tables_in_order_and_word_bullets() -> None:
    document = read_document(table_plan_docx(), "kh.docx")
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds[0] == "Table"  # the header table
    assert kinds.count("Table") == 2
    assert isinstance(document.blocks[1], Paragraph) and document.blocks[1].text == "KẾ HOẠCH"
    bullets = read_document(text_to_docx("- một\n+ hai\n- ba"), "b.docx").paragraphs
    assert bullets == ["- một", "+ hai", "- ba"]


def test_docx_automatic_numbering_is_rendered() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Kiện toàn Ban chỉ đạo", style="List Number")
    document.add_paragraph("Rà soát quy chế", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_document(buffer.getvalue(), "n.docx").paragraphs == [
        "1. Kiện toàn Ban chỉ đạo",
        "2. Rà soát quy chế",
    ]


def test_docx_horizontally_merged_cell_is_kept_once() -> None:
    document = read_document(table_plan_docx(), "kh.docx")
    table = document.tables[1]
    heading_row = next(row for row in table.rows if row[0] == "I")
    assert heading_row.count("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH") == 1


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_lines_are_regrouped_into_paragraphs() -> None:
    long_sentence = (
        "Tăng cường công tác kiểm tra cải cách hành chính tại các cơ quan, đơn vị trên địa bàn "
        "huyện, kịp thời chấn chỉnh những thiếu sót trong việc công khai thủ tục hành chính "
        "theo quy định, nâng cao trách nhiệm của người đứng đầu UBND các xã."
    )
    text = f"KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- {long_sentence}\n\n- Cơ quan chủ trì: Phòng Nội vụ."
    document = read_document(text_to_pdf(text), "kh.pdf")
    assert document.paragraphs == [
        "KẾ HOẠCH",
        "I. NHIỆM VỤ",
        f"- {long_sentence}",
        "- Cơ quan chủ trì: Phòng Nội vụ.",
    ]
    assert document.pages == 1


def test_pdf_keeps_vietnamese_letters_and_footnote_marks() -> None:
    text = "Ủy ban nhân dân huyện Đăk Hà⁽¹⁾ chỉ đạo thực hiện"
    document = read_document(text_to_pdf(text), "v.pdf")
    assert document.paragraphs == [text]


# --- Excel ---------------------------------------------------------------------------------


def test_xlsx_merged_cells_are_filled_down_and_dates_written_out() -> None:
    document = read_document(annex_xlsx(), "pl.xlsx")
    (table,) = document.tables
    assert isinstance(table, Table) and table.name == "Phụ lục"
    rows = {row[0]: row for row in table.rows}
    assert rows["1"][2] == "15/03/2024"
    assert rows["2"][3] == "Phòng Văn hóa và Thông tin"  # merged down from task 1
