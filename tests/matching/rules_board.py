"""Access rules of the venue board (portal/matching/board_views.py) and the public page of a settled
session (portal/public/session_views.py). The board of an open session is public (it is projected in
the room); a draft session's board is the committee's only (tests/matching/test_board.py)."""
from __future__ import annotations

from ..access_common import EVERYONE, Rule

BOARD_RULES = {
    "matching.board_page": Rule(EVERYONE, params={"session_id": "matching_session"}),
    "matching.board_state": Rule(EVERYONE, params={"session_id": "matching_session"}),
    "public.sessions": Rule(EVERYONE),
    "public.session_results": Rule(EVERYONE, params={"session_id": "settled_session"}),
}
