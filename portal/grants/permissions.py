"""Who may do what with a grant: the committee that signed it manages it, prepares and approves its
payments (never both for one payment) and evaluates its reports; the recipient NGO files the
reports; a funder (a sponsor source) follows where its money went; an assigned mentor follows the
project and logs check-ins. Built on the membership primitives in accounts."""
from __future__ import annotations

from ..accounts.models import User
from ..accounts.permissions import is_member, org_ids
from .models import Disbursement, Grant


def can_manage_grant(user: User | None, grant: Grant) -> bool:
    """Draft, edit, sign, suspend, terminate, complete; prepare, approve and pay disbursements."""
    return is_member(user, grant.committee_id)


def is_recipient(user: User | None, grant: Grant) -> bool:
    return is_member(user, grant.recipient_id)


def is_funder(user: User | None, grant: Grant) -> bool:
    """A member of an organization that is one of the grant's live sources."""
    mine = org_ids(user)
    return any(source.funder_id in mine for source in grant.sources if source.withdrawn_at is None)


def is_mentor(user: User | None, grant: Grant) -> bool:
    if user is None:
        return False
    return any(m.user_id == user.id and m.removed_at is None for m in getattr(grant, "mentors", []))


def can_view_grant(user: User | None, grant: Grant) -> bool:
    return (can_manage_grant(user, grant) or is_recipient(user, grant) or is_funder(user, grant)
            or is_mentor(user, grant))


def can_file_report(user: User | None, grant: Grant) -> bool:
    return is_recipient(user, grant)


def can_evaluate(user: User | None, grant: Grant) -> bool:
    """The committee. (A mentor follows the project and is not its judge.)"""
    return can_manage_grant(user, grant)


def can_approve(user: User | None, disbursement: Disbursement) -> bool:
    """The checker: a committee member who did not prepare it."""
    return (user is not None and can_manage_grant(user, disbursement.grant)
            and disbursement.prepared_by_id != user.id)
