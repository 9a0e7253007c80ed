"""The scoring mathematics of a judged round — pure functions, no database, no Flask.

Numbers: sheet totals, means, spreads and biases are `Decimal` and exact here (a score has two
decimals, a weight two, so a total has at most four). Floats appear only inside the z-score
arithmetic (`judge_zscores`, `zscore_aggregates`) and come back as Decimal. Where rounding happens:

- `zscore_aggregates` returns its aggregates quantized to 0.01 (ROUND_HALF_UP): they come out of
  float maths, so digits beyond the second are noise.
- every other function here returns exact values; `results.round_results` quantizes what it shows
  (aggregate, spread, criterion means, a judge's mean total and bias) to 0.01 ROUND_HALF_UP with
  `money2`, and ranks on those quantized values, so the order always agrees with the figures a
  reader sees (two aggregates both shown as 82.50 are equal, and the tie rules decide).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
ZERO = Decimal("0")

# (judge id, application id, weighted total) — one submitted sheet
SheetTotal = tuple[Hashable, Hashable, Decimal]


FOUR_PLACES = Decimal("0.0001")


def exact_total(value) -> Decimal:
    """A sheet total as the database sums it: Σ score (2 places) × weight (2 places) is exact at four
    places (SQLite sums in floating point, so its result is rounded back to them)."""
    return Decimal(value if value is not None else 0).quantize(FOUR_PLACES)


def money2(value: Decimal | None) -> Decimal | None:
    """Round for display: two places, half up (82.505 → 82.51)."""
    return None if value is None else Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _from_float(value: float) -> Decimal:
    """A float back to Decimal, first cutting float noise (…49999999999 → …5) at nine places."""
    return Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)


# --- one application's sheets -----------------------------------------------------------------

def weighted_total(values: Mapping, weights: Mapping) -> Decimal:
    """Σ value × weight over the criteria that have a value (exact, not rounded)."""
    return sum((Decimal(value) * Decimal(weights[key]) for key, value in values.items() if value is not None), ZERO)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The arithmetic mean (exact to Decimal's 28 digits); None for no values."""
    values = list(values)
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def trimmed_mean(values: Sequence[Decimal], min_sheets: int) -> Decimal | None:
    """去掉一个最高分和一个最低分: drop ONE highest and ONE lowest total when there are at least
    `min_sheets` of them (a round's trim_min_sheets, at least 3), else the plain mean."""
    values = sorted(values)
    if trims(len(values), min_sheets):
        values = values[1:-1]
    return mean(values)


def trims(count: int, min_sheets: int) -> bool:
    """Whether the trimmed mean drops sheets: from `min_sheets` of them on, and never below 3."""
    return count >= max(min_sheets, 3)


def trimmed_out(totals: Mapping[Hashable, Decimal], min_sheets: int) -> list:
    """The keys (judges) of the two sheets trimmed_mean leaves out — the lowest, then the highest,
    equal totals ordered by key — or [] when it drops none."""
    if not trims(len(totals), min_sheets):
        return []
    ranked = sorted(totals, key=lambda key: (totals[key], key))
    return [ranked[0], ranked[-1]]


def spread(values: Sequence[Decimal]) -> Decimal | None:
    """Population standard deviation √(Σ(x − x̄)² / n), in Decimal; None for no values, 0 for one.
    The values are sorted first, so the result never depends on their order."""
    values = sorted(values)
    centre = mean(values)
    if centre is None:
        return None
    variance = sum(((value - centre) ** 2 for value in values), ZERO) / len(values)
    return variance.sqrt()


# --- z-scores ---------------------------------------------------------------------------------

def _population_sd(numbers: Sequence[float]) -> tuple[float, float]:
    centre = math.fsum(numbers) / len(numbers)
    return centre, math.sqrt(math.fsum((x - centre) ** 2 for x in numbers) / len(numbers))


def judge_zscores(sheets: Iterable[SheetTotal]) -> dict[tuple[Hashable, Hashable], float]:
    """(judge, application) → z = (total − the judge's mean) / the judge's population sd.

    A judge with a single sheet, or whose totals are all equal (sd 0), gives z = 0 on every sheet:
    nothing can be said about how they use the scale. math.fsum keeps the sums exact-rounded, so
    the result does not depend on the order of the sheets.
    """
    by_judge: dict[Hashable, list[tuple[Hashable, float]]] = defaultdict(list)
    for judge, application, total in sheets:
        by_judge[judge].append((application, float(total)))
    z: dict[tuple[Hashable, Hashable], float] = {}
    for judge, rows in by_judge.items():
        centre, sd = _population_sd([total for _, total in rows]) if len(rows) >= 2 else (0.0, 0.0)
        for application, total in rows:
            z[(judge, application)] = (total - centre) / sd if sd > 0 else 0.0
    return z


