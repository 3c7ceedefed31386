"""What the plan reader is unsure of reaches the person importing: the /nhapkehoach preview
and `nhacviec plan parse|import` list tasks without a unit, unread deadlines and deadlines
already past, and a plan without a readable date is asked about instead of counted from today."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from plans.parser import parse_text
from plans.review import review, with_plan_date
from tests.support import Harness
from tests.test_plan_import import ADMIN, app, chat_commands, harness  # noqa: F401  (fixtures)

UNDATED = (
    "KẾ HOẠCH\nRà soát thủ tục hành chính\n"
    "II. NHIỆM VỤ\n1. Phòng Nội vụ rà soát hồ sơ trong 30 ngày kể từ ngày ký.\n"
    "2. Rà soát quy trình nội bộ.\n"
    "3. Thanh tra huyện kiểm tra việc niêm yết chậm nhất ngày 15/01/2020.\n"
    "4. Phòng Tư pháp cập nhật cơ sở dữ liệu.\nThời gian thực hiện: khi có đợt cao điểm.\n"
)


def test_review_lists_unsure_items_and_past_deadlines() -> None:
    plan = parse_text(UNDATED)
    found = review(plan, date(2024, 3, 1))
    assert found.date_guessed
    assert found.no_unit == ["II.2"]
    assert found.unread == [("II.4", "khi có đợt cao điểm")]
    assert found.past_due == [("II.3", date(2020, 1, 15))]
    dated = with_plan_date(plan, date(2024, 3, 1))
    assert not review(dated, date(2024, 3, 1)).date_guessed
    first = dated.tasks[0].deadline
    assert first is not None and first.due == date(2024, 3, 31)


async def test_chat_preview_asks_for_the_date_and_shows_unsure_items(
    harness: Harness,  # noqa: F811  (the fixture imported above)
) -> None:
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("u1", UNDATED.encode(), file_name="kh.txt")
    reply = await harness.send(ADMIN, "", attachment=document)
    assert "Không đọc được ngày ban hành" in reply.text
    assert "không tìm thấy đơn vị chủ trì: II.2" in reply.text
    assert "II.4 «khi có đợt cao điểm»" in reply.text
    buttons = [option.command for option in reply.replies[-1].buttons]
    assert "/nhapkehoach xacnhan" not in buttons
    refused = await harness.send(ADMIN, "/nhapkehoach xacnhan")
    assert "chưa có ngày ban hành" in refused.text
    bad = await harness.send(ADMIN, "/nhapkehoach ngay 31/02/2024")
    assert "không hợp lệ" in bad.text
    reply = await harness.send(ADMIN, "/nhapkehoach ngay 01/03/2024")
    assert "Đã lấy ngày 01/03/2024" in reply.text
    assert "Không đọc được ngày ban hành" not in reply.text
    assert "hạn đã qua" in reply.text and "II.3 (15/01/2020)" in reply.text
    buttons = [option.command for option in reply.replies[-1].buttons]
    assert buttons[0] == "/nhapkehoach xacnhan"


def test_cli_parse_reports_what_to_check_and_asks_for_the_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kh.txt").write_text(UNDATED, encoding="utf-8")
    assert main(["plan", "parse", "kh.txt"]) == 0
    captured = capsys.readouterr()
    data: dict[str, Any] = json.loads(captured.out)
    assert data["review"]["date_guessed"] is True
    assert data["review"]["no_unit"] == ["II.2"]
    assert data["review"]["past_due"] == [{"ref": "II.3", "due": "2020-01-15"}]
    assert "--date" in captured.err
    assert main(["plan", "parse", "kh.txt", "--date", "2024-03-01"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["review"]["date_guessed"] is False
    assert captured.err == ""
