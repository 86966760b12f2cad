"""The 47 prefectures (都道府県) by their official names, in JIS X 0401 code order."""

from __future__ import annotations

PREFECTURES: tuple[str, ...] = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)

# Residents often leave out 都, 府 or 県 ("東京", "大阪"); 北海道 keeps its 道.
_BY_SHORT_NAME: dict[str, str] = {
    name[:-1]: name for name in PREFECTURES if name.endswith(("都", "府", "県"))
}


def normalise_prefecture(text: str) -> str | None:
    """The official name for ``text`` (``大阪`` -> ``大阪府``), or None when it is no prefecture."""
    if text in PREFECTURES:
        return text
    return _BY_SHORT_NAME.get(text)


def prefecture_code(name: str) -> str:
    """The two-digit JIS X 0401 code of a prefecture (``東京都`` -> ``13``)."""
    return f"{PREFECTURES.index(name) + 1:02d}"
