from datetime import timedelta

import pytest


def test_dashboard_totals_count_only_the_hosts_events(
    client, make_host, make_event, login, register, db_session, clock, text_of
):
    host = login(make_host())
    now = clock.now()  # 15 January 2025
    upcoming = make_event(title="Upcoming", capacity=1)  # 30 January
    full_past = make_event(title="Passed", starts_at=now - timedelta(days=10))
    old = make_event(title="Long ago", starts_at=now - timedelta(days=200))
    draft_cancelled = make_event(title="Called off", status="cancelled")
    for event in (upcoming, full_past, old, draft_cancelled):
        event.hosts = [host]
    make_event(title="Someone else's")  # not counted
    register(upcoming), register(upcoming)  # one confirmed, one waiting
    came, missed, _ = (register(full_past, now=now - timedelta(days=20)) for _ in range(3))
    came.attended, missed.attended = True, False
    late = register(old, now=now - timedelta(days=201))
    late.attended = True
    db_session.commit()

    page = text_of(client.get("/host/"))
    assert "Upcoming events 1" in page
    assert "Registrations, last 7 days 2" in page  # the three for "Passed" were made 20 days ago
    assert "Waiting for a seat 1" in page
    assert "Attendance, last 90 days 33% 1 of 3 confirmed, 1 event" in page


def test_dashboard_without_recorded_attendance_says_so(client, make_host, login, db_session, text_of):
    login(make_host())
    db_session.commit()
    html = client.get("/host/").get_data(as_text=True)
    assert "Not recorded yet" in text_of(client.get("/host/"))
    assert '<td class="nowrap">' not in html  # no events, no rows


def test_every_host_tool_is_two_clicks_away_through_reports_and_integrations(client, make_host, login, db_session):
    login(make_host())
    nav = client.get("/host/").get_data(as_text=True)
    for path in ("/host/reports", "/host/integrations"):
        assert f'href="{path}"' in nav
    hubs = {path: client.get(path) for path in ("/host/reports", "/host/integrations")}
    assert all(page.headers["Cache-Control"] == "private, no-store" for page in hubs.values())
    reports, integrations = (page.get_data(as_text=True) for page in hubs.values())
    for path in ("/host/attendance.csv", "/host/ce-report"):
        assert f'href="{path}"' in reports
    for path in ("/host/embed", "/host/webhooks/", "/host/api-tokens/", "/api/v1/docs"):
        assert f'href="{path}"' in integrations
    assert 'aria-current="page"' in integrations  # the menu says where you are


@pytest.mark.parametrize("path", ["/host/reports", "/host/integrations"])
def test_the_hubs_need_a_sign_in(client, db_session, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/host/login" in response.headers["Location"]
