"""The fields of one record, each read from the draft's own segments first, then wider context.

Signing date, place, duration, start of the relationship, themes, people, actors and the
confidence; every value keeps the mention it was read from, for evidence.
"""

from __future__ import annotations

import datetime as dt

from pipeline.extract.assembly.clauses import clause_of, in_earlier_phrase
from pipeline.extract.assembly.drafts import IN_FORCE_RULES, Draft, date_value, signing_date_candidate
from pipeline.extract.assembly.introducers import in_venue
from pipeline.extract.assembly.lexicon import AssemblyLexicon
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.place_names import TITLE_WORDS
from pipeline.extract.assembly.view import ANCHOR_STATUSES, ArticleView, Mention, segment_of
from pipeline.extract.blocks import BULLETS, BlockKind
from pipeline.extract.components.parties import VENUE_HEADS
from pipeline.extract.components.people import sentence_around
from pipeline.normalize import name_words, names_match
from pipeline.records import Actor, Person, Theme


def signing_date(view: ArticleView, draft: Draft, drafts: list[Draft], dates: list[Mention], in_segments, lexicon: AssemblyLexicon) -> tuple[str | None, Mention | None]:
    value, mention = _signing_date(view, draft, drafts, dates, in_segments, lexicon)
    published = view.article.published
    if value is None or published is None:
        return value, mention
    if draft.in_force and value == published.isoformat():
        # "10 juillet 2017 Plus de 1 600 kilomètres séparent Monteux de sa jumelle Niemcza": the
        # page's own date beside a twinning said to exist dates the page, not a signature
        return None, None
    if int(value[:4]) >= published.year - 1:
        # "Tulle fête cette année les 60 ans de son jumelage": a recent date is the celebration's,
        # when the anchors of its sentence (else all the draft's) are celebrated
        beside = [a for a in draft.anchors if (a.block, a.span.sent.start) == (mention.block, mention.span.sent.start)]
        if all(a.span._.agreement_celebrated for a in beside or draft.anchors):
            return None, None
    return value, mention


def _signing_date(view: ArticleView, draft: Draft, drafts: list[Draft], dates: list[Mention], in_segments, lexicon: AssemblyLexicon) -> tuple[str | None, Mention | None]:
    if draft.undated:
        return None, None
    if draft.own_date is not None:
        return date_value(draft.own_date), draft.own_date
    anchor = draft.anchor
    usable = [d for d in dates if signing_date_candidate(d) and not in_earlier_phrase(d) and in_own_clause(view, draft, drafts, d)]
    anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
    in_anchor_sentence = [d for d in usable if (d.block, d.span.sent.start) in anchor_sentences]
    if in_anchor_sentence:
        best = min(in_anchor_sentence, key=lambda d: abs(d.order - anchor.order))
        return date_value(best), best
    cue_sentences = {(c.block, c.span.sent.start) for c in view.mentions("signing_cues") if in_segments(c)}
    signing = [d for d in usable if (d.block, d.span.sent.start) in cue_sentences and not _distracted(d, lexicon)]
    if signing:
        best = min(signing, key=lambda d: abs(d.order - anchor.order))
        return date_value(best), best
    # "Le 22 novembre dernier, un moment symbolique… . En présence de …, une convention a été signée":
    # the sentence just before, in the same paragraph; not for an agreement only said to exist
    # ("… rétrocédé à la Namibie qu'en 1994. … Pointe-Noire est aussi jumelée avec Le Havre")
    previous = anchor.span.sent.start - 1
    if previous >= 0 and not draft.in_force:
        lead_in = anchor.span.doc[previous].sent
        before = [d for d in usable if d.block == anchor.block and lead_in.start <= d.span.start < lead_in.end and not _distracted(d, lexicon)]
        if before:
            return date_value(before[-1]), before[-1]
    # "jumelées depuis 1963", "liées depuis 1994 par un accord": in force since the year given
    since = next((m for m in view.mentions("since") if (m.block, m.span.sent.start) in anchor_sentences and m.span._.since_year and in_own_clause(view, draft, drafts, m)), None)
    if since is not None:
        return str(since.span._.since_year), since
    return None, None


