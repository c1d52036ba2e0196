"""Approval's webhooks: a registration made pending is registration.created with status pending; a host's
approval is registration.approved (confirmed, or waiting when no seat was free) and a decline registration.declined,
each once, with the host's note; an endpoint that asked only for the new types gets only those."""

import json

from eventreg.registrations import operations


def test_approval_and_decline_are_sent_once_each_with_the_registration_as_it_was_left_and_the_note(
    make_event, make_host, make_endpoint, receiver, register, deliveries, clock
):
    host = make_host()
    event = make_event(capacity=1, requires_approval=True)
    event.hosts = [host]
    make_endpoint(host, receiver.url)
    ana, ben, cy = register(event), register(event), register(event)
    clock.advance(minutes=5)
    operations.approve(event, [ana, ben], note="Welcome!", now=clock.now())
    operations.approve(event, [ana], now=clock.now())  # already approved: nothing sent again
    operations.decline_one(cy, now=clock.now())
    stamp = clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    sent = [(d.kind, json.loads(d.payload)["data"]) for d in deliveries()]
    assert [(kind, data["registration"]["id"], data["registration"]["status"]) for kind, data in sent] == [
        ("registration.created", ana.id, "pending"),
        ("registration.created", ben.id, "pending"),
        ("registration.created", cy.id, "pending"),
        ("registration.approved", ana.id, "confirmed"),
        ("registration.approved", ben.id, "waiting"),
        ("registration.declined", cy.id, "declined"),
    ]
    approved, queued, declined = (data for _, data in sent[3:])
    assert (approved["note"], queued["note"], declined["note"]) == ("Welcome!", "Welcome!", None)
    assert approved["registration"]["confirmed_at"] == stamp
    assert declined["registration"]["declined_at"] == stamp
    assert "note" not in sent[0][1]  # only a decision carries one


def test_an_endpoint_gets_only_the_decision_types_it_chose(
    make_event, make_host, make_endpoint, receiver, register, deliveries, clock
):
    host = make_host()
    event = make_event(requires_approval=True)
    event.hosts = [host]
    make_endpoint(host, receiver.url, types=["registration.declined"])
    ana, ben = register(event), register(event)
    operations.approve_one(ana, now=clock.now())
    operations.decline_one(ben, note="Members only.", now=clock.now())
    assert [d.kind for d in deliveries()] == ["registration.declined"]
