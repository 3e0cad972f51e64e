"""The people component on sentences of fixtures/people/ and on the dev corpus."""

from __future__ import annotations

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.matcher import Matcher

import pipeline.extract.components.people  # noqa: F401  (registers partnerships_people)
from pipeline.extract.blocks import normalise_text
from pipeline.extract import Extractor
from pipeline.normalize import names_match
from pipeline.records import Article
from tests.conftest import FIXTURES, REPO, SHARED_CORPUS, read_jsonl

MODELS = REPO / "models"
PATTERNS = MODELS / "patterns" / "people.jsonl"
ROLES = MODELS / "lexicons" / "roles.jsonl"
CASES = read_jsonl(FIXTURES / "people" / "cases.jsonl")


@pytest.fixture(scope="module")
def people_nlp() -> Language:
    nlp = spacy.load("fr_core_news_md")
    nlp.add_pipe("partnerships_people", config={"patterns_path": str(PATTERNS), "roles_path": str(ROLES)})
    return nlp


def test_token_patterns_are_valid(base_nlp: Language) -> None:
    matcher = Matcher(base_nlp.vocab, validate=True)
    entries = list(srsly.read_jsonl(PATTERNS))
    for entry in entries:
        matcher.add(entry["id"], [entry["pattern"]])
    assert len({e["id"] for e in entries}) == len(entries)


def test_role_lexicon_entries_have_unique_ids_and_known_labels() -> None:
    entries = list(srsly.read_jsonl(ROLES))
    assert len({e["id"] for e in entries}) == len(entries)
    assert {e["label"] for e in entries} == {"head", "body", "qualifier", "title"}
    assert all(e["forms"] for e in entries)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_people_of_fixture_sentences(people_nlp: Language, case: dict) -> None:
    doc = people_nlp(case["text"])
    found = {span.text: span for span in doc.spans["people"]}
    assert sorted(found) == sorted(p["name"] for p in case["people"])
    for expected in case["people"]:
        span = found[expected["name"]]
        assert span.label_ == "person"
        assert span.id_
        assert span._.role == expected["role"]
        assert span._.role_org == expected["role_org"]
        assert span._.person_cue_kind == expected["cue_kind"]
        assert span._.person_cue


def test_signing_cue_wins_over_quote(people_nlp: Language) -> None:
    doc = people_nlp("« C'est un grand jour », résume Paul Henry, président de l'association, qui assistait à la signature.")
    (person,) = doc.spans["people"]
    assert person.text == "Paul Henry"
    assert person._.person_cue_kind == "signing_cue"
    assert person._.person_cue == "assistait"


def test_a_verb_of_saying_quotes_its_speaker_not_who_is_spoken_of(people_nlp: Language) -> None:
    doc = people_nlp("Martine Aubry, maire de Lille, a rappelé les principaux points abordés par le président Hollande lors de sa visite.")
    cues = {p.text: p._.person_cue_kind for p in doc.spans["people"]}
    assert cues == {"Martine Aubry": "quote_cue", "Hollande": None}
    doc = people_nlp("Les clubs organisent des matchs chaque année, ajoute Giancarlo Stella, secrétaire municipal de Morges.")
    assert [(p.text, p._.person_cue_kind) for p in doc.spans["people"]] == [("Giancarlo Stella", "quote_cue")]


def test_an_agreement_read_as_a_person_is_no_person(nlp: Language) -> None:
    """The model reads the capitalised "Serment de Jumelage" as a person; the agreement mention
    the agreements component found there wins."""
    doc = nlp("En présence de Georges Marsan, maire de Monaco, et de Fulvio Gazzola, maire de Dolceacqua, les deux maires ont signé le Serment de Jumelage.")
    assert any(e.label_ == "PER" and "Serment" in e.text for e in doc.ents), "the model no longer errs here: find another sentence"
    assert sorted(p.text for p in doc.spans["people"]) == ["Fulvio Gazzola", "Georges Marsan"]


# Whole articles: a record's people are those who signed or attended, and the heads of the
# signing parties (ANNOTATION 12). (id, title, body, published, the record's people)
RECORD_PEOPLE_CASES = [
    (
        "a_bystander_named_for_another_visit",
        "Accord entre Tlemcen et Lille",
        "L'accord-cadre de coopération entre Tlemcen et Lille a été signé hier en présence de Martine Aubry, maire de Lille. "
        "Le président Hollande avait visité l'Algérie le mois précédent.",
        "2012-12-20",
        ["Martine Aubry"],
    ),
    (
        "no_one_quoted_about_a_twinning_in_force_attended_a_signing",
        "Des jumelages à préserver",
        "Depuis 1957, Morges est jumelée avec Vertou, une ville du département français de Loire-Atlantique. "
        "« Les clubs de football organisent des matchs chaque année », ajoute Giancarlo Stella, secrétaire municipal de la ville de Morges.",
        "2019-06-07",
        [],
    ),
    (
        "present_at_the_anniversary_of_a_twinning_not_at_its_signing",
        "Quarante ans d'amitié",
        "Le maire de Lannion, Paul Le Bihan, aux côtés de son homologue gallois Gareth Jones, a fêté samedi les 40 ans du jumelage "
        "entre Lannion et Caerphilly en présence de nombreux habitants.",
        "2019-10-14",
        [],
    ),
    (
        "the_signers_of_a_partnership_said_to_exist",
        "Coopération Lannion-Caerphilly",
        "La communauté d'agglomération Lannion-Trégor et Caerphilly sont désormais liés par une convention de partenariat. "
        "Le texte a été signé vendredi à Lannion, au siège de l'intercommunalité, par Paul Le Bihan, président de la communauté "
        "d'agglomération Lannion-Trégor, et par Gareth Jones, maire de Caerphilly.",
        "2025-09-22",
        ["Paul Le Bihan", "Gareth Jones"],
    ),
    (
        "the_head_of_a_signing_party_quoted_in_another_paragraph",
        "Vitré officialise son jumelage",
        "La charte de jumelage entre Vitré et Lymington a été signée samedi à la mairie.\n\n"
        "« C'est un grand jour pour nos deux villes », a confié Jeanne Martin, maire de Vitré.",
        "2024-06-10",
        ["Jeanne Martin"],
    ),
]


@pytest.mark.parametrize(("case_id", "title", "body", "published", "people"), RECORD_PEOPLE_CASES, ids=[c[0] for c in RECORD_PEOPLE_CASES])
def test_people_of_a_record(nlp: Language, case_id: str, title: str, body: str, published: str, people: list[str]) -> None:
    article = Article(url=f"https://example.org/{case_id}", title=title, text=f"{title}\n\n{body}", published=published)
    (record,) = Extractor(nlp).extract_one(article)
    assert [p.name for p in record.people] == people


def test_dev_corpus_people_recall(people_nlp: Language) -> None:
    """Every gold person of an article should be among the people found in its blocks."""
    found_count = gold_count = 0
    for line in read_jsonl(SHARED_CORPUS / "dev.jsonl"):
        blocks = [b for b in normalise_text(line["article"]["text"]).split("\n") if b.strip()]
        names = [s.text for doc in people_nlp.pipe(blocks) for s in doc.spans["people"]]
        gold = {p["name"] for r in line["records"] for p in r["people"]}
        gold_count += len(gold)
        found_count += sum(any(names_match(n, g) for n in names) for g in gold)
    assert found_count / gold_count >= 0.95
