from __future__ import annotations

from portal.accounts.models import OrgKind
from portal.extensions import db
from tests.factories import make_application, make_call, make_member, make_org


def ngo_setup(verified: bool = True, call=None, **app_kw):
    """(user, org, call, application): a member of an NGO with a complete draft."""
    org = make_org(OrgKind.NGO, verified=verified, name=app_kw.pop("org_name", None))
    user = make_member(org=org)
    call = call or make_call()
    application = make_application(call=call, org=org, **app_kw)
    db.session.commit()
    return user, org, call, application
