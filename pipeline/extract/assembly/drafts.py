"""Drafts: one per agreement the article reports, built from the relations of its anchors.

Every agreement mention reported as signed (or in force) is an *anchor*, and its relations say
who signed (pipeline.extract.assembly.relations). Relations with the same parties are one
agreement when nothing tells them apart: the title and the body, or two sentences of the body,
speaking of one signing. They stay apart when their dates differ ("la première convention,
signée en 2019" beside its renewal), when one is the older and the other the newer agreement,
or when one sentence reports two agreements of different types. A renewal also gives the
original it renews (undated, unless the text dates it), and a signature of the same parties on
another date is a signature of its own, as is the second ceremony of a sentence that signs in
each town ("en 1986 à Dano et en 1988 à Etréchy"). A draft becomes a record once its fields are
read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.extract.assembly.clauses import clause_of
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.relations import Relation
from pipeline.extract.assembly.view import Mention, Segment, segment_of
from pipeline.extract.components.mention_phrases import RENEWAL_STEMS
from pipeline.extract.components.verb_forms import bare_participle
from pipeline.normalize import names_match

# Relations read from lists and pairs of a page about twinnings report agreements in force.
IN_FORCE_RULES = frozenset({"twin_list", "pair_line", "pair_row", "pairs", "twins", "bracket_list", "colon_list"})


@dataclass
class Draft:
    anchor: Mention
    sections: set[int]  # the sections its anchors stand in: its fields are read there
    signatories: list[PartyMention]
    own_date: Mention | None
    rule: str
    scope: tuple[int, int] | None = None  # the token orders that belong to it alone (a list item, a pair of a list)
    segments: list[Segment] = field(default_factory=list)
    anchors: list[Mention] = field(default_factory=list)
    undated: bool = False  # the original a renewal implies: the text gives it no date
    own_since: Mention | None = None  # "respectivement depuis 1974, 1980 et 1992": its own year of the chain

    @property
    def in_force(self) -> bool:
        """Reported as existing rather than signed: "jumelées depuis 1982", a twin-town list."""
        return self.rule in IN_FORCE_RULES or all(a.span._.agreement_status in ("in_force", "mention") for a in self.anchors)

    @property
    def counterpart(self) -> PartyMention | None:
        """The first foreign signatory: what segments and fields compare drafts by."""
        return next((p for p in self.signatories if p.country != "FR"), None)


def build_drafts(relations: list[Relation], dates: list[Mention], segments: list[Segment], anchors: list[Mention], sections: dict[int, int]) -> list[Draft]:
    drafts: list[Draft] = []
    # "… un jumelage actif, aux côtés de Dalian (Chine, depuis 1985), Tampa …": a date inside a
    # listed twin's part of the sentence is that twin's, not the date of the sentence's other agreement
    scopes = [r.scope for r in relations if r.scope is not None and r.rule in IN_FORCE_RULES]
    for relation in relations:
        where = relation.where
        if relation.scope is not None:
            # a list's line, or one twin of several in a sentence ("jumelée avec A depuis 1967, et
            # avec B depuis 1992"), is dated by its own "depuis" too
            listed = relation.rule in IN_FORCE_RULES or relation.anchor.label == "twinning"
            own_date = _date_in(relation.scope, dates, listed=listed)
        else:
            in_anchors = any(a is where for a in anchors)
            own_date = find_own_date(where, segment_of(segments, where), dates, anchors if in_anchors else [where])
            if own_date is not None and any(start <= own_date.order < end for start, end in scopes):
                own_date = None
        target = _merge_target(relation, own_date, drafts)
        if target is None:
            section = {sections[relation.anchor.block]}
            if own_date is not None and _dates_the_original(relation.anchor, own_date):
                # "ont renouvelé leur accord, signé en 2011": the original of 2011 and its renewal
                drafts.append(Draft(relation.anchor, set(section), list(relation.parties), own_date, "older_of", anchors=[relation.anchor]))
                own_date = None
            drafts.append(Draft(relation.anchor, section, list(relation.parties), own_date, relation.rule, relation.scope, anchors=[relation.anchor]))
            renewal = _renewal_date(relation.anchor, dates)
            if own_date is not None and renewal is not None and not _dates_agree(own_date, renewal):
                # "ont signé en 2006 un accord-cadre, renouvelé en 2008": the signature and its renewal
                drafts.append(Draft(relation.anchor, set(section), list(relation.parties), renewal, "renewal_of", anchors=[relation.anchor]))
            continue
        if own_date is not None and _dates_the_original(relation.anchor, own_date):
            # "La convention, dont un accord de jumelage conclu le 26 mars 2002, a été renouvelée":
            # the renewal the title told, and the original of 2002
            drafts.append(Draft(relation.anchor, {sections[relation.anchor.block]}, list(relation.parties), own_date, "older_of", anchors=[relation.anchor]))
            continue
        if not any(a is relation.anchor for a in target.anchors):
            target.anchors.append(relation.anchor)
            target.sections.add(sections[relation.anchor.block])
        if len(relation.parties) > len(target.signatories):
            target.signatories = list(relation.parties)
        _take_date(target, own_date)
    for anchor in anchors:
        if any(a is anchor for d in drafts for a in d.anchors):
            continue
        sibling = _coordinated_with(anchor, drafts)
        if sibling is not None:
            # "ont signé une convention de coopération et un mémorandum d'entente": the same
            # signatories' agreement of another type at that ceremony
            own_date = find_own_date(anchor, segment_of(segments, anchor), dates, anchors) or sibling.own_date
            drafts.append(Draft(anchor, {sections[anchor.block]}, list(sibling.signatories), own_date, "coordinated", anchors=[anchor]))
            continue
        if anchor.span._.agreement_status == "counted":
            continue
        target = _orphan_target(anchor, drafts, sections)
        if target is None:
            continue
        own_date = find_own_date(anchor, segment_of(segments, anchor), dates, anchors)
        if own_date is not None and _dates_the_original(anchor, own_date):
            # "La convention, signée en 2015, a été renouvelée jeudi": the original, and the renewal
            # the article's agreement is
            drafts.append(Draft(anchor, {sections[anchor.block]}, list(target.signatories), own_date, "older_of", anchors=[anchor]))
            target.anchors.append(anchor)
            target.sections.add(sections[anchor.block])
            continue
        if _older_than(anchor, own_date, target):
            # "la première convention, signée en 2019": the same parties' earlier agreement
            drafts.append(Draft(anchor, {sections[anchor.block]}, list(target.signatories), own_date, "older_of", anchors=[anchor]))
            continue
        if anchor.span._.agreement_marker == "newer" and _era(target.anchor) == "older" and all(_era(a) == "older" for a in target.anchors):
            # "Jumelées depuis 1987, Toul et Hamm ont renouvelé leur serment le 6 mai 2017": the
            # twinning in force and its renewal
            drafts.append(Draft(anchor, {sections[anchor.block]}, list(target.signatories), own_date, "renewal_of", anchors=[anchor]))
            continue
        if not _shares_a_sentence(anchor, target) and anchor.span._.agreement_status == "signed" and own_date is not None and target.own_date is not None and not _dates_agree(own_date, target.own_date):
            # "Un pacte d'amitié avait été signé en 1986 … en octobre 2018, la signature d'un protocole
            # d'amitié": the same parties signed again, on another date
            drafts.append(Draft(anchor, {sections[anchor.block]}, list(target.signatories), own_date, "signed_again", anchors=[anchor]))
            continue
        target.anchors.append(anchor)
        target.sections.add(sections[anchor.block])
        _take_date(target, own_date)
    for draft in list(drafts):
        renewing = next((a for a in draft.anchors if _renews(a)), None)
        if renewing is not None and not any(other is not draft and same_parties(other.signatories, draft.signatories) for other in drafts):
            # "Tulle et Schlitz ont renouvelé leur charte de jumelage": the renewal, and the original
            # it renews (ANNOTATION 1)
            drafts.append(Draft(renewing, set(draft.sections), list(draft.signatories), None, "renewed_original", anchors=[renewing], undated=True))
        for later in _later_signings(draft.own_date, dates) if draft.own_date is not None else []:
            if not any(same_parties(other.signatories, draft.signatories) and other.own_date is not None and _dates_agree(other.own_date, later) for other in drafts):
                # "conclu et signé en 1986 à Dano et en 1988 à Etréchy": one ceremony in each town;
                # "une première convention signée en 2004, puis une seconde en 2008": one each
                drafts.append(Draft(draft.anchor, set(draft.sections), list(draft.signatories), later, "second_ceremony", anchors=[draft.anchor]))
    lead = min((section for block, section in sections.items() if section > 0), default=None)
    for draft in drafts:
        # a signature the title reports is told in the lead section below it
        if draft.sections == {0} and lead is not None and all(sections[a.block] == 0 for a in draft.anchors):
            draft.sections.add(lead)
    return drafts


_SIGNING_PARTICIPLES = frozenset({"signer", "conclure", "parapher", "sceller"})


def _dates_the_original(anchor: Mention, date: Mention) -> bool:
    """A renewal ("ont renouvelé leur accord") whose date hangs on a bare participle of signing that
    qualifies the agreement ("…, signé en 2011"): that date is the original signature's."""
    cue = (anchor.span._.agreement_cue or "").lower()
    governor = anchor.span.root.head
    main_verb = anchor.span.sent.root
    renewed = (
        cue.startswith(RENEWAL_STEMS)
        or (governor.pos_ == "VERB" and governor.lemma_.lower().startswith(RENEWAL_STEMS))
        or (main_verb.pos_ == "VERB" and main_verb.lemma_.lower().startswith(RENEWAL_STEMS) and not _bare_participle(main_verb))
    )
    if not renewed or anchor.block != date.block:
        return False
    verb = _participle_before(date) or date.span.root.head
    # not "l'accord a été signé en 2011", which reports the signature itself
    if not _bare_participle(verb) or verb.lemma_.lower() not in _SIGNING_PARTICIPLES:
        return False
    root = anchor.span.root
    # "Signé en 2015, le protocole … a été renouvelé hier": the parser may hang the agreement on the
    # fronted participle
    fronted = root.head == verb and verb.i < root.i
    qualifies = verb.dep_.startswith("acl") and (verb.head == root or verb.head in anchor.span)
    return qualifies or (verb.dep_ == "advcl" and verb.head == root.head) or fronted


