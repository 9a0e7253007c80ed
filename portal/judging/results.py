"""The results of a judged round: every entry's aggregate, spread, rank and tie note, each submitted
sheet with its outlier flag, and each judge's progress and leaning — in a constant number of queries.

Queries (whatever the size of the round): the rubric (round_.criteria, none when already loaded),
the entries joined with their applications and organizations, ONE grouped query over the score
sheets (Σ value × weight per sheet plus each criterion's value pivoted into a column, joined with
the assignments so that a judge no longer assigned counts for nothing), and the judges with their
names and numbers of assignments. Rows come back as plain tuples (Core selects), never as ORM
objects. The maths is in `aggregation`; see its docstring for where numbers are rounded.

Only SUBMITTED sheets count in the aggregates; drafts only count in the judges' figures.
"""
from __future__ import annotations

import dataclasses
import gc
import statistics
from collections import OrderedDict, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..accounts.models import Organization, User
from ..applications.models import Application
from .models import Aggregation, Assignment, Criterion, Round, RoundEntry, Score, ScoreSheet, SheetStatus
from ..extensions import db
from ..i18n import N_
from . import aggregation as agg



@dataclass(slots=True)
class SheetResult:
    sheet_id: int
    judge_id: int
    judge_name: str
    total: Decimal  # exact Σ value × weight (may have up to four decimals)
    by_criterion: dict[int, Decimal]
    outlier: bool
    submitted_at: datetime | None
    dropped: bool = False  # left out by the trimmed mean (the one highest or the one lowest)


@dataclass(slots=True)
class ResultRow:
    entry_id: int
    application_id: int
    reference: str
    title: str
    organization_name: str
    sheets: list[SheetResult]  # submitted sheets only, by judge
    aggregate: Decimal | None  # 0.01, ROUND_HALF_UP; None without any submitted sheet
    spread: Decimal | None  # population sd of the sheet totals, 0.01
    rank: int | None
    tie_note: str
    tied: bool
    advanced: bool
    criterion_means: dict[int, Decimal]  # over the submitted sheets, 0.01
    tie_reason: agg.TieReason | None = None  # tie_note as data, for the page to phrase in its language


@dataclass(slots=True)
class JudgeStats:
    judge_id: int
    name: str
    assigned: int
    submitted: int
    drafts: int
    mean_total: Decimal | None  # 0.01
    bias: Decimal | None  # 0.01; < 0 scores lower than the other judges of the same applications
    leaning: str | None  # 'harsh' | 'lenient' | None (see aggregation.judge_leanings)
    median_minutes: float | None  # started → submitted, over the submitted sheets
    shared: int = 0  # applications scored together with another judge (what bias is based on)

    @property
    def leaning_label(self) -> str:
        return {"harsh": N_("偏严"), "lenient": N_("偏松")}.get(self.leaning or "", "")


@dataclass
class RoundResults:
    round: Round
    criteria: list[Criterion]
    max_total: Decimal
    rows: list[ResultRow]  # rank order; unranked (no submitted sheet) last
    judges: list[JudgeStats]
    tie_rule_text: str
    round_sd: Decimal | None = None  # population sd of all submitted totals, 0.01
    without_judge_id: int | None = None
    by_application: dict[int, ResultRow] = field(default_factory=dict)

