"""Round results from the database: aggregates (mean, trimmed, z-score), ranks and tie notes,
outliers, judges' leanings, what-if without a judge, drafts — and a fixed number of queries."""
from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest

from portal.applications.models import ApplicationStatus
from portal.calls.models import CallStatus
from portal.judging.models import Aggregation
from portal.extensions import db
from portal.judging.results import round_results, what_if_without

from ..factories import make_application, make_assignment, make_call, make_call_judge, make_entry, make_round, make_sheet, make_user

# 创新性 (max 20, weight 1, breaks ties) + 可行性 (max 40, weight 2): a total is i + 2f, at most 100.
RUBRIC = [("创新性", 20, 1), ("可行性", 40, 2)]
D = Decimal


class World:
    def __init__(self, round_, apps, judges):
        self.round, self.apps, self.judges = round_, apps, judges

    def row(self, results, label):
        return results.by_application[self.apps[label].id]

    def judge(self, results, label):
        return next(j for j in results.judges if j.judge_id == self.judges[label].id)

    def ref(self, label):
        return self.apps[label].reference


def build(sheets: dict, tie: bool = True, apps: str = "", **round_kw) -> World:
    """sheets: {app label: {judge label: total | (创新性, 可行性) | ("draft", total)}}; every judge who
    scores an application is assigned to it. `apps` names extra entries without any sheet."""
    call = make_call(status=CallStatus.JUDGING)
    round_ = make_round(call, criteria=RUBRIC, **round_kw)
    round_.criteria[0].breaks_ties = tie
    labels = list(sheets) + [label for label in apps if label not in sheets]
    applications = {label: make_application(call=call, status=ApplicationStatus.ELIGIBLE, title=f"项目{label}")
                    for label in labels}
    judges: dict = {}
    for label, application in applications.items():
        make_entry(round_, application)
        for judge_label, spec in sheets.get(label, {}).items():
            if judge_label not in judges:
                judges[judge_label] = make_call_judge(call, make_user(name=f"评委{judge_label}", is_judge=True))
            make_assignment(round_, application, judges[judge_label])
            submitted = not (isinstance(spec, tuple) and spec[0] == "draft")
            spec = spec[1] if not submitted else spec
            values = spec if isinstance(spec, tuple) else (D(str(spec)) * D("0.2"), D(str(spec)) * D("0.4"))
            make_sheet(round_, application, judges[judge_label], values=list(values), submitted=submitted)
    db.session.commit()
    return World(round_, applications, judges)


def test_mean_ranks_with_the_tie_criterion_and_explains_it(app):
    w = build({
        "A": {"J1": (16, 30), "J2": (14, 32), "J3": (18, 33)},  # 76, 78, 84
        "B": {"J1": (18, 30), "J2": (18, 31), "J3": (18, 32)},  # 78, 80, 82 — 创新性 18
        "C": {"J1": (17, "31.5"), "J2": (17, "31.5"), "J3": (17, "31.5")},  # 80 × 3 — 创新性 17
    }, apps="D")
    results = round_results(w.round)
    a, b, c, d = (w.row(results, label) for label in "ABCD")
    assert [row.application_id for row in results.rows] == [w.apps[x].id for x in "BCAD"]
    assert (a.aggregate, b.aggregate, c.aggregate, d.aggregate) == (D("79.33"), D("80.00"), D("80.00"), None)
    assert (b.rank, c.rank, a.rank, d.rank) == (1, 2, 3, None)
    assert not any(row.tied for row in results.rows)
    assert b.tie_note == f"与 {w.ref('C')} 同为 80.00 分，“创新性”平均分更高（18.00 对 17.00）"
    assert c.tie_note == f"与 {w.ref('B')} 同为 80.00 分，“创新性”平均分较低（17.00 对 18.00）"
    assert a.tie_note == "" and d.tie_note == ""
    crit = w.round.criteria
    assert b.criterion_means == {crit[0].id: D("18.00"), crit[1].id: D("31.00")}
    assert (b.spread, c.spread) == (D("1.63"), D("0.00"))
    assert [s.total for s in a.sheets] == [D("76"), D("78"), D("84")]
    assert a.sheets[0].by_criterion == {crit[0].id: D("16"), crit[1].id: D("30")}
    assert a.sheets[0].judge_name == "评委J1" and a.sheets[0].submitted_at is not None
    assert results.max_total == D("100") and "“创新性”平均分高者在前" in results.tie_rule_text
    assert (a.title, a.reference, a.organization_name != "", a.advanced) == ("项目A", w.ref("A"), True, False)


