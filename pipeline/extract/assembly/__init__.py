"""From the candidates of an article's blocks to its partnership records.

The rule components mark candidates block by block (agreement mentions, parties, places,
dates, durations, themes, people, actors). The assembler reads the article as a whole, one
module per decision:

1. ``parties`` (with ``place_names``, ``countries`` and ``introducers``): party candidates with kind, country and
   how the text introduces them (a party, a place where, a locator);
2. ``relations`` (with ``pair_shapes``, ``candidates``, ``lists`` and ``members``): who signed each agreement
   mention, read from the structure of its clause ("entre A et B", "A … avec B", twin-town
   lists…) among the parties its sentence may have sign;
3. ``drafts`` (with ``clauses``): relations with the same parties are one agreement unless their
   dates, eras (an agreement and its renewal) or kinds tell them apart;
4. ``segments``: each sentence (or clause) of a draft's sections goes to the draft it speaks of;
5. ``fields``: each field is read from the draft's own segments first, then wider context.

Where the rules find no record in a view that names an agreement, ``pair_model`` (a logistic
regression trained on the real-page corpus) may propose the page's most probable pair; its record
goes through steps 3–5 like any other, its signatories' evidence says ``learned_pair`` and its
confidence is at most the pair's probability.

A record needs two signatories with a country, not all French; an agreement without them (a
general definition, a training course) gives no record. Every value keeps the span it was read
from and the id of the rule that produced it, as evidence.
"""

from __future__ import annotations

from pipeline.extract.assembly import fields
from pipeline.extract.assembly.drafts import Draft, build_drafts, date_value
from pipeline.extract.assembly.lexicon import AssemblyLexicon
from pipeline.extract.assembly.members import Relation, valid
from pipeline.extract.assembly.pair_model import CandidatePair, PairModel
from pipeline.extract.assembly.parties import PartyMention, party_mentions
from pipeline.extract.assembly.relations import find_relations, hypothetical, respective
from pipeline.extract.assembly.respective_dates import respective_dates
from pipeline.extract.assembly.segments import assign_segments
from pipeline.extract.assembly.view import (
    ANCHOR_STATUSES,
    ArticleView,
    Mention,
    Segment,
    segment_of,
)
from pipeline.extract.blocks import BlockKind
from pipeline.extract.components.agreements import BARE_PARTNERSHIP, TYPE_PRIORITY
from pipeline.extract.components.verb_forms import hypothetical_verb
from pipeline.records import Evidence, PartnershipRecord, Party, Place, make_record_id

__all__ = ["ANCHOR_STATUSES", "ArticleView", "Assembler", "AssemblyLexicon"]

# Agreement rules of a noun that says no type by itself ("la charte", "l'accord", "celui signé").
BARE_NOUN_RULES = frozenset({"other_bare", "other_pronoun_signed"})
LEARNED_PAIR_RULE = "learned_pair"
"""The relation rule (and evidence prefix) of a pair chosen by the learned scorer."""