@dataclass(frozen=True)
class RankChange:
    application_id: int
    title: str
    rank_before: int | None
    rank_after: int | None
    aggregate_before: Decimal | None
    aggregate_after: Decimal | None
    reference: str = ""

    @property
    def moved(self) -> int | None:
        """Places gained (positive) or lost (negative); None when ranked on one side only."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after


# --- loading: a fixed number of queries ------------------------------------------------------

@dataclass
class _Data:
    criteria: list[Criterion]
    entries: list  # (entry id, application id, advanced, reference, title, organization name)
    sheets: list  # (sheet id, application id, judge id, status, started, submitted, total, *criterion values)
    judges: list  # (judge id, name, assignments)


def _load(round_: Round) -> _Data:
    criteria = list(round_.criteria)
    entries, apps, orgs = RoundEntry.__table__.c, Application.__table__.c, Organization.__table__.c
    sheets, scores, crit = ScoreSheet.__table__.c, Score.__table__.c, Criterion.__table__.c
    assignments, users = Assignment.__table__.c, User.__table__.c
    execute = db.session.connection().execute  # Core rows: no ORM result processing
    entry_rows = execute(
        sa.select(entries.id, entries.application_id, entries.advanced, apps.reference, apps.title, orgs.name)
        .join_from(RoundEntry.__table__, Application.__table__, apps.id == entries.application_id)
        .join(Organization.__table__, orgs.id == apps.organization_id)
        .where(entries.round_id == round_.id)
        .order_by(entries.position, entries.application_id)
    ).all()
    pivot = [sa.func.max(sa.case((scores.criterion_id == c.id, scores.value))).label(f"c{c.id}") for c in criteria]
    grouped = (sheets.id, sheets.application_id, sheets.judge_id, sheets.status,
               sa.type_coerce(sheets.started_at, sa.DateTime()), sa.type_coerce(sheets.submitted_at, sa.DateTime()))
    sheet_rows = execute(
        sa.select(*grouped, sa.func.sum(scores.value * crit.weight, type_=sa.Numeric(18, 6)).label("total"), *pivot)
        .select_from(ScoreSheet.__table__)
        .join(Assignment.__table__, sa.and_(assignments.round_id == sheets.round_id,
                                            assignments.application_id == sheets.application_id,
                                            assignments.judge_id == sheets.judge_id))
        .outerjoin(Score.__table__, scores.sheet_id == sheets.id)
        .outerjoin(Criterion.__table__, crit.id == scores.criterion_id)
        .where(sheets.round_id == round_.id)
        .group_by(*grouped)
        .order_by(sheets.judge_id, sheets.application_id)
    ).all()
    judges = execute(
        sa.select(assignments.judge_id, users.name, sa.func.count(assignments.id))
        .join_from(Assignment.__table__, User.__table__, users.id == assignments.judge_id)
        .where(assignments.round_id == round_.id)
        .group_by(assignments.judge_id, users.name)
    ).all()
    return _Data(criteria, entry_rows, sheet_rows, judges)


# --- computing ---------------------------------------------------------------------------------

def tie_rule_text(round_: Round) -> str:
    tie = round_.tie_criterion
    if tie is not None:
        return N_("得分相同时，“%(name)s”平均分高者在前，再看各评委打分的标准差，小者在前；仍相同则并列，按申报编号排列。",
                  name=tie.name)
    return N_("得分相同时，各评委打分的标准差，小者在前；仍相同则并列，按申报编号排列。")


def _compute(round_: Round, data: _Data, without: int | None) -> RoundResults:
    criteria = data.criteria
    ids = [criterion.id for criterion in criteria]
    entered = {entry[1] for entry in data.entries}
    names = {judge_id: name for judge_id, name, _ in data.judges}
    submitted: list[SheetResult] = []
    app_of: dict[int, int] = {}
    values_of: dict[int, list[tuple]] = defaultdict(list)  # application → its sheets' criterion values
    drafts: dict[int, int] = defaultdict(int)
    minutes: dict[int, list[float]] = defaultdict(list)
    for row in data.sheets:
        sheet_id, application_id, judge_id, status, started, finished, total = row[:7]
        if judge_id == without:
            continue
        if status != SheetStatus.SUBMITTED:
            drafts[judge_id] += 1
            continue
        if application_id not in entered:
            continue
        values = row[7:]
        by_criterion = dict(zip(ids, values)) if None not in values else {
            key: value for key, value in zip(ids, values) if value is not None}
        total = agg.exact_total(total)
        if finished is not None:
            if started is not None:
                minutes[judge_id].append((finished - started).total_seconds() / 60)
            finished = finished.replace(tzinfo=timezone.utc)  # stored as naive UTC
        submitted.append(SheetResult(sheet_id, judge_id, names.get(judge_id, ""), total, by_criterion, False, finished))
        app_of[sheet_id] = application_id
        values_of[application_id].append(values)

    triples = [(sheet.judge_id, app_of[sheet.sheet_id], sheet.total) for sheet in submitted]
    round_sd = agg.spread([sheet.total for sheet in submitted])
    outliers = agg.outlier_sheets([(s.sheet_id, app_of[s.sheet_id], s.total) for s in submitted],
                                  round_.outlier_sd, round_sd)
    leanings = agg.judge_leanings(triples, round_sd)
    zscores = agg.zscore_aggregates(triples, round_.max_total) if round_.aggregation == Aggregation.ZSCORE else {}

    by_app: dict[int, list[SheetResult]] = defaultdict(list)
    for sheet in submitted:
        sheet.outlier = sheet.sheet_id in outliers
        by_app[app_of[sheet.sheet_id]].append(sheet)

    rows: dict[int, ResultRow] = {}
    for entry_id, application_id, advanced, reference, title, org_name in data.entries:
        sheets = by_app.get(application_id, [])
        rows[application_id] = ResultRow(
            entry_id, application_id, reference or "", title or "", org_name or "", sheets,
            _aggregate(round_, sheets, zscores.get(application_id)),
            agg.money2(agg.spread([sheet.total for sheet in sheets])),
            None, "", False, bool(advanced), _criterion_means(ids, values_of.get(application_id, [])),
        )
    tie = round_.tie_criterion
    ranking = agg.rank_rows(
        (agg.RankItem(row.application_id, row.reference, row.aggregate,
                      row.criterion_means.get(tie.id) if tie is not None else None, row.spread)
         for row in rows.values()),
        tie.name if tie is not None else None,
    )
    ordered = []
    for ranked in ranking:
        row = rows[ranked.key]
        row.rank, row.tied, row.tie_note, row.tie_reason = ranked.rank, ranked.tied, ranked.tie_note, ranked.tie_reason
        ordered.append(row)
    return RoundResults(
        round=round_, criteria=criteria, max_total=round_.max_total, rows=ordered,
        judges=_judge_stats(data, submitted, drafts, minutes, leanings, without),
        tie_rule_text=tie_rule_text(round_), round_sd=agg.money2(round_sd), without_judge_id=without,
        by_application=rows,
    )


def _aggregate(round_: Round, sheets: list[SheetResult], zscore: Decimal | None) -> Decimal | None:
    if not sheets:
        return None
    if round_.aggregation == Aggregation.ZSCORE:
        return zscore
    totals = [sheet.total for sheet in sheets]
    if round_.aggregation == Aggregation.TRIMMED:
        out = agg.trimmed_out({sheet.judge_id: sheet.total for sheet in sheets}, round_.trim_min_sheets)
        for sheet in sheets:
            sheet.dropped = sheet.judge_id in out
        return agg.money2(agg.trimmed_mean(totals, round_.trim_min_sheets))
    return agg.money2(agg.mean(totals))


def _criterion_means(ids: list[int], sheet_values: list[tuple]) -> dict[int, Decimal]:
    """criterion id → mean of its values over the application's submitted sheets (0.01)."""
    means = {}
    for criterion_id, column in zip(ids, zip(*sheet_values)):
        present = [value for value in column if value is not None]
        if present:
            means[criterion_id] = agg.money2(agg.mean(present))
    return means


