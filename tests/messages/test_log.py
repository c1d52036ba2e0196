"""The message log of an event: what was sent (or is scheduled), when, to which audience and how many, and per message
who got what and whether it reached them. Only the event's hosts see it."""

from datetime import datetime

import pytz

from eventreg.messages import operations

NEW_YORK = pytz.timezone("America/New_York")


def test_the_log_lists_scheduled_then_sent_not_sent_and_cancelled(
    app, client, hosted, host, register, clock, db_session, deliver_and_clear, text_of
):
    register(hosted, name="Ana Lima")
    register(hosted, name="refused Reader", email="refused@library.example.org")
    fields = {"reply_to": host.email, "zone": "America/New_York", "form_key": None}
    now = clock.now()
    sent = operations.send_now(
        hosted, author=host, audience="confirmed", subject="Slides", body="Hi {first_name}", now=now,
        reply_to=host.email, form_key=None,
    )  # fmt: skip
    tomorrow = NEW_YORK.localize(datetime(2025, 1, 16, 9)).astimezone(pytz.utc)  # noqa: DTZ001
    scheduled = operations.schedule(
        hosted, author=host, audience="waiting", subject="Still waiting", body="Hello", send_at=tomorrow, now=now,
        **fields,
    )  # fmt: skip
    cancelled = operations.schedule(
        hosted, author=host, audience="confirmed", subject="Never mind", body="Hello", send_at=tomorrow, now=now,
        **fields,
    )  # fmt: skip
    operations.cancel_scheduled(cancelled, now=now)
    deliver_and_clear()  # the refused address fails for good at the server
    clock.set(tomorrow)
    app.test_cli_runner().invoke(args=["send-reminders"])  # nobody is waiting: not sent, and why

    page = client.get(f"/host/events/{hosted.id}/messages")
    assert page.status_code == 200
    text = text_of(page)
    assert "No message is waiting to go." in text
    log = text.split("Sent, not sent and cancelled")[1]
    assert log.index("Still waiting") < log.index("Never mind") < log.index("Slides")  # the latest first
    assert "Waiting list 0 people Still waiting Not sent Nobody was in “Waiting list” when it was due." in log
    assert "Everyone confirmed Never mind Cancelled" in log
    assert "15 January 2025, 12:00 PM EST Everyone confirmed 2 people Slides Sent" in log

    detail = text_of(client.get(f"/host/events/{hosted.id}/messages/{sent.id}"))
    assert "Status Sent" in detail
    assert "To “Everyone confirmed”: 2 people" in detail
    assert "As written The merge fields ({first_name}, {event_title}, {event_time}, {manage_link})" in detail
    assert "Hi {first_name}" in detail
    assert "Who got it 1 delivered, 1 could not be delivered." in detail
    assert "Ana Lima reader1@library.example.org Slides — Open data for needs assessments Delivered" in detail
    assert "refused Reader refused@library.example.org Slides — Open data for needs assessments Could not be" in detail
    assert scheduled.id != sent.id


def test_a_scheduled_message_is_listed_with_its_actions_until_it_goes(
    client, hosted, host, register, clock, db_session, text_of
):
    register(hosted)
    tomorrow = NEW_YORK.localize(datetime(2025, 1, 16, 9)).astimezone(pytz.utc)  # noqa: DTZ001
    message = operations.schedule(
        hosted, author=host, audience="confirmed", subject="Tomorrow", body="Hello", send_at=tomorrow,
        zone="Europe/Berlin", reply_to=None, form_key=None, now=clock.now(),
    )  # fmt: skip
    db_session.commit()
    text = text_of(client.get(f"/host/events/{hosted.id}/messages"))
    assert "16 January 2025, 3:00 PM CET Everyone confirmed Tomorrow Scheduled Change · Cancel…" in text
    detail = text_of(client.get(f"/host/events/{hosted.id}/messages/{message.id}"))
    assert "Goes Thursday 16 January 2025, 3:00 PM Central European Standard Time, Europe [UTC +1]" in detail
    assert "The event’s time: Thursday 16 January 2025, 9:00 AM Eastern Standard Time" in detail
    assert "To “Everyone confirmed”, as they are when it goes" in detail
    assert "Change it" in detail
    assert "Who got it" not in detail


def test_only_the_events_hosts_see_its_messages(client, hosted, host, make_host, make_event, login, db_session, clock):
    message = operations.schedule(
        hosted, author=host, audience="confirmed", subject="Tomorrow", body="Hello",
        send_at=clock.now().replace(year=2026), zone="UTC", reply_to=None, form_key=None, now=clock.now(),
    )  # fmt: skip
    other_event = make_event(title="Another")
    db_session.commit()
    base = f"/host/events/{hosted.id}/messages"
    assert client.get(f"/host/events/{other_event.id}/messages/{message.id}").status_code == 404  # not its event
    assert client.get(f"{base}/99999999999").status_code == 404
    assert client.get(f"{base}?page=3").status_code == 404
    login(make_host("other@library.example.org"))
    for path in (
        base,
        f"{base}/new",
        f"{base}/{message.id}",
        f"{base}/{message.id}/edit",
        f"{base}/{message.id}/cancel",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"{base}/{message.id}/cancel").status_code == 404
    assert client.post(f"{base}/new", data={"subject": "x"}).status_code == 404
