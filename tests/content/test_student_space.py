"""The data of a student's space ("Góc học tập"): their SCORM lessons and the videos to
continue, each only the student's own and only items they may still see."""

from __future__ import annotations

from datetime import timedelta

from kholieu.accounts.models import User
from kholieu.content.models import ContentFile, ContentItem, ScormAttempt, Status
from kholieu.content.packages.scorm import lessons_of
from kholieu.db.base import utcnow
from kholieu.video import positions
from kholieu.video.models import PlaybackPosition
from tests.support.content import new_item

HLS = {"duration": 100.0, "renditions": [{"name": "240p", "height": 240, "kbps": 400}],
       "master": "master.m3u8", "poster": "poster.jpg", "sprite": "sprite.jpg",
       "thumbnails": "thumbnails.vtt"}  # fmt: skip


def published(services, title: str, kind: str = "lecture") -> int:
    item_id = new_item(services, kind=kind, body="Nội dung")  # a lecture is never blank
    with services.sessions.begin() as session:
        session.get(ContentItem, item_id).title = title
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")
    return item_id


def test_a_students_lessons_newest_first_their_own_and_still_published(services, make_user):
    lan, minh = make_user("student"), make_user("student")
    first, second, gone = (published(services, t) for t in ("Phân số", "Hình học", "Cũ"))
    now = utcnow()
    with services.sessions.begin() as session:
        session.add_all([
            ScormAttempt(item_id=first, user_id=lan.id, version="1.2", completion="completed",
                         success="passed", score=85, score_max=100,
                         updated_at=now - timedelta(days=2)),
            ScormAttempt(item_id=second, user_id=lan.id, version="2004", completion="incomplete",
                         updated_at=now - timedelta(days=1)),
            ScormAttempt(item_id=gone, user_id=lan.id, version="1.2", completion="completed",
                         updated_at=now),
            ScormAttempt(item_id=first, user_id=minh.id, version="1.2", completion="incomplete",
                         updated_at=now),
        ])  # fmt: skip
        session.get(ContentItem, gone).status = Status.archived  # withdrawn since
    with services.sessions.begin() as session:
        mine = lessons_of(session, session.get(User, lan.id), limit=10)
        assert [(x.title, x.completion, x.success, x.score) for x in mine] == [
            ("Hình học", "incomplete", None, None),
            ("Phân số", "completed", "passed", 85.0),
        ]
        assert len(lessons_of(session, session.get(User, lan.id), limit=1)) == 1
        theirs = lessons_of(session, session.get(User, minh.id), limit=10)
        assert [(x.item_id, x.completion) for x in theirs] == [(first, "incomplete")]


def test_continue_watching_leaves_out_finished_and_withdrawn_videos(services, make_user):
    lan, minh = make_user("student"), make_user("student")
    titles = ("Dao động", "Sóng", "Đã xem hết", "Đã gỡ", "Của bạn khác")
    half, started, watched, gone, other = (published(services, t, "video") for t in titles)
    now = utcnow()
    with services.sessions.begin() as session:
        for n, item_id in enumerate((half, started, watched, gone, other)):
            session.add(ContentFile(item_id=item_id, sha256=f"{n:064d}", size=1, mime="video/mp4",
                                    filename="v.mp4", hls=HLS))  # fmt: skip
        rows = [(half, lan, 50.0, 3), (started, lan, 12.3, 1), (watched, lan, 95.0, 0),
                (gone, lan, 10.0, 0), (other, minh, 40.0, 0)]  # fmt: skip
        for item_id, user, seconds, days in rows:
            session.add(PlaybackPosition(item_id=item_id, user_id=user.id, seconds=seconds,
                                         updated_at=now - timedelta(days=days)))  # fmt: skip
        session.get(ContentItem, gone).status = Status.draft
    with services.sessions.begin() as session:
        mine = positions.recent(session, session.get(User, lan.id), limit=10)
        assert [(x.title, x.seconds, x.duration, x.percent) for x in mine] == [
            ("Sóng", 12.3, 100.0, 12),
            ("Dao động", 50.0, 100.0, 50),
        ]
        assert [x.title for x in positions.recent(session, session.get(User, lan.id), 1)] == [
            "Sóng"
        ]
        theirs = positions.recent(session, session.get(User, minh.id), limit=10)
        assert [x.item_id for x in theirs] == [other]


def test_opened_items_are_noted_once_a_minute_and_listed_while_visible(services, client, make_user):
    from kholieu.content.models import ContentView
    from kholieu.content.views import recent_items
    from tests.support.web import sign_in

    lan, minh = make_user("student"), make_user("student")
    first, second = published(services, "Phân số"), published(services, "Hình học")
    sign_in(client, lan)
    for item_id in (first, first, second):  # a reload within a minute: no second write
        assert client.get(f"/content/{item_id}").status_code == 200
    with services.sessions.begin() as session:
        view = session.query(ContentView).filter_by(user_id=lan.id, item_id=first).one()
        assert view.count == 1
        view.last_opened = utcnow() - timedelta(minutes=2)  # an earlier visit
    assert client.get(f"/content/{first}").status_code == 200
    client.cookies.clear()
    assert client.get(f"/content/{second}").status_code == 200  # a visitor: nothing noted
    with services.sessions.begin() as session:
        rows = session.query(ContentView).filter_by(user_id=lan.id).all()
        assert sorted((r.item_id, r.count) for r in rows) == [(first, 2), (second, 1)]
        assert session.query(ContentView).count() == 2
        mine = recent_items(session, session.get(User, lan.id), limit=10)
        assert [(x.title, x.count) for x in mine] == [("Phân số", 2), ("Hình học", 1)]
        assert recent_items(session, session.get(User, minh.id), limit=10) == []
        session.get(ContentItem, first).status = Status.archived  # withdrawn since
    with services.sessions.begin() as session:
        assert [x.title for x in recent_items(session, session.get(User, lan.id))] == ["Hình học"]
