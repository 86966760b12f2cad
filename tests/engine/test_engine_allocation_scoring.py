"""Points, ranks, the floor, the tie-break chain, the penalty switch and explanations."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.allocation import Applicant, ConfigError, Guardian, allocate, load_config, score
from engine.allocation.config import Facility
from forms.spec import LocalizedText

PROCEDURES = Path(__file__).resolve().parents[2] / "procedures"
KUNITACHI = load_config(PROCEDURES, "kunitachi")
YOKOHAMA = load_config(PROCEDURES, "yokohama")
FULL = Guardian("employed", 5, 40)


def _app(
    aid: str, *guardians: Guardian, prefs: tuple[str, ...] = ("K01",), **kw: object
) -> Applicant:
    return Applicant(aid, 0, guardians, prefs, **kw)  # type: ignore[arg-type]


def test_points_add_both_parents_and_adjustments() -> None:
    s = score(
        KUNITACHI,
        _app(
            "a",
            FULL,
            Guardian("employed", 4, 27),
            adjustments=frozenset({"siblings_enrolled", "working_at_home"}),
        ),
    )
    assert (s.base_points, s.adjustment_points, s.total) == (160, 2, 162)
    single = score(KUNITACHI, _app("b", FULL, Guardian("absent")))
    assert single.total == 190  # the absent parent counts absent_parent_points


def test_rank_counts_the_lower_parent() -> None:
    # One parent rank A (full time), the other C (4 days, 20 h): the household is C.
    s = score(YOKOHAMA, _app("a", FULL, Guardian("employed", 4, 20)))
    assert s.rank == "C"
    assert score(YOKOHAMA, _app("b", FULL, Guardian("absent"))).rank == "A"
    assert s.shown("rank")[0].startswith("Cランク")


@pytest.mark.parametrize(
    ("config", "weekly", "eligible"),
    [(KUNITACHI, 12, True), (YOKOHAMA, 12, False), (YOKOHAMA, 16, True)],
)
def test_working_hours_floor_is_the_municipalitys(
    config: object, weekly: int, eligible: bool
) -> None:
    s = score(config, _app("a", FULL, Guardian("employed", 3, weekly)))  # type: ignore[arg-type]
    assert s.eligible is eligible
    if not eligible:
        assert "月64時間以上" in s.why_not_ja


def test_declined_offer_penalty_is_a_switch() -> None:
    kw = {"previously_declined": True}
    assert score(KUNITACHI, _app("a", FULL, FULL, **kw)).total == 170  # 180 - 10
    assert score(YOKOHAMA, _app("a", FULL, FULL, **kw)).adjustment_points == 0


def test_tie_break_chain_in_order() -> None:
    # Equal totals: Kunitachi puts new entries before transfers, then higher base points.
    new = _app("z-new", FULL, FULL)
    transfer = _app("a-transfer", FULL, FULL, transfer=True)
    assert score(KUNITACHI, new).key < score(KUNITACHI, transfer).key
    low_income = _app("y", FULL, FULL, municipal_tax=10_000)
    high_income = _app("x", FULL, FULL, municipal_tax=90_000)
    assert score(KUNITACHI, low_income).key < score(KUNITACHI, high_income).key
    # Yokohama: within a rank, the reason type (illness before work) decides.
    ill = _app("b", FULL, Guardian("illness"))  # rank B
    work = _app("a", FULL, Guardian("employed", 4, 24))  # rank B
    assert score(YOKOHAMA, ill).key < score(YOKOHAMA, work).key


def test_explanation_names_the_choice_and_the_cutoff() -> None:
    one = Facility(code="K01", name=LocalizedText(ja="さくら保育園", en="Sakura"), capacity={0: 1})
    two = Facility(code="K02", name=LocalizedText(ja="ひかり保育園", en="Hikari"), capacity={0: 1})
    cfg = KUNITACHI.model_copy(update={"facilities": [one, two]})
    strong = _app("strong", FULL, FULL, prefs=("K01",))
    weaker = _app("weaker", FULL, Guardian("employed", 5, 30), prefs=("K01", "K02"))
    last = _app(
        "last",
        Guardian("employed", 4, 20),
        Guardian("employed", 4, 20),
        prefs=("K01", "K02", "K09"),
    )
    out = {o.applicant_id: o for o in allocate(cfg, [last, weaker, strong])}
    assert out["strong"].choice == 1
    assert out["weaker"].status == "offered"
    assert out["weaker"].choice == 2
    assert "第2希望の「ひかり保育園」に内定しました（170点）" in out["weaker"].explanation_ja
    assert (
        "第1希望の「さくら保育園」（0歳児クラス）は、180点以上の方で定員に達しました"
        in out["weaker"].explanation_ja
    )
    assert "2nd choice" in out["weaker"].explanation_en
    assert "180 points or more" in out["weaker"].explanation_en
    assert out["last"].status == "waitlisted"
    assert "第3希望の施設コード「K09」" in out["last"].explanation_ja


def test_equal_points_explain_the_chain() -> None:
    one = Facility(code="K01", name=LocalizedText(ja="さくら保育園", en="Sakura"), capacity={0: 1})
    cfg = KUNITACHI.model_copy(update={"facilities": [one]})
    a = _app("a", FULL, FULL, municipal_tax=1)
    b = _app("b", FULL, FULL, municipal_tax=2)
    out = {o.applicant_id: o for o in allocate(cfg, [a, b])}
    assert out["a"].status == "offered"
    assert "同じ指数の方とは、新規の申込み、基本指数" in out["b"].explanation_ja


def test_unknown_config_says_which_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="kunitachi, yokohama"):
        load_config(PROCEDURES, "nagoya")
    bad = tmp_path / "kosodate" / "allocation"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text(
        "name: x\nmunicipality: {ja: x}\nscoring: points\nworking_hours_floor: 48\n"
        "base: {employed: [{rank: A}]}\ntie_breaks: [base_points, lottery]\n"
        "facilities: [{code: A, name: {ja: a}, capacity: {0: 1}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, "x")
    assert "base.employed[0]: needs 'points'" in str(err.value)
    assert "tie_breaks: unknown 'lottery'" in str(err.value)