def _participle_before(date: Mention):
    """The participle a date follows ("conclu le 26 mars 2002", "signé en 2011"), whatever the
    parser hangs the date on."""
    doc = date.span.doc
    i = date.span.start - 1
    if i >= 0 and doc[i].lower_ in ("le", "en", "l'"):
        i -= 1
    return doc[i] if i >= 0 and "Part" in doc[i].morph.get("VerbForm") else None


def _bare_participle(verb) -> bool:
    """A verb that is a bare participle (:func:`bare_participle`)."""
    return verb.pos_ == "VERB" and bare_participle(verb)


def _coordinated_with(anchor: Mention, drafts: list[Draft]) -> Draft | None:
    """The draft of an agreement of another type that this one is coordinated with in one sentence
    ("une convention de coopération et un mémorandum d'entente")."""
    root = anchor.span.root
    for draft in drafts:
        other = draft.anchor
        if other.block != anchor.block or other.label == anchor.label or "other" in (other.label, anchor.label) or draft.scope is not None:
            continue
        # coordinated nouns, or a noun coordinated with the other's signing verb ("ont signé une
        # charte d'amitié en 2010, puis un accord de jumelage en 2015")
        theirs = other.span.root
        if (root.dep_ == "conj" and root.head in (theirs, theirs.head)) or (theirs.dep_ == "conj" and theirs.head in (root, root.head)):
            return draft
        # "Jumelées depuis 1984, A et B ont signé leur première convention en 2010": a fronted
        # twinning in force qualifies the signatories of the verb that signs this one
        if theirs.head == root.head and theirs.i < root.i and other.span._.agreement_status == "in_force" and root.head.pos_ in ("VERB", "AUX"):
            return draft
        if _added_after(other, anchor):
            return draft
    return None


