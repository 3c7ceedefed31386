from timelang.words import fold, shorten, strip_accents


def test_accents_fold_the_way_officials_type() -> None:
    assert strip_accents("Đồng Nai") == "Dong Nai"
    assert fold("  Ủy  ban nhân dân HUYỆN ") == "uy ban nhan dan huyen"
    assert fold("hoàn thành") == fold("hoan thanh")


def test_shorten_keeps_one_line_within_the_limit() -> None:
    assert shorten("Báo cáo\n  quý I", 40) == "Báo cáo quý I"
    cut = shorten("Rà soát thủ tục hành chính của huyện", 12)
    assert len(cut) == 12 and cut.endswith("…")
