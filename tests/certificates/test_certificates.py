"""Finalising attendance, the certificate e-mail, reissue and revoke, the registrant's page, and the public
verification page: what each shows, and to whom. On SQLite and PostgreSQL."""

import logging
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from eventreg.certificates import operations
from eventreg.certificates.models import Certificate, CertificateLogEntry, grouped, new_code, normalise_code
from eventreg.registrations import tokens


def certificates(db_session):
    db_session.commit()  # ends the test's own transaction, so this reads what the requests committed since
    return {c.registration.email.split("@")[0]: c for c in db_session.scalars(sa.select(Certificate))}


def finalise(client, event):
    return client.post(f"/host/events/{event.id}/certificates/finalise")


def manage_path(app, registration, mailed=True):
    with app.test_request_context():
        sign = tokens.mailed_manage_token if mailed else tokens.manage_token
        return f"/r/{sign(registration)}"


def test_confirmation_page_lists_who_qualifies_and_issues_nothing(client, finished, db_session, text_of):
    page = client.get(f"/host/events/{finished['event'].id}/certificates/finalise")
    assert page.status_code == 200
    text = text_of(page)
    assert "2 people will get a certificate for 1.5 contact hours" in text
    assert "Ana Lopez (ana@library.example.org): 63 minutes" in text
    assert "Chen Wei (chen@library.example.org): marked attended by hand (no minutes recorded)" in text
    for absent in ("Ben Okafor", "Dee Partial", "Eve Cancelled"):
        assert absent not in text
    assert certificates(db_session) == {}


def test_finalise_issues_to_those_who_met_the_rule_and_mails_each_a_link(client, finished, db_session, mailbox):
    response = finalise(client, finished["event"])
    assert response.status_code == 303
    issued = certificates(db_session)
    # Ben stayed 25 minutes and Dee 30 of the 45 required; Eve cancelled. Chen's hand tick counts.
    assert set(issued) == {"ana", "chen"}
    ana = issued["ana"]
    event = finished["event"]
    assert (ana.name, ana.event_title, ana.contact_hours) == ("Ana Lopez", event.title, Decimal("1.5"))
    assert (ana.zone, issued["chen"].zone) == ("Asia/Tokyo", "America/New_York")  # theirs, else the event's
    assert re.fullmatch(rf"2025-{event.id:04d}-000[12]", ana.number)
    assert [entry.action for entry in ana.log] == ["issued"]
    assert ana.log[0].host_email == finished["host"].email

    assert sorted(m["To"] for m in mailbox) == [
        "Ana Lopez <ana@library.example.org>",
        "Chen Wei <chen@library.example.org>",
    ]
    message = next(m for m in mailbox if "ana@" in m["To"])
    assert message["Subject"] == f"Your certificate: {event.title}"
    body = message.get_body(("plain",)).get_content()
    assert "1.5 contact hours" in body
    assert f"http://eventreg.test/certificates/{ana.grouped_code}" in body
    pdf_link = re.search(r"http://eventreg\.test(/r/\S+/certificate\.pdf)", body).group(1)
    assert not [part for part in message.walk() if part.get_content_type() == "application/pdf"]  # a link, no file
    download = client.get(pdf_link)
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF-")


def test_finalising_again_issues_only_to_the_newly_qualified(client, finished, db_session, mailbox):
    finalise(client, finished["event"])
    first = {key: (c.id, c.code, c.number) for key, c in certificates(db_session).items()}
    mailbox.clear()
    again = finalise(client, finished["event"])
    assert again.status_code == 409
    assert "Nobody new qualifies for a certificate" in again.get_data(as_text=True)
    assert mailbox == []

    ben = db_session.get(type(finished["ben"]), finished["ben"].id)
    ben.attended, ben.minutes_attended = True, 50  # a corrected report
    db_session.commit()
    assert finalise(client, finished["event"]).status_code == 303
    now = certificates(db_session)
    assert set(now) == {"ana", "chen", "ben"}
    assert {key: (c.id, c.code, c.number) for key, c in now.items() if key != "ben"} == first
    assert [m["To"] for m in mailbox] == ["Ben Okafor <ben@library.example.org>"]
    assert now["ben"].number.endswith("-0003")


