"""Take the README's screenshots: demo data in a throwaway database, pages in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py   # writes docs/*.png
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    # (file, path, viewport, account or None)
    ("screenshot-home.png", "/", (1280, 900), None),
    ("screenshot-calls.png", "/calls/", (1280, 900), None),
    ("screenshot-calls-phone.png", "/calls/", (390, 844), None),
    ("screenshot-my-applications.png", "/applications/", (1280, 900), "ngo@demo.yichuang.cn"),
    ("screenshot-screening.png", "/committee/screening", (1280, 900), "committee@demo.yichuang.cn"),
    # Judging: {ids} are looked up in the demo data (see demo_ids).
    ("screenshot-ranking.png", "/judging/rounds/{autumn_round}/results", (1280, 900), "committee@demo.yichuang.cn"),
    ("screenshot-score-sheet-phone.png", "/judging/review/rounds/{autumn_round}/applications/{judge_app}", (390, 844),
     "judge@demo.yichuang.cn"),
    ("screenshot-public-notice.png", "/calls/{spring}/results", (1280, 900), None),
    ("screenshot-awards.png", "/judging/calls/{spring}/awards", (1280, 900), "committee@demo.yichuang.cn"),
]


def demo_ids() -> dict:
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.calls.models import Call
    from portal.extensions import db
    from portal.judging.models import Assignment

    calls = {call.code: call for call in db.session.scalars(sa.select(Call))}
    autumn_round = calls["PHWX26"].rounds[0].id
    judge = db.session.scalar(sa.select(User).where(User.email == "judge@demo.yichuang.cn"))
    judge_app = db.session.scalar(sa.select(Assignment.application_id).where(
        Assignment.judge_id == judge.id, Assignment.round_id == autumn_round).order_by(Assignment.application_id))
    return {"autumn_round": autumn_round, "judge_app": judge_app, "spring": calls["PHCJ26"].id}


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="yichuang-shots-"))
    os.environ["INSTANCE_PATH"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.db'}"
    from playwright.sync_api import sync_playwright

    from portal.app import create_app
    from portal.demo import load_demo
    from portal.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        load_demo(reset=True)
        ids = demo_ids()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )
            for filename, path, (width, height), account in PAGES:
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                page = context.new_page()
                if account:
                    page.goto(base + "/login")
                    page.fill("input[name=email]", account)
                    page.fill("input[name=password]", "demo1234")
                    page.click("form button[type=submit]")
                page.goto(base + path.format(**ids))
                page.screenshot(path=str(out / filename), full_page=False)
                print("wrote", out / filename)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
