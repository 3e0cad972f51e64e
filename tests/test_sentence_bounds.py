"""The hyphen-compound component keeps "accord-cadre" and "Nouvelle-Calédonie" inside one sentence
(pipeline/extract/components/sentence_bounds.py)."""

from __future__ import annotations

from spacy.language import Language


def test_the_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index("partnerships_sentence_bounds") < names.index("parser")


def test_a_hyphenated_compound_does_not_split_the_sentence(nlp: Language) -> None:
    # the base model's parser alone makes four sentences of this one
    doc = nlp("Le comité de jumelage Commentry-Chojnów a pour but de favoriser les échanges.")
    assert len(list(doc.sents)) == 1


def test_only_a_hyphen_touching_two_words_is_marked(nlp: Language) -> None:
    # "Tulle - Djenné" and a dash opening a line are punctuation: the parser stays free there
    bounds = nlp.get_pipe("partnerships_sentence_bounds")
    doc = bounds(nlp.make_doc("Jumelage Tulle - Djenné. - Comité Commentry-Chojnów"))
    marked = [t.text for t in doc if t.is_sent_start is False]
    assert marked == ["Tulle", ".", "Commentry", "-", "Chojnów"]  # nor the full stop, nor a name after a name
    spaced = [t for t in doc if t.text == "-" and t.whitespace_]
    assert spaced and all(t.is_sent_start is None for t in spaced)


def test_no_sentence_starts_after_a_word_no_sentence_ends_on(nlp: Language) -> None:
    bounds = nlp.get_pipe("partnerships_sentence_bounds")
    doc = bounds(nlp.make_doc("Le ministre de la Pêche par intérim, Ousmane Diallo et le maire de Tulle ont signé"))
    after = {doc[t.i - 1].text for t in doc[1:] if t.is_sent_start is False}
    assert {"Le", "de", "la", "par", ",", "et", "le"} <= after


def test_a_lower_case_word_opens_a_sentence_only_after_a_full_stop(nlp: Language) -> None:
    bounds = nlp.get_pipe("partnerships_sentence_bounds")
    doc = bounds(nlp.make_doc("Tulle et Djenné (Mali) ont signé samedi 4 mai 2024 une convention. suite Le maire"))
    free = [t.text for t in doc[1:] if t.is_sent_start is None]
    assert "ont" not in free and "une" not in free
    assert "suite" in free  # after a full stop the parser decides
    assert "Le" in free  # a capitalised word after a noun: the parser decides too


def test_agreement_compounds_are_one_token(nlp: Language) -> None:
    # models/lexicons/joined_words.txt, in every case the loader adds
    for spelling in ("convention-cadre", "Convention-cadre", "ACCORD-CADRE", "Accord-Cadre"):
        doc = nlp.make_doc(f"Une {spelling} liant Tulle à Djenné.")
        assert doc[1].text == spelling
    doc = nlp("Les deux édiles ont signé une convention-cadre liant la commune de Saint-Louis (Sénégal) à la ville de Lille.")
    assert len(list(doc.sents)) == 1


def test_a_capitalised_word_after_another_opens_no_sentence_unless_it_opens_sentences(nlp: Language) -> None:
    bounds = nlp.get_pipe("partnerships_sentence_bounds")
    doc = bounds(nlp.make_doc("Le maire de Santa Cruz de Bezana a signé CONVENTION CADRE DECENTRALISEE Préambule Le Département"))
    marked = {t.text for t in doc if t.is_sent_start is False}
    assert {"Cruz", "Bezana", "CADRE", "DECENTRALISEE"} <= marked
    assert next(t for t in doc if t.text == "Département").is_sent_start is False
    assert next(t for t in doc if t.text == "Le" and t.i > 0).is_sent_start is None  # a heading glued to its text


def test_a_name_of_several_capitalised_words_stays_in_one_sentence(nlp: Language) -> None:
    doc = nlp("Le maire de Tulle et son homologue de Santa Cruz de Bezana (Espagne) ont signé la charte de jumelage.")
    assert len(list(doc.sents)) == 1


def test_an_abbreviated_name_in_a_list_opens_no_sentence(nlp: Language) -> None:
    bounds = nlp.get_pipe("partnerships_sentence_bounds")
    doc = bounds(nlp.make_doc("Ses villes jumelles sont Hackney (Angleterre), Hann. Münden (Allemagne) et Holon (Israël). Le maire en est fier."))
    assert next(t for t in doc if t.text == "Münden").is_sent_start is False
    assert next(t for t in doc if t.text == "Le").is_sent_start is None  # after a sentence's own full stop
