"""The hyphen-compound component keeps "accord-cadre" and "Nouvelle-Calédonie" inside one sentence
(pipeline/extract/components/compounds.py)."""

from __future__ import annotations

from spacy.language import Language


def test_the_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("partnerships_compounds") < names.index("parser")


def test_a_hyphenated_compound_does_not_split_the_sentence(nlp: Language) -> None:
    # the base model's parser alone makes four sentences of this one
    doc = nlp("Le comité de jumelage Commentry-Chojnów a pour but de favoriser les échanges.")
    assert len(list(doc.sents)) == 1


def test_only_a_hyphen_touching_two_words_is_marked(nlp: Language) -> None:
    # "Tulle - Djenné" and a dash opening a line are punctuation: the parser stays free there
    doc = nlp.get_pipe("partnerships_compounds")(nlp.make_doc("Le jumelage Tulle - Djenné. - Le comité Commentry-Chojnów"))
    marked = [t.text for t in doc if t.is_sent_start is False]
    assert marked == ["-", "Chojnów"]


def test_agreement_compounds_are_one_token(nlp: Language) -> None:
    # models/lexicons/joined_words.txt, in every case the loader adds
    for spelling in ("convention-cadre", "Convention-cadre", "ACCORD-CADRE", "Accord-Cadre"):
        doc = nlp.make_doc(f"Une {spelling} liant Tulle à Djenné.")
        assert doc[1].text == spelling
    doc = nlp("Les deux édiles ont signé une convention-cadre liant la commune de Saint-Louis (Sénégal) à la ville de Lille.")
    assert len(list(doc.sents)) == 1
