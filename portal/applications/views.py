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
from ..actions import attempt, perform
from ..downloads import file_response, stored_file_response
from ..extensions import db
from ..i18n import N_, joined, translate
from . import forms, rules, services
from .attachments import MAX_ATTACHMENTS, add_attachment, delete_attachment
from .models import Application, ApplicationMessage, ApplicationStatus, Attachment
from .sections import FIELD_SECTION, SECTIONS

bp = Blueprint("applications", __name__)


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
            outcome = attempt(lambda: services.start_application(user, call, org))
            if outcome:
                flash(_("已创建申报书草稿，可以随时保存，填写完整后再提交。"), "success")
                return redirect(url_for("applications.edit", application_id=outcome.value.id, section="basics"))
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
        sections=SECTIONS,
        progress=rules.section_status(application),
        submit_errors={field: [translate(m) for m in messages] for field, messages in (submit_errors or {}).items()},
        field_section=FIELD_SECTION,
        ApplicationStatus=ApplicationStatus,
    ), status


@bp.route("/applications/<int:application_id>/edit/<section>", methods=["GET", "POST"])
@access("ngo")
def edit(application_id: int, section: str):
    application = _load(application_id)
    user = acting_user()
    detail_url = url_for("applications.detail", application_id=application.id)
    if not attempt(lambda: services.editable(user, application)):  # not a member: 403; not editable now: why
        return redirect(detail_url)
    part = SECTIONS.get(section) or abort(404)
    if part.form is None:  # attachments: uploaded one by one
        return _render_editor(application, section, forms.AttachmentForm())
    kwargs = {"categories": application.call.categories} if section == "basics" else {}
    if request.method == "GET":
        form = part.form(data=part.initial(application), **kwargs)
        if part.rows:
            forms.add_spare_rows(getattr(form, part.rows))
        return _render_editor(application, section, form)
    form = part.form(**kwargs)
    if not form.validate():
        return _render_editor(application, section, form, status=400)
    outcome = attempt(lambda: services.save_section(user, application, section, part.values(form)), rows=True)
    if outcome.field_errors:
        _attach_errors(form, outcome.field_errors)
        return _render_editor(application, section, form, status=400)
    if not outcome:
        return redirect(detail_url)
    session.pop(_submit_errors_key(application), None)
    flash(_("已保存“%(section)s”。", section=translate(part.label)), "success")
    target = request.form.get("next") if request.form.get("next") in SECTIONS else section
    return redirect(url_for("applications.edit", application_id=application.id, section=target))


def _attach_errors(form, errors: dict) -> None:
    for field, messages in errors.items():
        target = getattr(form, field, None) or getattr(form, field + "_id", None)
        if target is not None:
            target.errors = list(target.errors) + [translate(message) for message in messages]
        else:
            flash(translate(joined(N_("；"), messages)), "error")


def _render_editor(application: Application, section: str, form, status: int = 200):
    part = SECTIONS[section]
    template_row = part.row_form(prefix=f"{part.rows}-__INDEX__-") if part.rows else None
    pending = session.get(_submit_errors_key(application), {})
    return render_template(
        "applications/edit.html",
        application=application,
        section=section,
        form=form,
        template_row=template_row,
        sections=SECTIONS,
        progress=rules.section_status(application),
        pending={f: m for f, m in pending.items() if FIELD_SECTION.get(f, "") == section},
        declaration_text=services.DECLARATION_TEXT,
        max_attachments=MAX_ATTACHMENTS,
        section_keys=list(SECTIONS),
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
    outcome = attempt(lambda: add_attachment(acting_user(), application, upload_file.filename, data), form=form)
    if outcome.on_form:  # the file was refused: say why beside it
        return _render_editor(application, "attachments", form, status=400)
    if not outcome:  # the application takes no changes now
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
    return perform(lambda: delete_attachment(acting_user(), application, attachment), done=_("附件已删除。"),
                   then=lambda outcome: url_for("applications.edit", application_id=application.id, section="attachments")
                   if outcome else url_for("applications.detail", application_id=application.id))


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
    outcome = attempt(lambda: services.submit_application(acting_user(), application))
    if outcome.field_errors:  # flashed, and kept beside each section until it is saved again
        application = _load(application_id)
        session[_submit_errors_key(application)] = outcome.field_errors
        return _render_detail(application, outcome.field_errors, status=400)
    if not outcome:
        return redirect(url_for("applications.detail", application_id=application_id))
    flash(_("申报书已提交，申报编号 %(reference)s。回执已发送到组织成员的邮箱。", reference=application.reference), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@access("ngo")
def withdraw(application_id: int):
    application = _load(application_id)
    return perform(lambda: services.withdraw_application(acting_user(), application), done=_("申报书已撤回。"),
                   then=url_for("applications.detail", application_id=application_id))


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
