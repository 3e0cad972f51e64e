"""From the candidates of an article's blocks to its partnership records.

The rule components mark candidates block by block (agreement mentions, parties, places,
dates, durations, themes, people, actors). This module reads the article as a whole:

1. every agreement mention reported as signed (or in force) is an *anchor*; anchors of one
   section that speak of the same agreement (same counterpart, same date, "la nouvelle
   convention") become one record, the others a record each ("la première convention, signée
   en 2019" beside its renewal; two agreements signed in one sentence);
2. the section's text is cut into *segments* (sentences, or parts of a sentence that holds two
   anchors), and each segment is given to the record it speaks of: the latest anchor before
   it, unless it names another record's counterpart or type;
3. each field is read from the record's own segments first, then from wider context (the
   anchor's sentence, the section heading, the title), never from another section.

A record needs two signatories, one of them foreign; an agreement without them (a general
definition, a training course) gives no record. Every value keeps the span it was read from
and the id of the rule that produced it, as evidence.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Doc, Span

from pipeline.blocks import Block, BlockKind
from pipeline.components.agreements import TYPE_PRIORITY
from pipeline.components.parties import VENUE_HEADS
from pipeline.normalize import fold, name_words, names_match
from pipeline.records import (
    Actor,
    Article,
    Evidence,
    Party,
    PartnershipRecord,
    Person,
    Place,
    Theme,
    make_record_id,
)

ANCHOR_STATUSES = ("signed", "in_force")
FOREIGN_ONLY_KINDS = frozenset({"province"})
PARTY_PROVINCE_FALLBACK = "region"


@dataclass
class Mention:
    """A candidate span placed in the article: offsets into ``article.text``, segment and order."""

    span: Span
    block: int
    start: int
    end: int
    order: int  # global token position, for "before"/"after" and distances

    @property
    def text(self) -> str:
        """The words as parsed (curly apostrophes read as straight), for names and labels."""
        return self.span.text

    @property
    def label(self) -> str:
        return self.span.label_

    @property
    def rule(self) -> str:
        return self.span.id_

    def evidence(self, field_name: str, prefix: str, source: str) -> Evidence:
        """Evidence quotes the article's own text, which the offsets point into."""
        return Evidence(field=field_name, start=self.start, end=self.end, text=source[self.start : self.end], rule=f"{prefix}:{self.rule}")


@dataclass
class PartyMention:
    mention: Mention
    name: str
    kind: str
    country: str | None
    introducer: str | None  # "à", "dans", "(": introduced as a place, not a party

    @property
    def signing_place_like(self) -> bool:
        return self.introducer is not None


@dataclass
class Segment:
    """A sentence, or the part of one that belongs to a single agreement."""

    block: int
    section: int
    start_order: int
    end_order: int
    sentence: int
    record: int | None = None


@dataclass
class Draft:
    anchor: Mention
    section: int
    counterpart: PartyMention | None
    own_date: Mention | None
    segments: list[Segment] = field(default_factory=list)
    anchors: list[Mention] = field(default_factory=list)


