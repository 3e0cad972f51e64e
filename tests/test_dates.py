"""The date candidates component and its resolver, on short French sentences with a pinned reference date."""

from __future__ import annotations

import datetime as dt

import dateparser
import pytest
import spacy
from dateparser.search import search_dates
from spacy.language import Language
from spacy.matcher import Matcher

import pipeline.extract.components.dates  # noqa: F401  (registers partnerships_dates)
from pipeline.extract.dates import (
    DateLabel,
    DateLexicon,
    Relation,
    nearest_day_month,
    nearest_month,
    nearest_weekday,
    parse_with_dateparser,
    resolve_date,
    resolve_duration,
)
from tests.conftest import FIXTURES, REPO, read_jsonl

PATTERNS = REPO / "models" / "patterns"
LEXICON_PATH = REPO / "models" / "lexicons" / "dates_fr.jsonl"
DATE_CASES = read_jsonl(FIXTURES / "dates" / "date_expressions.jsonl")
DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "past"}


@pytest.fixture(scope="module")
def lexicon() -> DateLexicon:
    return DateLexicon.from_jsonl(LEXICON_PATH)


@pytest.fixture(scope="module")
def date_nlp() -> Language:
    """The French tokenizer is all the date patterns need, so a blank French pipeline suffices."""
    nlp = spacy.blank("fr")
    nlp.add_pipe(
        "partnerships_dates",
        config={"patterns_path": str(PATTERNS / "dates.jsonl"), "lexicon_path": str(LEXICON_PATH)},
    )
    return nlp


def run(nlp: Language, text: str, published: dt.date | None):
    doc = nlp.make_doc(text.replace("\u2019", "'"))
    doc._.published = published
    return nlp(doc)


@pytest.mark.parametrize("name", ["dates.jsonl", "durations.jsonl"])
def test_pattern_files_are_valid_and_ids_unique(base_nlp: Language, name: str) -> None:
    entries = read_jsonl(PATTERNS / name)
    matcher = Matcher(base_nlp.vocab, validate=True)
    for entry in entries:
        matcher.add(entry["id"], [entry["pattern"]])
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))


def test_word_lists_in_patterns_come_from_the_lexicon(lexicon: DateLexicon) -> None:
    """The month, weekday and number lists copied into patterns must match the lexicon exactly."""
    known = {
        "month": set(lexicon.months),
        "weekday": set(lexicon.weekdays),
        "number": set(lexicon.numbers),
    }
    seen: dict[str, int] = dict.fromkeys(known, 0)
    for name in ("dates.jsonl", "durations.jsonl"):
        for entry in read_jsonl(PATTERNS / name):
            for token in entry["pattern"]:
                words = set(token.get("LOWER", {}).get("IN", [])) if isinstance(token.get("LOWER"), dict) else set()
                for kind, forms in known.items():
                    if words & forms:
                        assert words == forms, f"{entry['id']} has a partial {kind} list"
                        seen[kind] += 1
    assert all(seen.values()), seen


@pytest.mark.parametrize("case", DATE_CASES, ids=[f"{c['published']} {c['text'][:40]}" for c in DATE_CASES])
def test_date_expressions(date_nlp: Language, case: dict) -> None:
    doc = run(date_nlp, case["text"], dt.date.fromisoformat(case["published"]))
    found = [
        {"text": s.text, "label": s.label_, "value": s._.date_value, "rule": s.id_, "offset_days": s._.date_offset_days}
        for s in doc.spans["dates"]
    ]
    assert found == case["expected"]


def test_relative_dates_need_a_publication_date(date_nlp: Language) -> None:
    doc = run(date_nlp, "Jeudi dernier, la convention du 3 mars 2025 a été renouvelée.", None)
    assert [(s.text, s._.date_value) for s in doc.spans["dates"]] == [("3 mars 2025", "2025-03-03")]


def test_block_with_several_dates_keeps_them_in_order(date_nlp: Language) -> None:
    text = "Signée le 27 septembre 2023, la convention avait été approuvée le 30 juin 2023 ; un comité se réunira en mars."
    doc = run(date_nlp, text, dt.date(2023, 9, 29))
    assert [s._.date_value for s in doc.spans["dates"]] == ["2023-09-27", "2023-06-30", "2023-03"]


def test_yearless_day_takes_the_year_written_before_it(date_nlp: Language) -> None:
    text = "Lors de la séance du 3 mai 2010, le conseil a permis la signature de la charte le 9 mai."
    doc = run(date_nlp, text, None)
    assert [s._.date_value for s in doc.spans["dates"]] == ["2010-05-03", "2010-05-09"]
    # with a publication date the sentence's own year still beats it
    published = run(date_nlp, text, dt.date(2024, 6, 1))
    assert [s._.date_value for s in published.spans["dates"]] == ["2010-05-03", "2010-05-09"]


