"""The scoring mathematics (pure functions): properties with hypothesis, plus worked examples."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.judging import aggregation as agg
from portal.judging.aggregation import RankItem

D = Decimal
scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=D("0.01"), max_value=10, places=2, allow_nan=False, allow_infinity=False)


# --- weighted totals ------------------------------------------------------------------------------

@given(st.dictionaries(st.integers(1, 12), st.tuples(scores, weights), min_size=1, max_size=8))
def test_weighted_total_is_the_exact_sum_of_value_times_weight(rubric):
    values = {key: value for key, (value, _) in rubric.items()}
    weight_of = {key: weight for key, (_, weight) in rubric.items()}
    exact = sum(Fraction(value) * Fraction(weight) for value, weight in rubric.values())
    assert Fraction(agg.weighted_total(values, weight_of)) == exact


@given(st.dictionaries(st.integers(1, 12), st.tuples(scores, weights), min_size=1, max_size=8), weights)
def test_scaling_every_weight_by_k_scales_the_total_by_k(rubric, k):
    values = {key: value for key, (value, _) in rubric.items()}
    weight_of = {key: weight for key, (_, weight) in rubric.items()}
    scaled = {key: weight * k for key, weight in weight_of.items()}
    assert agg.weighted_total(values, scaled) == agg.weighted_total(values, weight_of) * k


def test_weighted_total_skips_missing_values():
    assert agg.weighted_total({1: D("15"), 2: D("22.5"), 3: None}, {1: D("1"), 2: D("2"), 3: D("3")}) == D("60")


# --- means ----------------------------------------------------------------------------------------

@given(st.lists(scores, min_size=1, max_size=12), st.integers(3, 8))
def test_trimmed_mean_drops_one_highest_and_one_lowest_from_enough_sheets(totals, min_sheets):
    kept = list(totals)
    if len(totals) >= min_sheets:
        kept.remove(max(kept))
        kept.remove(min(kept))
    # equal up to Decimal's 28 significant digits of the division
    assert abs(Fraction(agg.trimmed_mean(totals, min_sheets)) - Fraction(sum(kept)) / len(kept)) < Fraction(1, 10**20)
    if len(totals) < min_sheets:
        assert agg.trimmed_mean(totals, min_sheets) == agg.mean(totals)
    assert min(totals) <= agg.trimmed_mean(totals, min_sheets) <= max(totals)


def test_means_of_nothing_are_none_and_examples():
    assert agg.mean([]) is None and agg.trimmed_mean([], 5) is None and agg.spread([]) is None
    assert agg.trimmed_mean([D(60), D(70), D(80), D(90), D(100)], 5) == D(80)
    assert agg.trimmed_mean([D(60), D(70), D(95), D(100)], 5) == D("81.25")
    assert agg.spread([D(7)]) == 0 and agg.money2(agg.spread([D(78), D(80), D(82)])) == D("1.63")
    assert agg.money2(D("82.505")) == D("82.51") and agg.money2(D("82.504")) == D("82.50")


@given(st.lists(scores, min_size=1, max_size=12), st.randoms())
def test_spread_is_the_population_sd_whatever_the_order(totals, rnd):
    shuffled = list(totals)
    rnd.shuffle(shuffled)
    assert agg.spread(shuffled) == agg.spread(totals)
    centre = sum(float(x) for x in totals) / len(totals)
    expected = math.sqrt(sum((float(x) - centre) ** 2 for x in totals) / len(totals))
    assert math.isclose(float(agg.spread(totals)), expected, rel_tol=1e-9, abs_tol=1e-9)


# --- z-scores -------------------------------------------------------------------------------------

sheet_lists = st.dictionaries(
    st.tuples(st.integers(1, 5), st.integers(1, 12)), scores, min_size=1, max_size=40,
).map(lambda d: [(judge, app, total) for (judge, app), total in d.items()])


@given(sheet_lists)
def test_each_judges_zscores_have_mean_zero_and_sd_one(sheets):
    z = agg.judge_zscores(sheets)
    assert set(z) == {(judge, app) for judge, app, _ in sheets}
    for judge in {judge for judge, _, _ in sheets}:
        mine = [z[(j, app)] for j, app, _ in sheets if j == judge]
        totals = [total for j, _, total in sheets if j == judge]
        assert abs(math.fsum(mine) / len(mine)) < 1e-9
        if len(mine) == 1 or len(set(totals)) == 1:
            assert mine == [0.0] * len(mine)
        else:
            assert math.isclose(math.sqrt(math.fsum(x * x for x in mine) / len(mine)), 1.0, rel_tol=1e-9)


@given(sheet_lists)
def test_zscore_aggregates_stay_on_the_rubric_scale(sheets):
    result = agg.zscore_aggregates(sheets, D("100"))
    assert set(result) == {app for _, app, _ in sheets}
    assert all(D(0) <= value <= D(100) and value == agg.money2(value) for value in result.values())


@given(st.dictionaries(st.integers(1, 12), scores, min_size=1, max_size=12))
def test_zscore_with_a_single_judge_gives_back_their_totals(totals):
    result = agg.zscore_aggregates([(7, app, total) for app, total in totals.items()], D("100"))
    if len(set(totals.values())) > 1:
        assert result == {app: agg.money2(total) for app, total in totals.items()}


def test_zscore_worked_example_and_clamping():
    # J1 scores A 100 and B–E 90 (z_A = 2), J2 scores F 0 and G 100 (z = ∓1).
    sheets = [(1, "A", D(100))] + [(1, x, D(90)) for x in "BCDE"] + [(2, "F", D(0)), (2, "G", D(100))]
    result = agg.zscore_aggregates(sheets, D("100"))
    # M = 80, S = √(7600 / 7) = 32.9502…
    assert result["A"] == D("100.00") and result["G"] == D("100.00")  # 145.90 and 112.95, clamped
    assert result["F"] == D("47.05") and result["B"] == D("63.52")


# --- outliers and leanings ------------------------------------------------------------------------

def test_outlier_is_measured_against_the_other_sheets_and_the_round_sd():
    sheets = [(1, "A", D(80)), (2, "A", D(82)), (3, "A", D(81)), (4, "B", D(70)), (5, "B", D(72)),
              (6, "B", D(71)), (7, "C", D(80)), (8, "C", D(81)), (9, "C", D(40)), (10, "D", D(75))]
    assert agg.outlier_sheets(sheets, D("2")) == {9}  # D stands alone: no other sheet to differ from
    assert agg.outlier_sheets(sheets, D("2"), round_sd=D(0)) == set()


def test_leaning_needs_half_a_round_sd_on_three_shared_applications():
    sheets = [(judge, app, D(base + offset)) for app, base in zip("ABCD", (70, 75, 80, 85))
              for judge, offset in (("J1", 0), ("J2", 8), ("J3", -8))]
    leanings = agg.judge_leanings(sheets)
    assert leanings["J2"] == agg.Leaning(D(12), 4, "lenient") and leanings["J3"] == agg.Leaning(D(-12), 4, "harsh")
    assert leanings["J1"].leaning is None
    two = agg.judge_leanings([("J1", "A", D(70)), ("J2", "A", D(90)), ("J1", "B", D(70)), ("J2", "B", D(90))])
    assert two["J1"] == agg.Leaning(D(-20), 2, None)
    assert agg.judge_leanings([("J1", "A", D(70))])["J1"] == agg.Leaning(None, 0, None)


# --- ranking --------------------------------------------------------------------------------------

rank_items = st.lists(
    st.tuples(st.sampled_from([D("80.00"), D("80.50"), D("79.00"), None]),
              st.sampled_from([D("18.00"), D("17.50")]), st.sampled_from([D("0.00"), D("1.63"), D("2.00")])),
    max_size=14,
).map(lambda rows: [RankItem(i, f"GY-{i:03d}", a, t, s) for i, (a, t, s) in enumerate(rows, 1)])


def standing(item: RankItem, use_tie: bool) -> tuple:
    return (item.aggregate, item.tie_value if use_tie else None, item.spread)


def better(x: RankItem, y: RankItem, use_tie: bool) -> bool:
    if x.aggregate != y.aggregate:
        return x.aggregate > y.aggregate
    if use_tie and x.tie_value != y.tie_value:
        return x.tie_value > y.tie_value
    return x.spread < y.spread


@settings(max_examples=200)
@given(rank_items, st.randoms(), st.booleans())
def test_ranking_is_deterministic_total_and_shares_ranks_on_full_ties(items, rnd, use_tie):
    tie_name = "创新性" if use_tie else None
    ranked = agg.rank_rows(items, tie_name)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert agg.rank_rows(shuffled, tie_name) == ranked  # same order, ranks, notes for any input order
    assert sorted(r.key for r in ranked) == [i.key for i in items]  # every item exactly once
    by_key = {i.key: i for i in items}
    scored = [i for i in items if i.aggregate is not None]
    for result in ranked:
        item = by_key[result.key]
        if item.aggregate is None:
            assert (result.rank, result.tied, result.tie_note) == (None, False, "")
            continue
        # competition ranking: 1 + the number of items that stand strictly better
        assert result.rank == 1 + sum(better(other, item, use_tie) for other in scored)
        equals = [o for o in scored if o.key != item.key and standing(o, use_tie) == standing(item, use_tie)]
        assert result.tied == bool(equals)
        differs = any(o.aggregate == item.aggregate and standing(o, use_tie) != standing(item, use_tie) for o in scored)
        assert bool(result.tie_note) == differs
    positions = [result.rank for result in ranked if result.rank is not None]
    assert positions == sorted(positions)
    assert all(r.rank is None for r in ranked[len(positions):])  # unranked come last
    tied_order = [r.key for r in ranked]
    for a, b in zip(tied_order, tied_order[1:]):  # equal standing: ordered by reference
        x, y = by_key[a], by_key[b]
        if x.aggregate is not None and standing(x, use_tie) == standing(y, use_tie):
            assert x.reference < y.reference


def test_tie_notes_name_the_rule_and_the_figures():
    items = [RankItem(2, "GY-003", D("82.50"), D("17.60"), D("1.00")),
             RankItem(1, "GY-002", D("82.50"), D("18.20"), D("3.00")),
             RankItem(3, "GY-004", D("90.00"), D("10.00"), D("0.00"))]
    ranked = agg.rank_rows(items, "创新性")
    assert [(r.key, r.rank, r.tied) for r in ranked] == [(3, 1, False), (1, 2, False), (2, 3, False)]
    assert ranked[0].tie_note == ""
    assert ranked[1].tie_note == "与 GY-003 同为 82.50 分，“创新性”平均分更高（18.20 对 17.60）"
    assert ranked[2].tie_note == "与 GY-002 同为 82.50 分，“创新性”平均分较低（17.60 对 18.20）"
    by_spread = agg.rank_rows(items, None)
    assert [r.key for r in by_spread] == [3, 2, 1]
    assert by_spread[1].tie_note == "与 GY-002 同为 82.50 分，各评委打分更集中（标准差 1.00 对 3.00）"
