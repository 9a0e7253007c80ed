"""Messages marked for translation with their parameters (portal.i18n): Chinese as values, the reader's
language where shown, and an English translation for every message the portal marks."""
from __future__ import annotations

import copy
import pickle
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import refresh

from portal.calls.models import CallStatus
from portal.i18n import Joined, Message, MessageSessionInterface, N_, joined, translate

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)s|%%")


@contextmanager
def in_english(app):
    with in_language(app, "en"):
        yield


@contextmanager
def in_language(app, lang: str):
    """A request in that language (Flask-Babel caches the locale on the app context the fixture keeps)."""
    with app.test_request_context(f"/?lang={lang}"):
        refresh()
        yield
    refresh()


def test_a_message_is_its_chinese_text_with_the_values_filled_in():
    message = N_("还有 %(n)s 份申报待资格审查，请审查完毕后再开始评审。", n=3)
    assert message == "还有 3 份申报待资格审查，请审查完毕后再开始评审。" and str(message) == message
    assert f"{message}" == message and hash(message) == hash(str(message))
    assert message.msgid == "还有 %(n)s 份申报待资格审查，请审查完毕后再开始评审。" and message.params == {"n": "3"}
    assert N_("请输入有效的数字。") == "请输入有效的数字。" and N_("请输入有效的数字。").params is None
    assert N_("管理费不得超过预算总额的 %(pct)s%%。", pct="5") == "管理费不得超过预算总额的 5%。"


def test_translated_in_the_readers_language_with_its_parameters(app):
    pending = N_("还有 %(n)s 份申报待资格审查，请审查完毕后再开始评审。", n=2)
    change = N_("不能从“%(current)s”变为“%(target)s”。", current=CallStatus.PUBLISHED.label,
                target=CallStatus.JUDGING.label)
    with in_language(app, "zh_CN"):
        assert translate(pending) == pending  # Chinese first
        assert translate(change) == "不能从“征集中”变为“评审中”。"
    with in_english(app):
        assert translate(pending) == "Applications still awaiting screening: 2. Please finish screening before judging starts."
        assert translate(change) == "Cannot change from “Open” to “Being judged”."  # the labels too
        assert translate(N_("请为“%(name)s”打分。", name="评分中")) == "Please give a score for “评分中”."  # a name stays
        assert translate("请输入数字。") == "Please enter a number."  # a plain text is looked up
        assert translate(None) is None and translate("") == ""


def test_joined_messages_are_translated_part_by_part(app):
    reasons = [N_("公示期至 %(end)s（北京时间）才结束", end="2026-12-08 10:00"), N_("还有 %(n)s 条异议未答复", n=1)]
    message = N_("暂不能确定结果：%(reasons)s。", reasons=joined(N_("；"), reasons))
    assert message == "暂不能确定结果：公示期至 2026-12-08 10:00（北京时间）才结束；还有 1 条异议未答复。"
    with in_english(app):
        assert translate(message) == ("The results cannot be finalized yet: the public notice runs until 2026-12-08 10:00 "
                                      "(Beijing time); objections still awaiting a reply: 1.")


def test_a_translation_whose_placeholders_do_not_match_shows_the_chinese(app, monkeypatch):
    import flask_babel

    monkeypatch.setattr(flask_babel, "gettext", lambda text: "Broken %(other)s")
    with in_english(app):
        assert translate(N_("文件超过 %(n)s MB。", n=10)) == "文件超过 10 MB。"


def test_copies_pickles_and_the_session_keep_a_message():
    message = N_("“%(name)s”只有 %(n)s 个名额。", name="一等奖", n=1)
    both = joined(N_("；"), [message, "纯文本"])
    serializer = MessageSessionInterface.serializer
    for copied in (copy.deepcopy(message), pickle.loads(pickle.dumps(message)),
                   serializer.loads(serializer.dumps({"m": message}))["m"]):
        assert type(copied) is Message and copied == message and copied.msgid == message.msgid
        assert copied.params == message.params
    kept = serializer.loads(serializer.dumps({"errors": {"title": [both]}, "plain": "文字"}))
    assert type(kept["errors"]["title"][0]) is Joined and kept["errors"]["title"][0].parts == both.parts
    assert kept["plain"] == "文字" and type(kept["plain"]) is str


def test_templates_print_a_message_in_the_readers_language(app):
    message = N_("最多上传 %(n)s 个附件。", n=10)
    with in_english(app):
        assert render_template_string("{{ m }}|{{ m|translate }}|{{ '<b>'|translate }}", m=message) == (
            "You can upload at most 10 attachments.|You can upload at most 10 attachments.|&lt;b&gt;")
    with in_language(app, "zh_CN"):
        assert render_template_string("{{ m }}", m=message) == "最多上传 10 个附件。"


def _keywords() -> dict:
    """Babel's default keywords and those babel.cfg adds (the Makefile's `make messages` uses both)."""
    keywords = dict(DEFAULT_KEYWORDS)
    for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("keywords"):
            keywords.update({name: None for name in line.split("=", 1)[1].split()})
    return keywords


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def marked_in_portal():
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "portal"), [("**.py", "python")], keywords=_keywords()):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"portal/{filename}:{lineno}")
    return found


def test_every_message_marked_in_the_portal_has_an_english_translation(marked_in_portal, catalogue):
    assert len(marked_in_portal) > 300
    missing = [f"{where}: {msgid}" for msgid, where in sorted(marked_in_portal.items(), key=lambda item: item[1])
               if not (catalogue.get(msgid) and catalogue.get(msgid).string)]
    assert not missing, "no English translation (run `make messages`, fill the msgstr, `make translations`):\n" + \
        "\n".join(missing)


def test_no_translation_is_empty_or_loses_a_placeholder(catalogue):
    empty = [message.id for message in catalogue if message.id and not message.string]
    assert not empty, empty
    unknown = [message.id for message in catalogue if message.id and isinstance(message.id, str)
               and not set(PLACEHOLDER.findall(message.string)) <= set(PLACEHOLDER.findall(message.id))]
    assert not unknown, f"placeholders the Chinese does not have: {unknown}"