def test_yearless_day_without_a_year_before_it_is_read_against_the_publication(date_nlp: Language) -> None:
    doc = run(date_nlp, "La charte sera signée le 9 mai ; le jumelage date du 3 mai 2010.", dt.date(2024, 6, 1))
    assert [s._.date_value for s in doc.spans["dates"]] == ["2024-05-09", "2010-05-03"]
    unpublished = run(date_nlp, "La charte a été signée le 9 mai.", None)
    assert list(unpublished.spans["dates"]) == []


# dateparser alone: what it gets wrong, beside what the resolver returns.

REFERENCE = dt.date(2024, 12, 13)


def dateparser_alone(text: str) -> dt.datetime | None:
    settings = {**DATEPARSER_SETTINGS, "RELATIVE_BASE": dt.datetime.combine(REFERENCE, dt.time())}
    return dateparser.parse(text, languages=["fr"], settings=settings)


def test_dateparser_misses_weekday_with_day_and_month(date_nlp: Language) -> None:
    assert dateparser_alone("ce jeudi 21 novembre") is None
    doc = run(date_nlp, "ce jeudi 21 novembre", REFERENCE)
    assert [s._.date_value for s in doc.spans["dates"]] == ["2024-11-21"]


def test_dateparser_misses_last_weekday(date_nlp: Language) -> None:
    assert dateparser_alone("lundi dernier") is None
    doc = run(date_nlp, "lundi dernier", REFERENCE)
    assert [s._.date_value for s in doc.spans["dates"]] == ["2024-12-09"]


def test_dateparser_misses_published_prefix(date_nlp: Language) -> None:
    assert dateparser_alone("Publié le 13/12/2024") is None
    doc = run(date_nlp, "Publié le 13/12/2024", REFERENCE)
    assert [s._.date_value for s in doc.spans["dates"]] == ["2024-12-13"]


def test_dateparser_invents_day_and_month_for_a_year(date_nlp: Language) -> None:
    invented = dateparser_alone("en 2023")
    assert invented is not None and (invented.month, invented.day) == (12, 13)
    doc = run(date_nlp, "signé en 2023", REFERENCE)
    assert [(s.label_, s._.date_value) for s in doc.spans["dates"]] == [("year", "2023")]


def test_dateparser_search_reads_lengths_as_dates(date_nlp: Language) -> None:
    text = "La convention est conclue pour cinq ans ; trois accords signés en 24 heures."
    settings = {**DATEPARSER_SETTINGS, "RELATIVE_BASE": dt.datetime.combine(REFERENCE, dt.time())}
    found = search_dates(text, languages=["fr"], settings=settings) or []
    assert {phrase for phrase, _ in found} >= {"cinq ans", "en 24 heures"}
    assert list(run(date_nlp, text, REFERENCE).spans["dates"]) == []


def test_dateparser_calls_are_cached() -> None:
    parse_with_dateparser.cache_clear()
    first = parse_with_dateparser("il y a 2 semaines", REFERENCE)
    second = parse_with_dateparser("il y a 2 semaines", REFERENCE)
    assert first == second == dt.date(2024, 11, 29)
    assert parse_with_dateparser.cache_info().hits == 1


# The resolver's rules, without spaCy.


def test_bare_weekday_includes_the_reference_day_and_dernier_excludes_it() -> None:
    friday = dt.date(2024, 12, 13)
    assert nearest_weekday(4, friday, Relation.on_or_before) == friday
    assert nearest_weekday(4, friday, Relation.before) == dt.date(2024, 12, 6)
    assert nearest_weekday(4, friday, Relation.after) == dt.date(2024, 12, 20)
    assert nearest_weekday(0, friday, Relation.on_or_before) == dt.date(2024, 12, 9)


def test_day_month_without_year_skips_impossible_dates() -> None:
    assert nearest_day_month(29, 2, dt.date(2025, 6, 1), Relation.on_or_before) == dt.date(2024, 2, 29)
    assert nearest_day_month(31, 12, dt.date(2025, 1, 5), Relation.on_or_before) == dt.date(2024, 12, 31)


def test_month_without_year() -> None:
    june = dt.date(2024, 6, 15)
    assert nearest_month(6, june, Relation.on_or_before) == (2024, 6)
    assert nearest_month(6, june, Relation.before) == (2023, 6)
    assert nearest_month(10, june, Relation.after) == (2024, 10)
    assert nearest_month(10, june, Relation.on_or_before) == (2023, 10)


def test_impossible_absolute_date_is_dropped(lexicon: DateLexicon) -> None:
    assert resolve_date("calendar", ["31", "février", "2024"], REFERENCE, lexicon) is None
    resolved = resolve_date("calendar", ["29", "février", "2024"], REFERENCE, lexicon)
    assert resolved is not None and (resolved.label, resolved.value) == (DateLabel.day, "2024-02-29")


def test_duration_values(lexicon: DateLexicon) -> None:
    assert resolve_duration("count", ["pour", "dix-huit", "mois"], lexicon) == "P18M"
    assert resolve_duration("count", ["pour", "0", "ans"], lexicon) is None
    assert resolve_duration("period", ["période", "2027", "-", "2025"], lexicon) is None
    assert resolve_duration("fixed", ["triennale"], lexicon, "P3Y") == "P3Y"