def test_the_database_refuses_a_second_certificate_for_a_registration(finished, db_session, clock):
    operations.finalise(finished["event"], host=finished["host"], now=clock.now())
    db_session.commit()
    ana = certificates(db_session)["ana"]
    twin = Certificate(
        registration_id=ana.registration_id,
        event_id=ana.event_id,
        number="other",
        name="x",
        event_title="x",
        contact_hours=1,
        event_starts_at=ana.event_starts_at,
        zone="UTC",
        issuer="x",
        issued_at=clock.now(),
    )
    db_session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db_session.flush()
    db_session.rollback()


@pytest.mark.parametrize("hours", [None, Decimal("0")])
def test_finalising_without_contact_hours_is_refused_with_a_clear_message(client, finished, db_session, text_of, hours):
    event = finished["event"]
    event.contact_hours = hours
    db_session.commit()
    expected = "Set the contact hours in the event’s credit rule first: a certificate states them."
    page = client.get(f"/host/events/{event.id}/certificates/finalise")
    assert expected in text_of(page)
    assert "send the emails" not in text_of(page)  # no button to press
    refused = finalise(client, event)
    assert refused.status_code == 409
    assert expected in text_of(refused)
    assert certificates(db_session) == {}


def test_finalising_before_the_event_ends_is_refused(client, finished, db_session, clock, text_of):
    clock.set(finished["event"].ends_at - timedelta(minutes=5))
    refused = finalise(client, finished["event"])
    assert refused.status_code == 409
    assert "Attendance can be finalised once the event has ended." in text_of(refused)
    assert certificates(db_session) == {}


def test_another_host_cannot_see_or_touch_the_certificates(client, finished, make_host, login, db_session):
    event = finished["event"]
    finalise(client, event)
    ana = certificates(db_session)["ana"]
    login(make_host("other@library.example.org"))
    base = f"/host/events/{event.id}/certificates"
    for path in (
        base,
        f"{base}/finalise",
        f"{base}/{ana.id}/reissue",
        f"{base}/{ana.id}/revoke",
        f"{base}/{ana.id}/certificate.pdf",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}/{ana.id}/revoke", data={"reason": "x"}).status_code == 404
    assert certificates(db_session)["ana"].revoked_at is None


def test_reissue_keeps_the_number_and_code_logs_the_change_and_mails_again(client, finished, db_session, mailbox):
    event = finished["event"]
    finalise(client, event)
    ana = certificates(db_session)["ana"]
    number, code = ana.number, ana.code
    mailbox.clear()
    form = client.get(f"/host/events/{event.id}/certificates/{ana.id}/reissue")
    assert 'value="Ana Lopez"' in form.get_data(as_text=True)
    response = client.post(f"/host/events/{event.id}/certificates/{ana.id}/reissue", data={"name": "Ana López"})
    assert response.status_code == 303
    ana = certificates(db_session)["ana"]
    assert (ana.name, ana.number, ana.code) == ("Ana López", number, code)
    assert ana.reissued_at is not None
    assert [(e.action, e.detail) for e in ana.log] == [("issued", ""), ("reissued", "name: Ana Lopez → Ana López")]
    assert [m["Subject"] for m in mailbox] == [f"Corrected certificate: {event.title}"]
    assert "Ana López" in client.get(f"/certificates/{ana.grouped_code}").get_data(as_text=True)