def zscore_aggregates(sheets: Sequence[SheetTotal], max_total: Decimal) -> dict[Hashable, Decimal]:
    """application → aggregate by per-judge standardisation (按评委标准化), read as a score.

        z(j, a)   = (total(j, a) − mean_j) / sd_j            (0 if judge j has one sheet or sd_j = 0)
        z̄(a)      = mean of z(j, a) over the judges who scored a
        aggregate = M + z̄(a) × S,   clamped to [0, max_total], quantized to 0.01 (ROUND_HALF_UP)

    where M and S are the mean and the population sd of ALL submitted totals in the round. A harsh
    judge's low totals thus count as much as a lenient judge's high ones, and the result stays on
    the rubric's scale (an application of average standing gets the round's average total).
    """
    sheets = list(sheets)
    if not sheets:
        return {}
    z = judge_zscores(sheets)
    overall_mean, overall_sd = _population_sd([float(total) for _, _, total in sheets])
    by_application: dict[Hashable, list[float]] = defaultdict(list)
    for judge, application, _ in sheets:
        by_application[application].append(z[(judge, application)])
    upper = Decimal(max_total)
    result: dict[Hashable, Decimal] = {}
    for application, zs in by_application.items():
        value = _from_float(overall_mean + math.fsum(zs) / len(zs) * overall_sd)
        result[application] = money2(min(max(value, ZERO), upper))
    return result


# --- the round as a whole ---------------------------------------------------------------------

