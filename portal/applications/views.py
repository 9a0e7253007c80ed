"""Applications blueprint: the NGO's applications and the committee's screening."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import OrgKind
from ..accounts.permissions import access, acting_user, org_ids, organizations, require
from .permissions import can_edit_application, can_view_application
from ..calls.models import Call
from ..calls.services import is_accepting_applications
from ..downloads import file_response, stored_file_response
from ..errors import DomainError, PermissionDenied, ValidationFailed
from ..extensions import db
from ..i18n import N_, joined, translate
from ..form_errors import flash_error
from . import forms, rules, services
from .attachments import MAX_ATTACHMENTS, add_attachment, delete_attachment
from .models import Application, ApplicationMessage, ApplicationStatus, Attachment

bp = Blueprint("applications", __name__)

SECTION_FORMS = {
    "basics": forms.BasicsForm,
    "need": forms.NeedForm,
    "plan": forms.PlanForm,
    "team": forms.TeamForm,
    "budget": forms.BudgetForm,
    "declaration": forms.DeclarationForm,
}
ROW_FORMS = {"plan": ("activities", forms.ActivityRow), "team": ("team_members", forms.TeamRow),
             "budget": ("budget_lines", forms.BudgetRow)}
# form field → the rule field its submission messages are shown on
FORM_FIELD_RULE = {"category_id": "category"}


def _load(application_id: int) -> Application:
    return db.first_or_404(
        sa.select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.call), joinedload(Application.organization))
    )


def _submit_errors_key(application: Application) -> str:
    return f"submit-errors-{application.id}"


@bp.route("/applications/")
@access("ngo")
def mine():
    ids = org_ids(acting_user(), OrgKind.NGO)
    applications = list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.organization_id.in_(ids))
            .options(joinedload(Application.call), joinedload(Application.organization),
                     selectinload(Application.budget_lines))
            .order_by(Application.created_at.desc(), Application.id.desc())
        ).unique()
    )
    last_ids = (
        sa.select(sa.func.max(ApplicationMessage.id))
        .where(ApplicationMessage.application_id.in_([a.id for a in applications]))
        .group_by(ApplicationMessage.application_id)
    )
    last_messages = {
        m.application_id: m
        for m in db.session.scalars(sa.select(ApplicationMessage).where(ApplicationMessage.id.in_(last_ids)))
    } if applications else {}
    return render_template("applications/mine.html", applications=applications, last_messages=last_messages)


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@access("ngo")
def start(call_id: int):
    call = db.get_or_404(Call, call_id)
    user = acting_user()
    orgs = organizations(user, OrgKind.NGO)
    form = forms.StartForm()
    form.organization_id.choices = [(o.id, o.name) for o in orgs]
    accepting = is_accepting_applications(call, services.utcnow())
    if request.method == "POST":
        org = next((o for o in orgs if o.id == form.organization_id.data), None) if len(orgs) > 1 else orgs[0]
        if org is None:
            form.organization_id.errors = [_("请选择申报组织。")]
        else:
            try:
                application = services.start_application(user, call, org)
            except PermissionDenied:
                abort(403)
            except DomainError as exc:
                flash_error(exc)
            else:
                flash(_("已创建申报书草稿，可以随时保存，填写完整后再提交。"), "success")
                return redirect(url_for("applications.edit", application_id=application.id, section="basics"))
    return render_template("applications/start.html", call=call, orgs=orgs, form=form, accepting=accepting)


@bp.route("/applications/<int:application_id>")
@access("org_member")
def detail(application_id: int):
    application = _load(application_id)
    user = acting_user()
    require(can_view_application(user, application))
    errors = session.pop(_submit_errors_key(application), None) if request.args.get("errors") else None
    return _render_detail(application, errors)


def _render_detail(application: Application, submit_errors=None, status: int = 200):
    user = acting_user()
    return render_template(
        "applications/detail.html",
        application=application,
        can_edit=can_edit_application(user, application),
        sections=rules.SECTIONS,
        progress=rules.section_status(application),
        submit_errors={field: [translate(m) for m in messages] for field, messages in (submit_errors or {}).items()},
        field_section=rules.FIELD_SECTION,
        ApplicationStatus=ApplicationStatus,
    ), status


@bp.route("/applications/<int:application_id>/edit/<section>", methods=["GET", "POST"])
@access("ngo")
def edit(application_id: int, section: str):
    application = _load(application_id)
    require(can_edit_application(acting_user(), application))
    if section not in rules.SECTIONS:
        abort(404)
    if not application.is_editable:
        flash(_("申报书当前状态为“%(status)s”，不能修改。", status=_(application.status.label)), "warning")
        return redirect(url_for("applications.detail", application_id=application.id))
    if section == "attachments":
        return _render_editor(application, section, forms.AttachmentForm())
    form_class = SECTION_FORMS[section]
    kwargs = {"categories": application.call.categories} if section == "basics" else {}
    if request.method == "POST":
        form = form_class(**kwargs)
        if form.validate():
            try:
                services.save_section(acting_user(), application, section, _section_data(section, form))
            except ValidationFailed as exc:
                _attach_errors(form, exc.errors)
                return _render_editor(application, section, form, status=400)
            except DomainError as exc:
                flash_error(exc)
                return redirect(url_for("applications.detail", application_id=application.id))
            session.pop(_submit_errors_key(application), None)
            flash(_("已保存“%(section)s”。", section=_(rules.SECTIONS[section][0])), "success")
            target = request.form.get("next") if request.form.get("next") in rules.SECTIONS else section
            return redirect(url_for("applications.edit", application_id=application.id, section=target))
        return _render_editor(application, section, form, status=400)
    form = form_class(data=_section_initial(application, section), **kwargs)
    if section in ROW_FORMS:
        forms.add_spare_rows(getattr(form, ROW_FORMS[section][0]))
    return _render_editor(application, section, form)


def _section_initial(application: Application, section: str) -> dict:
    a = application
    if section == "basics":
        return {"title": a.title, "category_id": a.category_id, "service_area": a.service_area, "summary": a.summary}
    if section == "need":
        return {"target_group": a.target_group, "beneficiaries_count": a.beneficiaries_count, "need_analysis": a.need_analysis}
    if section == "plan":
        return {"goals": a.goals, "activities": [
            {"name": x.name, "starts_on": x.starts_on, "ends_on": x.ends_on, "milestone": x.milestone} for x in a.activities]}
    if section == "team":
        return {"team_members": [{"name": t.name, "role": t.role, "qualification": t.qualification} for t in a.team_members]}
    if section == "budget":
        return {"budget_lines": [
            {"category": b.category, "item": b.item, "unit_price": b.unit_price, "quantity": b.quantity.normalize(),
             "self_funded": b.self_funded} for b in a.budget_lines]}
    return {"declaration_accepted": a.declaration_accepted}


def _section_data(section: str, form) -> dict:
    if section in ROW_FORMS:
        name = ROW_FORMS[section][0]
        data = {name: forms.filled_rows(getattr(form, name))}
        if section == "plan":
            data["goals"] = form.goals.data
        return data
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


def _attach_errors(form, errors: dict) -> None:
    for field, messages in errors.items():
        target = getattr(form, field, None) or getattr(form, field + "_id", None)
        if target is not None:
            target.errors = list(target.errors) + [translate(message) for message in messages]
        else:
            flash(translate(joined(N_("；"), messages)), "error")


def _render_editor(application: Application, section: str, form, status: int = 200):
    template_row = None
    if section in ROW_FORMS:
        name, row_class = ROW_FORMS[section]
        template_row = row_class(prefix=f"{name}-__INDEX__-")
    pending = session.get(_submit_errors_key(application), {})
    return render_template(
        "applications/edit.html",
        application=application,
        section=section,
        form=form,
        template_row=template_row,
        sections=rules.SECTIONS,
        progress=rules.section_status(application),
        pending={f: m for f, m in pending.items() if rules.FIELD_SECTION.get(f, "") == section},
        declaration_text=services.DECLARATION_TEXT,
        max_attachments=MAX_ATTACHMENTS,
        section_keys=list(rules.SECTIONS),
    ), status


@bp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@access("ngo")
def upload(application_id: int):
    application = _load(application_id)
    require(can_edit_application(acting_user(), application))
    form = forms.AttachmentForm()
    upload_file = form.file.data
    if not upload_file or not getattr(upload_file, "filename", ""):
        form.file.errors = [_("请选择要上传的文件。")]
        return _render_editor(application, "attachments", form, status=400)
    data = upload_file.read(forms_max_size() + 1)
    try:
        add_attachment(acting_user(), application, upload_file.filename, data)
    except PermissionDenied:
        abort(403)
    except DomainError as exc:
        if application.is_editable:
            form.file.errors = [translate(exc.message)]
            return _render_editor(application, "attachments", form, status=400)
        flash_error(exc)
        return redirect(url_for("applications.detail", application_id=application.id))
    flash(_("附件已上传。"), "success")
    return redirect(url_for("applications.edit", application_id=application.id, section="attachments"))


def forms_max_size() -> int:
    from ..storage import MAX_FILE_SIZE

    return MAX_FILE_SIZE


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>/delete", methods=["POST"], endpoint="delete_attachment")
@access("ngo")
def delete_attachment_view(application_id: int, attachment_id: int):
    application = _load(application_id)
    require(can_edit_application(acting_user(), application))
    attachment = db.first_or_404(sa.select(Attachment).where(
        Attachment.id == attachment_id, Attachment.application_id == application.id))
    try:
        delete_attachment(acting_user(), application, attachment)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("applications.detail", application_id=application.id))
    flash(_("附件已删除。"), "success")
    return redirect(url_for("applications.edit", application_id=application.id, section="attachments"))


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@access("org_member")
def attachment(application_id: int, attachment_id: int):
    application = _load(application_id)
    require(can_view_application(acting_user(), application))
    item = db.first_or_404(sa.select(Attachment).where(
        Attachment.id == attachment_id, Attachment.application_id == application.id))
    return stored_file_response(item.storage_key, item.kind, item.filename)


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@access("ngo")
def submit(application_id: int):
    application = _load(application_id)
    require(can_edit_application(acting_user(), application))
    try:
        services.submit_application(acting_user(), application)
    except ValidationFailed as exc:
        application = _load(application_id)
        session[_submit_errors_key(application)] = exc.errors
        flash_error(exc)
        return _render_detail(application, exc.errors, status=400)
    except DomainError as exc:
        flash_error(exc)
        return redirect(url_for("applications.detail", application_id=application_id))
    flash(_("申报书已提交，申报编号 %(reference)s。回执已发送到组织成员的邮箱。", reference=application.reference), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@access("ngo")
def withdraw(application_id: int):
    application = _load(application_id)
    require(can_edit_application(acting_user(), application))
    try:
        services.withdraw_application(acting_user(), application)
    except DomainError as exc:
        flash_error(exc)
    else:
        flash(_("申报书已撤回。"), "success")
    return redirect(url_for("applications.detail", application_id=application_id))


@bp.route("/applications/<int:application_id>/pdf")
@access("org_member")
def pdf(application_id: int):
    from ..pdf import PdfFontError, render_pdf

    application = _load(application_id)
    require(can_view_application(acting_user(), application))
    if application.status == ApplicationStatus.DRAFT:
        abort(404)
    try:
        data = render_pdf("applications/pdf.html", application=application)
    except PdfFontError as exc:
        return render_template("errors/error.html", code=503, title=_("暂时无法生成 PDF"), text=translate(exc.message)), 503
    name = f"申报书-{application.reference or application.id}.pdf"
    return file_response(data, "application/pdf", name, inline=True, private=False)


# Screening routes live in their own module on this same blueprint (imported for its side effect).
from . import screening_views  # noqa: E402,F401
