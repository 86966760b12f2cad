"""The demo municipality: 東京都国立市 (Kunitachi, Tokyo), its towns and their postal codes.

Town names and postal codes are Kunitachi's. The 丁目 ranges are approximate and the 町字
ids are demo values, not the official Address Base Registry (アドレス・ベース・レジストリ)
ids. Previous addresses come from real towns elsewhere, for people who moved in.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.mock.identifiers import with_lg_check_digit
from adapters.records import Address

PREFECTURE = "東京都"
MUNICIPALITY = "国立市"
LG_CODE = with_lg_check_digit("13215")
"""Kunitachi's local government code with its check digit (132152)."""

FLOODED_TOWN = "谷保"
"""The district the demo flood (for the disaster certificate procedure) hit."""

_KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Town:
    """A 町字 of Kunitachi.

    ``chome`` is the number of 丁目 (0 for towns addressed by 番地 alone); ``weight`` says
    how many households the generator places there relative to the others.
    """

    name: str
    postal_code: str
    chome: int
    weight: int
    town_id: int

    def town_name(self, chome: int | None) -> str:
        """The 町字 as written in the registry: ``富士見台二丁目`` or ``谷保``."""
        if chome is None:
            return self.name
        return f"{self.name}{_KANJI_DIGITS[chome]}丁目"

    def town_code(self, chome: int | None) -> str:
        """The demo 7-digit 町字 id: town number, 丁目 number, and 000."""
        return f"{self.town_id:02d}{chome or 0:02d}000"


TOWNS: tuple[Town, ...] = (
    Town("北", "186-0001", 3, 8, 1),
    Town("東", "186-0002", 4, 12, 2),
    Town("富士見台", "186-0003", 4, 14, 3),
    Town("中", "186-0004", 3, 10, 4),
    Town("西", "186-0005", 3, 10, 5),
    Town("谷保", "186-0011", 0, 12, 6),
    Town("泉", "186-0012", 4, 8, 7),
    Town("青柳", "186-0013", 0, 6, 8),
    Town("石田", "186-0014", 0, 4, 9),
    Town("矢川", "186-0015", 3, 6, 10),
)

TOWNS_BY_NAME = {town.name: town for town in TOWNS}


@dataclass(frozen=True)
class Building:
    """An apartment building: where it stands and how many rooms it has (demo data)."""

    name: str
    town: str
    chome: int | None
    block: str
    floors: int
    rooms_per_floor: int

    def rooms(self) -> tuple[str, ...]:
        """The 方書 of every room: ``コーポ富士見203号室``."""
        return tuple(
            f"{self.name}{floor}{room:02d}号室"
            for floor in range(1, self.floors + 1)
            for room in range(1, self.rooms_per_floor + 1)
        )


BUILDINGS: tuple[Building, ...] = (
    Building("コーポ富士見", "富士見台", 2, "12番3号", 3, 6),
    Building("メゾン国立", "東", 1, "4番11号", 4, 6),
    Building("パークハイツ谷保", "谷保", None, "3120番地", 3, 8),
    Building("グランドール国立", "中", 1, "9番5号", 8, 6),
    Building("サンハイツ矢川", "矢川", 2, "14番6号", 5, 6),
    Building("レジデンス一橋", "中", 2, "1番30号", 6, 5),
    Building("国立ガーデンコート", "北", 1, "7番2号", 5, 8),
    Building("ハイム青柳", "青柳", None, "412番地", 2, 6),
    Building("リバーサイド石田", "石田", None, "237番地", 3, 6),
    Building("フォレスト泉", "泉", 2, "5番8号", 3, 4),
    Building("ドミール中", "中", 1, "3番15号", 5, 6),
    Building("メゾンエクレール東", "東", 3, "18番7号", 4, 6),
    Building("さくら通りハイツ", "富士見台", 1, "22番9号", 4, 6),
    Building("大学通りレジデンス", "東", 2, "6番1号", 7, 6),
)

BUILDINGS_BY_NAME = {building.name: building for building in BUILDINGS}


@dataclass(frozen=True)
class OutsideTown:
    """A town elsewhere in Japan, used for previous addresses (前住所)."""

    postal_code: str
    prefecture: str
    municipality: str
    town: str


PREVIOUS_TOWNS: tuple[OutsideTown, ...] = (
    OutsideTown("190-0022", "東京都", "立川市", "錦町"),
    OutsideTown("183-0023", "東京都", "府中市", "宮町"),
    OutsideTown("185-0012", "東京都", "国分寺市", "本町"),
    OutsideTown("192-0083", "東京都", "八王子市", "旭町"),
    OutsideTown("191-0062", "東京都", "日野市", "多摩平"),
    OutsideTown("154-0024", "東京都", "世田谷区", "三軒茶屋"),
    OutsideTown("166-0004", "東京都", "杉並区", "阿佐谷南"),
    OutsideTown("182-0026", "東京都", "調布市", "小島町"),
    OutsideTown("530-0001", "大阪府", "大阪市北区", "梅田"),
    OutsideTown("060-0001", "北海道", "札幌市中央区", "北一条西"),
)


def kunitachi_address(
    town: Town, chome: int | None, block: str, building: str | None = None
) -> Address:
    """An address in Kunitachi with its postal code, 町字 id and local government code."""
    return Address(
        postal_code=town.postal_code,
        prefecture=PREFECTURE,
        municipality=MUNICIPALITY,
        town=town.town_name(chome),
        block=block,
        building=building,
        town_code=town.town_code(chome),
        lg_code=LG_CODE,
    )


def building_address(building: Building, room: str) -> Address:
    """The address of ``room`` (a 方書 from :meth:`Building.rooms`) in ``building``."""
    return kunitachi_address(TOWNS_BY_NAME[building.town], building.chome, building.block, room)


def outside_address(town: OutsideTown, block: str) -> Address:
    """An address outside Kunitachi (for 前住所); its 町字 id is not known here."""
    return Address(
        postal_code=town.postal_code,
        prefecture=town.prefecture,
        municipality=town.municipality,
        town=town.town,
        block=block,
    )
