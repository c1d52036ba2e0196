"""Input no page can hold is refused once, for every route, with the site's error page and nothing stored."""

import pytest
import sqlalchemy as sa

from eventreg.registrations.models import Registration

NUL_GETS = [
    "/events/%00", "/events/%00.ics", "/events/%00/register", "/topics/%00", "/topics/%00/calendar.ics",
    "/feeds/%00.ics", "/?q=%00", "/?topic=%00", "/on-demand?q=a%00b", "/?tz=Europe/Berlin%00", "/r/%00",
]  # fmt: skip


@pytest.mark.parametrize("url", NUL_GETS)
def test_nul_in_path_or_query_is_a_400_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "We could not understand that request." in response.get_data(as_text=True)


def test_nul_in_a_form_field_is_a_400_and_nothing_is_stored(client, make_event, db_session):
    event = make_event()
    data = {"name": "Ana", "email": "ana@library.example.org", "organization": "Library", "form_key": "k\x00"}
    response = client.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 400
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert client.post("/host/login", data={"email": "a\x00@library.example.org", "password": "x"}).status_code == 400


@pytest.mark.parametrize("event_id", ["2147483648", "9223372036854775808", "99999999999999999999999", "-1"])
def test_ids_past_the_database_range_are_a_404_before_any_access_check(client, make_host, login, event_id):
    login(make_host())
    assert client.get(f"/host/events/{event_id}/attendees").status_code == 404
    assert client.get(f"/host/events/{event_id}/edit").status_code == 404
