"""Public pages: the call list with filters and paging, the detail page, constant query counts."""
from __future__ import annotations

from datetime import timedelta

from portal.calls.models import CallStatus
from portal.extensions import db
from portal.types import utcnow

from ..factories import make_call, make_category


def text(response) -> str:
    return response.get_data(as_text=True)


def test_list_shows_open_calls_and_hides_drafts(client, app):
    make_call(title="助老服务创投")
    make_call(title="草稿里的征集", status=CallStatus.DRAFT)
    make_call(title="去年的大赛", status=CallStatus.CLOSED)
    db.session.commit()
    page = text(client.get("/calls/"))
    assert "助老服务创投" in page and "草稿里的征集" not in page and "去年的大赛" not in page
    page = text(client.get("/calls/?status=all"))
    assert "去年的大赛" in page and "草稿里的征集" not in page
    assert "去年的大赛" in text(client.get("/calls/?status=closed"))
    make_call(title="正在公示的大赛", status=CallStatus.NOTICE)
    make_call(title="评审中的大赛", status=CallStatus.JUDGING)
    db.session.commit()
    closed = text(client.get("/calls/?status=closed"))
    assert "正在公示的大赛" in closed and "评审中的大赛" in closed
    notice = text(client.get("/calls/?status=notice"))
    assert "正在公示的大赛" in notice and "评审中的大赛" not in notice and "去年的大赛" not in notice


def test_filters_search_and_paging(client, app):
    elderly, children = make_category("助老"), make_category("关爱儿童")
    make_call(title="银龄守护", categories=[elderly])
    make_call(title="四点半课堂", categories=[children], description="放学后的陪伴")
    for i in range(25):
        make_call(title=f"批量征集{i:02d}")
    db.session.commit()
    page = text(client.get(f"/calls/?category={elderly.id}"))
    assert "银龄守护" in page and "四点半课堂" not in page
    assert "四点半课堂" in text(client.get("/calls/?q=陪伴"))
    assert "共 27 个项目征集" in text(client.get("/calls/"))
    second = text(client.get("/calls/?page=2"))
    assert "2 / 2" in second
    assert client.get("/calls/?page=abc&category=x&status=zzz").status_code == 200


def test_detail_shows_rules_and_time_left(client, app):
    call = make_call(title="金平湖城市小管家", closes_at=utcnow() + timedelta(days=3, hours=5, minutes=1))
    db.session.commit()
    page = text(client.get(f"/calls/{call.id}"))
    assert "金平湖城市小管家" in page and "剩余 3 天 5 小时" in page
    assert "1.00 万元 – 10.00 万元" in page and "我要申报" in page
    draft = make_call(status=CallStatus.DRAFT)
    db.session.commit()
    assert client.get(f"/calls/{draft.id}").status_code == 404


def test_deadline_passes_and_the_call_closes(client, app):
    call = make_call(closes_at=utcnow() + timedelta(seconds=1), opens_at=utcnow() - timedelta(days=1))
    call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    page = text(client.get(f"/calls/{call.id}"))
    assert "已截止" in page and "我要申报" not in page
    assert call.status == CallStatus.CLOSED


def test_public_list_queries_do_not_grow(client, app, count_queries):
    def measure(n):
        category = make_category()
        for _ in range(n):
            make_call(categories=[category])
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/calls/?status=all").status_code == 200
        return counter.count

    assert measure(10) == measure(200)


def test_home_lists_open_calls(client, app):
    make_call(title="把爱装进饭盒里")
    db.session.commit()
    page = text(client.get("/"))
    assert "把爱装进饭盒里" in page and "查看项目征集" in page


def test_anonymous_list_is_cached_briefly_and_signed_in_users_bypass_it(client, app, count_queries, login_as):
    from portal import page_cache

    from ..factories import make_member
    from portal.accounts.models import OrgKind

    app.config["PUBLIC_CACHE_SECONDS"] = 30
    page_cache.clear_local()
    make_call(title="第一期征集")
    db.session.commit()
    assert "第一期征集" in text(client.get("/calls/"))
    make_call(title="第二期征集")
    db.session.commit()
    with count_queries() as counter:
        cached = text(client.get("/calls/"))
    assert counter.count == 0 and "第二期征集" not in cached  # served from the cache
    assert "第二期征集" in text(client.get("/calls/?status=all"))  # another URL, another entry
    login_as(make_member(OrgKind.NGO))
    assert "第二期征集" in text(client.get("/calls/"))  # signed in: always fresh
    page_cache.clear_local()


def test_english_is_available_and_chinese_is_the_default(client, app):
    make_call(title="把爱装进饭盒里")
    db.session.commit()
    chinese = text(client.get("/calls/"))
    assert 'lang="zh-CN"' in chinese and "项目征集" in chinese and "Project calls" not in chinese
    client.get("/language/en?next=/calls/")
    # The fixture's app context outlives requests, and Flask-Babel caches the locale on it.
    from flask_babel import refresh

    refresh()
    english = text(client.get("/calls/"))
    assert 'lang="en"' in english and "Project calls" in english and "Filter" in english
    assert "把爱装进饭盒里" in english  # content stays as entered


def test_absurd_numbers_in_the_query_string_are_ignored(client):
    huge = "9" * 40
    for query in (f"page={huge}", f"category={huge}", "page=-3&category=0", "page=１２&category=abc"):
        assert client.get(f"/calls/?status=all&{query}").status_code == 200, query
