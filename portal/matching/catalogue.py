"""The sponsors' catalogue of a session: filters (category, region, amount band, gap left,
bookmarked), sorting (by gap or by running order), pages of 20 — the gap computed in SQL so that
filtering, sorting and paging happen in the database; a project's profile for sponsors (only what
an NGO publishes: nothing from drafts, attachments or screening messages); bookmarks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import Organization, User
from ..applications.models import Application
from ..calls.models import Category
from ..errors import PermissionDenied
from ..extensions import db
from ..i18n import N_
from ..judging.models import Award, AwardTier
from ..pagination import PageNumbers
from .funding import ProjectFigures, project_figures
from .models import (
    LIVE_PLEDGE_STATUSES,
    Bookmark,
    MatchAllocation,
    MatchingSession,
    Pledge,
    PledgeKind,
    SessionProject,
)
from .naming import approved_names
from .permissions import can_browse_catalogue

PER_PAGE = 20
# 筹款目标 bands, in yuan: (key, label, low, high)
AMOUNT_BANDS = [
    ("lt50k", N_("5 万元以下"), None, Decimal("50000")),
    ("50k-100k", N_("5–10 万元"), Decimal("50000"), Decimal("100000")),
    ("100k-200k", N_("10–20 万元"), Decimal("100000"), Decimal("200000")),
    ("ge200k", N_("20 万元以上"), Decimal("200000"), None),
]
SORTS = {"order": N_("按路演顺序"), "gap_desc": N_("缺口从大到小"), "gap_asc": N_("缺口从小到大")}


@dataclass
class CatalogueFilters:
    category_id: int | None = None
    region: str = ""
    band: str = ""
    open_only: bool = False  # 仅看未满额
    bookmarked: bool = False
    sort: str = "order"
    page: int = 1


@dataclass
class CataloguePage(PageNumbers):
    page: int
    per_page: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class CatalogueRow:
    project: SessionProject
    figures: ProjectFigures
    backers: list[str]
    naming: str | None
    bookmarked: bool


def gap_expression():
    """goal − awarded − live cash and accepted in-kind pledges − match, per shown project, in SQL."""
    awarded = (
        sa.select(Award.application_id.label("application_id"), sa.func.sum(AwardTier.amount).label("total"))
        .join(AwardTier, AwardTier.id == Award.tier_id).group_by(Award.application_id).subquery()
    )
    pledged = (
        sa.select(Pledge.project_id.label("project_id"), sa.func.sum(Pledge.amount).label("total"))
        .where(Pledge.status.in_(LIVE_PLEDGE_STATUSES),
               sa.or_(Pledge.kind == PledgeKind.CASH, Pledge.value_accepted_at.is_not(None)))
        .group_by(Pledge.project_id).subquery()
    )
    matched = (
        sa.select(MatchAllocation.project_id.label("project_id"), sa.func.sum(MatchAllocation.amount).label("total"))
        .group_by(MatchAllocation.project_id).subquery()
    )
    gap = (SessionProject.goal - sa.func.coalesce(awarded.c.total, 0) - sa.func.coalesce(pledged.c.total, 0)
           - sa.func.coalesce(matched.c.total, 0))
    joins = [(awarded, awarded.c.application_id == SessionProject.application_id),
             (pledged, pledged.c.project_id == SessionProject.id),
             (matched, matched.c.project_id == SessionProject.id)]
    return gap, joins


def catalogue(user: User, session: MatchingSession, filters: CatalogueFilters) -> tuple[CataloguePage, list[CatalogueRow]]:
    """A page of the session's shown projects as `filters` ask, each with its figures and backers."""
    if not can_browse_catalogue(user, session):
        raise PermissionDenied(N_("通过认证的爱心企业可以浏览项目库。"))
    gap, joins = gap_expression()
    query = (sa.select(SessionProject.id).join(Application, Application.id == SessionProject.application_id)
             .join(Organization, Organization.id == Application.organization_id)
             .where(SessionProject.session_id == session.id, SessionProject.withdrawn_at.is_(None)))
    for subquery, condition in joins:
        query = query.outerjoin(subquery, condition)
    if filters.category_id:
        query = query.where(Application.category_id == filters.category_id)
    if filters.region:
        pattern = "%" + filters.region.replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(sa.or_(Application.service_area.like(pattern), Organization.city.like(pattern),
                                   Organization.district.like(pattern), Organization.province.like(pattern)))
    band = next((b for b in AMOUNT_BANDS if b[0] == filters.band), None)
    if band:
        if band[2] is not None:
            query = query.where(SessionProject.goal >= band[2])
        if band[3] is not None:
            query = query.where(SessionProject.goal < band[3])
    if filters.open_only:
        query = query.where(gap > 0)
    if filters.bookmarked and user is not None:
        query = query.where(SessionProject.id.in_(sa.select(Bookmark.project_id).where(Bookmark.user_id == user.id)))
    order = {"gap_desc": [gap.desc()], "gap_asc": [gap.asc()]}.get(filters.sort, [])
    query = query.order_by(*order, SessionProject.position, SessionProject.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page = CataloguePage(1, PER_PAGE, total)
    page.page = min(max(1, filters.page), page.pages)
    ids = db.session.scalars(query.limit(PER_PAGE).offset(page.offset)).all()
    return page, rows_for(user, ids)


def rows_for(user: User | None, project_ids: list[int]) -> list[CatalogueRow]:
    """The projects in this order, with figures, backers, naming and the user's bookmarks: a fixed
    number of queries."""
    if not project_ids:
        return []
    loaded = {p.id: p for p in db.session.scalars(
        sa.select(SessionProject).where(SessionProject.id.in_(project_ids)).options(
            joinedload(SessionProject.application).joinedload(Application.organization),
            joinedload(SessionProject.application).joinedload(Application.category),
        ))}
    projects = [loaded[i] for i in project_ids]
    figures = project_figures(projects)
    backers = backer_names(project_ids)
    names = approved_names(project_ids)
    marked = bookmarked_ids(user, project_ids)
    return [CatalogueRow(p, figures[p.id], backers.get(p.id, []), names.get(p.id), p.id in marked) for p in projects]


def backer_names(project_ids) -> dict[int, list[str]]:
    """Each project's backers (live pledges) as the public reads them, in the order they first pledged."""
    ids = list(project_ids)
    names: dict[int, list[str]] = defaultdict(list)
    if not ids:
        return names
    rows = db.session.execute(
        sa.select(Pledge.project_id, Organization, sa.func.min(Pledge.id).label("first"))
        .join(Organization, Organization.id == Pledge.sponsor_id)
        .where(Pledge.project_id.in_(ids), Pledge.status.in_(LIVE_PLEDGE_STATUSES))
        .group_by(Pledge.project_id, Organization.id).order_by("first")
    )
    for project_id, sponsor, _first in rows:
        names[project_id].append(sponsor.public_name)
    return names


def bookmarked_ids(user: User | None, project_ids) -> set[int]:
    ids = list(project_ids)
    if user is None or not ids:
        return set()
    return set(db.session.scalars(
        sa.select(Bookmark.project_id).where(Bookmark.user_id == user.id, Bookmark.project_id.in_(ids))))


def categories_of(session: MatchingSession) -> list[Category]:
    return sorted({c for call in session.calls for c in call.categories}, key=lambda c: (c.position, c.id))


def toggle_bookmark(user: User, project: SessionProject) -> bool:
    """Keep the project (or drop it); True when it is now bookmarked. Private, so not audited."""
    if not can_browse_catalogue(user, project.session):
        raise PermissionDenied(N_("通过认证的爱心企业可以收藏项目。"))
    existing = db.session.scalar(sa.select(Bookmark).where(Bookmark.user_id == user.id, Bookmark.project_id == project.id))
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(Bookmark(user_id=user.id, project_id=project.id))
    db.session.commit()
    return existing is None


@dataclass
class Profile:
    """What a sponsor reads about a shown project."""

    project: SessionProject
    application: Application
    organization: Organization
    figures: ProjectFigures
    budget_by_category: list[tuple[str, Decimal]]
    team_size: int
    backers: list[str]
    naming: str | None
    bookmarked: bool


def profile(user: User | None, project: SessionProject) -> Profile:
    application = db.session.scalar(
        sa.select(Application).where(Application.id == project.application_id).options(
            joinedload(Application.organization), joinedload(Application.category),
            selectinload(Application.budget_lines), selectinload(Application.team_members)))
    budget: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in application.budget_lines:
        budget[line.category] += line.amount
    return Profile(
        project=project, application=application, organization=application.organization,
        figures=project_figures([project])[project.id], budget_by_category=sorted(budget.items(), key=lambda kv: -kv[1]),
        team_size=len(application.team_members), backers=backer_names([project.id]).get(project.id, []),
        naming=approved_names([project.id]).get(project.id), bookmarked=bool(bookmarked_ids(user, [project.id])),
    )

