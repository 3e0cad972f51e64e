"""The learned pair scorer (pipeline.extract.assembly.pair_model) and its training
(pipeline.evaluation.train_pairs): the shipped weights match the features the code computes, the
assembler asks the scorer only where its rules give no record and never for an agreement announced
for later or only wished for, and training fits what the gold says.

Articles here are written for these tests with real place names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.cli import main
from pipeline.evaluation.train_pairs import TrainingSet, fit, train
from pipeline.extract import Extractor
from pipeline.extract.assembly import LEARNED_PAIR_RULE
from pipeline.extract.assembly.pair_model import FEATURE_NAMES, PairModel, PairModelError
from pipeline.extract.model import read_model_config
from pipeline.records import Article
from tests.conftest import SHARED_CORPUS

PUBLISHED = dt.date(2024, 5, 2)
# Rules find no record here: the agreement is named, but no clause says between whom.
UNSTRUCTURED = (
    "Une convention de coopération pour l'eau potable\n\n"
    "La commune de Tulle poursuit son engagement en Afrique. Une délégation de Djenné, au Mali, a été reçue "
    "en mairie de Tulle la semaine dernière.\n\n"
    "La convention de coopération porte sur l'accès à l'eau potable et la formation des artisans. Le maire de "
    "Tulle a salué la qualité des échanges avec les élus de Djenné."
)


def _article(text: str) -> Article:
    return Article(url="https://example.org/pairs", title=text.split("\n")[0], text=text, published=PUBLISHED)


def _constant_model(bias: float) -> PairModel:
    """A model that gives every pair the same probability: whether the assembler asks it, not what it says."""
    weights = tuple(bias if name == "bias" else 0.0 for name in FEATURE_NAMES)
    ones = tuple(1.0 for _ in FEATURE_NAMES)
    return PairModel(FEATURE_NAMES, weights, tuple(0.0 for _ in FEATURE_NAMES), ones, 0.5, {})


@pytest.fixture(scope="module")
def extractor(nlp) -> Extractor:
    return Extractor(nlp)


@pytest.fixture
def always(extractor: Extractor):
    shipped = extractor.assembler.pair_model
    extractor.assembler.pair_model = _constant_model(5.0)
    yield extractor
    extractor.assembler.pair_model = shipped


def test_shipped_model_is_trained_on_the_tune_part_with_these_features() -> None:
    model = PairModel.load(read_model_config()["assembly"]["pair_model_path"])
    assert model.features == FEATURE_NAMES
    assert model.provenance["gold"] == "tune.jsonl"
    assert 0.0 < model.threshold < 1.0
    assert model.provenance["positive_pairs"] > 100


def test_a_model_of_other_features_is_refused_with_its_file_named(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    dataclasses.replace(_constant_model(1.0), features=(*FEATURE_NAMES[:-1], "retired_feature")).save(path)
    with pytest.raises(PairModelError, match="old.json.*retrain"):
        PairModel.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PairModelError, match="old.json"):
        PairModel.load(path)


def test_the_shipped_model_prefers_the_pair_the_rules_miss(extractor: Extractor) -> None:
    """Whether the pair clears the threshold depends on the training; that the page's two named
    towns are its best pair, and how its record is marked, does not."""
    shipped = extractor.assembler.pair_model
    extractor.assembler.pair_model = dataclasses.replace(shipped, threshold=0.0)
    try:
        (record,) = extractor.extract_one(_article(UNSTRUCTURED))
    finally:
        extractor.assembler.pair_model = shipped
    assert sorted((p.name, p.country) for p in record.signatories) == [("Djenné", "ML"), ("Tulle", "FR")]
    rules = {e.rule.split(":")[0] for e in record.evidence if e.field == "signatories"}
    assert rules == {LEARNED_PAIR_RULE}
    assert record.confidence < 0.65  # at most the pair's probability: the review page shows it is a guess


def test_a_model_that_never_reaches_its_threshold_gives_no_record(extractor: Extractor) -> None:
    shipped = extractor.assembler.pair_model
    extractor.assembler.pair_model = _constant_model(-5.0)
    try:
        assert extractor.extract_one(_article(UNSTRUCTURED)) == []
    finally:
        extractor.assembler.pair_model = shipped


def test_the_scorer_pairs_no_two_parties_of_one_country(always: Extractor) -> None:
    # a scorer that takes any pair still names none where every party is Malian: a partnership of
    # one country's parties is left to the rules, which read the sentence
    text = (
        "Une convention de coopération pour l'eau potable\n\n"
        "Le cercle de Bandiagara poursuit son engagement. Une délégation de Djenné, au Mali, a été reçue à Mopti, au Mali.\n\n"
        "La convention de coopération porte sur l'accès à l'eau potable."
    )
    assert always.extract_one(_article(text)) == []
    (record,) = always.extract_one(_article(UNSTRUCTURED))
    assert {s.country for s in record.signatories} == {"FR", "ML"}


def test_rules_records_are_not_second_guessed(always: Extractor) -> None:
    text = "Jumelage\n\nLe 12 mars 2024, les maires de Tulle et de Djenné ont signé une convention de coopération entre Tulle et Djenné (Mali)."
    (record,) = always.extract_one(_article(text))
    assert all(not e.rule.startswith(LEARNED_PAIR_RULE) for e in record.evidence)


@pytest.mark.parametrize(
    "text",
    [
        # announced for later: the bare mention in the title is the one to be signed
        (
            "Feu vert à la convention de coopération avec Djenné\n\nLe conseil municipal de Tulle a approuvé le projet de "
            "convention de coopération avec la commune de Djenné, au Mali. Cette convention sera signée en juin à Tulle."
        ),
        # only wished for
        "Des coopérations à dynamiser\n\nUn autre projet prometteur serait un jumelage de Tulle avec Djenné, au Mali.",
    ],
    ids=["planned", "conditional"],
)
def test_no_learned_record_for_an_agreement_not_made(always: Extractor, text: str) -> None:
    assert always.extract_one(_article(text)) == []


def test_fit_learns_the_feature_that_separates_and_is_deterministic() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(400, len(FEATURE_NAMES)))
    rows[:, FEATURE_NAMES.index("bias")] = 1.0
    signal = FEATURE_NAMES.index("cooc_anchor")
    labels = (rows[:, signal] + 0.3 * rng.normal(size=400) > 0.5).astype(float)
    data = TrainingSet(rows, labels, pages=40)
    model = fit(data)
    assert model == fit(data)
    weights = dict(zip(model.features, model.weights))
    assert max(weights, key=lambda name: abs(weights[name])) == "cooc_anchor"
    predicted = np.array([model.probability(dict(zip(FEATURE_NAMES, row))) for row in rows]) >= 0.5
    assert (predicted == labels.astype(bool)).mean() > 0.9
    with pytest.raises(ValueError, match="both classes"):
        fit(TrainingSet(rows, np.zeros(400), pages=40))


def test_training_on_a_gold_file_ranks_its_pairs(nlp) -> None:
    """Trained on the dev corpus, the model prefers the pairs the gold names to the others."""
    model, data, problems = train(SHARED_CORPUS / "dev.jsonl", None)
    assert problems == []
    assert data.pages == 30 and 0 < data.labels.sum() < len(data.labels)
    scores = np.array([model.probability(dict(zip(FEATURE_NAMES, row))) for row in data.features])
    positive, negative = scores[data.labels == 1], scores[data.labels == 0]
    assert positive.mean() > negative.mean() + 0.3
    assert model.provenance["gold"] == "dev.jsonl" and model.provenance["positive_pairs"] == int(data.labels.sum())


def test_cli_writes_a_model_that_loads(tmp_path: Path, capsys) -> None:
    output = tmp_path / "pairs.json"
    assert main(["train-pairs", str(SHARED_CORPUS / "seed.jsonl"), "-o", str(output), "--threshold", "0.4", "--quiet"]) == 0
    model = PairModel.load(output)
    assert model.threshold == 0.4 and json.loads(output.read_text(encoding="utf-8"))["provenance"]["pages"] == 1
    assert "trained on 1 pages" in capsys.readouterr().out
    assert main(["train-pairs", str(tmp_path / "absent.jsonl"), "-o", str(output)]) == 2


def test_a_learned_pair_obeys_the_rules_checks(always: Extractor) -> None:
    # a twinning is between towns: a scorer that takes any pair does not twin the two states the page names
    text = "Un jumelage en fête\n\nLa France et l'Allemagne fêtent un jumelage qui existe depuis 1962. Le comité prépare la fête."
    assert always.extract_one(_article(text)) == []
