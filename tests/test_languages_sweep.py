"""Whole pages, header, menus and footer included, in Spanish and French: the area tests (tests/*/test_languages.py)
look at their own part of a page; this walks the pages a host and a registrant move through end to end and finds
no English outside what people typed."""

import pytest

from eventreg.core.languages import LANGUAGES

TITLE, SUMMARY = "Open data for community needs", "A webinar for library staff."
CONTENT = (TITLE, SUMMARY, "Ana Lima", "ana@library.example.org", "Springfield Public Library",
           "host@library.example.org", "Data & technology", "Data &amp; technology", "Google Calendar",
           "New York", "New Salem")  # CLDR's names for those places in Spanish and French too  # fmt: skip


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_whole_pages_for_hosts_and_visitors_leave_no_english(app, client, make_event, make_topic, make_host, login,
                                                             register, db_session, english_left, language):  # fmt: skip
    host = make_host(admin=True)
    event = make_event(title=TITLE, summary=SUMMARY, capacity=20, topics=[make_topic()])
    registration = register(event, name="Ana Lima", email="ana@library.example.org")
    db_session.commit()
    headers = {"Accept-Language": language}
    visitor = ["/", "/events/on-demand", "/month", f"/events/{event.slug}", f"/events/{event.slug}/register",
               "/topics/data-technology", "/events?q=community", "/transcripts", "/no-such-page"]  # fmt: skip
    for path in visitor:
        response = client.get(path, headers=headers)
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}"' in page, path
        assert english_left(page, *CONTENT) == [], path
    login(host)
    hosting = ["/host/", f"/host/events/{event.id}/attendees", f"/host/events/{event.id}/edit", "/host/events/new",
               "/host/password", "/host/reports", f"/host/events/{event.id}/messages",
               f"/host/events/{event.id}/questions",
               f"/host/events/{event.id}/attendance/import", f"/host/events/{event.id}/attendance/credit",
               "/host/webhooks/", "/host/webhooks/new", "/host/api-tokens/", "/host/series/new", "/host/integrations",
               "/host/ce-report", "/host/certificate-settings", f"/host/events/{event.id}/certificates"]  # fmt: skip
    for path in hosting:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}"' in page, path
        assert english_left(page, *CONTENT, registration.name) == [], path
