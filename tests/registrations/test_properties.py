"""Arbitrary text in every field: a clear answer (registered, or a form error), never a 500, never half-stored."""

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventreg.mail.models import OutboxMessage
from eventreg.registrations.models import Registration

FIELDS = [
    "name",
    "email",
    "organization",
    "job_role",
    "accessibility",
    "accessibility_details",
    "timezone",
    "form_key",
    "website",
    "wants_recording",
]

any_text = st.text(st.characters(codec="utf-8"), max_size=300)
emails = st.emails().map(lambda e: e[:254])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, any_text)), email=st.one_of(any_text, emails))
def test_arbitrary_form_input_never_breaks_registration(client, make_event, db_session, data, email):
    event = make_event(title="Property event")  # a fresh event each example: no earlier registration interferes
    before = db_session.scalar(sa.select(sa.func.count()).select_from(Registration))
    response = client.post(f"/events/{event.slug}/register", data={**data, "email": email})
    assert response.status_code in (200, 400), response.status_code
    after = db_session.scalar(sa.select(sa.func.count()).select_from(Registration))
    if response.status_code == 200:  # "Check your email": registered, and mailed its link
        assert after == before + 1
        registration = db_session.scalars(sa.select(Registration).order_by(Registration.id.desc())).first()
        messages = db_session.scalars(sa.select(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
        assert len(list(messages)) == 1
        assert "Check your email" in response.get_data(as_text=True)
    else:
        assert after == before