def test_revoke_asks_for_a_reason_then_the_verification_page_says_revoked(client, finished, db_session, text_of):
    event = finished["event"]
    finalise(client, event)
    ana = certificates(db_session)["ana"]
    base = f"/host/events/{event.id}/certificates/{ana.id}/revoke"
    confirm = client.get(base)
    assert "This cannot be undone." in text_of(confirm)
    assert certificates(db_session)["ana"].revoked_at is None  # asking changed nothing
    missing = client.post(base, data={"reason": "  "})
    assert missing.status_code == 400
    assert "Please give the reason." in text_of(missing)
    assert client.post(base, data={"reason": "Attended under a colleague's name"}).status_code == 303
    ana = certificates(db_session)["ana"]
    assert ana.revoked_reason == "Attended under a colleague's name"
    assert [e.action for e in ana.log] == ["issued", "revoked"]

    page = client.get(f"/certificates/{ana.grouped_code}")
    assert page.status_code == 200
    assert "This certificate has been revoked" in text_of(page)
    assert "colleague" not in text_of(page)  # the reason stays between the host and the holder
    refused = client.post(f"/host/events/{event.id}/certificates/{ana.id}/reissue", data={"name": "Ana"})
    assert refused.status_code == 409
    assert "a revoked certificate cannot be reissued" in text_of(refused)
    assert client.post(base, data={"reason": "again"}).status_code == 409


def test_codes_are_80_random_bits_read_in_any_case_and_grouping():
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[A-Z2-7]{16}", code) for code in codes)  # 16 base32 letters: 80 bits
    code = next(iter(codes))
    assert normalise_code(grouped(code).lower()) == code
    assert normalise_code(" ".join(grouped(code).split("-"))) == code
    assert normalise_code("ABCD-EFGH-IJKL-MN0P") == "ABCDEFGHIJKLMNOP"  # a zero typed for an O
    for wrong in ("", "ABCD", "A" * 17, "ABCD-EFGH-IJKL-MN9P", "a\x00b", "x" * 10_000):
        assert normalise_code(wrong) is None


def test_verification_page_shows_the_listed_facts_and_nothing_else(app, client, finished, db_session):
    finalise(client, finished["event"])
    ana = certificates(db_session)["ana"]
    stranger = app.test_client()
    for url in (f"/certificates/{ana.grouped_code}", f"/certificates/{ana.code.lower()}"):
        page = stranger.get(url)
        assert page.status_code == 200
        assert page.headers["X-Robots-Tag"] == "noindex"
        main = re.search(r"<main\b.*?</main>", page.get_data(as_text=True), flags=re.S).group(0)
        assert " ".join(re.sub(r"<[^>]+>", " ", main).split()) == (
            "This certificate is valid Name Ana Lopez Event Building community connections by hiring for cultural "
            "knowledge Date 31 January 2025 Contact hours 1.5 contact hours"
        )  # the date in Ana's zone (Tokyo); nothing else
        html = page.get_data(as_text=True)
        for secret in ("ana@library.example.org", "Springfield", ana.number, "/r/"):
            assert secret not in html, secret


def test_unknown_code_gets_a_helpful_404(client, db_session, text_of):
    for code in ("ABCD-EFGH-JKLM-NPQR", "not-a-code", "<script>"):
        page = client.get(f"/certificates/{code}")
        assert page.status_code == 404
        assert page.headers["X-Robots-Tag"] == "noindex"
        assert "We could not find that certificate" in text_of(page)
        assert "sixteen letters and digits" in text_of(page)
        assert "<script>" not in page.get_data(as_text=True)


def test_manage_page_offers_the_name_correction_before_issue_and_the_download_after(
    app, client, finished, db_session, text_of, mailbox
):
    event, ana = finished["event"], finished["ana"]
    path = manage_path(app, ana)  # the link we mailed: its holder reads Ana's mailbox
    before = text_of(client.get(path))
    assert "this event earns a certificate for 1.5 contact hours, in the name Ana Lopez" in before
    name_page = client.get(f"{path}/name")
    assert name_page.status_code == 200
    assert client.get(f"{path}/certificate.pdf").status_code == 404  # nothing issued yet

    bad = client.post(f"{path}/name", data={"name": "Ana\nLópez"})
    assert bad.status_code == 400
    assert "single line" in text_of(bad)
    corrected = client.post(f"{path}/name", data={"name": "  Ána López  "})
    assert corrected.status_code == 303
    db_session.expire_all()
    assert db_session.get(type(ana), ana.id).name == "Ána López"

    finalise(client, event)
    assert certificates(db_session)["ana"].name == "Ána López"  # the name as corrected, snapshot at issue
    after = client.get(path)
    text = text_of(after)
    assert "Your certificate of completion" in text
    assert "The name on it is fixed now; to correct it, ask the event’s host." in text
    download = client.get(f"{path}/certificate.pdf")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "private, no-cache"  # kept by the browser, asked again with its ETag
    assert "attachment" in download.headers["Content-Disposition"]
    late = client.post(f"{path}/name", data={"name": "Someone Else"})
    assert late.status_code == 409
    assert "can no longer be changed here. Please ask the event’s host to correct it" in text_of(late)
    assert certificates(db_session)["ana"].name == "Ána López"


