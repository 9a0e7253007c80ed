"""What every mail the suite sends must hold (tests/conftest.py, fixture mail_links_open_a_page):
each link in it is absolute, starts with PORTAL_URL, and names a route of the portal — a mail client
cannot open ``/applications/12``."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

ABSOLUTE = re.compile(r"https?://\S+")
# A path standing alone (after a space, a line start or a Chinese colon) is a relative link.
RELATIVE = re.compile(r"(?:^|[\s：:（(])(/[A-Za-z][\w\-./]*(?:\?\S*)?)", re.MULTILINE)


def link_problems(app, message: dict) -> list[str]:
    """What is wrong with the links of one sent message (an empty list when nothing is)."""
    base = app.config["PORTAL_URL"].rstrip("/")
    where = f"mail {message['subject']!r} to {', '.join(message['to'])}"
    text = message["body"]
    problems = [f"{where}: relative link {path!r}" for path in RELATIVE.findall(ABSOLUTE.sub(" ", text))]
    for url in ABSOLUTE.findall(text):
        if not url.startswith(base + "/"):
            problems.append(f"{where}: {url!r} does not start with PORTAL_URL {base!r}")
            continue
        parts = urlsplit(url)
        prefix = urlsplit(base).path
        adapter = app.url_map.bind(parts.netloc, script_name=prefix or "/", url_scheme=parts.scheme)
        try:
            adapter.match(parts.path[len(prefix):], method="GET", query_args=parts.query)
        except RequestRedirect as redirect:
            problems.append(f"{where}: {url!r} is not the route's own address (redirects to {redirect.new_url})")
        except HTTPException as exc:
            problems.append(f"{where}: {url!r} matches no GET route ({exc.code})")
    return problems