# "l'accord signé en Tunisie", "paraphé à l'occasion d'une visite en Tunisie": the country where,
# in the agreement's own sentence, when no town is given
_BEFORE_A_SIGNING_COUNTRY = frozenset({
    "partenariat", "coopération", "convention", "accord", "signée", "signé", "signés", "signées", "protocole", "entente",
    "visite", "séjour", "déplacement", "voyage",
})


def signing_place(draft: Draft, parties: list[PartyMention], view: ArticleView, in_segments) -> PartyMention | None:
    places = view.mentions("places")
    anchor = draft.anchor
    anchor_sentences = {(a.block, a.span.sent.start) for a in draft.anchors}
    cue_sentences = {(c.block, c.span.sent.start) for c in view.mentions("signing_cues") if in_segments(c)}
    # an agreement said to exist was signed where a signing word says, not where it is celebrated
    # ("à Kaunas, … célébrer le 15e anniversaire de notre jumelage")
    signing_sentences = cue_sentences if draft.in_force else anchor_sentences | cue_sentences
    candidates = []
    for party in parties:
        m = party.mention
        in_signing_sentence = (m.block, m.span.sent.start) in signing_sentences
        if (party.introducer == "à" or in_venue(m)) and in_signing_sentence and party.kind not in ("association", "other", "national") and party.country and not _seat_of_an_office(m):
            candidates.append(party)
    for place in places:
        if place.label == "country" and in_segments(place) and (place.block, place.span.sent.start) in anchor_sentences:
            doc = place.span.doc
            before = doc[place.span.start - 1] if place.span.start else None
            ahead = doc[place.span.start - 2] if place.span.start > 1 else None
            if before is not None and before.lower_ in ("au", "en", "aux") and ahead is not None and ahead.lower_ in _BEFORE_A_SIGNING_COUNTRY:
                candidates.append(PartyMention(place, place.span._.place_name or place.text, "national", place.span.kb_id_, "à"))
    if not candidates:
        return _occasion_place(draft, parties, view)
    dated = draft.own_date
    if dated is not None:
        # "signé en 1986 à Dano et en 1988 à Etréchy": the town right after the draft's own date
        after = dated.span.end + 1
        right_after = next((p for p in candidates if p.mention.block == dated.block and p.mention.span.start == after), None)
        if right_after is not None:
            return right_after
    cue_tokens = {(c.block, i) for c in view.mentions("signing_cues") for i in range(c.span.start, c.span.end)}
    return min(candidates, key=lambda p: (p.mention.block != anchor.block, not _hangs_off_a_cue(p.mention, cue_tokens), abs(p.mention.order - anchor.order)))


def _hangs_off_a_cue(mention: Mention, cue_tokens: set[tuple[int, int]]) -> bool:
    """"signé à l'hôtel de ville de Montréal": a place the signing word governs, through a venue,
    beats a nearer one that completes a noun ("des activités de coopération à Port-au-Prince")."""
    token = mention.span.root
    for _ in range(4):
        head = token.head
        if head.i == token.i:
            return False
        if (mention.block, head.i) in cue_tokens:
            return True
        if head.lower_ not in VENUE_HEADS and head.lower_ not in ("ville", "mairie"):
            return False
        token = head
    return False


def _seat_of_an_office(mention: Mention) -> bool:
    """"en présence du consul général d'Algérie à Lyon": the town where an office sits, not where
    the ceremony took place."""
    doc = mention.span.doc
    i = mention.span.start - 1
    if i < 0 or doc[i].lower_ not in ("à", "au"):
        return False
    for j in range(i - 1, max(i - 6, mention.span.sent.start - 1), -1):
        if doc[j].lower_ in TITLE_WORDS:
            return True
        if doc[j].pos_ in ("VERB", "AUX") or doc[j].is_punct:
            return False
    return False


