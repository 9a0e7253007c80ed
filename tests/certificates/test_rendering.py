"""Acceptance 1 and 2: each kind renders a certificate whose text holds the exact Chinese of the
recipient, the project and the award, with a CJK font subset embedded by name and a QR code that
decodes to the absolute verification URL; with no CJK font, nothing is issued."""
from __future__ import annotations

import io
import re

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp

from portal import pdf
from portal.certificates import services
from portal.certificates.models import Certificate, CertificateKind
from portal.extensions import db

from ..test_pdf import no_fonts  # noqa: F401 - the fixture
from .helpers import certificate_world, pdf_text, saved_design

# What each kind must print, from the world's rows.
EXPECTED = {
    CertificateKind.AWARD: ["银龄食堂", "最佳项目奖", "特发此证，以资鼓励。"],
    CertificateKind.SPONSOR: ["平湖市慈善基金会", "人民币壹万元整", "¥10,000.00", "公益创投项目对接会"],
    CertificateKind.JUDGE: ["王建国", "聘书"],
    CertificateKind.COMPLETION: ["银龄食堂", "准予结项"],
}


def qr_of(data: bytes) -> list[str]:
    """The texts of the QR codes on the PDF's first page, rendered at 150 dpi."""
    document = pypdfium2.PdfDocument(io.BytesIO(data))
    image = document[0].render(scale=150 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def world(app):
    return certificate_world()


@pytest.mark.parametrize("kind", list(CertificateKind))
def test_each_kind_prints_its_chinese_embeds_its_font_and_carries_its_qr(app, world, kind):
    design = saved_design(world, kind)
    recipient = services.pending_recipients(design)[0]
    with app.test_request_context():
        certificate = services.issue_certificate(world.maker, design, recipient)
        data = services.certificate_pdf(certificate)
    text = pdf_text(data)
    flat = re.sub(r"\s+", "", text)
    assert recipient.name in flat
    for expected in EXPECTED[kind]:
        assert expected in flat, expected
    assert certificate.serial in flat
    fonts = pdf.embedded_fonts(data)
    # Both faces of the cut Noto Serif CJK, as subsets (the six-letter tag), named as the styles name them.
    assert {re.sub(r"^[A-Z]{6}\+", "", name) for name in fonts} == {"Yichuang-Certificate-Serif",
                                                                   "Yichuang-Certificate-Serif-Bold"}, fonts
    assert all(re.match(r"[A-Z]{6}\+", name) for name in fonts), fonts
    assert qr_of(data) == [f"http://localhost/verify/{certificate.serial}"]
    assert data[:5] == b"%PDF-" and len(data) <= 100_000


def test_the_award_names_the_project_and_the_award(app, world):
    design = saved_design(world, CertificateKind.AWARD)
    with app.test_request_context():
        certificate = services.issue_certificate(world.maker, design, services.pending_recipients(design)[0])
    fields = certificate.values["fields"]
    assert (fields["project"], fields["award"], certificate.recipient_name) == ("银龄食堂", "最佳项目奖", world.ngo.name)
    assert fields["amount_upper"] == "人民币贰万伍仟元整" and fields["amount"] == "¥25,000.00"


def test_the_pdf_renders_again_byte_for_byte_from_the_record(app, world):
    design = saved_design(world, CertificateKind.AWARD)
    with app.test_request_context():
        certificate = services.issue_certificate(world.maker, design, services.pending_recipients(design)[0])
        first = services.certificate_pdf(certificate)
        design.title = "获奖证书"  # the design changes later: the issued record does not
        db.session.commit()
        again = services.certificate_pdf(db.session.get(Certificate, certificate.id))
    assert first == again and services.sha256(again) == certificate.pdf_sha256


def test_without_a_cjk_font_nothing_is_issued(app, world, no_fonts):  # noqa: F811 - the fixture
    design = saved_design(world, CertificateKind.AWARD)
    recipient = services.pending_recipients(design)[0]
    with app.test_request_context(), pytest.raises(pdf.PdfFontError) as refused:
        services.issue_certificate(world.maker, design, recipient)
    assert "中文字体" in str(refused.value.message)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


def test_rarer_characters_come_from_the_second_part_and_the_full_face(app, world):
    """鑫 is a GB 2312 二级字 (the cut's second part); 喆 is outside GB 2312 (the full system face)."""
    world.ngo.name = "平湖市喆鑫社会工作服务中心"
    db.session.commit()
    design = saved_design(world, CertificateKind.AWARD)
    with app.test_request_context():
        certificate = services.issue_certificate(world.maker, design, services.pending_recipients(design)[0])
        data = services.certificate_pdf(certificate)
    assert "平湖市喆鑫社会工作服务中心" in re.sub(r"\s+", "", pdf_text(data))
    names = {re.sub(r"^[A-Z]{6}\+", "", name) for name in pdf.embedded_fonts(data)}
    assert "Yichuang-Certificate-Serif-Extended" in names and "Noto-Serif-CJK-SC" in names, names
