"""What a clause that names one side only may fall back on: the article's context.

A signature sentence often names one party ("la commune a signé une convention avec A"); the
other is the page's own party (the one territory its title names), the pair of its section's
heading or of its title, the territory the article names most, or the subject of the sentence's
earlier clause. :func:`article_context` reads these once per article; the relation readers of
:mod:`pipeline.extract.assembly.relations` ask it for a partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from pipeline.extract.assembly.clauses import coordinated_verb_before
from pipeline.extract.assembly.members import distinct
from pipeline.extract.assembly.pair_shapes import two_countries
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView, Mention, Segment
from pipeline.extract.blocks import BlockKind
from pipeline.normalize import name_words, names_match

_HOME_KINDS = frozenset({"municipality", "intermunicipal", "department", "region", "national"})


@dataclass
class ArticleContext:
    """What an anchor's reading may fall back on when its clause names one party: the parties of
    its section's heading ("Albi et Jacmel"), the pair the title names, the page's own party."""

    home: PartyMention | None
    title_pair: list[PartyMention] | None
    frequent_pair: list[PartyMention] | None
    headings: dict[int, list[PartyMention]]
    dominant: PartyMention | None
    territories: list[PartyMention] = field(default_factory=list)  # every territory the article names
    section: int = 0
    carried: list[PartyMention] = field(default_factory=list)  # the subject of the sentence's first clause
    antecedent: list[PartyMention] = field(default_factory=list)  # what "cette même ville", subject of the clause, stands for

    @property
    def headline_pair(self) -> list[PartyMention] | None:
        """The pair its section's heading names ("Lorient et Thiès au Sénégal"), else the title's."""
        heading = self.headings.get(self.section, [])
        return heading if len(heading) == 2 else self.title_pair

    @property
    def main_pair(self) -> list[PartyMention] | None:
        """What "les deux villes" refers to: the headline's pair, else the article's two most named
        parties."""
        return self.headline_pair or self.frequent_pair

    def partner_for(self, named: list[PartyMention], clause: Span) -> PartyMention | None:
        """Who signed with the parties a clause names, when it names one side only: its section's
        heading, the title's pair, the page's own party, the subject its sentence gave an earlier
        clause ("X a signé … un protocole avec A, puis … une convention avec B"), the article's two
        most named parties; the most named one alone only when the clause points at it ("son
        jumelage", "la commune a signé")."""
        pools = [self.antecedent, self.headings.get(self.section, []), self.title_pair or [], [self.home] if self.home else [], self.carried, self.frequent_pair or []]
        if coordinated_verb_before(clause):
            # "A est jumelée à B et a un pacte avec C": the clause's verb shares the subject before it
            pools.insert(0, self.carried)
        if points_at_own_party(clause):
            if self.dominant is not None:
                pools.append([self.dominant])
            # "La Ville est jumelée avec A et B" on a page that names one other territory: that one
            others = distinct([p for p in self.territories if not any(names_match(p.name, n.name) for n in named)])
            if len(others) == 1:
                pools.append(others)
        for pool in pools:
            other = [p for p in pool if not any(names_match(p.name, n.name) for n in named)]
            pair = pool is self.title_pair or pool is self.frequent_pair
            if other and (not pair or len(other) == 1):
                return other[0]
        return None

    def own_side(self, counted: list[PartyMention], clause: Span) -> PartyMention | None:
        """The other side of the parties a count names: the clause's partner (``partner_for``), else
        the article's most named territory; never one of their countries."""
        own = self.partner_for(counted, clause) or self.dominant
        return own if own is not None and own.country not in {p.country for p in counted} else None

    def own_twin(self, anchor: Mention) -> list[PartyMention] | None:
        """"Les visiteurs s'informaient sur notre ville jumelle française": the page's own party and
        the territory of another country (the one the demonym names, if any) the article names most."""
        if self.home is None:
            return None
        doc = anchor.span.doc
        country = next((s.kb_id_ for s in doc.spans.get("places", []) if s.label_ == "demonym" and s.start == anchor.span.end), None)
        others = [p for p in self.territories if p.country != self.home.country and (country is None or p.country == country)]
        most = named_most(others)
        return [self.home, most[0]] if most else None


# "son jumelage", "notre commune", "la Ville a signé": the text speaks of the page's own party.
_OWN_PARTY_DETERMINERS = frozenset({"son", "sa", "ses", "notre", "nos", "leur"})
_OWN_PARTY_NOUNS = frozenset({"commune", "ville", "municipalité", "région", "département", "collectivité", "métropole", "agglomération", "mairie", "cité"})


def points_at_own_party(clause: Span) -> bool:
    """The clause speaks of the page's own party: "son jumelage", "la commune a signé", or a
    signature with no signer, passive and agentless ("un pacte d'amitié a été signé avec X")."""
    passive = any(t.dep_ == "nsubj:pass" and t.head.pos_ == "VERB" for t in clause)
    if passive and not any(t.dep_ == "obl:agent" for t in clause) and any(t.lower_ == "avec" for t in clause):
        return True
    for token in clause:
        if token.lower_ in _OWN_PARTY_DETERMINERS and token.i + 1 < clause.end:
            return True
        if token.lower_ in _OWN_PARTY_NOUNS and token.i > clause.start and token.nbor(-1).lower_ in ("la", "le", "l'", "notre", "cette") and (token.i + 1 >= len(token.doc) or token.nbor(1).lower_ not in ("de", "d'", "du", "des")):
            return True
    return False


def home_party(view: ArticleView, parties: list[PartyMention], anchors: list[Mention]) -> PartyMention | None:
    """The page's own party: the only territorial party its title names; on a page whose title
    names none ("Jumelages"), the one subject of its first agreement sentence ("La commune de X est
    jumelée avec …"), so that "notre commune s'est jumelée avec A" further down has its signer."""
    titled = distinct([p for p in title_parties(view, parties) if p.kind in _HOME_KINDS])
    if titled:
        return titled[0] if len(titled) == 1 else None
    first = min(anchors, key=lambda a: a.order, default=None)
    if first is None:
        return None
    sentence = first.span.sent
    subjects = distinct([p for p in parties if p.kind in _HOME_KINDS and not p.state and p.country and sentence.start <= p.mention.span.start < sentence.end and _subject_of(p.mention.span, first.span.root)])
    return subjects[0] if len(subjects) == 1 else None


# "cette ville", "cette même commune", "elle": a subject that stands for a town named before
_ANAPHORIC_PRONOUNS = frozenset({"elle", "celle-ci"})
MAX_ANTECEDENT_SENTENCES = 3


def anaphoric_antecedent(view: ArticleView, anchor: Mention, clause: Span, parties: list[PartyMention], segments: list[Segment]) -> list[PartyMention]:
    """The town a clause's anaphoric subject stands for ("Cette même ville a déjà signé … avec la
    ville française Creil"; "Pour ce qui est de Boujdour, …, elle vient de signer …"): the nearest
    territory named before it in its own sentence, else the nearest subject of the few sentences
    before, in its section."""
    anaphor = next((t for t in clause if t.dep_ in ("nsubj", "nsubj:pass") and _anaphoric(t)), None)
    if anaphor is None:
        return []
    order = view.orders[anchor.block] + anaphor.i
    section = view.blocks[anchor.block].section
    window = [s for s in segments if s.start_order <= order and s.section == section][-(MAX_ANTECEDENT_SENTENCES + 1) :]
    if not window:
        return []
    before = [
        p for p in parties
        if window[0].start_order <= p.mention.order < order
        and p.introducer is None and not p.state and p.kind in _HOME_KINDS and p.country
    ]
    own_sentence = [p for p in before if p.mention.order >= window[-1].start_order]
    return (own_sentence or [p for p in before if _sentence_subject(p.mention.span)])[-1:]


def _anaphoric(token: Token) -> bool:
    if token.lower_ in _ANAPHORIC_PRONOUNS:
        return True
    return token.lower_ in _OWN_PARTY_NOUNS and any(c.dep_ == "det" and c.lower_ == "cette" for c in token.children)


def _sentence_subject(span: Span) -> bool:
    """The name is its sentence's subject, itself or through the town noun it completes ("La ville
    de Dakhla a conclu …")."""
    token = span.root
    for _ in range(3):
        if token.dep_ in ("nsubj", "nsubj:pass"):
            return True
        if token.head.i == token.i or token.dep_ not in ("nmod", "flat:name", "appos"):
            return False
        token = token.head
    return False


def _subject_of(span: Span, agreement: Token) -> bool:
    """The name is the subject of the agreement's verb, itself or through the noun it completes
    ("la commune de X"); two steps up at most, as hyphenated names parse in pieces."""
    verbs = {agreement.i, agreement.head.i}
    token = span.root
    for _ in range(3):
        if token.dep_ in ("nsubj", "nsubj:pass") and token.head.i in verbs:
            return True
        if token.head.i == token.i:
            return False
        token = token.head
    return False


def frequent_pair(parties: list[PartyMention]) -> list[PartyMention] | None:
    """The article's two most named territories, when they are in two countries and clearly ahead."""
    counts: dict[frozenset[str], list[PartyMention]] = {}
    for party in parties:
        if party.country and not party.signing_place_like and not party.state and not party.organisation:
            counts.setdefault(name_words(party.name), []).append(party)
    ranked = sorted(counts.values(), key=len, reverse=True)
    if len(ranked) >= 2 and len(ranked[1]) >= 2 and (len(ranked) == 2 or len(ranked[1]) > len(ranked[2])) and ranked[0][0].country != ranked[1][0].country:
        return [ranked[0][0], ranked[1][0]]
    return None


def dominant_party(parties: list[PartyMention]) -> PartyMention | None:
    """The territory the article names most, when it is named at least twice and more than any other."""
    most = named_most([p for p in parties if p.country and not p.state and not p.organisation])
    if most and len(most) >= 2:
        return next((p for p in most if not p.signing_place_like), most[0])
    return None


def named_most(parties: list[PartyMention]) -> list[PartyMention] | None:
    """The mentions of the party named more often than any other (names compared by their words)."""
    counts: dict[frozenset[str], list[PartyMention]] = {}
    for party in parties:
        counts.setdefault(name_words(party.name), []).append(party)
    ranked = sorted(counts.values(), key=len, reverse=True)
    return ranked[0] if ranked and (len(ranked) == 1 or len(ranked[0]) > len(ranked[1])) else None


def heading_parties(view: ArticleView, parties: list[PartyMention]) -> dict[int, list[PartyMention]]:
    headings: dict[int, list[PartyMention]] = {}
    for party in parties:
        block = view.blocks[party.mention.block]
        if block.kind is BlockKind.heading and party.country and not party.signing_place_like and not party.state:
            headings.setdefault(block.section, []).append(party)
    return {section: distinct(found) for section, found in headings.items()}


def title_parties(view: ArticleView, parties: list[PartyMention]) -> list[PartyMention]:
    return [p for p in parties if view.blocks[p.mention.block].kind is BlockKind.title and p.country and not p.signing_place_like and not p.state]


def article_context(view: ArticleView, parties: list[PartyMention], anchors: list[Mention]) -> ArticleContext:
    """The article's fallbacks, read once: its own party, the title's pair, its two most named
    territories, each heading's parties, its most named territory."""
    titled = distinct(title_parties(view, parties))
    context = ArticleContext(
        home_party(view, parties, anchors), titled if len(titled) == 2 else None, frequent_pair(parties),
        heading_parties(view, parties), dominant_party(parties),
        [p for p in parties if p.country and not p.state and not p.organisation and not p.signing_place_like],
    )
    if context.main_pair is None:
        # "Les élus de Tulle en visite à Djenné": the title's two towns, the one visited included
        visited = two_countries([p for p in parties if view.blocks[p.mention.block].kind is BlockKind.title and p.country and not p.state and not p.organisation])
        if visited is not None:
            context.title_pair = visited
    return context
