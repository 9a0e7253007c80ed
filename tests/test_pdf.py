"""PDF rendering: Chinese text survives, CJK fonts are embedded, a missing font is a clear error."""
from __future__ import annotations

import io

import pdfplumber
import pytest

from portal import pdf
from portal.accounts.models import OrgKind
from portal.applications.models import ApplicationStatus
from portal.extensions import db
from tests.factories import make_application, make_member, make_org


@pytest.fixture
def no_fonts(tmp_path, monkeypatch):
    """A fontconfig configuration whose only font folder is empty."""
    fonts = tmp_path / "empty-fonts"
    fonts.mkdir()
    cache = tmp_path / "fc-cache"
    cache.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return conf


def submitted_application():
    org = make_org(OrgKind.NGO, name="平湖市阳光社工服务中心")
    user = make_member(org=org)
    application = make_application(org=org, status=ApplicationStatus.SUBMITTED, title="星星的孩子融合成长计划")
    application.summary = "为孤独症儿童提供融合教育与家庭支持服务。"
    db.session.commit()
    return user, application


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def test_application_pdf_has_chinese_text_and_cjk_fonts(app):
    user, application = submitted_application()
    with app.test_request_context():
        data = pdf.render_pdf("applications/pdf.html", application=application)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data).replace(" ", "")
    assert "星星的孩子融合成长计划" in text
    assert "为孤独症儿童提供融合教育与家庭支持服务" in text
    assert "平湖市阳光社工服务中心" in text
    assert application.reference in text
    assert "课后辅导材料" in text  # the budget table
    fonts = pdf.embedded_fonts(data)
    assert fonts, "no fonts found in the PDF"
    for name in fonts:
        assert any(mark in name.upper() for mark in ("CJK", "WENQUANYI", "WQY")), fonts


def test_missing_cjk_font_raises_pdf_font_error(app, no_fonts):
    user, application = submitted_application()
    assert pdf.cjk_font_families() == []
    with app.test_request_context(), pytest.raises(pdf.PdfFontError) as caught:
        pdf.render_pdf("applications/pdf.html", application=application)
    assert "没有可用的中文字体" in caught.value.message


def test_pdf_route_answers_friendly_503_without_fonts(app, client, login_as, no_fonts):
    user, application = submitted_application()
    login_as(user)
    response = client.get(f"/applications/{application.id}/pdf")
    assert response.status_code == 503
    assert "没有可用的中文字体" in response.get_data(as_text=True)


def test_pdf_route_serves_pdf_to_member(app, client, login_as):
    user, application = submitted_application()
    login_as(user)
    response = client.get(f"/applications/{application.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "星星的孩子融合成长计划" in pdf_text(response.data).replace(" ", "")


def test_url_fetcher_refuses_files_and_foreign_urls(app):
    with app.test_request_context():
        assert pdf.static_path_for("http://localhost/static/js/portal.js").name == "portal.js"
        for url in ("file:///etc/passwd", "http://example.com/static/js/portal.js",
                    "http://localhost/static/../portal/config.py", "http://localhost/applications/1"):
            with pytest.raises(pdf.PdfFetchRefused):
                pdf.static_path_for(url)


def test_pdf_does_not_fetch_local_files(app):
    """An <img src="file://…"> in user content never reaches the disk."""
    user, application = submitted_application()
    application.title = '<img src="file:///etc/passwd">'
    db.session.commit()
    with app.test_request_context():
        data = pdf.render_pdf("applications/pdf.html", application=application)
    assert data.startswith(b"%PDF-")
