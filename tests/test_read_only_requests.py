"""GET, HEAD and OPTIONS requests only read (on PostgreSQL they run in autocommit): a write in one is refused
loudly, through the ORM's unit of work or a DML statement alike, while a POST may write."""

import pytest
import sqlalchemy as sa

from eventreg import create_app
from eventreg.core.database import WriteInReadOnlyRequest
from eventreg.core.extensions import db
from eventreg.events.models import Event


@pytest.fixture
def writer(app, make_event, db_session):
    """An app of our own with routes that rename the event: by flush or by an UPDATE, on GET and POST."""
    event_id = make_event(title="Original").id
    db_session.commit()
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "CLOCK", "SECRET_KEY", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED")
    other = create_app({key: app.config[key] for key in keys})

    def by_flush():
        db.session.get(Event, event_id).title = "Renamed by flush"
        db.session.commit()
        return "saved"

    def by_update():
        db.session.execute(sa.update(Event).where(Event.id == event_id).values(title="Renamed by update"))
        db.session.commit()
        return "saved"

    for name, view in (("flush", by_flush), ("update", by_update)):
        other.add_url_rule(f"/test/{name}", f"{name}-get", view, methods=["GET"])
        other.add_url_rule(f"/test/{name}", f"{name}-post", view, methods=["POST"])
    yield other.test_client(), event_id
    with other.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("how", ["flush", "update"])
def test_a_get_that_writes_is_refused_and_changes_nothing(writer, db_session, how):
    client, event_id = writer
    with pytest.raises(WriteInReadOnlyRequest):
        client.get(f"/test/{how}")
    db_session.expire_all()
    assert db_session.get(Event, event_id).title == "Original"


@pytest.mark.parametrize("how", ["flush", "update"])
def test_a_post_may_write(writer, db_session, how):
    client, event_id = writer
    assert client.post(f"/test/{how}").get_data(as_text=True) == "saved"
    db_session.expire_all()
    assert db_session.get(Event, event_id).title == f"Renamed by {how}"
