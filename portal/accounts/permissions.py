"""Who may reach a view, and the membership primitives every domain's rules are built on.

Every view carries an access rule through the @access decorator (the access test walks app.url_map
and fails on a route without one). Object-level questions ("may this user do this to this object?")
are each domain's own, in <domain>/permissions.py, built on memberships(), org_ids() and is_member()
below; services call them (and raise PermissionDenied), views through require().
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from .models import MemberRole, Membership, OrgKind, Organization, User

# rule name → predicate on the acting user (anonymous users are None)
RULES: dict[str, Callable[[User | None], bool]] = {
    "public": lambda user: True,
    "user": lambda user: user is not None,
    "ngo": lambda user: user is not None and bool(org_ids(user, OrgKind.NGO)),
    "company": lambda user: user is not None and bool(org_ids(user, OrgKind.COMPANY)),
    "committee": lambda user: user is not None and bool(org_ids(user, OrgKind.COMMITTEE)),
    "department": lambda user: user is not None and bool(org_ids(user, OrgKind.DEPARTMENT)),
    "judge": lambda user: user is not None and user.is_judge,
    "org_member": lambda user: user is not None and bool(user.memberships),
}


def acting_user() -> User | None:
    return current_user if current_user.is_authenticated else None


def access(rule: str):
    """Declare who may reach a view. Anonymous users are sent to log in; others get 403."""
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r}")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = acting_user()
            if not RULES[rule](user):
                if user is None:
                    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
                abort(403)
            return view(*args, **kwargs)

        wrapper.access_rule = rule
        return wrapper

    return decorate


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


# --- memberships -------------------------------------------------------------------------------

def memberships(user: User | None) -> list[Membership]:
    if user is None:
        return []
    return list(user.memberships)


def org_ids(user: User | None, kind: OrgKind | None = None) -> set[int]:
    return {m.organization_id for m in memberships(user) if kind is None or m.organization.kind == kind}


def organizations(user: User | None, kind: OrgKind | None = None) -> list[Organization]:
    return [m.organization for m in memberships(user) if kind is None or m.organization.kind == kind]


def is_member(user: User | None, org: Organization | int | None) -> bool:
    if org is None:
        return False
    org_id = org if isinstance(org, int) else org.id
    return org_id in org_ids(user)


def is_owner(user: User | None, org: Organization) -> bool:
    return any(m.organization_id == org.id and m.role == MemberRole.OWNER for m in memberships(user))


def is_committee(user: User | None) -> bool:
    return RULES["committee"](user)


# --- object-level rules ------------------------------------------------------------------------

def can_manage_org(user: User | None, org: Organization) -> bool:
    """Edit details and invite members: the organization's owner."""
    return is_owner(user, org)


def can_view_org(user: User | None, org: Organization) -> bool:
    return is_member(user, org) or is_committee(user)


def can_verify_org(user: User | None, org: Organization) -> bool:
    return is_committee(user) and org.kind != OrgKind.COMMITTEE


def can_view_audit(user: User | None) -> bool:
    return is_committee(user)


def cached_roles(user: User | None) -> dict[str, bool]:
    """Role flags for navigation, computed once per request."""
    if "nav_roles" not in g:
        g.nav_roles = {name: predicate(user) for name, predicate in RULES.items() if name != "public"}
    return g.nav_roles