def _added_after(first: Mention, then: Mention) -> bool:
    """"ont signé une convention de coopération dans les domaines militaire et technique, ainsi que
    deux mémorandums d'entente": an agreement added after another of its sentence with "ainsi
    que" or "et", no verb between them, whatever the parse makes of the coordination."""
    doc = then.span.doc
    if first.span.sent.start != then.span.sent.start or first.span.end > then.span.start:
        return False
    i = then.span.start - 1
    while i >= first.span.end and (doc[i].pos_ in ("DET", "NUM") or doc[i].like_num):
        i -= 1
    linked = (doc[i].lower_ == "et") or (doc[i].lower_ == "que" and doc[i - 1].lower_ == "ainsi")
    return linked and not any(t.pos_ in ("VERB", "AUX") for t in doc[first.span.end : i])


# Words that may join two signing dates of one pair's agreements: "en 2004, puis une seconde en 2008"
_LATER_SIGNING_LINKS = frozenset({",", "et", "puis", "ensuite", "enfin", "une", "un", "la", "le"})
# ... of which one must say that another agreement was signed, not that one signing took two days
_LATER_SIGNING_ORDINALS = frozenset({"seconde", "second", "deuxième", "troisième", "quatrième", "autre", "nouvelle", "nouveau"})


def _later_signings(first: Mention, dates: list[Mention]) -> list[Mention]:
    """The further signing dates a sentence chains to a draft's own date, each a record of its own:
    "signé en 1986 à Dano et en 1988 à Etréchy", "le 7 avril à Watchet puis le 27 mai à
    Saint-Renan" (each date followed by the town it was signed in), or "une première convention
    avait été signée en 2004, puis une seconde en 2008" (an ordinal or "nouvelle" names the later
    agreement). A range ("entre 2004 et 2008") is one period, not two signings."""
    doc = first.span.doc
    if first.span.start and doc[first.span.start - 1].lower_ in ("entre", "de", "du", "depuis"):
        return []
    later: list[Mention] = []
    previous = first
    for date in sorted(dates, key=lambda d: d.order):
        if date.block != first.block or date.order <= previous.order or date.span.sent != first.span.sent or not signing_date_candidate(date):
            continue
        between = doc[previous.span.end : date.span.start]
        words = {t.lower_ for t in between}
        if len(between) > 6 or not words & {"et", "puis"} or any(t.pos_ in ("VERB", "AUX") for t in between):
            break
        by_towns = _followed_by_a_town(previous.span) and _followed_by_a_town(date.span)
        if by_towns or (words <= _LATER_SIGNING_LINKS | _LATER_SIGNING_ORDINALS and words & _LATER_SIGNING_ORDINALS):
            later.append(date)
            previous = date
        else:
            break
    return later


