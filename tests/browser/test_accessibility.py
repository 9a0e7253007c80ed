"""axe-core (bundled by axe-playwright-python, nothing fetched) on the busiest pages: the round's
ranking on a phone and a judge's score sheet on a desktop show no serious or critical violation —
scrollable regions (wide tables, the sticky sheet) are reachable by keyboard."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from ..factories import PASSWORD
from ..judging.test_results_views import scored_round
from .conftest import DESKTOP, PHONE, shot
from .test_application_path import log_in
from .test_score_sheet import build_world

pytestmark = pytest.mark.browser


# Every region that scrolls can be reached by keyboard: focusable itself or holding something focusable.
UNREACHABLE_SCROLLERS = """[...document.querySelectorAll('.table-responsive, .score-sheet')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
  .filter(e => e.tabIndex < 0 && !e.querySelector('a[href], button, input, select, textarea, [tabindex]'))
  .length"""


def serious_violations(page) -> list[str]:
    response = Axe().run(page).response
    return [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
            for v in response["violations"] if v["impact"] in ("serious", "critical")]


def test_the_ranking_on_a_phone_has_no_serious_violation(live_app, live_server, page_factory):
    with live_app.app_context():
        data = scored_round([[(9, 8), (7, 6), (8, 8)], [(6, 5), (7, 7), (5, 6)], [(8, 9), (9, 9), (7, 8)]])
        email, round_id = data.committee.email, data.round.id
    page = page_factory(PHONE)
    log_in(page, live_server.url, email, PASSWORD)
    page.goto(f"{live_server.url}/judging/rounds/{round_id}/results")
    page.wait_for_selector("table")
    shot(page, "axe-ranking-phone")
    assert page.evaluate("[...document.querySelectorAll('.table-responsive')].some(e => e.scrollWidth > e.clientWidth)")
    assert page.evaluate(UNREACHABLE_SCROLLERS) == 0
    assert serious_violations(page) == []
    assert page.evaluate("document.querySelectorAll('.table-responsive[tabindex=\"0\"][aria-label]').length") >= 1


def test_a_judges_score_sheet_on_a_desktop_has_no_serious_violation(live_app, live_server, page_factory):
    with live_app.app_context():
        round_id, (first, _) = build_world()
    page = page_factory({**DESKTOP, "height": 600})  # a laptop: the sticky sheet scrolls on its own
    log_in(page, live_server.url, "judge@example.cn", PASSWORD)
    page.goto(f"{live_server.url}/judging/review/rounds/{round_id}/applications/{first}")
    page.wait_for_selector("form")
    shot(page, "axe-score-sheet-desktop")
    assert page.evaluate("(e => e.scrollHeight > e.clientHeight)(document.querySelector('.score-sheet'))")
    assert page.evaluate(UNREACHABLE_SCROLLERS) == 0
    assert serious_violations(page) == []