class Assembler:
    """Turns an ArticleView into records; holds the model version and the word lists the rules need."""

    def __init__(self, model_version: str, lexicon: AssemblyLexicon, pair_model: PairModel | None = None) -> None:
        self.model_version = model_version
        self.lexicon = lexicon
        self.pair_model = pair_model

    def assemble(self, view: ArticleView) -> list[PartnershipRecord]:
        agreements = view.mentions("agreements")
        _announce_headlines(view, agreements)
        anchors = [a for a in agreements if a.span._.agreement_status in ANCHOR_STATUSES]
        # with no agreement reported, a mention counts only as a twinning, or in a title or heading
        # of an article that announces none for later ("feu vert à la convention avec X": signed later)
        later = any(a.span._.agreement_status in ("planned", "negated") for a in agreements) or _signature_to_come(view)
        headlined = not later and any(view.is_headline(a.block) for a in agreements)
        rules_apply = bool(anchors) or headlined or any(a.label == "twinning" for a in agreements)
        if not rules_apply and self.pair_model is None:
            return []
        if rules_apply:
            view.merge_sections_without(anchors)
        parties = party_mentions(view, self.lexicon)
        dates = view.mentions("dates")
        fields.resolve_anaphoric(dates, view.mentions("since"))
        segments = view.sentences()
        records: list[PartnershipRecord] = []
        if rules_apply:
            weak = [a for a in agreements if a.span._.agreement_status == "mention"]
            relations = find_relations(view, anchors, parties, segments, weak)
            records = self._records(view, relations, anchors, parties, dates, segments)
        if records or self.pair_model is None:
            return records
        # an agreement announced for later, refused or only wished for is no record, whoever the
        # pair (ANNOTATION 1); on a page that announces one, a bare mention is taken to be that one
        reported = anchors if later else [
            a for a in agreements if a.span._.agreement_status in ANCHOR_STATUSES or (a.span._.agreement_status != "generic" and not hypothetical(a.span.sent) and not _plural(a))
        ]
        if any(respective(a) for a in agreements):
            reported = []  # "A, B et C fêtent leur jumelage respectif": each has its own partner, unnamed
        # the rules found no record: the learned scorer may still name the page's pair
        pair = self.pair_model.best_pair(view, parties) if reported else None
        if pair is None or _only_wished(pair):
            return []
        anchor = _pair_anchor(segments, reported, pair)
        # the pair obeys what every relation does: two countries known, not all French, no state twinned
        relation = valid(anchor, pair.representatives(), LEARNED_PAIR_RULE)
        if relation is None:
            return []
        return self._records(view, [relation], anchors, parties, dates, segments, ceiling=pair.probability)

    def _records(
        self, view: ArticleView, relations: list[Relation], anchors: list[Mention], parties: list[PartyMention], dates: list[Mention], segments: list[Segment], ceiling: float = 1.0
    ) -> list[PartnershipRecord]:
        """The records of the relations found: one per draft (relations that are one agreement)."""
        sections = {i: block.section for i, block in enumerate(view.blocks)}
        drafts = respective_dates(build_drafts(relations, dates, segments, anchors, sections), dates)
        assign_segments(view, drafts, segments, view.mentions("agreements"), parties)
        records: list[PartnershipRecord] = []
        for draft in drafts:
            record = self._record(view, draft, drafts, parties, dates, ceiling)
            if record is not None and not any(_same_record(record, kept) for kept in records):
                records.append(record)
        return records

    def _record(self, view: ArticleView, draft: Draft, drafts: list[Draft], parties: list[PartyMention], dates: list[Mention], ceiling: float) -> PartnershipRecord | None:
        source = view.article.text
        typed = min(draft.anchors, key=lambda a: TYPE_PRIORITY.get(a.label, 9))
        agreement_type = _agreement_type(view, typed)
        if agreement_type == "twinning" and any(p.state for p in draft.signatories):
            # a state never twins (``members.valid`` reads the anchor's label; a bare "accords" the
            # headline types is read here): "La France et l'Ukraine ont plusieurs accords de jumelage signés"
            return None
        evidence: list[Evidence] = [m.evidence("agreement", "agreement", source) for m in draft.anchors]
        signatories = draft.signatories
        # a pair the learned scorer chose says so, so the review page shows why
        party_prefix = LEARNED_PAIR_RULE if draft.rule == LEARNED_PAIR_RULE else "party"
        for party in signatories:
            evidence.append(party.mention.evidence("signatories", party_prefix, source))
        in_segments = lambda m: any(s.start_order <= m.order < s.end_order for s in draft.segments)  # noqa: E731
        # a date another draft holds as its own ("qui remplace celui signé en 2003") dates that one
        claimed = {id(other.own_date) for other in drafts if other is not draft and other.own_date is not None}
        free = [d for d in dates if id(d) not in claimed]
        signed_on, date_mention = fields.signing_date(view, draft, drafts, free, in_segments, self.lexicon)
        if date_mention is not None:
            evidence.append(date_mention.evidence("signed_on", "date", source))
        place = fields.signing_place(draft, parties, view, in_segments)
        if place is not None:
            evidence.append(place.mention.evidence("signing_place", "place", source))
        duration = fields.duration(view, in_segments)
        if duration is not None:
            evidence.append(duration.evidence("duration", "duration", source))
        if draft.own_since is not None:
            since, since_year = draft.own_since, int(date_value(draft.own_since)[:4])
        else:
            since = fields.since(view, draft, drafts, in_segments, parties)
            since_year = since.span._.since_year if since is not None else None
        if since is not None:
            evidence.append(since.evidence("since", "since", source))
        elif date_mention is not None and signed_on is not None and len(signed_on) == 4 and draft.in_force:
            # "Tlemcen–Kairouan (1969)", "jumelées en 1988": the year an agreement in force is
            # dated by is the year the relationship began (ANNOTATION 4)
            since_year = int(signed_on)
            evidence.append(date_mention.evidence("since", "since_in_force", source))
        themes = fields.themes(view, draft, in_segments, self.lexicon)
        evidence.extend(m.evidence("themes", "theme", source) for m, _ in themes)
        people = fields.people(view, draft, signatories, in_segments)
        evidence.extend(m.evidence("people", "person", source) for m, _ in people)
        actors = fields.actors(view, draft, signatories, in_segments)
        evidence.extend(m.evidence("actors", "actor", source) for m, _ in actors)
        party_models = [Party(name=p.name, kind=p.kind, country=p.country) for p in signatories]
        return PartnershipRecord(
            record_id=make_record_id(party_models, signed_on),
            article_url=view.article.url,
            source=view.article.source,
            agreement_type=agreement_type,
            agreement_label=typed.text,
            signatories=party_models,
            signed_on=signed_on,
            signing_place=Place(name=place.name, country=place.country) if place is not None and place.country else None,
            duration=duration.span._.iso_duration if duration is not None else None,
            since=since_year,
            themes=[t for _, t in themes],
            people=[p for _, p in people],
            actors=[a for _, a in actors],
            evidence=evidence,
            confidence=min(fields.confidence(draft, signed_on, signatories), round(ceiling, 2)),
            model_version=self.model_version,
        )


