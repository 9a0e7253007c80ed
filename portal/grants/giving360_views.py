"""The 360Giving downloads (portal.grants.giving360): a call's grants, or all of a committee's, as the
JSON package or the flat CSV. Only the committee's members may download them."""
from __future__ import annotations

from flask import abort

from ..accounts.models import Organization, OrgKind
from ..accounts.permissions import access, acting_user, is_member, require
from ..calls.models import Call
from ..calls.permissions import can_manage_call
from ..downloads import file_response
from ..extensions import db
from . import giving360
from .views import bp

FORMATS = "any(json, csv)"


def _download(grants, *, title: str, publisher: Organization, identifier: str, fmt: str):
    filename = f"{giving360.local_identifier(identifier)}.{fmt}"  # e.g. 360G-yichuang-PH2025.json
    if fmt == "json":
        data = giving360.package(grants, title=title, publisher=publisher, identifier=identifier)
        return file_response(giving360.package_json(data), "application/json", filename, fallback=filename)
    body = giving360.flat_csv(giving360.grant_records(grants))
    response = file_response(body, "text/csv", filename, fallback=filename)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


@bp.route(f"/calls/<int:call_id>/360giving.<{FORMATS}:fmt>")
@access("committee")
def giving360_call(call_id: int, fmt: str):
    call = db.session.get(Call, call_id)
    if call is None:
        abort(404)
    require(can_manage_call(acting_user(), call))
    grants = giving360.grants_for_export(call=call)
    return _download(grants, title=f"{call.title} 资助数据（360Giving）", publisher=db.session.get(Organization, call.committee_id),
                     identifier=call.code, fmt=fmt)


@bp.route(f"/committees/<int:org_id>/360giving.<{FORMATS}:fmt>")
@access("committee")
def giving360_committee(org_id: int, fmt: str):
    committee = db.session.get(Organization, org_id)
    if committee is None or committee.kind != OrgKind.COMMITTEE:
        abort(404)
    require(is_member(acting_user(), committee.id))
    grants = giving360.grants_for_export(committee=committee)
    return _download(grants, title=f"{committee.name} 资助数据（360Giving）", publisher=committee,
                     identifier=f"ORG-{committee.id}", fmt=fmt)
