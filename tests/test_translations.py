"""The catalogs are complete: every string extraction finds is in messages.pot (nothing new, nothing stale), and
every catalog translates every entry, none fuzzy, keeping each placeholder. `make translations` updates the .pot
and the catalogs after strings are marked; this fails until someone translates what it added."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from eventreg.core.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "eventreg" / "translations"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}")


def keys(catalog) -> set:
    return {(message.context, message.id if isinstance(message.id, str) else tuple(message.id)) for message in catalog
            if message.id}  # fmt: skip


def read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def test_every_marked_string_is_in_the_template_and_nothing_else(tmp_path):
    fresh = tmp_path / "messages.pot"
    keywords = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "lazy_pgettext:1c,2", "-k", "N_"]
    # (the Makefile's `translations` keywords)
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", *keywords]
    command += ["-o", str(fresh), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    extracted, committed = keys(read(fresh)), keys(read(TRANSLATIONS / "messages.pot"))
    assert not extracted - committed, f"marked but not in messages.pot (run make translations): {extracted - committed}"
    assert not committed - extracted, (
        f"in messages.pot but no longer marked (run make translations): {committed - extracted}"
    )


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_each_catalog_translates_every_entry_with_its_placeholders(language):
    template = read(TRANSLATIONS / "messages.pot")
    catalog = read(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    assert keys(catalog) >= keys(template), f"missing from {language}: {keys(template) - keys(catalog)}"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            problems.append(("fuzzy", ids[0]))
        if not all(strings):
            problems.append(("untranslated", ids[0]))
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            # A singular may say "one" instead of %(num)d; every other placeholder must be kept.
            if set(PLACEHOLDER.findall(string)) - wanted or wanted - {"%(num)d"} - set(PLACEHOLDER.findall(string)):
                problems.append(("placeholders", ids[0], string))
    assert not problems, problems