def test_the_link_shown_after_registering_reveals_no_certificate_and_changes_no_name(
    app, client, finished, db_session, text_of
):
    """Anyone can type Ana's address into the registration form and keep the link shown on screen: it proves
    nothing about her mailbox, so it opens neither her certificate nor her name, whatever the buttons show."""
    event, ana = finished["event"], finished["ana"]
    on_screen = manage_path(app, ana, mailed=False)
    before = client.get(on_screen)
    assert before.status_code == 200
    page = text_of(before)
    assert "open it from the link in our emails to ana@library.example.org" in page
    assert "Correct the spelling" not in page
    assert "/name" not in before.get_data(as_text=True)
    name_page = client.get(f"{on_screen}/name")
    assert name_page.status_code == 404
    assert "open only from the link in our emails" in text_of(name_page)
    assert client.post(f"{on_screen}/name", data={"name": "Mallory"}).status_code == 404
    db_session.expire_all()
    assert db_session.get(type(ana), ana.id).name == "Ana Lopez"

    finalise(client, event)
    issued = certificates(db_session)["ana"]
    after = client.get(on_screen)
    html = after.get_data(as_text=True)
    for secret in (issued.number, issued.code, issued.grouped_code, "certificate.pdf", "Download"):
        assert secret not in html
    assert "open it from the link in our emails" in text_of(after)
    refused = client.get(f"{on_screen}/certificate.pdf")
    assert refused.status_code == 404
    assert not refused.data.startswith(b"%PDF")
    assert client.get(f"{on_screen}/name").status_code == 404

    mailed = manage_path(app, ana)  # the link in her mail opens all of it
    assert issued.number in client.get(mailed).get_data(as_text=True)
    assert client.get(f"{mailed}/certificate.pdf").data.startswith(b"%PDF")
    # Revoked, the on-screen link still learns nothing: not the state, not the reason.
    client.post(f"/host/events/{event.id}/certificates/{issued.id}/revoke", data={"reason": "Issued by mistake"})
    assert "Issued by mistake" not in client.get(on_screen).get_data(as_text=True)
    assert client.get(f"{on_screen}/certificate.pdf").status_code == 404


def test_an_unchanged_certificate_is_not_rendered_again_for_a_client_that_holds_it(
    app, client, finished, db_session, caplog, clock
):
    """The ETag comes from the HTML the PDF is made from: a 304 while it is the same, a new PDF once it is not."""
    event = finished["event"]
    finalise(client, event)
    path = f"{manage_path(app, finished['ana'])}/certificate.pdf"
    with caplog.at_level(logging.DEBUG, logger="eventreg.core.pdf"):
        first = client.get(path)
        assert first.status_code == 200
        etag = first.headers["ETag"]
        assert rendered(caplog) == 1
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "private, no-cache"
        host = client.get(f"/host/events/{event.id}/certificates/{certificates(db_session)['ana'].id}/certificate.pdf")
        assert host.headers["ETag"] == etag  # the same pages, whoever downloads them
        assert rendered(caplog) == 2  # the first download and the host's: the 304 rendered nothing

        ana = certificates(db_session)["ana"]
        client.post(f"/host/events/{event.id}/certificates/{ana.id}/reissue", data={"name": "Ana María Lopez"})
        renamed = client.get(path, headers={"If-None-Match": etag})
        assert renamed.status_code == 200  # the name changed, so the held copy is stale
        assert renamed.headers["ETag"] != etag
        operations.save_settings(
            issuer="",
            signer="",
            signer_title="",
            accent="#0b6e4f",
            logo=None,
            host=finished["host"],
            now=clock.now(),
        )
        db_session.commit()
        recoloured = client.get(path, headers={"If-None-Match": renamed.headers["ETag"]})
        assert recoloured.status_code == 200  # so did the site's look
        assert rendered(caplog) == 4


