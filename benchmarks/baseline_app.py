"""The baselines `make bench` compares the portal with, served by gunicorn like the portal.

    /hello   a Flask route returning a string (the cost of Flask + gunicorn alone)
    /calls   a bare Flask route that reads 20 published calls (the same `calls` table the portal uses,
             joined to the committee's name, ordered and limited like the public list) with
             SQLAlchemy and renders them through one small Jinja template

Run: gunicorn --pythonpath benchmarks 'baseline_app:create_app()' with DATABASE_URL set.
"""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask

PAGE_SIZE = 20

TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>项目征集</title></head>
<body><main><h1>项目征集</h1>
<table>
<thead><tr><th>编号</th><th>名称</th><th>主办方</th><th>资助额度</th><th>截止时间</th></tr></thead>
<tbody>
{% for call in calls %}
<tr><td>{{ call.code }}</td><td><a href="/calls/{{ call.id }}">{{ call.title }}</a></td><td>{{ call.committee }}</td>
<td>¥{{ "{:,.2f}".format(call.funding_min) }} – ¥{{ "{:,.2f}".format(call.funding_max) }}</td><td>{{ call.closes_at }}</td></tr>
{% endfor %}
</tbody></table></main></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(os.environ["DATABASE_URL"])
    metadata = sa.MetaData()
    calls = sa.Table("calls", metadata, autoload_with=engine)
    organizations = sa.Table("organizations", metadata, autoload_with=engine)
    query = (
        sa.select(
            calls.c.id,
            calls.c.code,
            calls.c.title,
            calls.c.funding_min,
            calls.c.funding_max,
            calls.c.closes_at,
            organizations.c.name.label("committee"),
        )
        .join(organizations, organizations.c.id == calls.c.committee_id)
        .where(calls.c.status == "PUBLISHED")
        .order_by(calls.c.closes_at, calls.c.id)
        .limit(PAGE_SIZE)
    )

    template = app.jinja_env.from_string(TEMPLATE)  # compiled once, as render_template caches it

    @app.route("/hello")
    def hello():
        return "你好，益创"

    @app.route("/calls")
    def call_list():
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        if not rows:  # a benchmark of an empty page would measure nothing
            return "no published calls", 500
        return template.render(calls=rows)

    return app
