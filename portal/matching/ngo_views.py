"""An NGO's side of matching: the sessions its projects are shown in, whether sponsors see its
contact person, and the pledges to its projects."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.permissions import access, acting_user
from ..actions import perform
from ..extensions import db
from . import queries, services
from .funding import project_figures
from .models import SessionProject
from .permissions import is_project_owner
from .views import bp


@bp.route("/received")
@access("ngo")
def my_pledges_received():
    user = acting_user()
    projects = queries.my_shown_projects(user)
    return render_template("matching/ngo_pledges.html", rows=queries.pledges_to_my_projects(user),
                           projects=projects, figures=project_figures(projects))


@bp.route("/projects/<int:project_id>/contact", methods=["POST"])
@access("ngo")
def project_contact(project_id: int):
    project = db.get_or_404(SessionProject, project_id)
    if not is_project_owner(acting_user(), project):
        abort(404)
    shown = request.form.get("show") == "1"
    return perform(lambda: services.set_contact_shown(acting_user(), project, shown),
                   done=_("爱心企业现在可以看到您的联系人。") if shown else _("已隐藏联系人。"),
                   then=url_for("matching.my_pledges_received"))