def rendered(caplog) -> int:
    return sum(r.name == "eventreg.core.pdf" and r.getMessage() == "pdf rendered" for r in caplog.records)


def test_a_strangers_link_yields_nothing_of_anothers_certificate(app, client, finished, db_session):
    finalise(client, finished["event"])
    ben_path = manage_path(app, finished["ben"])  # Ben has no certificate
    assert client.get(f"{ben_path}/certificate.pdf").status_code == 404
    ana_path = manage_path(app, finished["ana"])
    signed = ana_path.removeprefix("/r/")
    tampered = signed[:-3] + ("AAA" if not signed.endswith("AAA") else "BBB")
    assert client.get(f"/r/{tampered}/certificate.pdf").status_code == 404
    assert client.post(f"/r/{tampered}/name", data={"name": "Mallory"}).status_code == 404
    with app.test_request_context():  # a link signed with another key, naming Ana's id and a guessed token
        from itsdangerous import URLSafeTimedSerializer

        forged = URLSafeTimedSerializer("guess", salt=tokens.SALT).dumps([finished["ana"].id, "token"])
    assert client.get(f"/r/{forged}/certificate.pdf").status_code == 404
    # Certificate ids in host URLs are no way in either, signed out.
    client.post("/host/logout")
    ana = certificates(db_session)["ana"]
    response = client.get(f"/host/events/{finished['event'].id}/certificates/{ana.id}/certificate.pdf")
    assert response.status_code in (302, 401)
    assert not response.data.startswith(b"%PDF")


def test_a_revoked_certificate_is_no_longer_downloadable(app, client, finished, db_session, text_of):
    event = finished["event"]
    finalise(client, event)
    ana = certificates(db_session)["ana"]
    client.post(f"/host/events/{event.id}/certificates/{ana.id}/revoke", data={"reason": "Issued by mistake"})
    path = manage_path(app, finished["ana"])
    refused = client.get(f"{path}/certificate.pdf")
    assert refused.status_code == 410
    assert "Issued by mistake" in text_of(refused)  # its holder is told why
    assert "was revoked on" in text_of(client.get(path))


def test_host_pages_list_the_certificates_and_link_from_the_attendee_list(client, finished, db_session, text_of):
    event = finished["event"]
    assert "/certificates" in client.get(f"/host/events/{event.id}/attendees").get_data(as_text=True)
    index = text_of(client.get(f"/host/events/{event.id}/certificates"))
    assert "2 confirmed registrants met the credit rule and have no certificate yet." in index
    finalise(client, event)
    index = text_of(client.get(f"/host/events/{event.id}/certificates"))
    assert "Ana Lopez" in index
    assert "Chen Wei" in index
    assert "Nobody new qualifies" in index
    assert db_session.scalar(sa.select(sa.func.count()).select_from(CertificateLogEntry)) == 2


def test_two_hosts_finalising_at_once_issue_each_certificate_once(app, finished, db_session, host_password, mailbox):
    """The event's row lock (PostgreSQL) or the write lock (SQLite) makes the second wait, then find them issued."""

    clients = []
    for _ in range(2):
        client = app.test_client()
        with app.app_context():  # its own, as a separate browser's request would have
            client.post("/host/login", data={"email": finished["host"].email, "password": host_password})
        clients.append(client)
    barrier = threading.Barrier(2)
    statuses = []
    url = f"/host/events/{finished['event'].id}/certificates/finalise"

    def run(client):
        barrier.wait()
        statuses.append(client.post(url).status_code)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409]
    assert set(certificates(db_session)) == {"ana", "chen"}
    assert len([m for m in mailbox if m["Subject"].startswith("Your certificate")]) == 2
