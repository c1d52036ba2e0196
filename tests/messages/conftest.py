"""Fixtures for hosts' messages: an event hosted by a signed-in host, and the compose form as a browser posts it."""

import re

import pytest


@pytest.fixture
def host(make_host):
    return make_host("soren@library.example.org", timezone="Europe/Berlin")


@pytest.fixture
def hosted(hosted_event, host):
    """The 3-4 PM New York webinar of 30 January 2025 (make_event's), two seats, hosted by the signed-in host."""
    return hosted_event(host, capacity=2, title="Open data for needs assessments")


@pytest.fixture
def message_form():
    """compose(**changes): the compose form's fields as a browser posts them (send now, to everyone confirmed)."""

    def fields(**changes) -> dict:
        data = {
            "audience": "confirmed",
            "subject": "Slides",
            "body": "Hello {first_name},\n\nThe slides are attached.\n\nSøren",
            "reply_to": "soren@library.example.org",
            "when": "now",
            "send_zone": "America/New_York",
            "form_key": "key-1",
        }
        data.update(changes)
        return data

    return fields


@pytest.fixture
def post_message(client, message_form):
    """post_message(event, action, **changes): post the compose form; "send" first previews, then sends what the
    preview showed (its fingerprint), as a host pressing the buttons in turn does."""

    def post(event, action="preview", path=None, **changes):
        url = path or f"/host/events/{event.id}/messages/new"
        data = message_form(**changes)
        if action == "send":
            preview = client.post(url, data={**data, "action": "preview"})
            assert preview.status_code == 200, preview.get_data(as_text=True)
            data["previewed"] = previewed(preview)
        return client.post(url, data={**data, "action": action})

    return post


def previewed(response) -> str:
    return re.search(r'name="previewed" type="hidden" value="([0-9a-f]*)"', response.get_data(as_text=True))[1]