def _occasion_place(draft: Draft, parties: list[PartyMention], view: ArticleView) -> PartyMention | None:
    """"Plusieurs conventions ont été signées vendredi à Saïdia, entre …": where a sentence that
    reports several signings places them, for an agreement whose own sentences give no place, when
    the page names one such place only and the agreement is of that occasion: reported as signed,
    with no date of its own or the date that sentence gives."""
    if draft.undated or draft.in_force:
        return None  # an agreement said to exist was not signed on that occasion
    signing = {(c.block, c.span.sent.start) for c in view.mentions("signing_cues")}
    # the occasion's sentence reports several signings: "plusieurs conventions", "sept accords"
    signing &= {(a.block, a.span.sent.start) for a in view.mentions("agreements") if "Plur" in a.span.root.morph.get("Number")}
    found = [
        p for p in parties
        if (p.introducer == "à" or in_venue(p.mention)) and (p.mention.block, p.mention.span.sent.start) in signing
        and p.kind not in ("association", "other", "national") and p.country
    ]
    if len({name_words(p.name) for p in found}) != 1:
        return None
    place = found[0]
    if draft.own_date is not None:
        same_sentence = [d for d in view.mentions("dates") if (d.block, d.span.sent.start) == (place.mention.block, place.mention.span.sent.start)]
        if not any(date_value(d) == date_value(draft.own_date) for d in same_sentence):
            return None
    return place


def in_own_clause(view: ArticleView, draft: Draft, drafts: list[Draft], mention: Mention) -> bool:
    """In a sentence that reports the draft's agreement and another draft's, only the draft's clause
    speaks of it: "Sousse est jumelée à Nice, tandis que Tunis est jumelée à Marseille et a un pacte
    d'amitié avec Paris, depuis 2004" dates the pact alone; nor is what lies in another draft's
    own stretch of a list its."""
    if any(other is not draft and other.rule in IN_FORCE_RULES and other.scope is not None and other.scope[0] <= mention.order < other.scope[1] for other in drafts):
        return False  # "… aux côtés de Dalian (Chine, depuis 1985), Tampa …": that listed twin's
    where = (mention.block, mention.span.sent.start)
    anchors = [a for a in view.mentions("agreements") if a.span._.agreement_status in ANCHOR_STATUSES and (a.block, a.span.sent.start) == where]
    own = [a for a in anchors if any(a is d for d in draft.anchors)]
    others = [a for a in anchors if any(a is d for other in drafts if other is not draft for d in other.anchors)]
    if not own or not others:
        return True
    segment = segment_of(view.sentences(), own[0])
    if segment is None:
        return True
    return any(low <= mention.order < high for low, high in (clause_of(a, segment, anchors) for a in own))


def _other_agreements_sentences(view: ArticleView, draft: Draft, parties: list[PartyMention]) -> set[tuple[int, int]]:
    """The sentences where another agreement's noun stands beside a party the draft does not have:
    "… ont signé une charte le 3 mai. Dammarie-lès-lys est jumelée avec Kaarst depuis 1974" (the
    year is of that twinning, even when its pair was not read)."""
    strangers = {
        (p.mention.block, p.mention.span.sent.start) for p in parties
        if p.introducer is None and not p.organisation and not p.state and not any(names_match(p.name, s.name) for s in draft.signatories)
    }
    # the draft's own anchor, not one the segments gave it because no pair was read there
    own = (draft.anchor.block, draft.anchor.span.sent.start)
    return {(a.block, a.span.sent.start) for a in view.mentions("agreements")} & strangers - {own}


# How far after an agreement's words a bare year range may stand ("une convention-cadre de
# coopération décentralisée 2016-2018"), and the longest range read as its period: a longer one
# is a history ("le jumelage 1964-2014").
PERIOD_REACH = 4
LONGEST_PERIOD_YEARS = 10


def duration(view: ArticleView, in_segments) -> Mention | None:
    """The agreement's length: a wording that gives it ("pour une durée de cinq ans", "sur la
    période 2025-2027"), else a bare year range right after the words of an agreement other than
    a twinning ("la convention-cadre 2016-2018")."""
    durations = [m for m in view.mentions("durations") if in_segments(m)]
    stated = next((m for m in durations if m.label == "agreement"), None)
    if stated is not None:
        return stated
    agreements = [a for a in view.mentions("agreements") if in_segments(a) and a.label != "twinning"]
    return next((m for m in durations if m.label == "period" and _short_period(m) and any(_right_after_words(a, m) for a in agreements)), None)


def _short_period(period: Mention) -> bool:
    years = [int(t.text) for t in period.span if t.text.isdigit()]
    return len(years) == 2 and 0 <= years[1] - years[0] < LONGEST_PERIOD_YEARS


