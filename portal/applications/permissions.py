"""Who may see, edit and screen an application."""
from __future__ import annotations

from ..accounts.models import User
from ..accounts.permissions import is_member
from ..calls.permissions import can_manage_call
from .models import Application, ApplicationStatus


def can_view_application(user: User | None, application: Application) -> bool:
    """The applicant NGO's members always; the call's committee once it has been submitted."""
    if is_member(user, application.organization_id):
        return True
    return can_manage_call(user, application.call) and application.status != ApplicationStatus.DRAFT


def can_edit_application(user: User | None, application: Application) -> bool:
    return is_member(user, application.organization_id)


def can_screen_application(user: User | None, application: Application) -> bool:
    return can_manage_call(user, application.call)