def _judge_stats(data: _Data, submitted, drafts, minutes, leanings, without) -> list[JudgeStats]:
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for sheet in submitted:
        totals[sheet.judge_id].append(sheet.total)
    stats = []
    for judge_id, name, assigned in sorted(data.judges, key=lambda judge: (judge[1] or "", judge[0])):
        if judge_id == without:
            continue
        leaning = leanings.get(judge_id)
        median = statistics.median(minutes[judge_id]) if minutes.get(judge_id) else None
        stats.append(JudgeStats(
            judge_id, name or "", assigned, len(totals[judge_id]), drafts.get(judge_id, 0),
            agg.money2(agg.mean(totals[judge_id])), agg.money2(leaning.bias) if leaning else None,
            leaning.leaning if leaning else None, round(median, 1) if median is not None else None,
            leaning.shared if leaning else 0,
        ))
    return stats


# --- the public functions ----------------------------------------------------------------------

def round_results(round_: Round, without_judge_id: int | None = None) -> RoundResults:
    """The round's ranking and figures; `without_judge_id` leaves out that judge's sheets entirely.

    Computing a large round takes a few hundred milliseconds, while the committee reads the page far
    more often than the scores change; so a result is kept per app process and reused as long as
    the round's version (one cheap query, see _version) is the same. A changed sheet, assignment,
    entry or rubric gives a new version and a fresh computation: the cache can be cold, never stale.
    """
    cache = _cache()
    version = _version(round_)
    key = (round_.id, without_judge_id)
    hit = cache.get(key)
    if hit is not None and hit[0] == version:
        cache.move_to_end(key)
        return dataclasses.replace(hit[1], round=round_, criteria=list(round_.criteria))
    with _no_gc_pauses():
        results = _compute(round_, _load(round_), without_judge_id)
    cache[key] = (version, results)
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return results


