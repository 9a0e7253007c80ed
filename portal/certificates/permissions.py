"""Who may do what with certificates."""
from __future__ import annotations

from ..accounts.models import User
from ..accounts.permissions import is_member
from .models import Certificate


def can_manage_certificates(user: User | None, committee_id: int) -> bool:
    """Design, issue, revoke and reissue: members of the committee that runs the call or session."""
    return is_member(user, committee_id)


def can_download(user: User | None, certificate: Certificate) -> bool:
    """The recipient (its organization's members, or the judge), the committee; anyone when public."""
    if certificate.public:
        return True
    if user is None:
        return False
    return (can_manage_certificates(user, certificate.committee_id)
            or (certificate.recipient_org_id is not None and is_member(user, certificate.recipient_org_id))
            or certificate.recipient_user_id == user.id)