def _followed_by_a_town(span) -> bool:
    doc = span.doc
    return span.end + 1 < len(doc) and doc[span.end].lower_ == "à" and doc[span.end + 1].text[:1].isupper()


def _renewal_date(anchor: Mention, dates: list[Mention]) -> Mention | None:
    """The date of a bare participle of renewal that qualifies the agreement or its signing verb
    ("un accord-cadre, renouvelé en 2008"; "signé en 2006 et reconduit en 2010")."""
    root = anchor.span.root
    # the agreement, the verb it depends on, and a participle qualifying it ("signée en 2006 … et
    # renouvelée en 2012")
    heads = {root.i, root.head.i} | {child.i for child in root.children if child.dep_.startswith("acl")}
    for date in dates:
        if date.block != anchor.block or date.order < anchor.order:
            continue
        verb = date.span.root.head
        # not "l'accord a été renouvelé en 2008", which reports the renewal as the sentence's event
        if not _bare_participle(verb) or not verb.lemma_.lower().startswith(RENEWAL_STEMS):
            continue
        if verb.head.i in heads and (verb.dep_.startswith(("acl", "advcl", "conj"))):
            return date
    return None


def _older_than(anchor: Mention, own_date: Mention | None, draft: Draft) -> bool:
    # "jumelées depuis 1987, … ont renouvelé leur serment le 6 mai 2017": in force beside a renewal
    in_force_beside_renewal = _era(anchor) == "older" and draft.anchor.span._.agreement_marker == "newer"
    if (anchor.span._.agreement_marker != "older" and not in_force_beside_renewal) or draft.anchor.span._.agreement_marker == "older":
        return False
    # "cet accord, qui remplace celui signé en 2003": a dated older agreement beside one of no date
    return own_date is not None and (draft.own_date is None or not _dates_agree(own_date, draft.own_date))


def _date_in(scope: tuple[int, int], dates: list[Mention], listed: bool) -> Mention | None:
    """The date of a relation read from its own stretch of text; on a list's line "depuis 1967"
    dates the pair too (the list reports agreements in force, and that is when they began)."""
    return next((d for d in dates if scope[0] <= d.order < scope[1] and (signing_date_candidate(d) or (listed and d.rule.startswith("year_depuis")))), None)


def _take_date(draft: Draft, own_date: Mention | None) -> None:
    if own_date is not None and (draft.own_date is None or len(date_value(own_date) or "") > len(date_value(draft.own_date) or "")):
        draft.own_date = own_date


