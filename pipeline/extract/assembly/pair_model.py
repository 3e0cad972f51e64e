"""A learned pair scorer: which two parties an article's agreement is between, where no rule says.

The rules of :mod:`pipeline.extract.assembly.relations` read who signed from the structure of the
signing clause. Real news reports agreements in more ways than rules written page by page reach:
on pages the rules had never seen they found no record at all for a third of the agreements whose
two parties the page does name. For such a view (rules gave nothing), this module ranks every pair
of the page's party candidates with a logistic regression over features of how the page presents
them (how often and where each is named, whether they share a sentence with an agreement word,
what stands between them, their kinds and countries) and proposes the best pair when its
probability reaches the model's threshold.

The weights live in ``models/pairs/pair_model.json`` as data, trained on the tune part of the
real-page corpus by ``partnerships train-pairs`` (:mod:`pipeline.evaluation.train_pairs`). Scoring
needs no library beyond the standard one. The feature names are stored with the weights: a model
whose names differ from :func:`pair_features`' is refused at load, so training and serving cannot
drift apart silently.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ANCHOR_STATUSES, ArticleView, Mention
from pipeline.extract.blocks import BlockKind
from pipeline.normalize import name_words, names_match

PARTY_KINDS = ("region", "department", "municipality", "intermunicipal", "national", "association", "other")
_LINK_BEFORE = frozenset({"avec", "entre", "et", "-", "–"})
_LINK_BETWEEN = frozenset({"et", "avec", "-", "–", "/", "à"})
_OF_WORDS = frozenset({"de", "d'", "du", "des"})
_LOCATING_WORDS = frozenset({"à", "au", "aux", "en", "dans"})


class PairModelError(ValueError):
    """The pair model file cannot be used (unreadable, or trained on other features)."""


@dataclass
class PartyGroup:
    """Every mention of one party in the view (names that match, with no conflicting country)."""

    mentions: list[PartyMention]
    name: str
    country: str | None


@dataclass
class CandidatePair:
    first: PartyGroup
    second: PartyGroup
    features: dict[str, float]
    probability: float = 0.0

    def representatives(self) -> list[PartyMention]:
        """The mention of each party that carries the pair's name, the earliest first."""
        return [next(p for p in group.mentions if p.name == group.name) for group in (self.first, self.second)]