def _right_after_words(agreement: Mention, period: Mention) -> bool:
    if agreement.block != period.block or not 0 <= period.span.start - agreement.span.end <= PERIOD_REACH:
        return False
    between = period.span.doc[agreement.span.end : period.span.start]
    # a participle may qualify the agreement ("coopération décentralisée"); another verb ends it
    return not any(t.is_punct or (t.pos_ in ("VERB", "AUX") and "Part" not in t.morph.get("VerbForm")) for t in between)


def since(view: ArticleView, draft: Draft, drafts: list[Draft], in_segments, parties: list[PartyMention]) -> Mention | None:
    candidates = [m for m in view.mentions("since") if m.label != "actor_since" and m.span._.since_year]
    if draft.scope is not None:
        # one pair of a list: only what its own words say
        return next((m for m in candidates if draft.scope[0] <= m.order < draft.scope[1]), None)
    elsewhere = _other_agreements_sentences(view, draft, parties)
    candidates = [m for m in candidates if (m.block, m.span.sent.start) not in elsewhere and in_own_clause(view, draft, drafts, m)]
    own = [m for m in candidates if in_segments(m)]
    if own:
        return own[0]
    section_drafts = [d for d in drafts if d.sections & draft.sections]
    same_partner = all(
        d.counterpart is None or draft.counterpart is None or names_match(d.counterpart.name, draft.counterpart.name) for d in section_drafts
    )
    if same_partner:
        in_section = [m for m in candidates if view.blocks[m.block].section in draft.sections]
        if in_section:
            return in_section[0]
    return None


def themes(view: ArticleView, draft: Draft, in_segments, lexicon: AssemblyLexicon) -> list[tuple[Mention, Theme]]:
    themes = []
    seen = set()
    for mention in view.mentions("themes"):
        if not in_segments(mention) or view.is_short_headline(mention.block):
            continue
        if draft.scope is not None and not draft.scope[0] <= mention.order < draft.scope[1]:
            continue  # one pair of a list: only its own line
        if not _about_agreement(view, mention, lexicon):
            continue
        if mention.label in seen:
            continue
        seen.add(mention.label)
        block = view.blocks[mention.block]
        label = _list_item_label(block.text) if _listed_item(view, mention.block) else mention.text
        themes.append((mention, Theme(label=label, code=mention.label)))
    return themes


def people(view: ArticleView, draft: Draft, signatories: list[PartyMention], in_segments) -> list[tuple[Mention, Person]]:
    people = []
    names: list[str] = []
    anchor_blocks = {a.block for a in draft.anchors}
    for mention in view.mentions("people"):
        if not in_segments(mention):
            continue
        if mention.span._.person_cue_kind == "quote_cue" and mention.block not in anchor_blocks and not _heads_a_signatory(mention, signatories):
            continue  # quoted away from the agreement, and heads none of its parties
        if _bystander(view, draft, signatories, mention):
            continue
        name = mention.text
        if any(names_match(name, seen) for seen in names):
            continue
        names.append(name)
        role_org = mention.span._.role_org
        organisation = next((p.name for p in signatories if role_org and names_match(p.name, role_org)), None) or role_org
        people.append((mention, Person(name=name, role=mention.span._.role, organisation=organisation)))
    return people


def _bystander(view: ArticleView, draft: Draft, signatories: list[PartyMention], mention: Mention) -> bool:
    """"les points abordés par le président Hollande lors de sa récente visite": a person named
    with no signing, presence or quote word, outside the agreement's sentences, who heads none
    of its signatories, neither signed nor attended (ANNOTATION 12). Of an agreement only said to
    exist, whoever is quoted about it attended no signing."""
    if draft.in_force:
        # no signing is reported: only who the text says signed it or attended its signing, not who
        # is present at what the page reports ("aux côtés de son homologue …, afin d'y fêter les 30 ans")
        sentence = sentence_around(mention.span)
        at_a_signing = any(c.block == mention.block and sentence.start <= c.span.start < sentence.end for c in view.mentions("signing_cues"))
        return mention.span._.person_cue_kind != "signing_cue" or not at_a_signing
    if mention.span._.person_cue_kind is not None:
        return False
    if any((a.block, a.span.sent.start) == (mention.block, mention.span.sent.start) for a in draft.anchors):
        return False
    return not _heads_a_signatory(mention, signatories)