def outlier_sheets(sheets: Iterable[tuple[Hashable, Hashable, Decimal]], k: Decimal,
                   round_sd: Decimal | None = None) -> set[Hashable]:
    """Keys of the sheets (key, application, total) that stand out from their application's others.

    A sheet is an outlier when |total − mean of the OTHER sheets of that application| > k × sd,
    with sd the population sd of all sheet totals in the round (computed if not given) and k the
    round's outlier_sd. Why this choice: leaving the sheet out of its own reference mean keeps an
    extreme sheet from pulling the mean towards itself (with 3 sheets by a third of its distance),
    and the round-wide sd is a stable yardstick where an application's own sd of 3–5 sheets would be
    dominated by the very sheet under suspicion. An application with a single sheet has no outliers.
    """
    sheets = list(sheets)
    if round_sd is None:
        round_sd = spread([total for _, _, total in sheets])
    if not round_sd:
        return set()
    limit = Decimal(k) * round_sd
    sums: dict[Hashable, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[Hashable, int] = defaultdict(int)
    for _, application, total in sheets:
        sums[application] += total
        counts[application] += 1
    flagged = set()
    for key, application, total in sheets:
        others = counts[application] - 1
        if others and abs(total - (sums[application] - total) / others) > limit:
            flagged.add(key)
    return flagged


@dataclass(frozen=True)
class Leaning:
    bias: Decimal | None  # mean of (own total − the other judges' mean) on shared applications
    shared: int  # applications this judge scored together with at least one other judge
    leaning: str | None  # 'harsh' (偏严), 'lenient' (偏松) or None


def judge_leanings(sheets: Iterable[SheetTotal], round_sd: Decimal | None = None, min_shared: int = 3,
                   factor: Decimal = Decimal("0.5")) -> dict[Hashable, Leaning]:
    """judge → Leaning, from the submitted sheets (judge, application, total) of a round.

    bias = mean over the judge's shared applications of (their total − mean of the other judges'
    totals on that application); negative means the judge scores lower than colleagues. The judge
    is flagged 'harsh' (bias < 0) or 'lenient' (bias > 0) when |bias| > factor × round_sd (0.5 × the
    population sd of all totals in the round) and they share at least `min_shared` (3) applications:
    half a standard deviation on average, seen often enough not to be chance on one project.
    """
    sheets = list(sheets)
    if round_sd is None:
        round_sd = spread([total for _, _, total in sheets])
    by_application: dict[Hashable, list[tuple[Hashable, Decimal]]] = defaultdict(list)
    for judge, application, total in sheets:
        by_application[application].append((judge, total))
    deviations: dict[Hashable, list[Decimal]] = {judge: [] for judge, _, _ in sheets}
    for rows in by_application.values():
        if len(rows) < 2:
            continue
        whole = sum((total for _, total in rows), ZERO)
        for judge, total in rows:
            deviations[judge].append(total - (whole - total) / (len(rows) - 1))
    result = {}
    for judge, devs in deviations.items():
        bias = mean(devs)
        leaning = None
        if bias is not None and round_sd is not None and len(devs) >= min_shared and abs(bias) > factor * round_sd:
            leaning = "harsh" if bias < 0 else "lenient"
        result[judge] = Leaning(bias, len(devs), leaning)
    return result


# --- ranking ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RankItem:
    key: Hashable  # the application id
    reference: str  # 申报编号, the last tie-break and the name used in tie notes
    aggregate: Decimal | None  # None: no submitted sheet, not ranked
    tie_value: Decimal | None = None  # mean on the round's tie-break criterion
    spread: Decimal | None = None


@dataclass(frozen=True)
class TieReason:
    """Why an item stands where it does among equal aggregates, for pages to phrase in their language."""
    other: str  # the neighbour compared with (its reference)
    aggregate: str  # the shared aggregate, formatted
    rule: str  # "criterion" (the tie-break criterion's mean) or "spread"
    ahead: bool  # True: it stands above `other`
    mine: str  # its value on the rule, formatted
    theirs: str  # the neighbour's


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    rank: int | None
    tied: bool  # shares its rank (并列)
    tie_note: str = ""  # why it stands where it does among equal aggregates (Chinese); '' otherwise
    tie_reason: TieReason | None = None  # the same, as data


def _last(item: RankItem) -> tuple:
    """The final tie-break: reference, then the key (numbers before text, so that it is total)."""
    return (item.reference or "", (0, item.key, "") if isinstance(item.key, int) else (1, 0, str(item.key)))


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else f"{money2(value)}"


def rank_rows(items: Iterable[RankItem], tie_name: str | None = None) -> list[Ranked]:
    """Deterministic ranking, best first: aggregate desc; then (if the round has a tie-break
    criterion, named `tie_name`) its mean desc; then the smaller spread; then reference, key asc.

    Items equal on aggregate, tie criterion and spread share a rank (competition ranking: 1, 2, 2, 4)
    and are `tied`. An item whose place among equal aggregates was decided by a tie rule gets a
    Chinese tie_note naming the neighbour it was compared with. Items without an aggregate come
    last, unranked (rank None), by reference. The result is the same for any order of the input.
    """
    items = list(items)
    use_tie = tie_name is not None

    def standing(item: RankItem) -> tuple:
        tie = (item.tie_value is None, -(item.tie_value or ZERO)) if use_tie else (False, ZERO)
        return (-item.aggregate, tie, (item.spread is None, item.spread or ZERO))

    scored = sorted((i for i in items if i.aggregate is not None), key=lambda i: (standing(i), _last(i)))
    unscored = sorted((i for i in items if i.aggregate is None), key=_last)
    keys = [standing(item) for item in scored]
    ranks: list[int] = []
    for index, key in enumerate(keys):
        ranks.append(ranks[-1] if index and key == keys[index - 1] else index + 1)
    sharing = Counter(ranks)
    notes: list[tuple[str, TieReason | None]] = [("", None)] * len(scored)
    start = 0
    while start < len(scored):  # each run of equal aggregates (contiguous once sorted)
        end = start
        while end + 1 < len(scored) and scored[end + 1].aggregate == scored[start].aggregate:
            end += 1
        for index in range(start, end + 1):
            notes[index] = _tie_note(scored, keys, index, range(start, end + 1), tie_name)
        start = end + 1
    result = [Ranked(item.key, ranks[i], sharing[ranks[i]] > 1, *notes[i]) for i, item in enumerate(scored)]
    return result + [Ranked(item.key, None, False, "") for item in unscored]


def _tie_note(scored: list[RankItem], keys: list[tuple], index: int, run: range,
              tie_name: str | None) -> tuple[str, TieReason | None]:
    """Within the run of equal aggregates, compare with the first item below that stands
    differently, else the nearest such item above; ('', None) when every item of the run is tied with it."""
    key = keys[index]
    below = next((j for j in range(index + 1, run.stop) if keys[j] != key), None)
    above = next((j for j in range(index - 1, run.start - 1, -1) if keys[j] != key), None)
    other_index = below if below is not None else above
    if other_index is None:
        return "", None
    item, other, higher = scored[index], scored[other_index], below is not None
    name = str(other.reference or other.key)
    head = f"与 {name} 同为 {_fmt(item.aggregate)} 分，"
    if tie_name is not None and key[1] != keys[other_index][1]:
        word = "更高" if higher else "较低"
        reason = TieReason(name, _fmt(item.aggregate), "criterion", higher, _fmt(item.tie_value), _fmt(other.tie_value))
        return f"{head}“{tie_name}”平均分{word}（{reason.mine} 对 {reason.theirs}）", reason
    word = "更集中" if higher else "更分散"
    reason = TieReason(name, _fmt(item.aggregate), "spread", higher, _fmt(item.spread), _fmt(other.spread))
    return f"{head}各评委打分{word}（标准差 {reason.mine} 对 {reason.theirs}）", reason
