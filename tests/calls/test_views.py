"""The committee's call pages: forms with field messages, nothing stored on bad input, guidelines."""
from __future__ import annotations

import io

import sqlalchemy as sa

from portal.accounts.models import OrgKind
from portal.calls.models import Call, CallStatus
from portal.extensions import db

from ..factories import make_call, make_category, make_member


def form_data(category_id, **overrides):
    data = {
        "title": "2027 年公益创投大赛", "code": "GY2027", "description": "征集说明", "categories": [str(category_id)],
        "funding_min": "10000", "funding_max": "50000", "total_pool": "500000", "min_self_funding_pct": "10",
        "admin_cost_cap_pct": "10", "eligible_regions": "浙江省 嘉兴市", "verified_only": "y",
        "max_applications_per_org": "2", "opens_at": "2026-12-01T09:00", "closes_at": "2027-01-31T17:00",
        "contact": "0573-85000000",
    }
    data.update(overrides)
    return data


def call_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Call.id)))


def test_committee_creates_a_call_in_shanghai_time(client, login_as):
    user = make_member(OrgKind.COMMITTEE)
    category = make_category("助老")
    login_as(user)
    response = client.post("/committee/calls/new", data=form_data(category.id))
    assert response.status_code == 302
    call = db.session.scalar(sa.select(Call))
    assert call.code == "GY2027" and call.eligible_regions == ["浙江省/嘉兴市"]
    assert call.closes_at.hour == 9  # 17:00 in Shanghai is 09:00 UTC


def test_bad_input_is_marked_and_nothing_stored(client, login_as):
    user = make_member(OrgKind.COMMITTEE)
    category = make_category()
    login_as(user)
    cases = [
        ({"funding_min": "abc"}, "请输入"),
        ({"funding_min": "60000"}, "资助上限不能低于下限"),
        ({"code": "PH 2027!"}, "只能包含字母"),
        ({"admin_cost_cap_pct": "120"}, "0 到 100"),
        ({"closes_at": "2026-11-01T09:00"}, "截止时间必须晚于开始时间"),
        ({"title": ""}, "请填写此项"),
        ({"categories": []}, "请至少选择一个服务领域"),
    ]
    for override, message in cases:
        response = client.post("/committee/calls/new", data=form_data(category.id, **override))
        assert response.status_code == 400, override
        assert message in response.get_data(as_text=True), override
        assert "is-invalid" in response.get_data(as_text=True)
    assert call_count() == 0


def test_guidelines_checked_by_content_and_downloadable(client, login_as):
    user = make_member(OrgKind.COMMITTEE)
    category = make_category()
    login_as(user)
    fake = form_data(category.id, guidelines=(io.BytesIO(b"just text"), "指南.pdf"))
    response = client.post("/committee/calls/new", data=fake, content_type="multipart/form-data")
    assert response.status_code == 400 and "不支持的文件类型" in response.get_data(as_text=True)
    assert call_count() == 0
    real = form_data(category.id, guidelines=(io.BytesIO(b"%PDF-1.4 guidelines"), "申报指南.pdf"))
    assert client.post("/committee/calls/new", data=real, content_type="multipart/form-data").status_code == 302
    call = db.session.scalar(sa.select(Call))
    assert call.guidelines_filename == "申报指南.pdf"
    assert client.get(f"/calls/{call.id}/guidelines").status_code == 404  # drafts are not public
    client.post(f"/committee/calls/{call.id}/publish")
    assert call.status == CallStatus.PUBLISHED
    download = client.get(f"/calls/{call.id}/guidelines")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_other_committee_cannot_touch_a_call(client, login_as):
    call = make_call(status=CallStatus.DRAFT)
    login_as(make_member(OrgKind.COMMITTEE))
    assert client.get(f"/committee/calls/{call.id}/edit").status_code == 403
    assert client.post(f"/committee/calls/{call.id}/publish").status_code == 403
    assert call.status == CallStatus.DRAFT


def test_publish_errors_are_shown(client, login_as):
    user = make_member(OrgKind.COMMITTEE)
    call = make_call(committee=user.memberships[0].organization)
    login_as(user)
    response = client.post(f"/committee/calls/{call.id}/publish", follow_redirects=True)
    assert "不能从“征集中”变为“征集中”" in response.get_data(as_text=True)


def test_management_list_queries_do_not_grow(client, login_as, count_queries):
    user = make_member(OrgKind.COMMITTEE)
    committee = user.memberships[0].organization
    login_as(user)

    def measure(n):
        for _ in range(n):
            make_call(committee=committee)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/committee/calls/").status_code == 200
        return counter.count

    assert measure(10) == measure(190)