def _heads_a_signatory(mention: Mention, signatories: list[PartyMention]) -> bool:
    """"Philippe Guilbert, maire de Trois-Pistoles": the role's organisation is a signatory."""
    role_org = mention.span._.role_org
    return bool(role_org) and any(names_match(p.name, role_org) for p in signatories)


def actors(view: ArticleView, draft: Draft, signatories: list[PartyMention], in_segments) -> list[tuple[Mention, Actor]]:
    actors = []
    names: list[str] = []
    for mention in view.mentions("actors"):
        if not in_segments(mention) and view.blocks[mention.block].section not in draft.sections:
            continue
        name = mention.span._.actor_name or mention.text
        if any(names_match(name, seen) for seen in names) or any(names_match(name, p.name) for p in signatories):
            continue
        names.append(name)
        actors.append((mention, Actor(name=name, kind=mention.label)))
    return actors


def confidence(draft: Draft, signed_on: str | None, signatories: list[PartyMention]) -> float:
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


def resolve_anaphoric(dates: list[Mention], since: list[Mention]) -> None:
    """"le lendemain", "la veille", "le même jour": an offset from the latest day-precise date before
    it; "cette année-là", "l'année suivante": from the latest year told before it (a date, or the
    year of "depuis 1971")."""
    previous: str | None = None
    previous_year: int | None = None
    told = [(m.order, m, None) for m in dates] + [(m.order, None, m.span._.since_year) for m in since if m.span._.since_year]
    for _, mention, year in sorted(told, key=lambda item: item[0]):
        if mention is None:
            previous_year = year
            continue
        offset = mention.span._.date_offset_days
        value = mention.span._.date_value
        if mention.label == "anaphoric" and offset is not None and previous is not None:
            day = dt.date.fromisoformat(previous) + dt.timedelta(days=offset)
            mention.span._.date_value = day.isoformat()
        elif mention.label == "anaphoric_year" and offset is not None and previous_year is not None:
            mention.span._.date_value = str(previous_year + offset)
        elif value and mention.label != "range":
            previous_year = int(value[:4])
            if len(value) == 10:
                previous = value


def _distracted(mention: Mention, lexicon: AssemblyLexicon) -> bool:
    return any(t.lower_ in lexicon.distractor_words for t in mention.span.sent)


def _about_agreement(view: ArticleView, mention: Mention, lexicon: AssemblyLexicon) -> bool:
    """A theme counts where the text speaks of the agreement: a list item, or a sentence that names
    an agreement (not a body named after one: "le comité de jumelage X" and its concert), a
    signature or its content ("autour de trois axes", "porte sur")."""
    if _listed_item(view, mention.block):
        return True
    sentence = mention.span.sent
    doc = view.docs[mention.block]
    # "le comité de jumelage X" names a committee, not the agreement
    bodies = [(b.start, b.end) for b in doc.spans.get("actors", [])]
    agreements = [a for a in doc.spans.get("agreements", []) if sentence.start <= a.start and a.end <= sentence.end and not any(s <= a.start and a.end <= e for s, e in bodies)]
    if agreements:
        return True
    if any(c.start >= sentence.start and c.end <= sentence.end for c in doc.spans.get("signing_cues", [])):
        return True
    return any(t.lower_ in lexicon.axis_words for t in sentence)


def _listed_item(view: ArticleView, index: int) -> bool:
    """An item of a list: a bulleted line, or a line of the lines a sentence ending with ':' introduces
    ("La convention porte sur :"). Short lines of a page without bullets are not a list."""
    block = view.blocks[index]
    if block.kind is not BlockKind.list_item:
        return False
    if block.text.lstrip()[:1] in BULLETS:
        return True
    previous = index - 1
    while previous >= 0 and view.blocks[previous].kind is BlockKind.list_item and view.blocks[previous].text.rstrip()[-1:] in (";", ",", ""):
        previous -= 1
    return previous >= 0 and view.blocks[previous].text.rstrip().endswith(":")


def _list_item_label(text: str) -> str:
    stripped = text.strip().lstrip("•·▪◦●‣-–—* ").rstrip(" ;.,")
    head = stripped.split(" : ", 1)[0].split(":", 1)[0].strip()
    return head or stripped
