"""A grant (or one of its rows) from the URL, or 404; and the permission, or 403."""
from __future__ import annotations

from flask import abort

from ..accounts.permissions import acting_user, require
from ..extensions import db
from .models import Disbursement, Grant, Tranche
from .permissions import can_manage_grant, can_view_grant


def _get(model, pk: int):
    row = db.session.get(model, pk)
    if row is None:
        abort(404)
    return row


def visible_grant_or_404(grant_id: int) -> Grant:
    grant = _get(Grant, grant_id)
    require(can_view_grant(acting_user(), grant))
    return grant


def managed_grant_or_404(grant_id: int) -> Grant:
    grant = _get(Grant, grant_id)
    require(can_manage_grant(acting_user(), grant))
    return grant


def managed_tranche_or_404(tranche_id: int) -> Tranche:
    tranche = _get(Tranche, tranche_id)
    require(can_manage_grant(acting_user(), tranche.grant))
    return tranche


def managed_disbursement_or_404(disbursement_id: int) -> Disbursement:
    disbursement = _get(Disbursement, disbursement_id)
    require(can_manage_grant(acting_user(), disbursement.grant))
    return disbursement
