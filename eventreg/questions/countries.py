"""The countries a country question offers: ISO 3166-1, as pycountry ships it (from Debian's iso-codes, which
follows the ISO 3166 Maintenance Agency), named as people know them, in CLDR's names through Babel ("Vietnam",
"South Korea", not ISO's "Viet Nam", "Korea, Republic of"), in the page's language. Read once per process and
language: the lists change only when the packages are upgraded."""

import functools
import unicodedata

import pycountry
from babel import Locale


@functools.cache
def choices(language: str = "en") -> tuple[tuple[str, str], ...]:
    """(alpha-2 code, name) for every ISO 3166-1 country, sorted by name as a person looks for it: named in
    `language` where CLDR names the country in it, else in English. Answers keep the English name (name_of), so
    registrant lists and exports read the same whatever language each person answered in."""
    english = Locale("en").territories
    names = Locale.parse(language).territories if language != "en" else english
    listed = (
        (country.alpha_2, names.get(country.alpha_2) or english.get(country.alpha_2) or _iso_name(country))
        for country in pycountry.countries
    )
    return tuple(sorted(listed, key=lambda pair: _sort_key(pair[1])))


def _sort_key(name: str) -> str:
    """Åland beside Albania, not after Zimbabwe: accents set aside for the order only."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _iso_name(country) -> str:
    return getattr(country, "common_name", None) or country.name


@functools.cache
def _names() -> dict[str, str]:
    return dict(choices())


def name_of(code: str) -> str | None:
    """The country's name for an alpha-2 code ("CA"), or None if it is not an ISO 3166-1 code."""
    return _names().get(code)
