"""Messages marked for translation that need no request to be made, and are translated where shown.

    raise DomainError(N_("还有 %(n)s 份申报待资格审查，请审查完毕后再开始评审。", n=pending))

N_ returns a Message: a str whose value is the Chinese text with the values filled in — what str(),
logs, audit summaries and tests see — and which remembers its msgid and parameters, so that the page
shows translate(message), i.e. gettext(msgid) % params, in the reader's language. A parameter that is
a Message itself (a state's label, a field's name) is translated with it; every other value is kept
as its text (names, numbers formatted by the caller). `joined(N_("；"), parts)` joins messages so
that each part and the separator are translated on their own. Anything built from a Message with
str operations (+, f-strings, .join) is a plain str again, and stays Chinese.

Where messages are shown: form_errors (fields and flashes), the |translate filter, and every
`{{ value }}` of a template (the Jinja environment's finalize translates a Message it prints);
MessageSessionInterface keeps a Message a Message in the session (a flash, errors kept for the
next page). Audit summaries and e-mails are Chinese on purpose: they are not marked.
"""
from __future__ import annotations

from typing import Iterable

from flask.json.tag import JSONTag, TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface


class Message(str):
    """A marked message: its value is the Chinese text, with its parameters filled in."""

    msgid: str
    params: dict | None

    def __new__(cls, msgid: str, params: dict | None = None):
        kept = {key: value if isinstance(value, Message) else str(value) for key, value in params.items()} \
            if params else None
        self = super().__new__(cls, msgid % kept if kept else msgid)
        self.msgid = str(msgid)
        self.params = kept
        return self

    def __reduce__(self):
        return (Message, (self.msgid, self.params))

    def translated(self) -> str:
        """The text in the request's language (Chinese outside a request, or without a translation)."""
        from flask_babel import gettext

        text = gettext(self.msgid)
        if not self.params:
            return text
        try:
            return text % {key: _shown(value) for key, value in self.params.items()}
        except (KeyError, TypeError, ValueError):  # a translation whose placeholders do not match
            return str(self)


class Joined(Message):
    """Messages joined with a (marked) separator; each part and the separator translated on its own."""

    parts: tuple

    def __new__(cls, separator: str, parts: Iterable[str]):
        parts = tuple(parts)
        self = str.__new__(cls, str(separator).join(parts))
        self.msgid = str(separator)
        self.params = None
        self.parts = parts
        return self

    def __reduce__(self):
        return (Joined, (self.msgid, self.parts))

    def translated(self) -> str:
        from flask_babel import gettext

        return gettext(self.msgid).join(_shown(part) for part in self.parts)


def N_(text: str, **params) -> Message:
    """Mark a message for extraction by pybabel (babel.cfg), with the values its placeholders take:
    N_("……%(n)s……", n=3). Translated where it is shown, with translate()."""
    return Message(text, params or None)


def joined(separator: str, parts: Iterable[str]) -> Joined:
    """Parts (Messages, or plain texts kept as they are) joined with a separator marked with N_."""
    return Joined(separator, parts)


def translate(value):
    """A value as the reader should see it: a Message in the request's language; any other text
    looked up in the catalogue (a label held in a variable); an empty value unchanged."""
    if isinstance(value, Message):
        return value.translated()
    if not value:
        return value
    from flask_babel import gettext

    return gettext(str(value))


def _shown(value) -> str:
    """A parameter or part: a Message translated, any other text as it is (a name, a number)."""
    return value.translated() if isinstance(value, Message) else str(value)


def finalize(value):
    """Jinja's finalize: a Message printed by {{ … }} shows in the reader's language."""
    return value.translated() if isinstance(value, Message) else value


class _TagMessage(JSONTag):
    """A Message in the session stays a Message (its msgid and parameters), to be shown translated."""

    __slots__ = ()
    key = " yc.m"

    def check(self, value) -> bool:
        return isinstance(value, Message)

    def to_json(self, value):
        if isinstance(value, Joined):
            return ["joined", value.msgid, [self.serializer.tag(part) for part in value.parts]]
        return ["message", value.msgid, self.serializer.tag(value.params)]

    def to_python(self, value):
        kind, msgid, rest = value
        return Joined(msgid, rest) if kind == "joined" else Message(msgid, rest)


class MessageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose serializer keeps Messages (flashes, errors for the next page)."""

    serializer = TaggedJSONSerializer()
    serializer.register(_TagMessage, index=0)