def test_without_a_tie_criterion_the_smaller_spread_wins_and_equal_rows_share_a_rank(app):
    w = build({
        "B": {"J1": 78, "J2": 80, "J3": 82},
        "C": {"J1": 80, "J2": 80, "J3": 80},
        "E": {"J1": 80, "J2": 80, "J3": 80},
        "F": {"J1": 70, "J2": 70, "J3": 70},
    }, tie=False)
    results = round_results(w.round)
    b, c, e, f = (w.row(results, label) for label in "BCEF")
    assert [(row.rank, row.tied) for row in results.rows] == [(1, True), (1, True), (3, False), (4, False)]
    assert [row.application_id for row in results.rows[:2]] == sorted([c.application_id, e.application_id])
    first = results.rows[0]
    assert first.tie_note == f"与 {w.ref('B')} 同为 80.00 分，各评委打分更集中（标准差 0.00 对 1.63）"
    assert b.tie_note == f"与 {results.rows[1].reference} 同为 80.00 分，各评委打分更分散（标准差 1.63 对 0.00）"
    assert f.tie_note == ""
    assert "创新性" not in results.tie_rule_text


def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_sheets(app):
    w = build({
        "A": {"J1": 60, "J2": 70, "J3": 80, "J4": 90, "J5": 100},  # → 80
        "B": {"J1": 60, "J2": 70, "J3": 95, "J4": 100},  # 4 < 5 sheets → plain mean 81.25
    }, aggregation=Aggregation.TRIMMED, trim_min_sheets=5)
    results = round_results(w.round)
    a, b = w.row(results, "A"), w.row(results, "B")
    assert (a.aggregate, b.aggregate) == (D("80.00"), D("81.25"))
    assert [s.dropped for s in a.sheets] == [True, False, False, False, True]
    assert not any(s.dropped for s in b.sheets)
    assert [row.rank for row in results.rows] == [1, 2] and results.rows[0] is b


def test_zscore_rescales_each_judges_scale_to_the_rubric(app):
    # J1 is harsh on A, B; J2 generous on B, C; J3 scored only D (one sheet: z = 0).
    w = build({"A": {"J1": 60}, "B": {"J1": 70, "J2": 80}, "C": {"J2": 90}, "D": {"J3": 50}},
              aggregation=Aggregation.ZSCORE)
    results = round_results(w.round)
    # totals 60 70 80 90 50: M = 70, S = √200 = 14.1421…; z̄: A −1, B 0, C +1, D 0
    assert [w.row(results, x).aggregate for x in "ABCD"] == [D("55.86"), D("70.00"), D("84.14"), D("70.00")]
    assert [row.application_id for row in results.rows][0] == w.apps["C"].id
    assert results.round_sd == D("14.14")


def test_a_deviant_sheet_is_flagged_as_outlier(app):
    w = build({
        "A": {"J1": 80, "J2": 82, "J3": 81},
        "B": {"J1": 70, "J2": 72, "J3": 71},
        "C": {"J1": 80, "J2": 81, "J3": 40},  # |40 − 80.5| = 40.5 > 2 × 12.52
    })
    results = round_results(w.round)
    flagged = [(row.reference, s.judge_name) for row in results.rows for s in row.sheets if s.outlier]
    assert flagged == [(w.ref("C"), "评委J3")]


def test_harsh_and_lenient_judges_need_three_shared_applications(app):
    base = {"A": 70, "B": 75, "C": 80, "D": 85}
    w = build({label: {"J1": b, "J2": b + 8, "J3": b - 8} for label, b in base.items()})
    results = round_results(w.round)
    j1, j2, j3 = (w.judge(results, x) for x in ("J1", "J2", "J3"))
    # bias: (b ± 8) − mean of the other two = ± 12; 0.5 × round sd (8.60) = 4.30
    assert (j1.bias, j1.leaning) == (D("0.00"), None)
    assert (j2.bias, j2.leaning, j2.leaning_label) == (D("12.00"), "lenient", "偏松")
    assert (j3.bias, j3.leaning, j3.shared) == (D("-12.00"), "harsh", 4)
    assert (j2.assigned, j2.submitted, j2.drafts, j2.mean_total) == (4, 4, 0, D("85.50"))

    few = build({"A": {"J1": 70, "J2": 90}, "B": {"J1": 70, "J2": 90}})  # only two shared applications
    stats = round_results(few.round)
    assert few.judge(stats, "J1").bias == D("-20.00") and few.judge(stats, "J1").leaning is None


