"""The hyphen-compound component keeps "accord-cadre" and "Nouvelle-Calédonie" inside one sentence
(pipeline/extract/components/compounds.py)."""

from __future__ import annotations

from spacy.language import Language


def test_the_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("partnerships_compounds") < names.index("parser")


def test_a_hyphenated_compound_does_not_split_the_sentence(nlp: Language) -> None:
    doc = nlp("Un accord-cadre entre la Nouvelle-Calédonie et le Vanuatu a été signé mardi.")
    assert len(list(doc.sents)) == 1
    signed = next(t for t in doc if t.text == "signé")
    agreement = next(t for t in doc if t.text == "accord")
    assert signed.sent == agreement.sent


def test_only_a_hyphen_touching_two_words_is_marked(nlp: Language) -> None:
    # "Tulle - Djenné" and a dash opening a line are punctuation: the parser stays free there
    doc = nlp.get_pipe("partnerships_compounds")(nlp.make_doc("Le jumelage Tulle - Djenné. - Une convention-cadre"))
    marked = [t.text for t in doc if t.is_sent_start is False]
    assert marked == ["-", "cadre"]
    assert doc[-2].text == "-" and doc[-2].is_sent_start is False
