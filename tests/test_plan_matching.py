"""Unit matching: plan names to known units, groups, and names left for the admin."""

from __future__ import annotations

import pytest

from plans.matching import KnownUnit, UnitMatcher, match_units

UNITS = [
    KnownUnit(1, "UBND", "UBND huyện", kind="huyen"),
    KnownUnit(2, "PNV", "Phòng NV", parent_code="UBND", kind="phong"),
    KnownUnit(3, "VP", "Văn phòng HĐND-UBND huyện", parent_code="UBND"),
    KnownUnit(4, "TCKH", "Phòng Tài chính - Kế hoạch", parent_code="UBND"),
    KnownUnit(5, "VHTT", "Phòng Văn hóa và Thông tin", ("Phòng VH-TT",), "UBND"),
    KnownUnit(6, "LDTBXH", "Phòng Lao động - Thương binh và Xã hội", parent_code="UBND"),
    KnownUnit(7, "TTR", "Thanh tra huyện", parent_code="UBND"),
    KnownUnit(8, "DAKHA", "UBND xã Đăk Hà", parent_code="UBND", kind="xa"),
    KnownUnit(9, "MANGRI", "UBND xã Măng Ri", parent_code="UBND"),
    KnownUnit(10, "TTCM", "UBND thị trấn Chợ Mới", parent_code="UBND", kind="thi tran"),
]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Phòng Nội vụ", "PNV"),
        ("PHÒNG NỘI VỤ", "PNV"),
        ("phong noi vu", "PNV"),
        ("Phòng Nội vụ huyện", "PNV"),
        ("pnv", "PNV"),
        ("Văn phòng HĐND & UBND huyện", "VP"),
        ("VP HĐND và UBND huyện", "VP"),
        ("Văn phòng Hội đồng nhân dân - Ủy ban nhân dân huyện", "VP"),
        ("Phòng TC-KH", "TCKH"),
        ("Phòng Văn hóa & Thông tin", "VHTT"),
        ("Phòng VH-TT", "VHTT"),
        ("Phòng LĐ-TB&XH", "LDTBXH"),
        ("Thanh tra", "TTR"),
        ("Ủy ban nhân dân huyện", "UBND"),
        ("UBND xa Mang Ri", "MANGRI"),
        ("UBND xã Đắk Hà", "DAKHA"),  # a one-letter slip
    ],
)
def test_names_people_write_match_the_registered_unit(name: str, code: str) -> None:
    found = UnitMatcher(UNITS).match(name)
    assert found is not None, name
    assert [unit.code for unit in found.units] == [code]


@pytest.mark.parametrize(
    "name",
    ["UBND các xã", "UBND xã - thị trấn", "UBND các xã, thị trấn", "các xã, thị trấn",
     "Ủy ban nhân dân các xã"],
)
def test_commune_groups_mean_every_commune(name: str) -> None:
    found = UnitMatcher(UNITS).match(name)
    assert found is not None and found.method == "group"
    assert {unit.code for unit in found.units} == {"DAKHA", "MANGRI", "TTCM"}


def test_agency_group_means_every_office_but_not_the_communes() -> None:
    found = UnitMatcher(UNITS).match("Các cơ quan, đơn vị")
    assert found is not None and found.method == "group"
    assert {unit.code for unit in found.units} == {"PNV", "VP", "TCKH", "VHTT", "LDTBXH", "TTR"}


def test_unknown_names_are_listed_not_dropped() -> None:
    result = match_units(
        ["Phòng Nội vụ", "Các ngành liên quan", "Công an huyện", "phòng nội vụ", "Phòng Nội vụ"],
        UNITS,
    )
    assert list(result.matches) == ["Phòng Nội vụ"]
    assert result.unknown == ["Các ngành liên quan", "Công an huyện"]


@pytest.mark.parametrize("name", ["Phòng Nội chính", "Phòng Tư pháp", "UBND xã Măng Cành", "UBND tỉnh"])
def test_near_names_of_other_units_do_not_match(name: str) -> None:
    assert UnitMatcher(UNITS).match(name) is None


def test_suggestions_help_the_admin_map_an_unknown_name() -> None:
    result = match_units(["Phòng Tài chính"], UNITS)
    assert result.unknown == ["Phòng Tài chính"]
    assert [unit.code for unit in result.suggestions["Phòng Tài chính"]][:1] == ["TCKH"]


def test_admin_mappings_win_and_can_skip_a_name() -> None:
    matcher = UnitMatcher(UNITS, {"Các ngành liên quan": ["TCKH", "VHTT"], "Ban điều hành": []})
    mapped = matcher.match("các ngành liên quan")
    assert mapped is not None and mapped.method == "mapping"
    assert [unit.code for unit in mapped.units] == ["TCKH", "VHTT"]
    skipped = matcher.match("Ban điều hành")
    assert skipped is not None and skipped.method == "ignored" and skipped.units == ()


def test_group_without_known_members_is_unknown() -> None:
    only_offices = [unit for unit in UNITS if unit.kind not in ("xa", "thi tran")]
    only_offices = [unit for unit in only_offices if not unit.name.startswith("UBND xã")]
    result = match_units(["UBND các xã"], only_offices)
    assert result.unknown == ["UBND các xã"]


def test_two_equally_good_units_are_not_guessed() -> None:
    units = [KnownUnit(1, "A", "Phòng Nội vụ"), KnownUnit(2, "B", "Phòng Nội vụ")]
    assert UnitMatcher(units).match("Phòng Nội vụ") is None


def test_spellings_of_one_unknown_name_are_listed_once_and_mapped_together() -> None:
    names = ["Công chức VP – TK", "Công chức VP - TK", "công chức vp-tk"]
    result = match_units(names, UNITS)
    assert result.unknown == ["Công chức VP – TK"]
    mapped = UnitMatcher(UNITS, {"Công chức VP – TK": ["VP"]}).match("công chức VP - TK")
    assert mapped is not None and [unit.code for unit in mapped.units] == ["VP"]