CACHE_SIZE = 32  # rounds (× judge left out) per process


@contextmanager
def _no_gc_pauses():
    """Building a large round's results makes ~100,000 small objects that all stay alive, which sets
    off several full garbage collections (each walking every object of the process) for nothing:
    the cyclic collector is paused meanwhile and resumed as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cache() -> OrderedDict:
    """Per Flask app (so two test apps never share one), in this process."""
    return current_app.extensions.setdefault("round_results_cache", OrderedDict())


def forget_cached_results() -> None:
    """Drop every cached result of this app (benchmarks measure the cold computation with it)."""
    _cache().clear()


def _version(round_: Round) -> tuple:
    """Everything a result depends on, in one query: the round's sheets, assignments and entries
    (count, latest change, a checksum of ids) and the rubric's settings. Judges' and projects'
    names are not part of it: they do not change while a round is judged."""
    sheets, assignments, entries = ScoreSheet.__table__.c, Assignment.__table__.c, RoundEntry.__table__.c
    advanced_ids = sa.case((entries.advanced.is_(True), entries.id), else_=0)
    parts = [
        sa.select(sa.func.count(), sa.func.max(sheets.updated_at), sa.func.sum(sheets.id + sheets.judge_id))
        .where(sheets.round_id == round_.id),
        sa.select(sa.func.count(), sa.func.max(assignments.assigned_at), sa.func.sum(assignments.id + assignments.judge_id))
        .where(assignments.round_id == round_.id),
        sa.select(sa.func.count(), sa.func.max(entries.added_at), sa.func.sum(advanced_ids))
        .where(entries.round_id == round_.id),
    ]
    rows = db.session.execute(sa.union_all(*parts)).all()
    rubric = tuple((c.id, c.max_score, c.weight, c.breaks_ties) for c in round_.criteria)
    return (tuple(tuple(row) for row in rows), rubric, round_.aggregation, round_.trim_min_sheets, round_.outlier_sd)


def what_if_without(round_: Round, judge_id: int) -> list[RankChange]:
    """What the ranking would be without one judge's sheets: the applications whose rank or
    aggregate would change, in their new rank order (unranked last). Both rankings come through
    round_results, so the full one is usually the results page's, already computed."""
    before = round_results(round_).by_application
    after = round_results(round_, without_judge_id=judge_id).rows
    changes = []
    for row in after:
        old = before[row.application_id]
        if (old.rank, old.aggregate) != (row.rank, row.aggregate):
            changes.append(RankChange(row.application_id, row.title, old.rank, row.rank, old.aggregate,
                                      row.aggregate, row.reference))
    return changes
