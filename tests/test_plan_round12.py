"""Twelfth round of issue 14: classes of plan text that the eleventh kept-out set showed the
parser misread, each with a minimal text of our own. No text here is copied from a corpus
document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text
from plans.unitnames import introduction_support


def _tasks(text: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(text).to_json()["tasks"]
    return tasks


def _task(tasks: list[dict[str, Any]], words: str) -> dict[str, Any]:
    return next(task for task in tasks if words in task["title"])


# --- (a) "X chủ trì, phối hợp với Y, Z:" hands its partners down to the bullets -------------


PARTNERS = """ỦY BAN NHÂN DÂN TỈNH BÌNH YÊN
Số: 12/KH-UBND
Bình Yên, ngày 03 tháng 12 năm 2025
KẾ HOẠCH
Phòng chống thiên tai dựa vào cộng đồng
I. TỔ CHỨC THỰC HIỆN
1. Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế, Ủy ban nhân dân các xã:
- Biên soạn tài liệu tập huấn kỹ năng phòng chống thiên tai cho giáo viên;
- Phối hợp với Tỉnh đoàn lồng ghép nội dung phòng chống thiên tai vào hoạt động ngoại khóa.
2. Giao Sở Nội vụ là cơ quan thường trực, chủ trì, phối hợp với Sở Tài chính và các cơ quan
liên quan:
- Hướng dẫn các xã kiện toàn ban chỉ huy;
- Tổng hợp kết quả thực hiện.
3. Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan thực hiện các nội dung sau:
- Bảo đảm nguồn hàng thiết yếu.
"""


def test_a_heading_partners_support_every_bullet() -> None:
    tasks = _tasks(PARTNERS)
    manual = _task(tasks, "Biên soạn tài liệu")
    assert manual["lead"] == ["Sở Giáo dục và Đào tạo"]
    assert manual["support"] == ["Sở Y tế", "Ủy ban nhân dân các xã"]
    guide = _task(tasks, "kiện toàn ban chỉ huy")
    assert guide["lead"] == ["Sở Nội vụ"]
    # The vague "… liên quan" group of a sentence is no unit (ninth-round convention).
    assert guide["support"] == ["Sở Tài chính"]


def test_a_a_bullet_s_own_partners_join_the_heading_s() -> None:
    bullet = _task(_tasks(PARTNERS), "lồng ghép nội dung")
    assert bullet["support"] == ["Sở Y tế", "Ủy ban nhân dân các xã", "Tỉnh đoàn"]


def test_a_only_vague_partners_give_no_support() -> None:
    assert _task(_tasks(PARTNERS), "nguồn hàng thiết yếu")["support"] == []
    assert introduction_support("Sở X chủ trì, phối hợp với các cơ quan liên quan:") == []
    # Not a list introduction: the heading's sentence is read as a duty, elsewhere.
    assert introduction_support("Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát.") == []
