"""The sponsors' side: the sessions they may browse, a session's catalogue, a project's profile with
the pledge, claim and in-kind forms, bookmarks, naming requests, and their own pledges (change,
withdraw)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import Organization
from ..accounts.permissions import access, acting_user
from ..actions import attempt, perform
from ..extensions import db
from ..request_args import int_arg, page_arg
from ..types import format_yuan
from . import catalogue as listing
from . import naming, pledges, queries
from .forms import CashPledgeForm, ClaimForm, InKindPledgeForm, NamingForm
from .funding import match_left
from .lookups import visible_pledge_or_404, visible_project_or_404
from .models import MatchingSession, PledgeStatus
from .permissions import can_browse_catalogue, can_manage_session, sponsor_organizations
from .views import bp


@bp.route("/")
@access("user")
def home():
    """Sessions open to sponsors (and their committee's drafts for its members)."""
    user = acting_user()
    sessions = [s for s in queries.visible_sessions() if can_browse_catalogue(user, s)]
    return render_template("matching/home.html", sessions=sessions, is_sponsor=bool(sponsor_organizations(user)))


def _browsable_session_or_404(session_id: int) -> MatchingSession:
    session = db.get_or_404(MatchingSession, session_id)
    if not can_browse_catalogue(acting_user(), session):
        abort(404)
    return session


def _filters() -> listing.CatalogueFilters:
    args = request.args
    sort = args.get("sort", "order")
    band = args.get("band", "")
    return listing.CatalogueFilters(
        category_id=int_arg("category"), region=args.get("region", "").strip()[:40],
        band=band if band in {b[0] for b in listing.AMOUNT_BANDS} else "",
        open_only=args.get("open") == "1", bookmarked=args.get("saved") == "1",
        sort=sort if sort in listing.SORTS else "order", page=page_arg(),
    )


@bp.route("/sessions/<int:session_id>/catalogue")
@access("user")
def catalogue(session_id: int):
    session = _browsable_session_or_404(session_id)
    filters = _filters()
    page, rows = listing.catalogue(acting_user(), session, filters)
    args = {k: v for k, v in request.args.items() if k != "page" and k in ("category", "region", "band", "open", "saved", "sort")}
    return render_template(
        "matching/catalogue.html", session=session, rows=rows, page=page, filters=filters, args=args,
        categories=listing.categories_of(session), bands=listing.AMOUNT_BANDS, sorts=listing.SORTS,
        match_left=match_left(session) if session.has_match else None,
        is_sponsor=bool(sponsor_organizations(acting_user())),
    )


def _sponsor(form_value=None) -> Organization | None:
    """The sponsor the user pledges for: the one chosen in the form, else their first verified one."""
    mine = sponsor_organizations(acting_user())
    chosen = next((o for o in mine if str(o.id) == str(form_value)), None)
    return chosen or (mine[0] if mine else None)


def _profile_page(project, status: int = 200, **forms):
    user = acting_user()
    data = listing.profile(user, project)
    sponsors = sponsor_organizations(user)
    forms = {"cash_form": CashPledgeForm(prefix="cash"), "claim_form": ClaimForm(prefix="claim"),
             "in_kind_form": InKindPledgeForm(prefix="kind"), "naming_form": NamingForm(prefix="naming"), **forms}
    may_name = bool(sponsors) and any(naming.funds_in_full(project, s) for s in sponsors)
    return render_template(
        "matching/project.html", p=data, session=project.session, sponsors=sponsors, may_name=may_name,
        is_committee=can_manage_session(user, project.session), offer=getattr(forms["cash_form"], "offer", None),
        **forms,
    ), status


@bp.route("/projects/<int:project_id>")
@access("user")
def project(project_id: int):
    return _profile_page(visible_project_or_404(project_id))


def _project_url(project) -> str:
    return url_for("matching.project", project_id=project.id)


def _sponsor_post(project_id: int, form_class, prefix: str):
    """What every sponsor's form on a project starts with: the project (404), the form as posted, and
    the sponsor it is sent for (403 when the user pledges for none). The service checks the rest."""
    project = visible_project_or_404(project_id)
    form = form_class(prefix=prefix)
    form.validate_on_submit()
    sponsor = _sponsor(request.form.get("sponsor_id"))
    if sponsor is None:
        abort(403)
    return project, form, sponsor


@bp.route("/projects/<int:project_id>/pledge", methods=["POST"])
@access("company")
def pledge(project_id: int):
    project, form, sponsor = _sponsor_post(project_id, CashPledgeForm, "cash")
    outcome = attempt(lambda: pledges.pledge_cash(acting_user(), project, sponsor, form.values()), form=form)
    if outcome:
        flash(_("感谢认捐 %(amount)s！主办方确认后会通知您。", amount=format_yuan(outcome.value.amount)), "success")
        return redirect(_project_url(project))
    remaining = getattr(outcome.error, "remaining", None)
    if remaining is not None and remaining > 0:
        form.offer = remaining  # the page offers to pledge what is left
    return _profile_page(project, 400, cash_form=form)


@bp.route("/projects/<int:project_id>/claim", methods=["POST"])
@access("company")
def claim(project_id: int):
    project, form, sponsor = _sponsor_post(project_id, ClaimForm, "claim")
    expected = request.form.get("expected", "")

    def done(pledge):
        if expected and expected != str(pledge.amount):
            return _("已认领剩余缺口 %(amount)s（其间有其他企业认捐，缺口已变小）。", amount=format_yuan(pledge.amount))
        return _("已认领剩余缺口 %(amount)s，感谢您的爱心！", amount=format_yuan(pledge.amount))

    return perform(lambda: pledges.claim_gap(acting_user(), project, sponsor, form.values()), done=done,
                   then=_project_url(project))


@bp.route("/projects/<int:project_id>/in-kind", methods=["POST"])
@access("company")
def pledge_in_kind(project_id: int):
    project, form, sponsor = _sponsor_post(project_id, InKindPledgeForm, "kind")
    if attempt(lambda: pledges.pledge_in_kind(acting_user(), project, sponsor, form.values()), form=form):
        flash(_("已登记物资认捐，主办方核定价值后计入筹款。"), "success")
        return redirect(_project_url(project))
    return _profile_page(project, 400, in_kind_form=form)


@bp.route("/projects/<int:project_id>/bookmark", methods=["POST"])
@access("company")
def bookmark(project_id: int):
    project = visible_project_or_404(project_id)
    if request.form.get("back") == "catalogue":
        back = url_for("matching.catalogue", session_id=project.session_id)
    else:
        back = _project_url(project)
    return perform(lambda: listing.toggle_bookmark(acting_user(), project),
                   done=lambda kept: _("已收藏。") if kept else _("已取消收藏。"), then=back)


@bp.route("/projects/<int:project_id>/naming", methods=["POST"])
@access("company")
def naming_request(project_id: int):
    project, form, sponsor = _sponsor_post(project_id, NamingForm, "naming")
    if attempt(lambda: naming.request_naming(acting_user(), project, sponsor, form.name.data), form=form):
        flash(_("冠名申请已提交，等待主办方审批。"), "success")
        return redirect(_project_url(project))
    return _profile_page(project, 400, naming_form=form)


@bp.route("/my-pledges")
@access("company")
def my_pledges():
    ids = [o.id for o in sponsor_organizations(acting_user())]
    return render_template("matching/my_pledges.html", rows=queries.sponsor_pledges(ids), Status=PledgeStatus,
                           form=CashPledgeForm(prefix="change"))


def _my_pledges_url() -> str:
    return url_for("matching.my_pledges")


@bp.route("/pledges/<int:pledge_id>/change", methods=["POST"])
@access("company")
def pledge_change(pledge_id: int):
    pledge = visible_pledge_or_404(pledge_id)
    form = CashPledgeForm(prefix="change")
    form.validate_on_submit()
    return perform(lambda: pledges.change_pledge(acting_user(), pledge, form.values()),
                   done=lambda new: _("认捐已改为 %(amount)s。", amount=format_yuan(new.amount)), then=_my_pledges_url())


@bp.route("/pledges/<int:pledge_id>/withdraw", methods=["POST"])
@access("company")
def pledge_withdraw(pledge_id: int):
    pledge = visible_pledge_or_404(pledge_id)
    return perform(lambda: pledges.withdraw_pledge(acting_user(), pledge, request.form.get("reason", "")),
                   done=_("认捐已撤回。"), then=_my_pledges_url())
