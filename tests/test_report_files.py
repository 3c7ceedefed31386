"""The report's spreadsheet, checked cell by cell, and its chart: size, not blank, Vietnamese
labels in DejaVu Sans with no missing glyph."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.orm import Session

from reports import chart, periods, snapshots, stats
from reports.xlsx import report_workbook
from tests.test_report_scenario import (
    TZ,
    apply_events,
    build_district,
    local,
    migrated_session,
    report_on,
)

PLAN = "341/KH-UBND — Kế hoạch cải cách hành chính năm 2026 của huyện Chợ Mới"


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    yield from migrated_session(db_url)


@pytest.fixture
def q1_report(session: Session) -> tuple[Session, stats.Report]:
    district = build_district(session)
    apply_events(session, district, local("01/04", "08:00"))
    snapshots.close_periods(session, local("01/04").astimezone(TZ).date(),
                            now=local("01/04", "08:00"), tz=TZ)
    apply_events(session, district, local("01/07"))
    return session, report_on(session, periods.quarter(2026, 1), local("01/07"))


def rows(sheet: Any, first: int, last: int) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in sheet.iter_rows(min_row=first, max_row=last, values_only=True)]


def d(day: int, month: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


def test_spreadsheet_cell_by_cell(q1_report: tuple[Session, stats.Report]) -> None:
    session, report = q1_report
    data = report_workbook(session, report, scope_label="UBND huyện Chợ Mới", tz=TZ,
                           generated_at=local("01/07", "10:15"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Chi tiết", "Gia hạn", "Trễ hạn kỳ trước"]

    summary = book["Tổng hợp"]
    assert summary["A1"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ"
    assert summary["A2"].value == (
        "Kỳ báo cáo: quý I/2026 (từ 01/01/2026 đến 31/03/2026) — UBND huyện Chợ Mới")
    assert summary["A3"].value == (
        "Kỳ đã khóa sổ: số liệu tính đến hết ngày 31/03/2026, chốt lúc 08:00 01/04/2026.")
    assert rows(summary, 5, 13) == [
        ("STT", "Mã đơn vị", "Đơn vị", "Số nhiệm vụ đến hạn trong kỳ", "Hoàn thành đúng hạn",
         "Hoàn thành trễ hạn", "Quá hạn chưa hoàn thành", "Đang thực hiện (chưa đến hạn)",
         "Tỷ lệ đúng hạn", "Xếp hạng", "Trong đó được gia hạn", "Hoàn thành trễ việc kỳ trước"),
        (1, "UBND", "UBND huyện Chợ Mới", 10, 6, 3, 1, 0, 0.6, 1, 1, 0),
        (2, "PNV", "Phòng Nội vụ", 2, 1, 1, 0, 0, 0.5, 3, 0, 0),
        (3, "TT", "Thanh tra huyện", 1, 0, 0, 1, 0, 0, 6, 0, 0),
        (4, "VHTT", "Phòng Văn hóa và Thông tin", 1, 1, 0, 0, 0, 1, 1, 1, 0),
        (5, "VP", "Văn phòng HĐND và UBND huyện", 2, 1, 1, 0, 0, 0.5, 3, 0, 0),
        (6, "XA_A", "UBND xã Mỹ Hội Đông", 2, 1, 1, 0, 0, 0.5, 3, 0, 0),
        (7, "XA_B", "UBND xã Long Điền A", 1, 1, 0, 0, 0, 1, 1, 0, 0),
        (None, None, "Tổng cộng", 10, 6, 3, 1, 0, 0.6, None, 1, 0),
    ]
    assert summary["I6"].number_format == "0.0%"
    assert summary["C7"].alignment.indent == 2  # sub-units indented under the district
    assert summary["A20"].value == "Lập lúc 10:15 01/07/2026 — Nhắc Việc"

    detail = book["Chi tiết"]
    assert rows(detail, 4, 4) == [(
        "STT", "Mã ĐV", "Đơn vị chủ trì", "Kế hoạch", "Số NV", "Nhiệm vụ", "Kỳ", "Hạn ban đầu",
        "Gia hạn đến", "Trạng thái", "Hoàn thành lúc", "Người hoàn thành", "Số minh chứng",
        "Tiến độ (%)", "Ghi chú")]
    assert rows(detail, 5, 15) == [
        (1, "UBND", "UBND huyện Chợ Mới", PLAN, 15, "Ban hành kế hoạch CCHC năm 2026", "Một lần",
         d(15, 1), None, "Hoàn thành đúng hạn", d(12, 1, 9), "Nguyễn Văn Chủ Tịch", 0, 100,
         None),
        (2, "PNV", "Phòng Nội vụ", PLAN, 2, "Kiểm tra công vụ", "Một lần", d(20, 2), None,
         "Hoàn thành trễ hạn", d(25, 2, 9), "Nguyễn Văn An", 0, 100, None),
        (3, "PNV", "Phòng Nội vụ", PLAN, 1, "Báo cáo CCHC định kỳ quý", "Quý I/2026", d(5, 3),
         None, "Hoàn thành đúng hạn", d(3, 3, 9), "Nguyễn Văn An", 0, 100, None),
        (4, "TT", "Thanh tra huyện", PLAN, 6, "Thanh tra trách nhiệm thực hiện CCHC", "Một lần",
         d(31, 3), None, "Quá hạn", None, None, 0, None,
         "Hoàn thành sau khi khóa sổ, lúc 09:00 10/04/2026"),
        (5, "VHTT", "Phòng Văn hóa và Thông tin", PLAN, 9, "Khảo sát sự hài lòng của người dân",
         "Một lần", d(10, 2), d(28, 2), "Hoàn thành đúng hạn", d(27, 2, 9), "Phạm Thị Dung", 0,
         100, None),
        (6, "VP", "Văn phòng HĐND và UBND huyện", PLAN, 4, "Họp giao ban định kỳ hàng tháng",
         "Tháng 01/2026", d(5, 2), None, "Hoàn thành đúng hạn", d(4, 2, 9), "Trần Thị Bình", 0,
         100, None),
        (7, "VP", "Văn phòng HĐND và UBND huyện", PLAN, 4, "Họp giao ban định kỳ hàng tháng",
         "Tháng 02/2026", d(5, 3), None, "Hoàn thành trễ hạn", d(9, 3, 9), "Trần Thị Bình", 0,
         100, None),
        (8, "XA_A", "UBND xã Mỹ Hội Đông", PLAN, 11, "Niêm yết công khai thủ tục hành chính",
         "Một lần", d(15, 1), None, "Hoàn thành đúng hạn", d(14, 1, 9), "Hoàng Văn Em", 0, 100,
         None),
        (9, "XA_A", "UBND xã Mỹ Hội Đông", PLAN, 12, "Báo cáo CCHC quý của xã", "Quý I/2026",
         d(25, 3), None, "Hoàn thành trễ hạn", d(28, 3, 9), "Hoàng Văn Em", 0, 100, None),
        (10, "XA_B", "UBND xã Long Điền A", PLAN, 13, "Số hóa hồ sơ, kết quả giải quyết TTHC",
         "Một lần", d(28, 2), None, "Hoàn thành đúng hạn", d(28, 2, 17), "Võ Thị Gấm", 0, 100,
         None),
        (None,) * 15,
    ]
    assert detail["H5"].number_format == "dd/mm/yyyy"
    assert detail["K5"].number_format == "dd/mm/yyyy hh:mm"

    extensions = book["Gia hạn"]
    assert rows(extensions, 5, 6) == [
        (1, "VHTT", "Phòng Văn hóa và Thông tin", 9, "Khảo sát sự hài lòng của người dân",
         "Một lần", d(10, 2), d(28, 2), "Chờ số liệu khảo sát", "Phạm Thị Dung",
         "Nguyễn Văn Chủ Tịch", d(5, 2, 15), "Hoàn thành đúng hạn"),
        (None,) * 13,
    ]
    assert book["Trễ hạn kỳ trước"].max_row == 4  # only the header: nothing late from 2025

    for sheet, header_row in ((summary, 5), (detail, 4), (extensions, 4)):
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
        assert sheet.freeze_panes == f"A{header_row + 1}"


def test_spreadsheet_lists_late_completions_of_earlier_periods(session: Session) -> None:
    district = build_district(session)
    apply_events(session, district, local("01/07"))
    report = report_on(session, periods.quarter(2026, 2), local("01/07"))
    book = load_workbook(io.BytesIO(report_workbook(
        session, report, scope_label="tất cả đơn vị", tz=TZ, generated_at=local("01/07"))))
    late = book["Trễ hạn kỳ trước"]
    assert rows(late, 5, 5) == [(
        1, "TT", "Thanh tra huyện", 6, "Thanh tra trách nhiệm thực hiện CCHC", "Một lần",
        d(31, 3), d(10, 4, 9), "Lê Văn Cường", 10)]
    summary = book["Tổng hợp"]
    assert rows(summary, 6, 6) == [(1, "UBND", "UBND huyện Chợ Mới", 10, 6, 2, 2, 0, 0.6, 1, 1, 1)]
    # 2/3 is kept exact; Excel shows it as 66.7% with the cell's format.
    assert summary["I10"].value == pytest.approx(2 / 3)


# --- the chart -----------------------------------------------------------------------------


def render_watching(report: stats.Report, caplog: pytest.LogCaptureFixture,
                    scope: str = "UBND huyện Chợ Mới") -> tuple[Any, bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        figure = chart.build_figure(report, scope)
        png = chart.render_png(figure)
    problems = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    return figure, png, problems


def test_chart_is_legible_vietnamese(q1_report: tuple[Session, stats.Report],
                                     caplog: pytest.LogCaptureFixture) -> None:
    from matplotlib import font_manager
    from matplotlib.text import Text

    _, report = q1_report
    figure, png, problems = render_watching(report, caplog)
    assert not [p for p in problems if "glyph" in p.lower() or "font" in p.lower()], problems

    texts = [t for t in figure.findobj(Text) if t.get_text().strip()]
    shown = {t.get_text() for t in texts}
    assert {"Kết quả thực hiện nhiệm vụ — quý I/2026", "Đúng hạn", "Trễ hạn", "Quá hạn",
            "Văn phòng HĐND và UBND huyện", "UBND xã Mỹ Hội Đông", "Phòng Văn hóa và Thông tin",
            "Số nhiệm vụ đã đến hạn", "100%", "50%", "0%"} <= shown
    assert "UBND huyện Chợ Mới · số liệu tính đến hết ngày 31/03/2026" in shown
    fonts = {Path(font_manager.findfont(t.get_fontproperties())).name for t in texts}
    assert fonts <= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}, fonts

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size[0] == 1100 and 400 <= image.size[1] <= 800
    colors = image.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 100  # text and bars, not a blank canvas
    present = {color for _, color in colors}
    for hex_color in chart.COLORS.values():
        assert tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5)) in present


def test_glyph_check_would_catch_a_missing_glyph(caplog: pytest.LogCaptureFixture) -> None:
    """The check above is not vacuous: a character DejaVu Sans lacks is reported."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        with rc_context({"font.family": chart.FONT}):
            figure = Figure()
            figure.text(0.5, 0.5, "Kỳ 🔒")
            FigureCanvasAgg(figure).print_png(io.BytesIO())
    problems = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert any("glyph" in p.lower() for p in problems)


def test_chart_with_nothing_due(session: Session, caplog: pytest.LogCaptureFixture) -> None:
    build_district(session)
    report = report_on(session, periods.month(2026, 9), local("01/07"))
    figure, png, problems = render_watching(report, caplog)
    assert not problems
    assert "Chưa có nhiệm vụ nào đến hạn" in {t.get_text() for t in figure.texts + [
        t for ax in figure.axes for t in ax.texts]}
    assert Image.open(io.BytesIO(png)).size[0] == 1100
