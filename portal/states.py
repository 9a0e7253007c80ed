"""Lifecycles as enums with an explicit table of allowed transitions.

    class CallStatus(StateEnum):
        DRAFT = "draft"
        PUBLISHED = "published"

    CallStatus.define(labels={...}, transitions={CallStatus.DRAFT: {CallStatus.PUBLISHED}})
"""
from __future__ import annotations

import enum

from .errors import InvalidTransition
from .i18n import N_

_LABELS: dict[type, dict] = {}
_TRANSITIONS: dict[type, dict] = {}


class StateEnum(enum.Enum):
    @classmethod
    def define(cls, labels: dict, transitions: dict) -> None:
        missing = set(cls) - set(labels)
        if missing:
            raise TypeError(f"{cls.__name__}: no label for {missing}")
        _LABELS[cls] = labels
        _TRANSITIONS[cls] = {state: frozenset(nexts) for state, nexts in transitions.items()}

    @classmethod
    def transitions(cls) -> dict:
        return _TRANSITIONS[cls]

    @property
    def label(self) -> str:
        return _LABELS[type(self)][self]

    def can_become(self, target: "StateEnum") -> bool:
        return target in _TRANSITIONS[type(self)].get(self, frozenset())

    def check_transition(self, target: "StateEnum") -> None:
        if not self.can_become(target):
            raise InvalidTransition(N_("不能从“%(current)s”变为“%(target)s”。", current=self.label, target=target.label))