def test_what_if_without_a_judge(app):
    w = build({"A": {"J1": 80, "J2": 80, "J3": 60}, "B": {"J1": 70, "J2": 70, "J3": 95}})
    results = round_results(w.round)
    assert [(r.reference, r.aggregate, r.rank) for r in results.rows] == [
        (w.ref("B"), D("78.33"), 1), (w.ref("A"), D("73.33"), 2)]
    j3 = w.judges["J3"].id
    without = round_results(w.round, without_judge_id=j3)
    assert [(r.reference, r.aggregate) for r in without.rows] == [(w.ref("A"), D("80.00")), (w.ref("B"), D("70.00"))]
    assert j3 not in {j.judge_id for j in without.judges} and without.without_judge_id == j3
    assert all(s.judge_id != j3 for r in without.rows for s in r.sheets)
    changes = what_if_without(w.round, j3)
    assert [(c.title, c.rank_before, c.rank_after, c.aggregate_before, c.aggregate_after, c.moved) for c in changes] == [
        ("项目A", 2, 1, D("73.33"), D("80.00"), 1), ("项目B", 1, 2, D("78.33"), D("70.00"), -1)]
    assert what_if_without(w.round, w.judges["J1"].id)[0].rank_after == 1  # still changes aggregates


def test_drafts_and_unassigned_sheets_do_not_count(app):
    w = build({"A": {"J1": 80, "J2": 60, "J3": ("draft", 10)}})
    results = round_results(w.round)
    row = w.row(results, "A")
    assert row.aggregate == D("70.00") and len(row.sheets) == 2
    j3 = w.judge(results, "J3")
    assert (j3.assigned, j3.submitted, j3.drafts, j3.mean_total, j3.bias) == (1, 0, 1, None, None)
    # a sheet by a judge who is no longer assigned is ignored
    make_sheet(w.round, w.apps["A"], make_call_judge(w.round.call), values=[0, 0])
    db.session.commit()
    assert w.row(round_results(w.round), "A").aggregate == D("70.00")


def test_median_minutes_from_start_to_submission(app):
    w = build({"A": {"J1": 80}, "B": {"J1": 70}, "C": {"J1": 75}})
    from portal.judging.models import ScoreSheet

    for minutes, sheet in zip((10, 30, 50), db.session.scalars(db.select(ScoreSheet).order_by(ScoreSheet.id))):
        sheet.started_at = sheet.submitted_at - timedelta(minutes=minutes)
    db.session.commit()
    assert w.judge(round_results(w.round), "J1").median_minutes == 30.0


def test_query_count_does_not_grow_with_the_round(app, count_queries):
    small = build({f"S{i}": {"J1": 70 + i, "J2": 60 + i, "J3": ("draft", 50)} for i in range(3)})
    large = build({f"L{i}": {"J1": 70 + i % 20, "J2": 60 + i % 7, "J3": ("draft", 50)} for i in range(30)})
    db.session.expire_all()
    with count_queries() as few:
        assert len(round_results(small.round).rows) == 3
    with count_queries() as many:
        results = round_results(large.round)
    assert len(results.rows) == 30 and sum(len(r.sheets) for r in results.rows) == 60
    # the round (expired), its criteria, the version, the entries, the grouped sheets, the judges
    assert few.count == many.count == 6, many.statements
    with count_queries() as what_if:
        what_if_without(large.round, large.judges["J1"].id)
    assert what_if.count <= many.count


def test_cached_result_is_reused_until_anything_it_depends_on_changes(app, count_queries):
    w = build({"A": {"J1": 80, "J2": 70}, "B": {"J1": 60, "J2": 65}})
    first = round_results(w.round)
    with count_queries() as again:
        second = round_results(w.round)
    assert again.count == 1  # only the version query
    assert [(r.application_id, r.aggregate) for r in second.rows] == [(r.application_id, r.aggregate) for r in first.rows]
    # a revised score changes the version: recomputed, never stale
    from portal.judging.models import Score, ScoreSheet

    sheet = db.session.scalars(db.select(ScoreSheet).where(ScoreSheet.application_id == w.apps["B"].id)).first()
    for score in db.session.scalars(db.select(Score).where(Score.sheet_id == sheet.id)):
        score.value = score.criterion.max_score
    sheet.comment = "改分"
    db.session.commit()
    assert w.row(round_results(w.round), "B").aggregate > w.row(first, "B").aggregate
    # so does a changed weight
    before = w.row(round_results(w.round), "A").aggregate
    w.round.criteria[0].weight = D("2.00")
    db.session.commit()
    assert w.row(round_results(w.round), "A").aggregate != before


