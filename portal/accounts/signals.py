"""What accounts announces to the floors above it, which it may not import (they subscribe).

Blinker signals, as Flask's own. A receiver runs inside the sender's transaction, before the sender
commits: it changes rows and leaves the commit (or the rollback) to the sender.

- account_ready(user): an account now answers to its email address for what was sent there before
  it existed — sent when the account is registered or created by accepting an invitation, and when
  an existing account accepts a judge invitation. judging binds the judge invitations of calls
  (CallJudge rows) waiting for that address.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_ready = _signals.signal("account-ready")
