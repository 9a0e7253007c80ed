"""The committee's results of a round: ranking with flags and judges' statistics, what-if without a
judge, locking, advancing into the next round and the Excel export (on the judging blueprint)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from .models import Round, RoundStatus
from ..actions import perform
from ..downloads import file_response
from ..pagination import PageNumbers
from ..request_args import int_arg, page_arg
from . import advancement, export
from .aggregation import money2
from .results import round_results, what_if_without
from .services import managed_call_or_404, managed_round_or_404
from .views import bp

PER_PAGE = 100  # the ranking is computed over every application and shown a page at a time


@dataclass
class RowsPage(PageNumbers):
    rows: list
    total: int
    page: int
    per_page: int = PER_PAGE


def _page_of(rows: list) -> RowsPage:
    page = RowsPage(rows=[], total=len(rows), page=1)
    page.page = min(page_arg(), page.pages)
    start = (page.page - 1) * PER_PAGE
    page.rows = rows[start:start + PER_PAGE]
    return page


def _sd_text(round_: Round) -> str:
    return f"{round_.outlier_sd.normalize():f}"


@bp.route("/rounds/<int:round_id>/results")
@access("committee")
def results(round_id: int):
    round_ = managed_round_or_404(round_id)
    outcome = round_results(round_)
    page = _page_of(outcome.rows)
    proposed = advancement.proposed_advancers(outcome)
    on_page = {row.application_id for row in page.rows}
    advanced = {row.application_id for row in outcome.rows if row.advanced}
    target = advancement.next_round(round_)
    return render_template(
        "judging/results.html",
        round=round_,
        results=outcome,
        page=page,
        proposed=set(proposed),
        # proposals on other pages travel with the advance form in one hidden field
        elsewhere=[app_id for app_id in proposed if app_id not in on_page and app_id not in advanced],
        next_round=target,
        can_lock=round_.status == RoundStatus.OPEN,
        can_advance=round_.status == RoundStatus.LOCKED and target is not None,
        drafts=sum(judge.drafts for judge in outcome.judges),
        outlier_text=_("偏离其他评委超过 %(n)s 个标准差", n=_sd_text(round_)),
        two=money2,  # a sheet total is exact (up to four places); shown, like the export, at 0.01
    )


@bp.route("/rounds/<int:round_id>/results/what-if")
@access("committee")
def results_what_if(round_id: int):
    round_ = managed_round_or_404(round_id)
    judge_id = int_arg("without")
    judges = {judge.judge_id: judge for judge in round_results(round_).judges}
    if judge_id not in judges:
        flash(_("请选择要去掉的评委。"), "warning")
        return redirect(url_for("judging.results", round_id=round_id))
    changes = what_if_without(round_, judge_id)  # rank or aggregate changed, in the new rank order
    return render_template(
        "judging/results_what_if.html", round=round_, judge=judges[judge_id], judges=list(judges.values()),
        page=_page_of(changes), moved=sum(change.rank_before != change.rank_after for change in changes),
        total=len(changes),
    )


@bp.route("/rounds/<int:round_id>/results.xlsx")
@access("committee")
def results_export(round_id: int):
    round_ = managed_round_or_404(round_id)
    return file_response(export.round_workbook(round_), export.XLSX, export.download_name(round_),
                         fallback=f"round-{round_.id}-results.xlsx")


@bp.route("/calls/<int:call_id>/awards.xlsx")
@access("committee")
def awards_export(call_id: int):
    """获奖名单 (tier, project, applicant, 创投资金), beside the ranking's workbook."""
    call = managed_call_or_404(call_id)
    return file_response(export.awards_workbook(call), export.XLSX, export.awards_download_name(call),
                         fallback=f"call-{call.id}-awards.xlsx")


@bp.route("/rounds/<int:round_id>/lock", methods=["POST"])
@access("committee")
def results_lock(round_id: int):
    round_ = managed_round_or_404(round_id)
    return perform(lambda: advancement.lock_round(acting_user(), round_), then=url_for("judging.results", round_id=round_id),
                   done=_("“%(name)s”已锁定，评分不能再修改，排名已记录。", name=round_.name))


@bp.route("/rounds/<int:round_id>/advance", methods=["POST"])
@access("committee")
def results_advance(round_id: int):
    round_ = managed_round_or_404(round_id)
    ids = [raw for raw in request.form.getlist("application_id") if raw.strip()]
    if request.form.get("include_elsewhere") == "1":
        ids += [raw for raw in request.form.get("elsewhere", "").split(",") if raw.strip()]
    return perform(lambda: advancement.advance(acting_user(), round_, ids),
                   done=lambda added: _("已晋级 %(n)s 个项目到下一轮。", n=added) if added else _("所选项目都已在下一轮中。"),
                   then=url_for("judging.results", round_id=round_id, page=request.form.get("page") or None))
