"""Reading limits (issue 11, "High 2"): small crafted files that declare huge contents are
refused before any library expands them, with a Vietnamese message naming the limit; each
limit is checked on its own; real plans still read."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest

from plans.limits import ReadLimits
from plans.readers import PlanReadError, read_document
from tests import crafted
from tests.plan_builders import annex_xlsx, table_plan_docx, text_to_docx, text_to_pdf

# --- the crafted files of the finding, each in a fresh interpreter -------------------------
# A fresh interpreter under a 4 GB address-space cap and a timeout: before the fix these
# files took minutes and gigabytes (or crashed), and must fail the test, not the machine.

CRAFTED_REFUSALS = {
    "merge_A1_XFD1048576.xlsx": ("limit_merged", "A1:XFD1048576"),
    "cells_A1_XFD1048576.xlsx": ("limit_sheet_area", "A1:XFD1048576"),
    "stream_400MB.pdf": ("limit_pdf_stream", "32 MB"),
    "xml_200MB.docx": ("limit_zip_part", "word/document.xml"),
}


@pytest.mark.parametrize("name", sorted(CRAFTED_REFUSALS))
def test_crafted_file_is_refused_quickly_in_little_memory(name: str) -> None:
    code, named = CRAFTED_REFUSALS[name]
    outcome = crafted.measure_in_child(name, timeout=60)
    assert outcome.get("code") == code, outcome
    assert named in str(outcome["message"])
    assert "vượt giới hạn" in str(outcome["message"])
    assert float(outcome["peak_mb"]) < 300  # type: ignore[arg-type]


def test_cells_at_both_corners_without_a_dimension_are_read_from_the_cells_that_exist() -> None:
    outcome = crafted.measure_in_child("cells_A1_XFD1048576_undeclared.xlsx", timeout=60)
    assert outcome.get("outcome") == "read: 1 block(s)", outcome
    assert float(outcome["peak_mb"]) < 300  # type: ignore[arg-type]


def test_the_far_cell_is_kept_and_empty_rows_are_not_built() -> None:
    document = read_document(crafted.xlsx_far_corners(declare=False), "goc.xlsx")
    (table,) = document.tables
    assert len(table.rows) == 2 and len(table.rows[0]) == 16_384
    assert table.rows[0][0].startswith("1. Rà soát") and table.rows[1][-1] == "Sở Tư pháp"


# --- each limit on its own, with small limits on small files -------------------------------


def _refused(data: bytes, name: str, **limits: object) -> PlanReadError:
    with pytest.raises(PlanReadError) as caught:
        read_document(data, name, limits=ReadLimits(**limits))  # type: ignore[arg-type]
    return caught.value


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def test_file_size_limit_names_both_sizes() -> None:
    error = _refused(b"1. R\xc3\xa0 so\xc3\xa1t.\n" * 200, "kh.txt", max_file_bytes=1024)
    assert error.code == "too_large"
    assert "vượt giới hạn 1,0 KB" in error.message


def test_zip_with_too_many_parts() -> None:
    error = _refused(table_plan_docx(), "kh.docx", zip_max_parts=3)
    assert error.code == "limit_zip_parts"
    assert "vượt giới hạn 3 phần" in error.message


def test_zip_part_larger_than_the_limit() -> None:
    error = _refused(table_plan_docx(), "kh.docx", zip_max_part_bytes=2048)
    assert error.code == "limit_zip_part"
    assert "vượt giới hạn 2,0 KB cho một phần" in error.message


def test_zip_compression_ratio_is_a_bomb_sign() -> None:
    docx = crafted.docx_xml_bomb(xml_megabytes=2)
    error = _refused(docx, "nen.docx", zip_ratio_floor_bytes=1024)
    assert error.code == "limit_zip_ratio"
    assert "word/document.xml" in error.message and "zip bomb" in error.message


def test_zip_total_inflated_size() -> None:
    error = _refused(table_plan_docx(), "kh.docx", zip_max_total_bytes=4096)
    assert error.code == "limit_zip_total"


def test_declared_sheet_area() -> None:
    error = _refused(crafted.xlsx_far_corners(), "goc.xlsx", xlsx_max_sheet_cells=1000)
    assert error.code == "limit_sheet_area"
    assert "«Kế hoạch»" in error.message and "17.179.869.184 ô" in error.message


def test_merged_cells_are_counted_before_openpyxl_expands_them() -> None:
    error = _refused(annex_xlsx(), "pl.xlsx", xlsx_max_merged_cells=1)
    assert error.code == "limit_merged"
    assert "vượt giới hạn 1 ô" in error.message


def test_cell_count() -> None:
    error = _refused(annex_xlsx(), "pl.xlsx", xlsx_max_cells=5)
    assert error.code == "limit_cells"
    assert "vượt giới hạn 5 ô" in error.message


def test_table_built_from_far_apart_cells() -> None:
    error = _refused(
        crafted.xlsx_far_corners(declare=False), "goc.xlsx", xlsx_max_table_cells=10_000
    )
    assert error.code == "limit_table"
    assert "2 hàng × 16.384 cột" in error.message and "XFD1048576" in error.message


def _pdf_with_pages() -> bytes:
    """Four A4 pages of numbered tasks."""
    return text_to_pdf("\n".join(f"{n}. Rà soát thủ tục hành chính." for n in range(1, 110)))


def test_pdf_page_count() -> None:
    error = _refused(_pdf_with_pages(), "kh.pdf", pdf_max_pages=2)
    assert error.code == "limit_pdf_pages"
    assert "4 trang, vượt giới hạn 2 trang" in error.message


def test_pdf_stream_measured_before_pdfminer_inflates_it() -> None:
    error = _refused(crafted.pdf_stream_bomb(inflated_megabytes=3), "bom.pdf",
                     pdf_max_stream_bytes=2 * 1024 * 1024)
    assert error.code == "limit_pdf_stream"
    assert "vượt giới hạn 2 MB cho một luồng" in error.message


def test_pdf_stream_ratio() -> None:
    error = _refused(crafted.pdf_stream_bomb(inflated_megabytes=3), "bom.pdf")
    assert error.code == "limit_pdf_ratio"


def test_pdf_total_inflated_size() -> None:
    error = _refused(_pdf_with_pages(), "kh.pdf", pdf_max_total_bytes=100)
    assert error.code == "limit_pdf_total"


def test_pdf_characters_of_one_page_stop_pdfminer_at_the_limit() -> None:
    text = "\n".join(f"{n}. Rà soát thủ tục hành chính nội bộ của đơn vị." for n in range(40))
    error = _refused(text_to_pdf(text), "kh.pdf", pdf_max_page_chars=500)
    assert error.code == "limit_page_chars"
    assert "Trang 1" in error.message and "500 ký tự" in error.message


@pytest.mark.parametrize("make, name", [
    (lambda: text_to_docx("1. Rà soát thủ tục hành chính.\n" * 50), "kh.docx"),
    (lambda: text_to_pdf("1. Rà soát thủ tục hành chính.\n" * 30), "kh.pdf"),
    (annex_xlsx, "pl.xlsx"),
    (lambda: ("1. Rà soát thủ tục hành chính.\n" * 50).encode(), "kh.txt"),
])
def test_text_budget_in_every_format(make: object, name: str) -> None:
    error = _refused(make(), name, max_text_chars=200)  # type: ignore[operator]
    assert error.code == "limit_text"
    assert "hơn 200 ký tự" in error.message


@pytest.mark.parametrize("make, name", [
    (lambda: text_to_docx("1. Rà soát thủ tục hành chính.\n" * 50), "kh.docx"),
    (lambda: _pdf_with_pages(), "kh.pdf"),
    (annex_xlsx, "pl.xlsx"),
])
def test_time_budget_with_a_controlled_clock(make: object, name: str) -> None:
    ticks = itertools.count()  # every look at the clock costs ten seconds

    with pytest.raises(PlanReadError) as caught:
        read_document(make(), name, limits=ReadLimits(max_seconds=25),  # type: ignore[operator]
                      clock=lambda: next(ticks) * 10.0)
    assert caught.value.code == "limit_time"
    assert "quá 25 giây" in caught.value.message


def test_an_ordinary_deflated_content_stream_passes() -> None:
    """Word's PDFs deflate text streams 3-10×: far from the ratio limit."""
    document = read_document(_pdf_with_pages(), "kh.pdf")
    assert document.pages == 4
    assert document.paragraphs[-1] == "109. Rà soát thủ tục hành chính."
