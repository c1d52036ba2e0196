from eventreg.events import operations


def test_slugify():
    assert operations.slugify("Don't manage change—embrace it") == "dont-manage-change-embrace-it"
    assert operations.slugify("Café & bibliothèque: 2025!") == "cafe-bibliotheque-2025"
    assert operations.slugify("   ") == "event"
    assert len(operations.slugify("word " * 100)) <= operations.SLUG_MAX


def test_unique_slug_counts_up_and_avoids_reserved_paths(make_event, db_session):
    make_event(title="Teen tech week")
    assert operations.unique_slug("Teen tech week") == "teen-tech-week-2"
    make_event(title="Teen tech week")
    assert operations.unique_slug("Teen tech week") == "teen-tech-week-3"
    assert operations.unique_slug("On demand") == "on-demand-2"