def _same_record(a: PartnershipRecord, b: PartnershipRecord) -> bool:
    return a.record_id == b.record_id and a.agreement_type == b.agreement_type and a.signed_on == b.signed_on


def _plural(agreement: Mention) -> bool:
    """"les jumelages ont encore toute leur place": a plural mention speaks of agreements in
    general, not of one the learned scorer could give a pair to."""
    root = agreement.span.root
    # the tagger gives no number to a word in capitals ("JUMELAGES : INFOS PRATIQUES")
    return root.morph.get("Number") == ["Plur"] or (root.text.isupper() and root.text.endswith(("S", "X")))


def _announce_headlines(view: ArticleView, agreements: list[Mention]) -> None:
    """A headline's signing noun has no tense ("Signature d'une convention entre A et B"), nor has
    an agreement it names by its two sides ("Ce que dit l'accord entre A et B"): over a body that
    announces a signature ("… seront signés ce 28 septembre") and reports none, the headline
    announces it too."""
    body = [a.span._.agreement_status for a in agreements if not view.is_headline(a.block)]
    if "planned" not in body or "signed" in body:
        return
    verbs = {c.block for c in view.mentions("signing_cues") if view.is_headline(c.block) and c.span.root.pos_ != "NOUN"}
    for agreement in agreements:
        status, cue = agreement.span._.agreement_status, agreement.span._.agreement_cue
        if view.is_headline(agreement.block) and ((status == "signed" and agreement.block not in verbs) or (status == "in_force" and cue == "entre")):
            agreement.span._.agreement_status = "planned"


def _signature_to_come(view: ArticleView) -> bool:
    """A signing verb in the future or the conditional ("Elle sera signée en juin", "signerait"):
    the article announces a signature, whatever its agreement nouns say."""
    return any(hypothetical_verb(cue.span.root) for cue in view.mentions("signing_cues"))


def _only_wished(pair: CandidatePair) -> bool:
    """"Un autre projet serait la concrétisation du jumelage entre Marseille et Pusan": a pair the page
    names only in the conditional or the future is a prospect, whatever the scorer thinks of it."""
    return all(hypothetical(m.mention.span.sent) for group in (pair.first, pair.second) for m in group.mentions)


def _pair_anchor(segments: list[Segment], agreements: list[Mention], pair: CandidatePair) -> Mention:
    """The agreement mention a learned pair's record hangs on: one in a sentence naming both
    parties, else one in a sentence naming either, else the first; reported ones before bare
    mentions."""

    def sentence(mention: Mention) -> int | None:
        found = segment_of(segments, mention)
        return found.sentence if found is not None else None

    named = [{sentence(p.mention) for p in group.mentions} for group in (pair.first, pair.second)]

    def rank(agreement: Mention) -> tuple[int, bool, int]:
        where = sentence(agreement)
        return (-sum(where in sentences for sentences in named), agreement.span._.agreement_status not in ANCHOR_STATUSES, agreement.order)

    return min(agreements, key=rank)


def _agreement_type(view: ArticleView, typed: Mention) -> str:
    """The draft's most specific label. A bare noun ("la charte", "l'accord", "celui signé") takes
    the type of the one typed label the title and lead give ("Jumelage : …", "la convention-cadre
    signée hier …"; CONVENTIONS C17); a bare "partenariat" that refers back to no typed agreement
    is a partnership agreement (CONVENTIONS C1)."""
    if typed.rule in BARE_NOUN_RULES:
        headline_types = {a.label for a in _title_and_lead(view) if a.label != "other" and a.rule != BARE_PARTNERSHIP}
        if len(headline_types) == 1:
            return headline_types.pop()
        if _relative_to_cooperation(typed):
            return "cooperation_agreement"
    return "partnership_agreement" if typed.rule == BARE_PARTNERSHIP else typed.label


_RELATIVE_WORDS = frozenset({"relative", "relatif", "relatives", "relatifs"})


def _relative_to_cooperation(typed: Mention) -> bool:
    """"la convention entre la République française et la République du Vanuatu relative à la
    coopération": a bare noun that a later "relative à la coopération" qualifies is a cooperation
    agreement; a verb or a new clause ends the noun's phrase."""
    doc = typed.span.doc
    window = doc[typed.span.end : min(typed.span.end + 14, typed.span.sent.end)]
    words = [t.lower_ for t in window]
    for i, word in enumerate(words[:-3]):
        if word in _RELATIVE_WORDS and words[i + 1] in ("à", "au") and "coopération" in words[i + 1 : i + 4]:
            return True
        if window[i].pos_ == "VERB" or word in (".", ";", "qui", "que"):
            return False
    return False


def _title_and_lead(view: ArticleView) -> list[Mention]:
    """The agreement mentions of the title and of the first paragraph after it, that the article
    does not announce for later or refuse."""
    title = next((i for i, b in enumerate(view.blocks) if b.kind is BlockKind.title), None)
    lead = next((i for i, b in enumerate(view.blocks) if b.kind is BlockKind.paragraph), None)
    return [a for a in view.mentions("agreements") if a.block in (title, lead) and a.span._.agreement_status not in ("planned", "negated")]