@dataclass
class ArticleView:
    """The article's blocks and their parsed Docs, with every candidate in article coordinates."""

    article: Article
    text: str
    blocks: list[Block]
    docs: list[Doc]
    orders: list[int] = field(default_factory=list)
    _mentions: dict[str, list[Mention]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        position = 0
        for doc in self.docs:
            self.orders.append(position)
            position += len(doc) + 1

    def merge_sections_without(self, anchors: list[Mention]) -> None:
        """A sub-heading that starts no agreement of its own ("Agriculture et tourisme") continues the
        section before it; headings with an agreement still cut the article apart."""
        with_anchor = {self.blocks[a.block].section for a in anchors}
        current = 0
        remap: dict[int, int] = {}
        for block in self.blocks:
            if block.section not in remap:
                if block.section in with_anchor or block.section == 0 or not remap:
                    current = block.section
                remap[block.section] = current
        self.blocks = [replace(b, section=remap[b.section]) for b in self.blocks]

    def mentions(self, key: str) -> list[Mention]:
        """The candidates of one span group, placed once per article: every record's rules read them."""
        if key not in self._mentions:
            self._mentions[key] = self._place_group(key)
        return self._mentions[key]

    def _place_group(self, key: str) -> list[Mention]:
        found = []
        for index, (block, doc) in enumerate(zip(self.blocks, self.docs)):
            for span in doc.spans.get(key, []):
                found.append(self._mention(index, span))
        return found

    def entities(self, labels: tuple[str, ...]) -> list[Mention]:
        return [self._mention(i, ent) for i, doc in enumerate(self.docs) for ent in doc.ents if ent.label_ in labels]

    def _mention(self, index: int, span: Span) -> Mention:
        block = self.blocks[index]
        return Mention(span, index, block.start + span.start_char, block.start + span.end_char, self.orders[index] + span.start)

    def sentences(self) -> list[Segment]:
        segments = []
        number = 0
        for index, (block, doc) in enumerate(zip(self.blocks, self.docs)):
            for sent in doc.sents:
                segments.append(Segment(index, block.section, self.orders[index] + sent.start, self.orders[index] + sent.end, number))
                number += 1
        return segments


@dataclass(frozen=True)
class AssemblyLexicon:
    """The assembler's word lists (models/lexicons/assembly.json) and province levels (party_kinds.json)."""

    distractor_words: frozenset[str]  # a sentence with one dates something else than the signature
    axis_words: frozenset[str]  # a sentence with one states what the agreement is about
    tripartite_marks: tuple[str, ...]  # an association signs too
    province_department_countries: frozenset[str]

    @classmethod
    def from_files(cls, assembly_path: str | Path, party_kinds_path: str | Path) -> AssemblyLexicon:
        with open(assembly_path, encoding="utf-8") as handle:
            words = json.load(handle)
        with open(party_kinds_path, encoding="utf-8") as handle:
            provinces = json.load(handle)["province"]
        return cls(
            frozenset(words["distractor_words"]),
            frozenset(words["axis_words"]),
            tuple(words["tripartite_marks"]),
            frozenset(provinces.get("department", [])),
        )


class Assembler:
    """Turns an ArticleView into records; holds the few settings the rules need."""

    def __init__(self, model_version: str, lexicon: AssemblyLexicon) -> None:
        self.model_version = model_version
        self.lexicon = lexicon
        self.province_department_countries = lexicon.province_department_countries

    # ---------------------------------------------------------------- parties
    def party_mentions(self, view: ArticleView) -> list[PartyMention]:
        places = view.mentions("places")
        countries = [m for m in places if m.label in ("country", "demonym")]
        parties: list[PartyMention] = []
        taken: list[tuple[int, int]] = []
        for mention in view.mentions("parties"):
            name = mention.span._.party_name or mention.text
            inner = [p for p in places if p.start >= mention.start and p.end <= mention.end]
            country = self._country_inside(inner) or self._country_after(view, mention, countries)
            if country is None:
                country = next((p.span.kb_id_ for p in inner if p.label not in ("country", "demonym") and p.span.kb_id_), None)
            if country is None and _french_generic(mention):
                country = "FR"
            kind = mention.label
            if kind == "province":
                kind = "department" if country in self.province_department_countries else PARTY_PROVINCE_FALLBACK
            parties.append(PartyMention(mention, name, kind, country, self._introducer(mention)))
            taken.append((mention.start, mention.end))
        people = [(m.start, m.end) for m in view.mentions("people")]
        # a first name that is also a commune ("Yves" in "Yves Le Dréau"), inside a longer person entity
        people += [(m.start, m.end) for m in view.entities(("PER",)) if len(m.span) > 1]
        people += [(m.start, m.end) for m in view.mentions("actors") if m.label != "school"]
        for group in _place_groups(places):
            first = group[0]
            if first.label in ("country", "demonym") or _overlaps(first, taken) or _inside(first, people):
                continue
            if _common_noun_read_as_place(first) or (first.span._.place_ambiguous and not _written_as_name(first)):
                continue
            context = self._country_after(view, first, countries)
            place = next((p for p in group if context and p.span.kb_id_ == context), first)
            if place.span.kb_id_ != "FR":
                place = next((p for p in group if p.label == "city" and p.span.kb_id_ == place.span.kb_id_), place)
            country = context or place.span.kb_id_ or None
            kind = place.span._.place_kind or "municipality"
            name = place.text
            parties.append(PartyMention(place, name, kind, country, self._introducer(place)))
            taken.append((place.start, place.end))
        vetted_people = [(m.start, m.end) for m in view.mentions("people")]
        every_place = [(m.start, m.end) for m in places]
        # the French model reads some foreign town names as people ("Beit Sahour"): those that the
        # people component did not take are kept, and only a country in the text makes them parties
        for ent in view.entities(("LOC", "PER")):
            if _overlaps(ent, taken) or _overlaps(ent, every_place) or _overlaps(ent, vetted_people):
                continue
            if ent.span.root.pos_ != "PROPN" or not ent.text[:1].isupper():
                continue
            # a place no gazetteer knows ("Beit Sahour"): its country comes from the text, here or at
            # another mention of the same name ("à Beit Sahour, en Palestine")
            country = self._country_after(view, ent, countries)
            if country == "FR":
                continue
            parties.append(PartyMention(ent, ent.text, "municipality", country, self._introducer(ent)))
        parties.sort(key=lambda p: p.mention.order)
        prominent = {i for i, b in enumerate(view.blocks) if b.kind in (BlockKind.title, BlockKind.heading)}
        prominent |= {m.block for m in view.mentions("agreements") if m.span._.agreement_status in ANCHOR_STATUSES}
        return _share_identity(parties, prominent)

    @staticmethod
    def _country_inside(inner: list[Mention]) -> str | None:
        return next((p.span.kb_id_ for p in inner if p.label in ("country", "demonym") and p.span.kb_id_), None)

    @staticmethod
    def _country_after(view: ArticleView, mention: Mention, countries: list[Mention]) -> str | None:
        """"X (Bénin)", "X, au Burkina Faso", "X en Ukraine", "X, dans la région de l'Ouest du Cameroun"."""
        doc = view.docs[mention.block]
        end_token = mention.span.end
        for country in countries:
            if country.block != mention.block or country.label != "country":
                continue
            gap = doc[end_token : country.span.start]
            if country.span.start < end_token or len(gap) > 9:
                continue
            if any(t.pos_ in ("VERB", "AUX") or t.text in (";", ".") or t.lower_ in ("et", "avec", "entre") or t.is_title for t in gap):
                continue
            if not gap or gap[-1].lower_ in ("(", "au", "en", "aux", "du", "de", ",") or gap[0].text in (",", "("):
                return country.span.kb_id_
        return None

    @staticmethod
    def _introducer(mention: Mention) -> str | None:
        """How the text introduces a name as a place rather than a party.

        "à" (directly, or through a venue: "à l'hôtel de ville de Niort", "dans la salle du conseil
        municipal de Vitré" reads as "à"), "dans" for a locator ("dans le județ de Brașov"), "(" for
        a bracket ("(Loire)"); None for a party. "l'adjointe au maire de X" introduces no place.
        A name given with its generic word ("s'associe à la commune roumaine de Moieciu") stays a
        party after "à", but not after "dans".
        """
        named_with_generic = mention.span.has_extension("party_name") and mention.span._.party_name is not None
        doc = mention.span.doc
        i = mention.span.start - 1
        if i >= 0 and doc[i].text == "(" and not named_with_generic:
            return "("
        while i >= 0 and mention.span.start - i <= 10:
            token = doc[i]
            if token.lower_ == "en" and i == mention.span.start - 1 and mention.label in ("region", "department"):
                return "dans"  # "Görlitz, en Saxe": the region locates a town
            if token.lower_ in ("à", "au", "dans"):
                chain = [t for t in doc[i + 1 : mention.span.start] if t.pos_ != "DET"]
                through_venue = not chain or chain[0].lower_ in VENUE_HEADS
                if token.lower_ == "dans":
                    return "à" if through_venue and chain else "dans"
                return "à" if through_venue and not named_with_generic else None
            if token.pos_ in ("VERB", "AUX", "PUNCT", "CCONJ") or token.lower_ in ("avec", "entre", "par"):
                return None
            i -= 1
        return None

    # ---------------------------------------------------------------- records
    def assemble(self, view: ArticleView) -> list[PartnershipRecord]:
        agreements = view.mentions("agreements")
        anchors = [a for a in agreements if a.span._.agreement_status in ANCHOR_STATUSES]
        body_anchors = [a for a in anchors if view.blocks[a.block].kind is not BlockKind.title]
        anchors = body_anchors or anchors
        if not anchors:
            return []
        view.merge_sections_without(anchors)
        parties = self.party_mentions(view)
        dates = view.mentions("dates")
        self._resolve_anaphoric(dates)
        segments = view.sentences()
        drafts = self._drafts(view, anchors, parties, dates, segments)
        self._assign_segments(view, drafts, segments, agreements, parties)
        records = []
        for draft in drafts:
            record = self._record(view, draft, drafts, parties, dates)
            if record is not None and not any(_same_record(record, kept) for kept in records):
                records.append(record)
        return records

    def _drafts(self, view: ArticleView, anchors: list[Mention], parties: list[PartyMention], dates: list[Mention], segments: list[Segment]) -> list[Draft]:
        drafts: list[Draft] = []
        for anchor in anchors:
            section = view.blocks[anchor.block].section
            sentence = _segment_of(segments, anchor)
            counterpart = self._counterpart(anchor, sentence, parties, anchors)
            own_date = self._own_date(anchor, sentence, dates, anchors)
            same_section = [d for d in drafts if d.section == section]
            target = self._merge_target(anchor, counterpart, own_date, same_section)
            if target is None:
                drafts.append(Draft(anchor, section, counterpart, own_date, anchors=[anchor]))
            else:
                target.anchors.append(anchor)
                target.counterpart = target.counterpart or counterpart
                target.own_date = target.own_date or own_date
        return drafts

    @staticmethod
    def _merge_target(anchor: Mention, counterpart: PartyMention | None, own_date: Mention | None, drafts: list[Draft]) -> Draft | None:
        if not drafts:
            return None
        marker = anchor.span._.agreement_marker
        if marker == "newer":
            # "liées depuis 2001 par un accord … le nouvel accord a été signé": the agreement in force
            # and its renewal are two records
            signed = [d for d in drafts if d.anchor.span._.agreement_marker != "older" and d.anchor.span._.agreement_status == "signed"]
            return signed[0] if signed else None
        latest = drafts[-1]
        if counterpart is not None and latest.counterpart is not None and not names_match(counterpart.name, latest.counterpart.name):
            return next((d for d in drafts if d.counterpart is not None and names_match(d.counterpart.name, counterpart.name) and _compatible(d, anchor, own_date)), None)
        if marker == "older":
            return next((d for d in drafts if d.anchor.span._.agreement_marker == "older"), None)
        if own_date is not None and latest.own_date is not None and _date_value(own_date) != _date_value(latest.own_date):
            return None
        if anchor.label != latest.anchor.label and "other" not in (anchor.label, latest.anchor.label) and counterpart is not None:
            return None
        return latest

    @staticmethod
    def _counterpart(anchor: Mention, sentence: Segment | None, parties: list[PartyMention], anchors: list[Mention]) -> PartyMention | None:
        """The foreign party this agreement is signed with: after the anchor in its clause, else before it."""
        if sentence is None:
            return None
        low, high = _clause_of(anchor, sentence, anchors)
        foreign = [p for p in parties if p.country not in (None, "FR") and p.kind != "association" and not p.signing_place_like and low <= p.mention.order < high]
        after = [p for p in foreign if p.mention.order > anchor.order]
        before = [p for p in foreign if p.mention.order < anchor.order]
        if after:
            return after[0]
        if before:
            return before[-1]
        return None

    @staticmethod
    def _own_date(anchor: Mention, sentence: Segment | None, dates: list[Mention], anchors: list[Mention]) -> Mention | None:
        if sentence is None:
            return None
        low, high = _clause_of(anchor, sentence, anchors)
        candidates = [d for d in dates if low <= d.order < high and _signing_date_candidate(d)]
        if not candidates:
            return None
        return min(candidates, key=lambda d: abs(d.order - anchor.order))

    def _assign_segments(self, view: ArticleView, drafts: list[Draft], segments: list[Segment], agreements: list[Mention], parties: list[PartyMention]) -> None:
        cut = self._cut_sentences(segments, drafts)
        for segment in cut:
            in_section = [i for i, d in enumerate(drafts) if d.section == segment.section]
            if not in_section:
                continue
            chosen = self._segment_owner(segment, drafts, in_section, agreements, parties)
            if chosen is not None:
                drafts[chosen].segments.append(segment)

    @staticmethod
    def _cut_sentences(segments: list[Segment], drafts: list[Draft]) -> list[Segment]:
        """Split a sentence holding anchors of two records at the clause where the second begins."""
        starts = sorted((a.order, a) for d in drafts for a in d.anchors)
        result = []
        for segment in segments:
            inside = [a for order, a in starts if segment.start_order <= order < segment.end_order]
            owners = {id(_draft_of(drafts, a)) for a in inside}
            if len(owners) < 2:
                result.append(segment)
                continue
            boundaries = [segment.start_order]
            previous_owner = id(_draft_of(drafts, inside[0]))
            for previous, anchor in zip(inside, inside[1:]):
                owner = id(_draft_of(drafts, anchor))
                if owner != previous_owner:
                    boundaries.append(_clause_start(anchor, previous.order + len(previous.span)))
                    previous_owner = owner
            boundaries.append(segment.end_order)
            for low, high in zip(boundaries, boundaries[1:]):
                result.append(Segment(segment.block, segment.section, low, high, segment.sentence))
        return result

    @staticmethod
    def _segment_owner(segment: Segment, drafts: list[Draft], in_section: list[int], agreements: list[Mention], parties: list[PartyMention]) -> int | None:
        anchored = [i for i in in_section if any(segment.start_order <= a.order < segment.end_order for a in drafts[i].anchors)]
        if anchored:
            return anchored[0]
        if len(in_section) == 1:
            return in_section[0]
        inside = [p for p in parties if segment.start_order <= p.mention.order < segment.end_order]
        named = [i for i in in_section if drafts[i].counterpart is not None and any(names_match(p.name, drafts[i].counterpart.name) for p in inside)]
        if len(named) == 1:
            return named[0]
        mentioned = [a for a in agreements if segment.start_order <= a.order < segment.end_order]
        for mention in mentioned:
            marker = mention.span._.agreement_marker
            if marker == "older":
                older = [i for i in in_section if drafts[i].anchor.span._.agreement_marker == "older"]
                if older:
                    return older[0]
            if marker == "newer":
                newer = [i for i in in_section if drafts[i].anchor.span._.agreement_marker != "older"]
                if newer:
                    return newer[0]
            typed = [i for i in in_section if drafts[i].anchor.label == mention.label and mention.label != "other"]
            if len(typed) == 1:
                return typed[0]
        earlier = [i for i in in_section if drafts[i].anchor.order <= segment.start_order or any(s.end_order <= segment.start_order for s in drafts[i].segments)]
        if not earlier:
            return None
        return max(earlier, key=lambda i: max([s.end_order for s in drafts[i].segments] + [drafts[i].anchor.order]))

    # ---------------------------------------------------------------- one record
    def _record(self, view: ArticleView, draft: Draft, drafts: list[Draft], parties: list[PartyMention], dates: list[Mention]) -> PartnershipRecord | None:
        anchor = draft.anchor
        source = view.article.text
        typed = min(draft.anchors, key=lambda a: TYPE_PRIORITY.get(a.label, 9))
        evidence: list[Evidence] = [m.evidence("agreement", "agreement", source) for m in draft.anchors]
        signatories = self._signatories(view, draft, parties)
        if signatories is None:
            return None
        for party in signatories:
            evidence.append(party.mention.evidence("signatories", "party", source))
        in_segments = lambda m: any(s.start_order <= m.order < s.end_order for s in draft.segments)  # noqa: E731
        signed_on, date_mention = self._signing_date(view, draft, dates, in_segments)
        if date_mention is not None:
            evidence.append(date_mention.evidence("signed_on", "date", source))
        place = self._signing_place(draft, parties, view, in_segments)
        if place is not None:
            evidence.append(place.mention.evidence("signing_place", "place", source))
        duration = next((m for m in view.mentions("durations") if in_segments(m) and m.label == "agreement"), None)
        if duration is not None:
            evidence.append(duration.evidence("duration", "duration", source))
        since = self._since(view, draft, drafts, in_segments)
        if since is not None:
            evidence.append(since.evidence("since", "since", source))
        themes = self._themes(view, draft, in_segments)
        evidence.extend(m.evidence("themes", "theme", source) for m, _ in themes)
        people = self._people(view, draft, signatories, in_segments)
        evidence.extend(m.evidence("people", "person", source) for m, _ in people)
        actors = self._actors(view, draft, signatories, in_segments)
        evidence.extend(m.evidence("actors", "actor", source) for m, _ in actors)
        party_models = [Party(name=p.name, kind=p.kind, country=p.country) for p in signatories]
        confidence = self._confidence(draft, signed_on, signatories)
        return PartnershipRecord(
            record_id=make_record_id(party_models, signed_on),
            article_url=view.article.url,
            source=view.article.source,
            agreement_type=typed.label,
            agreement_label=typed.text,
            signatories=party_models,
            signed_on=signed_on,
            signing_place=Place(name=place.name, country=place.country) if place is not None and place.country else None,
            duration=duration.span._.iso_duration if duration is not None else None,
            since=since.span._.since_year if since is not None else None,
            themes=[t for _, t in themes],
            people=[p for _, p in people],
            actors=[a for _, a in actors],
            evidence=evidence,
            confidence=confidence,
            model_version=self.model_version,
        )

    def _signatories(self, view: ArticleView, draft: Draft, parties: list[PartyMention]) -> list[PartyMention] | None:
        """One French and one foreign party: from the anchor's sentence, else the section heading, else the title."""
        anchor = draft.anchor
        contexts = self._contexts(view, draft)
        foreign = draft.counterpart
        french = None
        for low, high in contexts:
            window = [p for p in parties if low <= p.mention.order < high and p.country and not p.signing_place_like]
            if foreign is None:
                candidates = [p for p in window if p.country != "FR" and p.kind != "association"]
                foreign = min(candidates, key=lambda p: abs(p.mention.order - anchor.order), default=None)
            if french is None:
                candidates = [p for p in window if p.country == "FR" and p.kind != "association"]
                french = min(candidates, key=lambda p: abs(p.mention.order - anchor.order), default=None)
            if foreign is not None and french is not None:
                break
        if french is None:
            french = _most_frequent([p for p in parties if p.country == "FR" and p.kind != "association" and not p.signing_place_like])
        if foreign is None:
            in_section = [p for p in parties if view.blocks[p.mention.block].section == draft.section]
            foreign = _most_frequent([p for p in in_section if p.country not in (None, "FR") and p.kind != "association" and not p.signing_place_like])
        if foreign is None:
            foreign = self._state_party(view, draft)
        if foreign is None or french is None:
            return None
        signatories = [french, foreign]
        anchor_blocks = {a.block for a in draft.anchors}
        for party in parties:
            if party.kind == "association" and party.mention.block in anchor_blocks and self._tripartite(view, draft):
                signatories.append(PartyMention(party.mention, party.name, "association", party.country or "FR", None))
                break
        return signatories

    @staticmethod
    def _state_party(view: ArticleView, draft: Draft) -> PartyMention | None:
        """A state that signs: "un accord avec le Maroc", "la Région et le Cap-Vert signent" (a
        country named after "avec"/"et" in the anchor's sentence, not locating something "au Maroc")."""
        anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
        for place in view.mentions("places"):
            if place.label != "country" or place.span.kb_id_ == "FR" or (place.block, place.span.sent.start) not in anchor_sentences:
                continue
            doc = place.span.doc
            before = [t.lower_ for t in doc[max(place.span.sent.start, place.span.start - 2) : place.span.start]]
            if before and before[-1] in ("le", "la", "l'", "les") and len(before) == 2 and before[0] in ("avec", "et"):
                return PartyMention(place, place.span._.place_name or place.text, "national", place.span.kb_id_, None)
        return None

    def _contexts(self, view: ArticleView, draft: Draft) -> list[tuple[int, int]]:
        """Where to look for signatories, nearest first: the anchors' sentences, their blocks, the heading, the title."""
        contexts = []
        for anchor in draft.anchors:
            sent = anchor.span.sent
            base = view.orders[anchor.block]
            contexts.append((base + sent.start, base + sent.end))
        for index, block in enumerate(view.blocks):
            if block.kind is BlockKind.heading and block.section == draft.section:
                contexts.append((view.orders[index], view.orders[index] + len(view.docs[index])))
        for anchor in draft.anchors:
            base = view.orders[anchor.block]
            contexts.append((base, base + len(view.docs[anchor.block])))
        for index, block in enumerate(view.blocks):
            if block.kind is BlockKind.title:
                contexts.append((view.orders[index], view.orders[index] + len(view.docs[index])))
        return contexts

    def _signing_date(self, view: ArticleView, draft: Draft, dates: list[Mention], in_segments) -> tuple[str | None, Mention | None]:
        if draft.own_date is not None:
            return _date_value(draft.own_date), draft.own_date
        anchor = draft.anchor
        usable = [d for d in dates if _signing_date_candidate(d)]
        anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
        in_anchor_sentence = [d for d in usable if (d.block, d.span.sent.start) in anchor_sentences]
        if in_anchor_sentence:
            best = min(in_anchor_sentence, key=lambda d: abs(d.order - anchor.order))
            return _date_value(best), best
        cue_sentences = {(c.block, c.span.sent.start) for c in view.mentions("signing_cues") if in_segments(c)}
        signing = [d for d in usable if (d.block, d.span.sent.start) in cue_sentences and not self._distracted(d)]
        if signing:
            best = min(signing, key=lambda d: abs(d.order - anchor.order))
            return _date_value(best), best
        before = [d for d in usable if d.block == anchor.block and d.order < anchor.order and not self._distracted(d)]
        if before:
            return _date_value(before[-1]), before[-1]
        # "jumelées depuis 1963", "liées depuis 1994 par un accord": in force since the year given
        since = next((m for m in view.mentions("since") if (m.block, m.span.sent.start) in anchor_sentences and m.span._.since_year), None)
        if since is not None:
            return str(since.span._.since_year), since
        return None, None

    @staticmethod
    def _signing_place(draft: Draft, parties: list[PartyMention], view: ArticleView, in_segments) -> PartyMention | None:
        places = view.mentions("places")
        anchor = draft.anchor
        anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
        signing_sentences = anchor_sentences | {(c.block, c.span.sent.start) for c in view.mentions("signing_cues") if in_segments(c)}
        candidates = []
        for party in parties:
            m = party.mention
            in_signing_sentence = (m.block, m.span.sent.start) in signing_sentences
            if party.introducer == "à" and in_signing_sentence and party.kind not in ("association", "other", "national") and party.country:
                candidates.append(party)
        for place in places:
            if place.label == "country" and in_segments(place) and (place.block, place.span.sent.start) in anchor_sentences:
                doc = place.span.doc
                before = doc[place.span.start - 1] if place.span.start else None
                ahead = doc[place.span.start - 2] if place.span.start > 1 else None
                if before is not None and before.lower_ in ("au", "en", "aux") and ahead is not None and ahead.lower_ in (
                    "partenariat", "coopération", "convention", "accord", "signée", "signé", "signés", "signées", "protocole", "entente",
                ):
                    candidates.append(PartyMention(place, place.span._.place_name or place.text, "national", place.span.kb_id_, "à"))
        if not candidates:
            return None
        return min(candidates, key=lambda p: (p.mention.block != anchor.block, abs(p.mention.order - anchor.order)))

    @staticmethod
    def _since(view: ArticleView, draft: Draft, drafts: list[Draft], in_segments) -> Mention | None:
        candidates = [m for m in view.mentions("since") if m.label != "actor_since" and m.span._.since_year]
        own = [m for m in candidates if in_segments(m)]
        if own:
            return own[0]
        section_drafts = [d for d in drafts if d.section == draft.section]
        same_partner = all(
            d.counterpart is None or draft.counterpart is None or names_match(d.counterpart.name, draft.counterpart.name) for d in section_drafts
        )
        if same_partner:
            in_section = [m for m in candidates if view.blocks[m.block].section == draft.section]
            if in_section:
                return in_section[0]
        return None

    def _themes(self, view: ArticleView, draft: Draft, in_segments) -> list[tuple[Mention, Theme]]:
        themes = []
        seen = set()
        anchor_blocks = {a.block for a in draft.anchors}
        for mention in view.mentions("themes"):
            if not in_segments(mention) or view.blocks[mention.block].kind is BlockKind.title:
                continue
            if not self._about_agreement(view, mention, anchor_blocks):
                continue
            if mention.label in seen:
                continue
            seen.add(mention.label)
            block = view.blocks[mention.block]
            label = _list_item_label(block.text) if block.kind is BlockKind.list_item else mention.text
            themes.append((mention, Theme(label=label, code=mention.label)))
        return themes

    @staticmethod
    def _people(view: ArticleView, draft: Draft, signatories: list[PartyMention], in_segments) -> list[tuple[Mention, Person]]:
        people = []
        names: list[str] = []
        anchor_blocks = {a.block for a in draft.anchors}
        for mention in view.mentions("people"):
            if not in_segments(mention):
                continue
            if mention.span._.person_cue_kind == "quote_cue" and mention.block not in anchor_blocks:
                continue
            name = mention.text
            if any(names_match(name, seen) for seen in names):
                continue
            names.append(name)
            role_org = mention.span._.role_org
            organisation = next((p.name for p in signatories if role_org and names_match(p.name, role_org)), None) or role_org
            people.append((mention, Person(name=name, role=mention.span._.role, organisation=organisation)))
        return people

    @staticmethod
    def _actors(view: ArticleView, draft: Draft, signatories: list[PartyMention], in_segments) -> list[tuple[Mention, Actor]]:
        actors = []
        names: list[str] = []
        for mention in view.mentions("actors"):
            if not in_segments(mention) and view.blocks[mention.block].section != draft.section:
                continue
            name = mention.span._.actor_name or mention.text
            if any(names_match(name, seen) for seen in names) or any(names_match(name, p.name) for p in signatories):
                continue
            names.append(name)
            actors.append((mention, Actor(name=name, kind=mention.label)))
        return actors

    def _distracted(self, mention: Mention) -> bool:
        return any(t.lower_ in self.lexicon.distractor_words for t in mention.span.sent)

    def _tripartite(self, view: ArticleView, draft: Draft) -> bool:
        """"une convention à trois", "tripartite": a third party (an association) signs too."""
        texts = [fold(a.span.sent.text) for a in draft.anchors] + ([fold(view.blocks[0].text)] if view.blocks else [])
        return any(mark in text for text in texts for mark in self.lexicon.tripartite_marks)

    def _about_agreement(self, view: ArticleView, mention: Mention, anchor_blocks: set[int]) -> bool:
        """A theme counts where the text speaks of the agreement: the paragraph that reports the
        signature, a list item, or a sentence that names an agreement, a signature or its content
        ("autour de trois axes", "porte sur")."""
        if mention.block in anchor_blocks or view.blocks[mention.block].kind is BlockKind.list_item:
            return True
        sentence = mention.span.sent
        if any(a.start >= sentence.start and a.end <= sentence.end for a in view.docs[mention.block].spans.get("agreements", [])):
            return True
        if any(c.start >= sentence.start and c.end <= sentence.end for c in view.docs[mention.block].spans.get("signing_cues", [])):
            return True
        return any(t.lower_ in self.lexicon.axis_words for t in sentence)

    @staticmethod
    def _confidence(draft: Draft, signed_on: str | None, signatories: list[PartyMention]) -> float:
        score = 0.45
        if draft.counterpart is not None:
            score += 0.2
        if signed_on is not None:
            score += 0.15
        if draft.anchor.label != "other":
            score += 0.1
        if draft.anchor.span._.agreement_status == "signed":
            score += 0.05
        return round(min(score, 0.95), 2)

    @staticmethod
    def _resolve_anaphoric(dates: list[Mention]) -> None:
        """"le lendemain", "la veille", "le même jour": an offset from the latest day-precise date before it."""
        previous: str | None = None
        for mention in sorted(dates, key=lambda m: m.order):
            offset = mention.span._.date_offset_days
            value = mention.span._.date_value
            if mention.label == "anaphoric" and offset is not None and previous is not None:
                day = dt.date.fromisoformat(previous) + dt.timedelta(days=offset)
                mention.span._.date_value = day.isoformat()
            elif value and len(value) == 10 and mention.label != "range":
                previous = value


def _share_identity(parties: list[PartyMention], prominent_blocks: set[int]) -> list[PartyMention]:
    """Mentions of one name are one party: the kind said with a generic word in the title, a
    heading or a signing paragraph ("le gouvernorat de Kairouan") and a country said anywhere hold
    for the bare mentions ("Kairouan") too. A generic word in passing ("liens avec la région de
    Kédougou") does not rename the town that signs."""
    by_name: dict[frozenset[str], list[PartyMention]] = {}
    for party in parties:
        by_name.setdefault(name_words(party.name), []).append(party)
    for words, group in by_name.items():
        if not words:
            continue
        generic = [
            p for p in group
            if p.mention.span.has_extension("party_name") and p.mention.span._.party_name is not None and p.mention.block in prominent_blocks
        ]
        kind = generic[0].kind if generic else None
        said = Counter(p.country for p in group if p.country and p.mention.span.has_extension("party_name") and p.mention.span._.party_name is not None)
        countries = said or Counter(p.country for p in group if p.country)
        country = countries.most_common(1)[0][0] if countries else None
        for party in group:
            if kind is not None and party.kind != "association":
                party.kind = kind
            # "la commune de Saint-Louis, au Sénégal" decides for a bare "à Saint-Louis", which a
            # gazetteer would read as the French commune of that name
            if party.country is None or (said and party.country != country):
                party.country = country
    return parties


def _place_groups(places: list[Mention]) -> list[list[Mention]]:
    """The places component gives one span per candidate place of a name, most likely first: group them."""
    groups: dict[tuple[int, int], list[Mention]] = {}
    for place in places:
        groups.setdefault((place.start, place.end), []).append(place)
    return list(groups.values())


def _common_noun_read_as_place(place: Mention) -> bool:
    """"Maire" found as the commune of Mairé, "Parce" (que) as Parce, "Collines" opening a sentence.

    A one-word place that the tagger reads as anything but a proper noun is kept only when it
    is a noun written exactly as the place and not opening its sentence.
    """
    span = place.span
    if len(span) != 1:
        # "Les deux villes" is a commune of the Ardennes, and an ordinary phrase: names capitalise their words
        return any(t.is_alpha and t.lower_ not in PLACE_PARTICLES and not t.text[0].isupper() for t in span)
    token = span.root
    if token.pos_ == "PROPN":
        return False
    if token.pos_ != "NOUN":
        return True
    return token.is_sent_start or span.text != (span._.place_name or span.text)


PLACE_PARTICLES = frozenset({"de", "du", "des", "d'", "la", "le", "les", "l'", "sur", "sous", "en", "lès", "lez", "aux", "et", "-"})


def _written_as_name(place: Mention) -> bool:
    """Capitalised and read as a name: "Vitré" the town, not "vitré" the glass. Opening a sentence,
    the word must also be paired with another name ("Vannes et Cuxhaven", "Tulle, Banfora…")."""
    span = place.span
    first = span[0]
    if not first.text[:1].isupper():
        return False
    if not first.is_sent_start:
        return any(t.pos_ == "PROPN" for t in span)
    doc = span.doc
    following = doc[span.end : span.end + 2]
    return len(following) == 2 and following[0].lower_ in ("et", ",") and following[1].text[:1].isupper()


def _french_generic(mention: Mention) -> bool:
    """Generic words only French units carry: communauté de communes, métropole, "le Département du…"."""
    if mention.label == "intermunicipal":
        return True
    first = mention.span[0].text
    return first in ("Département", "Région") and mention.span._.party_name is not None and len(mention.span) > 1 and mention.span[1].lower_ in ("du", "de", "des", "d'")


def _inside(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    """Strictly inside a longer span."""
    return any(start <= mention.start and mention.end <= end and end - start > mention.end - mention.start for start, end in spans)


def _overlaps(mention: Mention, taken: list[tuple[int, int]]) -> bool:
    return any(mention.start < end and start < mention.end for start, end in taken)


def _segment_of(segments: list[Segment], mention: Mention) -> Segment | None:
    return next((s for s in segments if s.start_order <= mention.order < s.end_order), None)


def _draft_of(drafts: list[Draft], anchor: Mention) -> Draft | None:
    return next((d for d in drafts if any(a is anchor for a in d.anchors)), None)


def _signing_date_candidate(mention: Mention) -> bool:
    """A date that can be a signature's: not a range (a mission), not "depuis 2011" (a relationship)."""
    return _date_value(mention) is not None and mention.label != "range" and not mention.rule.startswith("year_depuis")


def _date_value(mention: Mention) -> str | None:
    return mention.span._.date_value


def _compatible(draft: Draft, anchor: Mention, own_date: Mention | None) -> bool:
    return own_date is None or draft.own_date is None or _date_value(own_date) == _date_value(draft.own_date)


def _clause_of(anchor: Mention, sentence: Segment, anchors: list[Mention]) -> tuple[int, int]:
    """The part of its sentence an anchor owns when the sentence reports several agreements."""
    inside = sorted((a for a in anchors if sentence.start_order <= a.order < sentence.end_order), key=lambda a: a.order)
    position = next(i for i, a in enumerate(inside) if a is anchor)
    low = sentence.start_order
    if position > 0:
        previous = inside[position - 1]
        low = _clause_start(anchor, previous.order + len(previous.span))
    high = sentence.end_order
    if position + 1 < len(inside):
        high = _clause_start(inside[position + 1], anchor.order + len(anchor.span))
    return low, high


def _clause_start(anchor: Mention, floor: int) -> int:
    """Where the clause of a second agreement begins: at its own signing verb when it has one after
    the first agreement ("avant que X ne signe … une déclaration"), else at the agreement, then
    left over introducing words ("puis, le lendemain, une") and the signer's name."""
    doc = anchor.span.doc
    base = anchor.order - anchor.span.start
    start = anchor.span.start
    cues = {cue.start for cue in doc.spans.get("signing_cues", []) if cue.label_ == "signing"}
    for j in range(anchor.span.start - 1, max(floor - base, 0) - 1, -1):
        if j in cues and doc[j].pos_ in ("VERB", "AUX"):
            start = j
            break
    i = start - 1
    while i >= 0 and base + i > floor:
        token = doc[i]
        if token.pos_ in ("DET", "PUNCT", "CCONJ", "SCONJ", "ADV", "NUM", "PROPN") or token.like_num or token.lower_ in ("puis", "lendemain", "veille", "jour", "même", "avant", "après", "ne", "n'"):
            i -= 1
            continue
        break
    return max(floor, base + i + 1)





def _most_frequent(parties: list[PartyMention]) -> PartyMention | None:
    if not parties:
        return None
    counts = Counter(fold(p.name) for p in parties)
    best = max(counts.values())
    return next(p for p in parties if counts[fold(p.name)] == best)


def _list_item_label(text: str) -> str:
    stripped = text.strip().lstrip("•·▪◦●‣-–—* ").rstrip(" ;.,")
    head = stripped.split(" : ", 1)[0].split(":", 1)[0].strip()
    return head or stripped


def _same_record(a: PartnershipRecord, b: PartnershipRecord) -> bool:
    return a.record_id == b.record_id and a.agreement_type == b.agreement_type and a.signed_on == b.signed_on