def _reference(round_, without=None):
    """The figures straight from the ORM in Decimal with `aggregation`'s Decimal functions — what
    independent of the grouped query and the bookkeeping in results.py."""
    from portal.judging import aggregation as agg
    from portal.judging.models import RoundEntry, ScoreSheet, SheetStatus

    entries = list(db.session.scalars(db.select(RoundEntry).where(RoundEntry.round_id == round_.id)))
    sheets = [s for s in db.session.scalars(db.select(ScoreSheet).where(ScoreSheet.round_id == round_.id))
              if s.status == SheetStatus.SUBMITTED and s.judge_id != without]
    totals = {s.id: sum((sc.value * sc.criterion.weight for sc in s.scores), D(0)) for s in sheets}
    triples = [(s.judge_id, s.application_id, totals[s.id]) for s in sheets]
    round_sd = agg.spread(list(totals.values()))
    outliers = agg.outlier_sheets([(s.id, s.application_id, totals[s.id]) for s in sheets], round_.outlier_sd, round_sd)
    leanings = agg.judge_leanings(triples, round_sd)
    zscores = agg.zscore_aggregates(triples, round_.max_total)
    tie = round_.tie_criterion
    rows = {}
    for entry in entries:
        own = sorted((s for s in sheets if s.application_id == entry.application_id), key=lambda s: s.judge_id)
        values = [totals[s.id] for s in own]
        aggregate = None if not own else {
            Aggregation.MEAN: lambda: agg.money2(agg.mean(values)),
            Aggregation.TRIMMED: lambda: agg.money2(agg.trimmed_mean(values, round_.trim_min_sheets)),
            Aggregation.ZSCORE: lambda: zscores[entry.application_id]}[round_.aggregation]()
        means = {c.id: agg.money2(agg.mean([sc.value for s in own for sc in s.scores if sc.criterion_id == c.id]))
                 for c in round_.criteria if own}
        rows[entry.application_id] = dict(
            aggregate=aggregate, spread=agg.money2(agg.spread(values)), criterion_means=means,
            sheets=[(s.judge_id, totals[s.id], s.id in outliers, {sc.criterion_id: sc.value for sc in s.scores})
                    for s in own])
    ranking = agg.rank_rows([agg.RankItem(a.id, a.reference, rows[a.id]["aggregate"],
                                          rows[a.id]["criterion_means"].get(tie.id) if tie else None,
                                          rows[a.id]["spread"])
                             for a in (e.application for e in entries)], tie.name if tie else None)
    judges = {j: (agg.money2(leaning.bias), leaning.leaning, leaning.shared,
                  agg.money2(agg.mean([t for judge, _, t in triples if judge == j]))) for j, leaning in leanings.items()}
    return rows, [(r.key, r.rank, r.tied, r.tie_note) for r in ranking], judges, agg.money2(round_sd)


@pytest.mark.parametrize("aggregation", [Aggregation.MEAN, Aggregation.TRIMMED, Aggregation.ZSCORE])
def test_results_equal_a_straightforward_decimal_reference_on_random_rounds(app, aggregation):
    rng = random.Random(f"results-{aggregation}")
    for attempt in range(2):
        spec = {}
        for a in range(14):
            judges = rng.sample(["J1", "J2", "J3", "J4", "J5"], rng.randint(1, 5))
            # few distinct scores, so that aggregates, tie means and spreads tie and sit on boundaries
            spec[f"A{a}"] = {j: (D(rng.randint(0, 8)) * D("2.5") if rng.random() < 0.5 else D(rng.randint(0, 2000)) / 100,
                                 D(rng.randint(0, 16)) * D("2.5") if rng.random() < 0.5 else D(rng.randint(0, 4000)) / 100)
                             for j in judges}
        w = build(spec, tie=rng.random() < 0.7, apps="XY", aggregation=aggregation, trim_min_sheets=3,
                  outlier_sd=D(rng.choice(["0.5", "1.0", "1.5"])))
        for without in (None, w.judges["J2"].id if "J2" in w.judges else None):
            rows, ranking, judges, round_sd = _reference(w.round, without)
            results = round_results(w.round, without_judge_id=without)
            assert results.round_sd == round_sd and str(results.round_sd) == str(round_sd)
            assert [(r.application_id, r.rank, r.tied, r.tie_note) for r in results.rows] == ranking
            for application_id, expected in rows.items():
                row = results.by_application[application_id]
                assert (row.aggregate, row.spread, row.criterion_means) == (
                    expected["aggregate"], expected["spread"], expected["criterion_means"])
                assert [str(x) for x in (row.aggregate, row.spread)] == [str(x) for x in (expected["aggregate"], expected["spread"])]
                assert [(s.judge_id, s.total, s.outlier, s.by_criterion) for s in row.sheets] == expected["sheets"]
            assert {j.judge_id: (j.bias, j.leaning, j.shared, j.mean_total) for j in results.judges if j.submitted} == judges
            assert {str(j.bias) for j in results.judges if j.submitted} == {str(b) for b, *_ in judges.values()}
