"""The report pages through the client: the NGO files a report on its phone with a photo and a receipt,
the committee evaluates it, and the files are served only to those who may see the grant."""
from __future__ import annotations

import io
from datetime import date, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.grants.report_models import Expense, ReportFile, ReportKind, ReportStatus

from ..conftest import login
from ..factories import make_member
from .helpers import signed_grant

PDF = b"%PDF-1.4\n% invoice 0001\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DAY = (date.today() - timedelta(days=2)).isoformat()


def _midterm(grant):
    return next(r for r in grant.reports if r.kind == ReportKind.MIDTERM)


def _filing(**extra):
    return {"narrative": "已开展 6 次助餐活动。", "beneficiaries_reached": "42",
            "activities-0-held_on": DAY, "activities-0-place": "社区食堂", "activities-0-participants": "20",
            "activities-0-description": "助餐", "activities-0-photos": (io.BytesIO(PNG), "现场.png"),
            "expenses-0-category": "活动费", "expenses-0-item": "食材", "expenses-0-amount": "860.50",
            "expenses-0-spent_on": DAY, "expenses-0-receipt": (io.BytesIO(PDF), "发票.pdf"), **extra}


def test_the_ngo_files_a_report_with_a_photo_and_a_receipt(app, client):
    world, grant = signed_grant()
    report = _midterm(grant)
    login(client, world.ngo_user)
    page = client.get(f"/grants/reports/{report.id}/file").get_data(as_text=True)
    assert 'accept="image/jpeg,image/png" multiple' in page and 'enctype="multipart/form-data"' in page
    assert 'data-repeat-add="expenses"' in page and "__INDEX__" in page
    response = client.post(f"/grants/reports/{report.id}/file", data=_filing(action="submit"),
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert report.status == ReportStatus.SUBMITTED and report.beneficiaries_reached == 42
    expense = db.session.scalar(sa.select(Expense))
    photo = db.session.scalar(sa.select(ReportFile))
    assert (expense.amount, expense.receipt_name, expense.receipt_type) == (860.50, "发票.pdf", "pdf")
    assert photo.activity_id == report.activities[0].id
    shown = client.get(f"/grants/reports/{report.id}").get_data(as_text=True)
    assert "已开展 6 次助餐活动。" in shown and "发票.pdf" in shown and "预算执行情况" in shown
    receipt = client.get(f"/grants/expenses/{expense.id}/receipt")
    assert receipt.status_code == 200 and receipt.data == PDF and receipt.mimetype == "application/pdf"
    assert client.get(f"/grants/reports/{report.id}/photos/{photo.id}").data == PNG

    sponsor = app.test_client()
    login(sponsor, world.sponsors[0].user)
    assert sponsor.get(f"/grants/expenses/{expense.id}/receipt").data == PDF
    stranger = app.test_client()
    login(stranger, make_member())
    assert stranger.get(f"/grants/expenses/{expense.id}/receipt").status_code == 403
    assert stranger.get(f"/grants/reports/{report.id}/photos/{photo.id}").status_code == 403

    committee = app.test_client()
    login(committee, world.maker)
    form = committee.get(f"/grants/reports/{report.id}/evaluate").get_data(as_text=True)
    assert 'name="score-execution"' in form
    scores = {"score-execution": "80", "score-inputs": "70", "score-finance": "90", "score-outcomes": "60"}
    refused = committee.post(f"/grants/reports/{report.id}/evaluate", data={**scores, "score-finance": "120",
                                                                           "conclusion": "passed"})
    assert refused.status_code == 400 and "invalid-feedback" in refused.get_data(as_text=True)
    done = committee.post(f"/grants/reports/{report.id}/evaluate", data={**scores, "conclusion": "passed", "comments": "好"})
    assert done.status_code == 302
    db.session.expire_all()
    assert report.status == ReportStatus.EVALUATED and report.evaluations[0].total == 74
    assert "74.00" in client.get(f"/grants/reports/{report.id}").get_data(as_text=True)  # the NGO sees the result


def test_a_refused_receipt_is_shown_on_its_row_and_nothing_is_stored(app, client):
    world, grant = signed_grant()
    report = _midterm(grant)
    login(client, world.ngo_user)
    response = client.post(f"/grants/reports/{report.id}/file", content_type="multipart/form-data",
                           data=_filing(**{"expenses-0-receipt": (io.BytesIO(b"GIF89a not allowed"), "x.gif"),
                                           "expenses-0-category": "宣传费", "action": "save"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "票据只接受 PDF、JPEG 或 PNG 文件" in page and "请选择协议预算中的科目" in page
    assert 'value="食材"' in page  # the rows typed are shown again
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Expense.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ReportFile.id))) == 0
    assert report.narrative == ""


def test_the_schedule_page_flags_an_overdue_report_and_the_committee_schedules(app, client):
    world, grant = signed_grant()
    report = _midterm(grant)
    report.due_on = date.today() - timedelta(days=1)
    db.session.commit()
    login(client, world.maker)
    page = client.get(f"/grants/{grant.id}/reports").get_data(as_text=True)
    assert "已逾期" in page and "安排报告" in page
    response = client.post(f"/grants/{grant.id}/reports/schedule",
                           data={"kind": "progress", "schedule": "recurring", "every_months": "4"})
    assert response.status_code == 302
    assert "进度报告（2）" in client.get(f"/grants/{grant.id}/reports").get_data(as_text=True)
    bad = client.post(f"/grants/{grant.id}/reports/schedule", data={"kind": "progress", "schedule": "one_off", "due_on": "x"})
    assert bad.status_code == 400 and "invalid-feedback" in bad.get_data(as_text=True)
    assert f"/grants/{grant.id}/reports" in client.get(f"/grants/{grant.id}").get_data(as_text=True)
