"""Calls blueprint: the committee creates, edits, publishes and closes project calls."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.models import OrgKind
from ..accounts.permissions import access, acting_user, organizations, require
from .permissions import can_manage_call
from ..actions import attempt, perform, run
from ..extensions import db
from ..i18n import translate
from ..types import local_to_utc, to_local
from . import services
from .forms import CallForm, CategoryForm, DeadlineForm
from .models import Call, Category

bp = Blueprint("calls", __name__, url_prefix="/committee/calls")


def _values(form: CallForm) -> dict:
    return {
        "title": form.title.data.strip(),
        "code": form.code.data.strip().upper(),
        "description": form.description.data,
        "funding_min": form.funding_min.data,
        "funding_max": form.funding_max.data,
        "total_pool": form.total_pool.data,
        "min_self_funding_pct": form.min_self_funding_pct.data,
        "admin_cost_cap_pct": form.admin_cost_cap_pct.data,
        "eligible_regions": services.parse_regions(form.eligible_regions.data),
        "verified_only": form.verified_only.data,
        "max_applications_per_org": form.max_applications_per_org.data,
        "opens_at": local_to_utc(form.opens_at.data),
        "closes_at": local_to_utc(form.closes_at.data),
        "contact": form.contact.data.strip(),
    }


def _save_call(form: CallForm, call: Call | None):
    """Validate, save, and attach the guidelines; returns the call or None (errors on the form)."""
    if not form.validate_on_submit():
        return None
    user = acting_user()
    upload = request.files.get(form.guidelines.name)
    data = upload.read() if upload and upload.filename else None
    if data is not None:  # a refused file must not leave a call behind (save_guidelines checks it again)
        from ..storage import check_upload

        checked = run(lambda: check_upload(data, allowed={"pdf", "docx"}))
        if not checked:
            form.guidelines.errors = [translate(checked.error.message) + _("（申报指南只接受 PDF 或 DOCX）")]
            return None

    def save() -> Call:
        if call is None:
            committee = organizations(user, OrgKind.COMMITTEE)[0]
            saved = services.create_call(user, committee, _values(form), form.categories.data)
        else:
            saved = services.update_call(user, call, _values(form), form.categories.data)
        if data is not None:
            services.save_guidelines(user, saved, upload.filename, data)
        return saved

    outcome = attempt(save, form=form)
    return outcome.value if outcome else None


def _call_form(call: Call | None = None) -> CallForm:
    form = CallForm(obj=call) if call and request.method == "GET" else CallForm()
    form.categories.choices = [(c.id, c.name) for c in services.active_categories()]
    if call and request.method == "GET":
        form.categories.data = [c.id for c in call.categories]
        form.eligible_regions.data = "\n".join(call.eligible_regions or [])
        form.opens_at.data = to_local(call.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(call.closes_at).replace(tzinfo=None)
    return form


def managed_call(call_id: int) -> Call:
    """The call of the URL, 404 when missing and 403 unless the user's committee runs it."""
    call = db.get_or_404(Call, call_id)
    require(can_manage_call(acting_user(), call))
    return call


@bp.route("/")
@access("committee")
def manage():
    services.close_due_calls()
    return render_template("calls/manage.html", calls=services.committee_calls(acting_user()))


@bp.route("/new", methods=["GET", "POST"])
@access("committee")
def new():
    form = _call_form()
    call = _save_call(form, None) if request.method == "POST" else None
    if call is not None:
        flash(_("项目征集已保存为草稿，检查无误后即可发布。"), "success")
        return redirect(url_for("calls.manage"))
    return render_template("calls/form.html", form=form, call=None), 400 if form.errors else 200


@bp.route("/<int:call_id>/edit", methods=["GET", "POST"])
@access("committee")
def edit(call_id: int):
    call = managed_call(call_id)
    if request.method == "GET" and call.status.value != "draft":
        flash(_("已发布的征集不能再修改；可以延长截止时间。"), "info")
    form = _call_form(call)
    if request.method == "POST" and _save_call(form, call) is not None:
        flash(_("已保存。"), "success")
        return redirect(url_for("calls.manage"))
    return render_template("calls/form.html", form=form, call=call, deadline_form=DeadlineForm()), 400 if form.errors else 200


@bp.route("/<int:call_id>/publish", methods=["POST"])
@access("committee")
def publish(call_id: int):
    return _transition(call_id, services.publish_call, _("项目征集已发布。"))


@bp.route("/<int:call_id>/close", methods=["POST"])
@access("committee")
def close(call_id: int):
    return _transition(call_id, services.close_call, _("项目征集已截止。"))


def _transition(call_id: int, service, message: str):
    call = managed_call(call_id)
    return perform(lambda: service(acting_user(), call), done=message, then=url_for("calls.manage"))


@bp.route("/<int:call_id>/deadline", methods=["POST"])
@access("committee")
def extend(call_id: int):
    call = managed_call(call_id)
    form = DeadlineForm()
    if not form.validate_on_submit():
        flash(_("请选择有效的截止时间。"), "error")
        return redirect(url_for("calls.edit", call_id=call.id))
    return perform(lambda: services.extend_deadline(acting_user(), call, local_to_utc(form.closes_at.data)),
                   done=_("截止时间已延长。"), then=url_for("calls.manage"))


@bp.route("/categories", methods=["GET", "POST"])
@access("committee")
def categories():
    form = CategoryForm()
    if form.validate_on_submit() and attempt(
            lambda: services.save_category(acting_user(), form.name.data, form.position.data or 0), form=form):
        flash(_("服务领域已添加。"), "success")
        return redirect(url_for("calls.categories"))
    status = 400 if form.errors else 200
    return render_template("calls/categories.html", form=form, categories=services.all_categories()), status


@bp.route("/categories/<int:category_id>/toggle", methods=["POST"])
@access("committee")
def toggle_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    return perform(lambda: services.toggle_category(acting_user(), category), done=None,
                   then=url_for("calls.categories"))


from . import organizer_views  # noqa: E402,F401 - its routes register on bp
