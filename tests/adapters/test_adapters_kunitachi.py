"""The demo municipality's geography."""

from __future__ import annotations

from adapters.mock.identifiers import lg_code_check_digit
from adapters.mock.kunitachi import (
    BUILDINGS,
    LG_CODE,
    TOWNS,
    TOWNS_BY_NAME,
    building_address,
    kunitachi_address,
)


def test_local_government_code_has_its_check_digit() -> None:
    assert LG_CODE == "132152"
    assert lg_code_check_digit(LG_CODE[:5]) == int(LG_CODE[5])


def test_towns_and_postal_codes() -> None:
    assert {t.name: t.postal_code for t in TOWNS} == {
        "北": "186-0001",
        "東": "186-0002",
        "富士見台": "186-0003",
        "中": "186-0004",
        "西": "186-0005",
        "谷保": "186-0011",
        "泉": "186-0012",
        "青柳": "186-0013",
        "石田": "186-0014",
        "矢川": "186-0015",
    }


def test_town_names_and_codes() -> None:
    fujimidai = TOWNS_BY_NAME["富士見台"]
    address = kunitachi_address(fujimidai, 2, "12番3号")
    assert address.town == "富士見台二丁目"
    assert address.town_code == "0302000"
    assert kunitachi_address(TOWNS_BY_NAME["谷保"], None, "5118番地").town == "谷保"


def test_buildings_stand_in_kunitachi_towns() -> None:
    names = {b.name for b in BUILDINGS}
    assert len(names) == len(BUILDINGS)
    for building in BUILDINGS:
        town = TOWNS_BY_NAME[building.town]
        assert (building.chome is None) == (town.chome == 0)
        rooms = building.rooms()
        assert len(rooms) == building.floors * building.rooms_per_floor
        assert building_address(building, rooms[0]).postal_code == town.postal_code