def _orphan_target(anchor: Mention, drafts: list[Draft], sections: dict[int, int]) -> Draft | None:
    """An anchor whose sentence names no parties ("la convention a été signée lundi") speaks of the
    article's agreement when there is one, else of the one of its type in its section."""
    if len(drafts) == 1:
        return drafts[0] if _types_agree(anchor, drafts[0].anchor) else None
    same = [d for d in drafts if sections[anchor.block] in d.sections and _types_agree(anchor, d.anchor)]
    marker = anchor.span._.agreement_marker
    if marker is not None and len(same) > 1:
        # "le nouvel accord a été signé" speaks of the renewal, "le premier accord" of the older one
        same = [d for d in same if (d.anchor.span._.agreement_marker == marker) or (marker == "older" and d.in_force)]
    return same[0] if len(same) == 1 else None


def _types_agree(a: Mention, b: Mention) -> bool:
    return a.label == b.label or "other" in (a.label, b.label)


def _merge_target(relation: Relation, own_date: Mention | None, drafts: list[Draft]) -> Draft | None:
    anchor = relation.anchor
    era = _era(anchor)
    matching = []
    for draft in drafts:
        if not same_parties(relation.parties, draft.signatories):
            continue
        eras = {era, *(_era(a) for a in draft.anchors)} - {None}
        if len(eras) > 1:
            continue  # "liées depuis 2001 par un accord … le nouvel accord a été signé": two agreements
        if not _dates_agree(own_date, draft.own_date):
            continue
        if _two_kinds_in_one_sentence(anchor, draft) or _two_dated_kinds(anchor, own_date, draft) or _signed_at_an_anniversary(anchor, draft):
            continue
        if anchor.span._.agreement_marker == "older" and own_date is not None and draft.own_date is None and all(_era(a) is None for a in draft.anchors):
            continue  # "cette charte, qui fait suite à un protocole signé en 2016": the older one, dated
        if relation.scope is not None and draft.scope is not None and relation.scope != draft.scope and not _types_agree(anchor, draft.anchor):
            continue  # two rows of a table, a twinning and a friendship pact: two agreements
        matching.append(draft)
    # a dated relation ("l'accord de mars 2002") is the draft of that date rather than an undated one
    dated = [d for d in matching if own_date is not None and d.own_date is not None]
    return (dated or matching or [None])[0]


def _renews(anchor: Mention) -> bool:
    """A signature that renews an agreement ("ont renouvelé", "la reconduction de la convention"),
    not one that is only new ("un nouveau jumelage")."""
    return anchor.span._.agreement_status == "signed" and (anchor.span._.agreement_cue or "").lower().startswith(RENEWAL_STEMS)


def _era(anchor: Mention) -> str | None:
    """Which of an agreement and its renewal a mention speaks of: the newer one ("renouvellent", "le
    nouvel accord"), the older one ("la première convention", "liées depuis 2001"), or either."""
    if anchor.span._.agreement_marker == "newer":
        return "newer"
    if anchor.span._.agreement_marker == "older" or anchor.span._.agreement_status == "in_force":
        return "older"
    if anchor.span._.agreement_celebrated and anchor.span._.agreement_status == "mention":
        return "older"  # "un mémorandum … à l'occasion du 20e anniversaire de l'établissement du jumelage"
    return None


def _signed_at_an_anniversary(anchor: Mention, draft: Draft) -> bool:
    """"un mémorandum signé à l'occasion du 20e anniversaire du jumelage": the agreement whose
    anniversary is celebrated and another one signed for it, of another type, are two."""
    for one, other in ((anchor, draft.anchor), (draft.anchor, anchor)):
        if one.span._.agreement_celebrated and other.span._.agreement_status == "signed" and one.label != other.label:
            return True
    return False


def _two_kinds_in_one_sentence(anchor: Mention, draft: Draft) -> bool:
    """"une convention de coopération ainsi que deux mémorandums d'entente": one sentence, two
    agreements of different types. A twinning beside its instrument ("le jumelage …, l'accord
    cadre signé hier") is one agreement."""
    labels = {anchor.label, draft.anchor.label}
    if anchor is draft.anchor or len(labels) == 1 or labels & {"other", "twinning"}:
        return False
    return _shares_a_sentence(anchor, draft)


def _shares_a_sentence(anchor: Mention, draft: Draft) -> bool:
    """One of the draft's mentions stands in the anchor's sentence."""
    return any(a.block == anchor.block and a.span.sent.start == anchor.span.sent.start for a in draft.anchors)


