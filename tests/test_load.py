"""The registration load test (benchmarks/load_registrations.py) at a small size, as a correctness test:
the production shape in small (two app servers of two gunicorn workers each, sharing one PostgreSQL),
several client processes whose connections are spread over both servers, and the checks in the database
afterwards.

It needs PostgreSQL (EVENTREG_TEST_DATABASE_URL), which CI always has; it works in a scratch database
of its own on that server, so it leaves the test database alone."""

from benchmarks import load_registrations


def test_registrations_under_load_oversell_nothing_duplicate_nothing_and_lose_no_mail(postgres_url):
    outcome = load_registrations.run(
        postgres_url,
        database="eventreg_load_test",
        registrations=360,
        events=3,
        capacity=30,
        clients=3,
        threads=4,
        seconds=90,
        workers=2,
        servers=2,
    )
    assert outcome.failures == []
    # Every request was answered "Check your email" (200), a new address and each racing repeat of one alike
    # (requests n and n+1 share one address whenever n % 20 == 0): the answer never tells the two apart.
    assert outcome.statuses == {200: 360}
