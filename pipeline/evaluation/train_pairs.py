"""Training the learned pair scorer (:mod:`pipeline.extract.assembly.pair_model`) on a gold file.

Every view the extractor assembles gives its candidate pairs; a pair is positive when a gold
record of its article has both its parties as two different signatories (names compared as the
contract's scoring does). The scorer is an L2-regularised logistic regression fitted by Newton's
method on standardised features: deterministic, a few seconds on the tune part, and with ~60
features it needs no more than the few hundred positives a real-page corpus has.

The threshold is not fitted here: it is how sure a pair must be before a record stands on it, and
it was chosen on pages the rules had not seen (fixtures/real/README.md says how). The rules are
not used while training: the extractor runs without a pair model, so a model file from older
features does not stand in the way of its own replacement.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.evaluation.gold import GoldArticle, read_gold
from pipeline.extract.assembly import party_mentions
from pipeline.extract.assembly.pair_model import FEATURE_NAMES, CandidatePair, PairModel, candidate_pairs
from pipeline.extract.extractor import Extractor
from pipeline.normalize import names_match
from pipeline.records import Party

log = logging.getLogger(__name__)

DEFAULT_L2 = 10.0
DEFAULT_THRESHOLD = 0.3


@dataclass
class TrainingSet:
    features: np.ndarray  # one row per candidate pair, columns in FEATURE_NAMES order
    labels: np.ndarray
    pages: int


def is_gold_pair(pair: CandidatePair, records: list[list[Party]]) -> bool:
    """Whether some gold record has both parties of the pair as two different signatories."""
    for signatories in records:
        first = [i for i, s in enumerate(signatories) if names_match(s.name, pair.first.name)]
        second = [i for i, s in enumerate(signatories) if names_match(s.name, pair.second.name)]
        if any(i != j for i in first for j in second):
            return True
    return False


def collect(articles: list[GoldArticle], extractor: Extractor) -> TrainingSet:
    """The candidate pairs of every view the extractor assembles, with their labels."""
    rows: list[list[float]] = []
    labels: list[int] = []
    for index, window in extractor.reporting_windows([g.article for g in articles]):
        view = window.view()
        extractor.assembler.assemble(view)  # prepares the view (sections) as serving does
        gold = [record.signatories for record in articles[index].records]
        for pair in candidate_pairs(view, party_mentions(view, extractor.assembler.lexicon)):
            rows.append([pair.features[name] for name in FEATURE_NAMES])
            labels.append(int(is_gold_pair(pair, gold)))
    return TrainingSet(np.array(rows, dtype=float).reshape(-1, len(FEATURE_NAMES)), np.array(labels, dtype=float), len(articles))


def fit(data: TrainingSet, l2: float = DEFAULT_L2, threshold: float = DEFAULT_THRESHOLD, iterations: int = 50, provenance: dict | None = None) -> PairModel:
    """Logistic regression by Newton's method; the bias is not penalised."""
    if not len(data.labels) or data.labels.min() == data.labels.max():
        raise ValueError("training needs candidate pairs of both classes (a gold file whose pages name their parties)")
    means = data.features.mean(axis=0)
    scales = data.features.std(axis=0)
    scales[scales < 1e-9] = 1.0
    bias = FEATURE_NAMES.index("bias")
    means[bias], scales[bias] = 0.0, 1.0
    standard = (data.features - means) / scales
    penalty = np.full(len(FEATURE_NAMES), l2)
    penalty[bias] = 0.0
    weights = np.zeros(len(FEATURE_NAMES))
    for _ in range(iterations):
        probabilities = 1.0 / (1.0 + np.exp(-standard @ weights))
        gradient = standard.T @ (probabilities - data.labels) + penalty * weights
        hessian = (standard.T * (probabilities * (1.0 - probabilities))) @ standard + np.diag(penalty) + 1e-9 * np.eye(len(weights))
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return PairModel(FEATURE_NAMES, tuple(map(float, weights)), tuple(map(float, means)), tuple(map(float, scales)), threshold, provenance or {})


def train(gold_path: Path, texts: Path | None, l2: float = DEFAULT_L2, threshold: float = DEFAULT_THRESHOLD) -> tuple[PairModel, TrainingSet, list[str]]:
    """A model trained on the gold file's articles; also the training set and the gold file's problems."""
    gold = read_gold(gold_path, texts)
    extractor = Extractor(learned_pairs=False)
    data = collect(gold.articles, extractor)
    provenance = {
        "gold": gold_path.name,
        "gold_sha256": hashlib.sha256(gold_path.read_bytes()).hexdigest(),
        "pages": data.pages,
        "candidate_pairs": len(data.labels),
        "positive_pairs": int(data.labels.sum()),
        "l2": l2,
        "extraction_model": extractor.model_version,
        "trained_by": "partnerships train-pairs",
    }
    log.info("%d pages, %d candidate pairs, %d positive", data.pages, len(data.labels), int(data.labels.sum()))
    return fit(data, l2, threshold, provenance=provenance), data, gold.problems