def _two_dated_kinds(anchor: Mention, own_date: Mention | None, draft: Draft) -> bool:
    """"une lettre d'intention en 2018 … l'accord de coopération signé ce 4 septembre": two
    instruments of different types, one of them dated and the other not, are two steps. So are
    an older agreement in force and a dated signature of another type ("les 50 ans du jumelage …
    en 2018, un accord de partenariat")."""
    if own_date is not None and draft.own_date is None and _era(draft.anchor) == "older":
        labels = {anchor.label} | {a.label for a in draft.anchors}
        if len(labels) > 1 and "other" not in labels:
            return True
    kinds = {a.label for a in draft.anchors} - {"other", "twinning"}
    if anchor.label in ("other", "twinning") or not kinds or anchor.label in kinds:
        return False
    return (own_date is None) != (draft.own_date is None)


def same_parties(a: list[PartyMention], b: list[PartyMention]) -> bool:
    """Two signatory lists name the same agreement's parties: every party of the shorter is in the longer."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(names_match(p.name, q.name) for q in longer) for p in shorter)


def _dates_agree(a: Mention | None, b: Mention | None) -> bool:
    """No date, or the same date at two precisions ("en mai 2016", "le 12 mai 2016")."""
    if a is None or b is None:
        return True
    va, vb = date_value(a) or "", date_value(b) or ""
    return va.startswith(vb) or vb.startswith(va)


def find_own_date(anchor: Mention, sentence: Segment | None, dates: list[Mention], anchors: list[Mention]) -> Mention | None:
    if sentence is None:
        return None
    low, high = clause_of(anchor, sentence, anchors)
    # "liées depuis 2001 par un accord": an agreement in force is dated by the year it holds since
    in_force = anchor.span._.agreement_status in ("in_force", "counted")
    candidates = [d for d in dates if low <= d.order < high and (signing_date_candidate(d) or (in_force and d.rule.startswith("year_depuis")))]
    if in_force and anchor.span._.agreement_marker == "older":
        # "a inauguré le 10 juin une exposition célébrant les 60 ans du jumelage": a day in the
        # sentence of an older agreement in force dates something else
        candidates = [d for d in candidates if len(date_value(d) or "") == 4]
    if not candidates:
        return None
    nearest = min(candidates, key=lambda d: abs(d.order - anchor.order))
    # "le 20 mars 1960 à A, puis le 21 août 1960 à B, … prêtent le serment": the chain of ceremonies
    # starts at its first date, the later ones become records of their own (``_later_signings``)
    return next((d for d in sorted(candidates, key=lambda d: d.order) if d.order < nearest.order and nearest in _later_signings(d, dates)), nearest)


def draft_of(drafts: list[Draft], anchor: Mention) -> Draft | None:
    return next((d for d in drafts if any(a is anchor for a in d.anchors)), None)


def signing_date_candidate(mention: Mention) -> bool:
    """A date that can be a signature's: not a range (a mission), not "depuis 2011" (a relationship),
    not the "aujourd'hui" of a state, not an end ("jusqu'en 2028", "jusqu'au 31 décembre")."""
    return date_value(mention) is not None and mention.label != "range" and not mention.rule.startswith("year_depuis") and not _today_of_a_state(mention) and not _until(mention)


def _until(mention: Mention) -> bool:
    """The date ends a period: "jusqu'en 2028", "jusqu'au 31 décembre", "jusqu'à la fin 2026"; not
    what a relation goes back to ("les jumelages remontent jusqu'en 1960")."""
    doc = mention.span.doc
    i = mention.span.start - 1
    while i >= 0 and doc[i].lower_ in ("en", "au", "à", "le", "la", "l'", "fin", "mi"):
        i -= 1
    if i < 0 or doc[i].lower_ not in ("jusqu'", "jusque", "jusqu"):
        return False
    return not any(t.lemma_.lower() in ("remonter", "dater") for t in doc[mention.span.sent.start : i])


def _today_of_a_state(mention: Mention) -> bool:
    """"X est aujourd'hui jumelée avec A et B": today qualifies what the towns are (a present passive
    of state), not the day they signed ("les maires signent aujourd'hui")."""
    if mention.rule != "date_today":
        return False
    verb = mention.span.root.head
    return any(child.dep_ == "aux:pass" and "Pres" in child.morph.get("Tense") for child in verb.children)


def date_value(mention: Mention) -> str | None:
    return mention.span._.date_value
