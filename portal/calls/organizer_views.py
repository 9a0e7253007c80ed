"""主办、承办单位: the committee lists the bodies organising a call, on the calls blueprint."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from ..actions import attempt
from ..parsing import parse_rows
from . import organizers
from .forms import TokenForm
from .models import Call, OrganizerRole
from .views import bp, managed_call


def _rows(call: Call) -> list[dict]:
    return [{"name": o.name, "role": o.role.value} for o in call.organizers]


@bp.route("/<int:call_id>/organizers", methods=["GET", "POST"])
@access("committee")
def organizers_edit(call_id: int):
    call = managed_call(call_id)
    rows, errors, status = _rows(call), {}, 200
    if request.method == "POST":
        rows = parse_rows(request.form, "organizers", ("name", "role"))
        if not TokenForm().validate_on_submit():
            abort(400)
        outcome = attempt(lambda: organizers.save_organizers(acting_user(), call, rows), rows=True)
        if outcome:
            flash(_("主办、承办单位已保存。"), "success")
            return redirect(url_for("calls.manage"))
        errors, status = outcome.field_errors, 400
    return render_template("calls/organizers.html", call=call, rows=rows, errors=errors, form=TokenForm(),
                           role_options=[(role.value, _(role.label)) for role in OrganizerRole],
                           committee=call.committee), status
