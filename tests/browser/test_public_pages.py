"""The public pages in a real browser, at desktop and phone width."""
from __future__ import annotations

import pytest

from .conftest import DESKTOP, PHONE, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport,label", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_home_and_call_list_render_without_errors(live_server, page_factory, viewport, label):
    page = page_factory(viewport)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path, name in (("/", "home"), ("/calls/", "calls")):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert page.locator("h1").count() == 1
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at {viewport['width']} px"
        shot(page, f"public-{name}-{label}")
    assert errors == [], f"console errors (CSP violations included): {errors}"
