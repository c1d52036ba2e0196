"""The suite drops the schema of the PostgreSQL database it is given, so it refuses one not named for tests."""

import pytest


@pytest.mark.parametrize("name", ["test", "test_x", "eventreg_test", "eventreg_migrations_test"])
def test_a_database_named_for_tests_is_accepted(database_guard, name):
    database_guard(f"postgresql://postgres@127.0.0.1:5432/{name}")


@pytest.mark.parametrize("name", ["eventreg", "postgres", "production"])
def test_any_other_database_is_refused_with_a_clear_message(database_guard, name):
    with pytest.raises(
        pytest.UsageError, match=f"refusing to use the PostgreSQL database '{name}'.*must contain \"test\""
    ):
        database_guard(f"postgresql://postgres:secret@db.example.org:5432/{name}")


def test_a_url_without_a_database_name_is_refused(database_guard):
    with pytest.raises(pytest.UsageError, match="refusing"):
        database_guard("postgresql://postgres@127.0.0.1:5432")


def test_the_heroku_style_scheme_is_read_too(database_guard):
    database_guard("postgres://postgres@127.0.0.1:5432/eventreg_test")
    with pytest.raises(pytest.UsageError):
        database_guard("postgres://postgres@127.0.0.1:5432/eventreg")