@dataclass(frozen=True)
class PairModel:
    """Logistic regression weights over standardised features, and the probability a pair needs."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float
    provenance: dict

    @classmethod
    def load(cls, path: str | Path) -> PairModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            model = cls(tuple(data["features"]), tuple(data["weights"]), tuple(data["means"]), tuple(data["scales"]), float(data["threshold"]), data.get("provenance", {}))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise PairModelError(f"{path}: not a pair model: {exc}") from exc
        if sorted(model.features) != sorted(FEATURE_NAMES) or not len(model.features) == len(model.weights) == len(model.means) == len(model.scales):
            raise PairModelError(f"{path}: trained on other features than this code computes; retrain it with 'partnerships train-pairs'")
        return model

    def save(self, path: str | Path) -> None:
        payload = {"features": list(self.features), "weights": list(self.weights), "means": list(self.means), "scales": list(self.scales), "threshold": self.threshold, "provenance": self.provenance}
        Path(path).write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    def probability(self, features: dict[str, float]) -> float:
        z = sum(w * (features[name] - m) / s for name, w, m, s in zip(self.features, self.weights, self.means, self.scales))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def best_pair(self, view: ArticleView, parties: list[PartyMention]) -> CandidatePair | None:
        """The most probable pair of the view, if it reaches the threshold."""
        best: CandidatePair | None = None
        for pair in candidate_pairs(view, parties):
            pair.probability = self.probability(pair.features)
            if best is None or pair.probability > best.probability:
                best = pair
        return best if best is not None and best.probability >= self.threshold else None


def party_groups(parties: list[PartyMention]) -> list[PartyGroup]:
    """Mentions grouped by party; a group's name is its most frequent spelling, its country its most
    frequent country."""
    grouped: list[list[PartyMention]] = []
    for party in parties:
        if not name_words(party.name):
            continue
        for group in grouped:
            head = group[0]
            if names_match(head.name, party.name) and (party.country is None or head.country is None or party.country == head.country):
                group.append(party)
                break
        else:
            grouped.append([party])
    groups = []
    for mentions in grouped:
        names = [p.name for p in mentions]
        countries = [p.country for p in mentions if p.country]
        name = max(names, key=lambda n: (names.count(n), -names.index(n)))
        country = max(countries, key=lambda c: (countries.count(c), -countries.index(c))) if countries else None
        groups.append(PartyGroup(mentions, name, country))
    return groups


def candidate_pairs(view: ArticleView, parties: list[PartyMention]) -> list[CandidatePair]:
    """Every pair of party groups that could sign together: both with a country, of two countries
    (a partnership of one country's parties is rare and only the rules, reading the sentence, find it)."""
    groups = party_groups(parties)
    if len(groups) < 2:
        return []
    page = _PageFacts(view)
    party_features = [page.party_features(group) for group in groups]
    for group, features in zip(groups, party_features):
        same_side = [g for g in groups if g.country and (g.country == "FR") == (group.country == "FR")]
        features["top_side"] = float(all(len(group.mentions) >= len(g.mentions) for g in same_side))
    page_features = page.page_features(groups)
    pairs = []
    for i, first in enumerate(groups):
        for j in range(i + 1, len(groups)):
            second = groups[j]
            if not first.country or not second.country or first.country == second.country:
                continue
            features = page.pair_features(first, second, party_features[i], party_features[j])
            features.update(page_features)
            pairs.append(CandidatePair(first, second, features))
    return pairs


class _PageFacts:
    """What the features read from the view: sentences, agreement mentions and their statuses."""

    def __init__(self, view: ArticleView) -> None:
        self.view = view
        self.sentences = view.sentences()
        self.sentence_starts = [s.start_order for s in self.sentences]
        self.agreements = view.mentions("agreements")
        self.last_order = max([1] + [s.end_order for s in self.sentences])
        self.agreements_by_sentence: dict[int, list[Mention]] = {}
        for agreement in self.agreements:
            self.agreements_by_sentence.setdefault(self.sentence_of(agreement), []).append(agreement)
        self.anchor_sentences = {s for s, found in self.agreements_by_sentence.items() if any(_anchor(a) for a in found)}
        self.anchors = [a for a in self.agreements if _anchor(a)]
        self.agreement_tokens = {(a.block, token.i) for a in self.agreements for token in a.span}

    def sentence_of(self, mention: Mention) -> int:
        """The index of the sentence holding the mention (-1: none), by bisection: a long list page
        has thousands of candidate pairs, each asking this of every mention of its two parties."""
        i = bisect.bisect_right(self.sentence_starts, mention.order) - 1
        return i if i >= 0 and mention.order < self.sentences[i].end_order else -1

    def party_features(self, group: PartyGroup) -> dict[str, float]:
        mentions = group.mentions
        kinds = [self.view.blocks[p.mention.block].kind for p in mentions]
        sentences = {self.sentence_of(p.mention) for p in mentions}
        before = [_word_before(p) for p in mentions]
        features = {
            "n": math.log1p(len(mentions)),
            "title": float(BlockKind.title in kinds),
            "heading": float(BlockKind.heading in kinds),
            "lead": float(any(p.mention.block <= 2 for p in mentions)),
            "first": min(p.mention.order for p in mentions) / self.last_order,
            "place_like": sum(p.signing_place_like for p in mentions) / len(mentions),
            "explicit": float(any(p.explicit for p in mentions)),
            "generic": float(any(p.generic for p in mentions)),
            "organisation": float(any(p.organisation for p in mentions)),
            "state": float(any(p.state for p in mentions)),
            "unknown": float(all(p.unknown for p in mentions)),
            "fr": float(group.country == "FR"),
            "anchor_sents": math.log1p(len(sentences & self.anchor_sentences)),
            "agreement_sents": math.log1p(len(sentences & set(self.agreements_by_sentence))),
            "after_link": float(any(w in _LINK_BEFORE for w in before)),
            "after_avec": float(any(w in ("avec", "entre") for w in before)),
            "after_de": sum(w in _OF_WORDS for w in before) / len(mentions),
            "after_a": sum(w in _LOCATING_WORDS for w in before) / len(mentions),
            "subject": float(any(p.mention.span.root.dep_.startswith("nsubj") for p in mentions)),
            "gov_agreement": float(any((p.mention.block, p.mention.span.root.head.i) in self.agreement_tokens for p in mentions)),
            "anchor_near": max(self._anchor_nearness(p.mention) for p in mentions),
        }
        for kind in PARTY_KINDS:
            features[f"kind_{kind}"] = float(mentions[0].kind == kind)
        return features

    def _anchor_nearness(self, mention: Mention) -> float:
        sentence = self.sentence_of(mention)
        distances = [
            min(abs(mention.order - a.order), abs(mention.order - (a.order + len(a.span))))
            for a in self.anchors
            if self.sentence_of(a) == sentence
        ]
        return 1.0 / (1.0 + min(distances) / 5.0) if distances else 0.0

    def pair_features(self, first: PartyGroup, second: PartyGroup, first_features: dict[str, float], second_features: dict[str, float]) -> dict[str, float]:
        features = {"bias": 1.0}
        for name, value in first_features.items():
            features[f"max_{name}"] = max(value, second_features[name])
            features[f"min_{name}"] = min(value, second_features[name])
        features["fr_foreign"] = float((first.country == "FR") != (second.country == "FR"))
        features["same_country"] = float(first.country == second.country)
        shared = {self.sentence_of(p.mention) for p in first.mentions} & {self.sentence_of(p.mention) for p in second.mentions}
        shared_agreements = [a for s in shared for a in self.agreements_by_sentence.get(s, [])]
        features["cooc"] = math.log1p(len(shared))
        features["cooc_anchor"] = math.log1p(len(shared & self.anchor_sentences))
        features["cooc_agreement"] = math.log1p(len({s for s in shared if s in self.agreements_by_sentence}))
        features["cooc_twin"] = float(any(a.label == "twinning" for a in shared_agreements))
        features["cooc_planned"] = float(any(a.span._.agreement_status in ("planned", "negated") for a in shared_agreements))
        features.update(self._between(first, second))
        features["both_title"] = float(first_features["title"] and second_features["title"])
        features["same_kind"] = float(first.mentions[0].kind == second.mentions[0].kind)
        return features

    def _between(self, first: PartyGroup, second: PartyGroup) -> dict[str, float]:
        """What stands between the two parties where they are named closest in one sentence."""
        together = [
            (p, q)
            for p in first.mentions
            for q in second.mentions
            if p.mention.block == q.mention.block and self.sentence_of(p.mention) == self.sentence_of(q.mention)
        ]
        if not together:
            return {"between_link": 0.0, "between_de": 0.0, "between_verb": 0.0, "between_agreement": 0.0, "near": 0.0}
        p, q = sorted(min(together, key=lambda pq: abs(pq[0].mention.order - pq[1].mention.order)), key=lambda m: m.mention.order)
        doc, block = p.mention.span.doc, p.mention.block
        tokens = list(doc[p.mention.span.end : q.mention.span.start])
        words = [t.lower_ for t in tokens]
        return {
            "between_link": float(len(words) <= 3 and any(w in _LINK_BETWEEN for w in words)),
            "between_de": float(len(words) <= 2 and any(w in _OF_WORDS or w == "(" for w in words)),
            "between_verb": float(any(t.pos_ == "VERB" for t in tokens)),
            "between_agreement": float(any((block, t.i) in self.agreement_tokens for t in tokens)),
            "near": 1.0 / (1.0 + abs(q.mention.order - p.mention.order) / 5.0),
        }

    def page_features(self, groups: list[PartyGroup]) -> dict[str, float]:
        statuses = {a.span._.agreement_status for a in self.agreements}
        return {
            "page_anchor": float(bool(self.anchors)),
            "page_twin": float(any(a.label == "twinning" for a in self.agreements)),
            "page_later": float(bool(statuses & {"planned", "negated"})),
            "page_count": float("counted" in statuses),
            "page_groups": math.log1p(len(groups)),
            "page_fr": math.log1p(sum(1 for g in groups if g.country == "FR")),
            "page_foreign": math.log1p(sum(1 for g in groups if g.country and g.country != "FR")),
        }


def _anchor(agreement: Mention) -> bool:
    return agreement.span._.agreement_status in ANCHOR_STATUSES


def _word_before(party: PartyMention) -> str:
    span = party.mention.span
    return span.doc[span.start - 1].lower_ if span.start > 0 else ""


def _feature_names() -> tuple[str, ...]:
    party = ["n", "title", "heading", "lead", "first", "place_like", "explicit", "generic", "organisation", "state", "unknown", "fr", "anchor_sents", "agreement_sents", "after_link", "after_avec", "after_de", "after_a", "subject", "gov_agreement", "anchor_near"]
    party += [f"kind_{kind}" for kind in PARTY_KINDS] + ["top_side"]
    pair = ["bias", "fr_foreign", "same_country", "cooc", "cooc_anchor", "cooc_agreement", "cooc_twin", "cooc_planned", "between_link", "between_de", "between_verb", "between_agreement", "near", "both_title", "same_kind"]
    page = ["page_anchor", "page_twin", "page_later", "page_count", "page_groups", "page_fr", "page_foreign"]
    return tuple(pair + [f"{side}_{name}" for name in party for side in ("max", "min")] + page)


FEATURE_NAMES = _feature_names()
"""Every feature a candidate pair carries; a model must be trained on exactly these."""
