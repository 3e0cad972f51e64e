"""Who signed: the signatory sets the text names around each agreement mention.

Anchors are mentions reported as signed, in force or counted; weak anchors are mentions with no
status word ("l'accord de jumelage entre Oran et Sousse") that only count where they name their
pair right after the agreement word, or in a title. Each is read in its own clause (rule ids in
brackets):

- "le jumelage Grenoble - Chisinau" [``dash_pair``];
- "entre A et B", "entre A, B et C" [``between``], when "entre" belongs to the agreement; after a
  plural or a twinning, each "entre" group is an agreement of its own;
- "Kaolack est jumelée à Mérignac, Saint-Louis à Lille" [``pairs``];
- "A … avec B" [``with``], the "avec" nearest the agreement: the subject side and the partner; a
  twinning or a plural "avec B, C et D" is one agreement per partner;
- otherwise the territories the clause names [``sentence``] (coordinated organisations and states
  only where no two territories sign), a twinning's partners around its hub [``twins``]; units
  of one country a counted plural names ("les régions de A et B ont signé deux conventions") each
  with the article's own side [``counted_each``];
- a clause naming one side only takes its partner from, in order: its section heading, the title's
  pair, the page's own party, the subject of its sentence's earlier clause, the article's two most
  named parties, and the most named one only when the clause points at it ("son jumelage", "la
  commune a signé") [``with_home``]; "les deux villes" is the two the sentence names, the place it
  is set in included [``both_named``], else the pair of the heading, the title or the article
  [``the_two``]; "leurs jumelages respectifs" pairs in order [``respective``]; a signature whose
  sentence names nobody takes the title's pair [``title_pair``]; "notre ville jumelle (française)"
  is the page's own party and the territory of another country it names most [``own_twin``].

The fallbacks of a one-sided clause are read once per article by
:mod:`pipeline.extract.assembly.context`, the shapes of a clause's pair by
:mod:`pipeline.extract.assembly.pair_shapes`, lists
by :mod:`pipeline.extract.assembly.lists`, the rules every relation obeys are in
:mod:`pipeline.extract.assembly.members`. A plural noun that only counts ("une trentaine de
conventions") names no parties and gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from spacy.tokens import Span

from pipeline.extract.assembly.candidates import in_sentence, sentence_parties
from pipeline.extract.assembly.clauses import clause_of, last_boundary
from pipeline.extract.assembly.context import ArticleContext, anaphoric_antecedent, article_context, points_at_own_party
from pipeline.extract.assembly.gapped_pairs import gapped_pairs
from pipeline.extract.assembly.lists import (
    agreement_rows,
    bracket_lists,
    colon_lists,
    list_relations,
    pair_lines,
    pair_rows,
    partner_appositions,
    slash_pairs,
    twin_of,
)
from pipeline.extract.assembly.members import Relation, contains_another, distinct, valid
from pipeline.extract.assembly.pair_shapes import (
    attaches_to,
    coordinated_before,
    coordinated_subject,
    dash_pair,
    group_after,
    group_size,
    is_agent,
    is_subject,
    one_with_each,
    parallel_pairs,
    previous_sentence_group,
    previous_sentence_pair,
    speaks_of_both,
    two_countries,
)
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.view import ArticleView, Mention, Segment, segment_of
from pipeline.extract.components.verb_forms import is_hypothetical
from pipeline.normalize import names_match


@dataclass
class _Reading:
    members: list[PartyMention]
    rule: str
    scope: tuple[int, int] | None = None  # token indices of the block's Doc



def find_relations(view: ArticleView, anchors: list[Mention], parties: list[PartyMention], segments: list[Segment], weak: list[Mention] = ()) -> list[Relation]:
    """Relations of the anchors, of twinning mentions that name their pair (``weak``: "30 ans de
    jumelage entre Toul et Hamm-Mitte"), and of twin-town lists."""
    context = article_context(view, parties, anchors)
    found: list[Relation] = []
    every = [*anchors, *weak]
    for anchor in every:
        context.section = view.blocks[anchor.block].section
        clause = _clause(view, anchor, segments, anchors)
        # the subject of the sentence's first clause, or of the clause after "tandis que"
        boundary = last_boundary(clause.doc, anchor.span.sent.start, clause.start) or 0
        context.carried = [p for p in sentence_parties(anchor, anchor.span.sent, parties) if boundary <= p.mention.span.start < clause.start][:1]
        context.antecedent = anaphoric_antecedent(view, anchor, clause, parties, segments)
        readings = _anchor_relations(anchor, clause, parties, context)
        if any(anchor is w for w in weak):
            if hypothetical(anchor.span.sent) and not respective(anchor):
                # "un autre projet serait la concrétisation du jumelage entre A et B"; but "ils
                # feront le point sur leurs jumelages respectifs avec C et D": theirs, already
                continue
            if _numbered(anchor):
                continue  # "150 jumelages entre Bourgogne et Rhénanie-Palatinat": towns of the two, not the two
            headline = view.is_headline(anchor.block)
            readings = [r for r in readings if r.rule in ("dash_pair", "both_named", "respective") or (r.rule in ("between", "with") and (headline or _right_after(anchor, clause)))]
        base = view.orders[anchor.block]
        for reading in readings:
            scope = (base + reading.scope[0], base + reading.scope[1]) if reading.scope else None
            relation = valid(anchor, reading.members, reading.rule, scope=scope)
            if relation is not None:
                found.append(relation)
    if not found and anchors and context.main_pair is not None:
        # "Kayes et Tambacounda paraphent une convention" / "… ont paraphé le document": the body's
        # signature names no party; the pair is the title's, else the two the article names most
        strong = next((a for a in anchors if a.span._.agreement_status != "counted"), None)
        relation = valid(strong, context.main_pair, "title_pair") if strong is not None else None
        if relation is not None:
            found.append(relation)
    found.extend(list_relations(view, parties, context.home))
    if anchors or weak:
        found.extend(pair_lines(view, parties, [*anchors, *weak]))
        found.extend(pair_rows(view, parties))
        found.extend(slash_pairs(view, parties))
        partnered = partner_appositions(view, parties)
        if partnered:
            # the sentence that says who is partner of whom is not one agreement of all it names
            read = {id(r.anchor) for r in partnered}
            found = [r for r in found if not (r.rule == "sentence" and id(r.anchor) in read)] + partnered
        found.extend(bracket_lists(view, parties, [*anchors, *weak], context.home or context.dominant))
        found.extend(colon_lists(view, parties, [*anchors, *weak], context.home))
        found.extend(agreement_rows(view, parties, context.home or context.dominant))
        # a line that pairs two towns itself ("Kazan - Tlemcen (Algérie)") under a list's
        # introduction is that pair, not a twin of the list's hub
        paired = {r.where.block for r in found if r.rule in ("pair_line", "pair_row")}
        found = [r for r in found if not (r.rule == "twin_list" and r.where.block in paired)]
        # "A s'est liée à B, C à D, E à F": the sentence's pairs, not one hub's twins
        gapped = gapped_pairs(view, parties, [m for m in view.mentions("agreements") if m.span._.agreement_status not in ("planned", "negated", "generic")])
        if gapped:
            read = {_sentence_key(r.where) for r in gapped}
            found = [r for r in found if _sentence_key(r.where) not in read] + gapped
    return found


def _sentence_key(mention: Mention) -> tuple[int, int]:
    return mention.block, mention.span.sent.start


def respective(agreement: Mention) -> bool:
    """"leurs jumelages respectifs", "ont respectivement signé des protocoles avec": each party
    named has its own agreement, not one with the others."""
    return _respective_after(agreement) or _respectively_before(agreement)


def _respective_after(agreement: Mention) -> bool:
    doc = agreement.span.doc
    return agreement.span.end < len(doc) and doc[agreement.span.end].lower_.startswith("respecti")


# how far before the agreement the adverb may stand: "ont respectivement signé des protocoles"
_RESPECTIVELY_REACH = 3


def _respectively_before(agreement: Mention) -> bool:
    span = agreement.span
    return any(t.lower_ == "respectivement" for t in span.doc[max(span.sent.start, span.start - _RESPECTIVELY_REACH) : span.start])


# "en cosignant chacun une charte", "chacune a signé un accord": every party signed its own agreement
_EACH_WORDS = frozenset({"chacun", "chacune"})


def _each_with_their_own(sentence: Span, candidates: list[PartyMention]) -> list[_Reading] | None:
    """"Saint-Etienne et Arnouville … avec Chouchi et Chekher, en cosignant chacun une charte": as
    many French towns as foreign ones, each side named in a row, and "chacun" says every one signed
    its own: the i-th of one side with the i-th of the other."""
    if not any(t.lower_ in _EACH_WORDS for t in sentence):
        return None
    named = distinct([c for c in candidates if not c.state and not c.organisation and c.country])
    french = [c for c in named if c.country == "FR"]
    foreign = [c for c in named if c.country != "FR"]
    if len(french) != len(foreign) or len(french) < 2:
        return None
    if max(c.mention.order for c in french) > min(c.mention.order for c in foreign):
        return None
    return [_Reading([a, b], "each_their_own") for a, b in zip(french, foreign)]


def hypothetical(sentence: Span) -> bool:
    """A sentence in the conditional or the future speaks of what may be, not of what is."""
    return any(is_hypothetical(t) for t in sentence if t.pos_ in ("VERB", "AUX"))


def _right_after(anchor: Mention, clause: Span) -> bool:
    """"jumelage entre A et B", "le jumelage de A avec B": the pair belongs to the twinning word,
    not to "les relations entre la France et l'Algérie" further on."""
    doc = anchor.span.doc
    window = doc[anchor.span.end : min(anchor.span.end + 4, clause.end)]
    if any(t.lower_ in ("entre", "avec") for t in window):
        return True
    # "le jumelage de Saint-Astier dans la Dordogne avec Khenkok"
    if anchor.span.end < clause.end and doc[anchor.span.end].lower_ in ("de", "d'", "du"):
        return any(t.lower_ == "avec" for t in doc[anchor.span.end : min(anchor.span.end + 12, clause.end)])
    return False


def _clause(view: ArticleView, anchor: Mention, segments: list[Segment], anchors: list[Mention]) -> Span:
    """The part of the anchor's sentence that speaks of it: the whole of a title or heading (the
    parser cuts short headlines oddly; a page whose first paragraph serves as its title is read by
    sentences), else its clause when the sentence reports several agreements."""
    doc = anchor.span.doc
    headline = view.is_headline(anchor.block)
    if view.is_short_headline(anchor.block):
        return doc[:]
    sentence = segment_of(segments, anchor)
    if sentence is None:
        return anchor.span.sent
    base = view.orders[anchor.block]
    if any(a is anchor for a in anchors) and not headline:
        low, high = clause_of(anchor, sentence, anchors)
        low, high = max(low - base, 0), min(high - base, len(doc))
    else:
        low, high = anchor.span.sent.start, anchor.span.sent.end
    # the parser sometimes ends a sentence inside a clause ("Issy et Hounslow | sont jumelées"):
    # a sentence that opens in lower case goes on the one before
    opens_mid_clause = doc[low].is_lower or doc[low].text in (",", ";", ")") if low < len(doc) else False
    if low == anchor.span.sent.start and low > 0 and opens_mid_clause and doc[low - 1].text not in (".", "!", "?", ";", ":"):
        low = doc[low - 1].sent.start
    if anchor.label == "twinning" and anchor.span._.agreement_status == "counted":
        # "ses villes sœurs, comme A, en Corée du Sud ; B, Japon ; C, Canada": the parser ends a
        # sentence at each semicolon, the list of twins goes on
        while low < high < len(doc) and doc[high - 1].text == ";":
            high = doc[high].sent.end
    return _colon_item(doc, anchor, low, high) or doc[low:high]


def _colon_item(doc, anchor: Mention, low: int, high: int) -> Span | None:
    """"de nombreuses activités leur ont été proposées : signature solennelle de la charte dans
    l'hémicycle, messe dans l'église d'Épernon, concert de l'harmonie de Gebenbach": after a colon,
    items that each open with a common noun are things of their own; the agreement's is its item."""
    colon = next((t.i for t in reversed(doc[low : anchor.span.start]) if t.text == ":"), None)
    if colon is None:
        return None
    opens_item = lambda i: doc[i].text == "," and i + 1 < high and doc[i + 1].pos_ == "NOUN" and doc[i + 1].is_lower  # noqa: E731
    ends = [i for i in range(anchor.span.end, high) if opens_item(i)]
    starts = [i for i in range(colon + 1, anchor.span.start) if opens_item(i)]
    if not ends and not starts:
        return None
    return doc[(starts[-1] + 1 if starts else colon + 1) : (ends[0] if ends else high)]


def _anchor_relations(anchor: Mention, sentence: Span, parties: list[PartyMention], context: ArticleContext) -> list[_Reading]:
    # every mention in place, for the readers that go by position ("entre A et B" may name again a
    # side named earlier in the sentence); the other readers take each party once
    positioned = sentence_parties(anchor, sentence, parties, every_mention=True)
    candidates = distinct(positioned)
    status = anchor.span._.agreement_status
    by_pairs = anchor.label == "twinning" or status == "counted"
    home = context.home
    doc = anchor.span.doc
    if respective(anchor):
        # "A et B fêtent leurs jumelages respectifs avec C et D", "A et B sont respectivement
        # jumelées avec C et D": the i-th before with the i-th after; "A, B et C fêtent un jubilé de
        # leur jumelage respectif": each has its own partner, unnamed
        before = distinct([c for c in candidates if c.mention.span.end <= anchor.span.start])
        after = distinct([c for c in candidates if c.mention.span.start >= anchor.span.end])
        if len(before) == len(after) >= 2:
            return [_Reading([a, b], "respective") for a, b in zip(before, after)]
        if _respective_after(anchor):
            return []
    each = _each_with_their_own(sentence, candidates)
    if each is not None:
        return each
    if anchor.label == "twinning" and _among_themselves(anchor):
        # "Dudelange, Lauenburg, Manom et Lebork sont jumelées entre elles": each with each
        named = distinct([c for c in candidates if not c.state and not c.organisation and c.mention.span.end <= anchor.span.start])
        if len(named) >= 3:
            return [_Reading([a, b], "among_themselves") for a, b in combinations(named, 2)]
    if anchor.label == "twinning":
        paired = dash_pair(anchor, parties)
        if paired is not None:
            return [_Reading(paired, "dash_pair")]
    # "entre" near the agreement ("une convention entre A et B", "entre A et B, un accord a été signé"),
    # not "… signaient un jumelage, quelques mois avant le traité organisant une coopération entre X et Y"
    # ("entre autres" names no pair; nor does an "entre" before an agreement that names its partner
    # with "avec": "la coopération entre A et le Maroc … la signature d'un accord avec la Région B")
    names_partner = anchor.span.end < len(doc) and doc[anchor.span.end].lower_ == "avec"
    entre = [
        t.i for t in sentence
        if t.lower_ == "entre" and doc[t.i + 1 : t.i + 2].text.lower() != "autres" and ((t.i < anchor.span.start and not names_partner) or (t.i >= anchor.span.end and attaches_to(t, anchor)))
    ]
    # by position: "ministre-présidente de Rhénanie-Palatinat, … du jumelage entre la Bourgogne et
    # la Rhénanie-Palatinat" names the second side again after "entre"
    between = [(g, i) for g, i in ((distinct(group_after(doc, i, sentence, positioned)), i) for i in entre) if len(g) >= 2]
    if anchor.label == "twinning":
        between = [(g, i) for g, i in between if sum(not p.state for p in g) >= 2]
    if between:
        hub = _hub_of_its_twins(doc, between[0][0]) if by_pairs and len(between) == 1 else None
        if hub is not None:
            # "entre Erevan et ses villes jumelles A, B et C": one twinning per twin
            return _twins(hub, [p for p in between[0][0] if not names_match(p.name, hub.name)], sentence)
        if by_pairs and len(between) > 1:
            bounds = [i for _, i in between] + [sentence.end]
            readings = []
            for (group, start), end in zip(between, bounds[1:]):
                # "… et entre Guelmim d'une part et Rikoua (Tanzanie) et Marcory (Côte d'Ivoire) d'autre part"
                pairs = one_with_each(group, doc[start:end])
                readings += [_Reading(pair, "between", (start, end)) for pair in pairs] if pairs else [_Reading(group, "between", (start, end))]
            return readings
        return [_Reading(between[0][0], "between")]
    if by_pairs:
        paired = parallel_pairs(doc, sentence, parties, anchor.block)
        if len(paired) >= 2:
            starts = [pair[0].mention.span.start for pair in paired] + [sentence.end]
            return [_Reading(pair, "pairs", (start, end)) for pair, start, end in zip(paired, starts, starts[1:])]
    with_token = min((t for t in sentence if t.lower_ == "avec"), key=lambda t: (t.i < anchor.span.start, abs(t.i - anchor.span.start)), default=None)
    if with_token is not None:
        partners = [p for p in group_after(doc, with_token.i, sentence, candidates) if not is_agent(p)]
        # "un accord avec A et un autre avec B", "deux conventions : l'une avec A, l'autre avec B"
        # "…, ainsi qu'avec C"
        others = [t for t in sentence if t.i > with_token.i and t.lower_ == "avec" and doc[t.i - 1].lower_ in ("et", "autre", ",", "qu'")]
        by_pairs = by_pairs or any(doc[t.i - 1].lower_ == "autre" for t in others)
        if partners and by_pairs:
            # "jumelée avec A en Allemagne depuis 1967, et avec B en Tchéquie depuis 1992"
            for token in others:
                partners += [p for p in group_after(doc, token.i, sentence, candidates) if p not in partners]
        if partners:
            subject = [c for c in candidates if c.mention.span.start < with_token.i and c not in partners and not (c.state and anchor.label == "twinning")]
            # "la ville de Sangüesa en Navarre (Espagne), jumelée avec Saint-Palais": not the unit that locates it
            subject = [c for c in subject if c.introducer not in ("dans", "(")] or subject
            # a territory signs rather than the state named beside it ("entre le Centre-Val de Loire et le Maroc")
            subject = [c for c in subject if not c.state] or subject
            if not subject:
                # "Trois conventions ont été signées, avec A, B et C, par la ville de Tulle": the agent
                subject = [c for c in candidates if c not in partners and is_agent(c)][:1]
            if not subject and status != "counted":
                partner = context.partner_for(partners, sentence)
                subject = [partner] if partner is not None else []
            elif not subject and len(partners) >= 2:
                # "Il existe quatre conventions faites avec les régions A, B, C et D": a count that
                # names each partner, of one country, has the article's own side as the other
                own = context.own_side(partners, sentence)
                subject = [own] if own is not None else []
            if not subject:
                # "Signature d'un pacte d'amitié avec Bobrovytsia - Riedisheim": the list is both sides
                two_sides = len({p.country for p in partners}) > 1
                return [_Reading(partners, "with")] if two_sides and not by_pairs else []
            if by_pairs and len(partners) == 1 and len(distinct(subject)) >= 2 and len({c.country for c in subject}) == 1 and subject[0].country != partners[0].country and all(coordinated_subject(c) for c in subject):
                # "les communes de A et de B sont jumelées avec la commune française de C": the
                # coordinated subjects twin together with the one partner
                return [_Reading(distinct(subject) + partners, "with")]
            if by_pairs:
                starts = [p.mention.span.start for p in partners] + [sentence.end]
                scoped = len(partners) > 1
                return [_Reading([subject[-1], partner], "with", (start, end) if scoped else None) for partner, start, end in zip(partners, starts, starts[1:])]
            return [_Reading(subject + partners, "with")]
    # no structure: the territories the clause names; organisations and states only when it names
    # no two territories ("le Cambodge et la France signent", not "avec le soutien de l'AFD")
    territories = [c for c in candidates if not c.organisation and not c.state]
    named = territories if len(territories) >= 2 else territories + [c for c in candidates if c.state]
    if len(territories) >= 2:
        # "la Ville de Tulle, la commune de Banfora et l'association X ont signé": coordinated signers
        named = [c for c in candidates if not c.state and (not c.organisation or coordinated_before(c, anchor))]
    if len(territories) < 2:
        # "X, président de l'UMAF, et Y, son homologue de l'ACAD, ont paraphé une charte": the
        # signers' bodies, of two countries, named before the agreement
        bodies = distinct([c for c in candidates if c.organisation and c.mention.span.end <= anchor.span.start])
        # "L'Agence française de développement et la Région Souss-Massa ont signé": the coordinated
        # subjects of the signing, an organisation among them
        subjects = distinct([c for c in candidates if not c.state and c.mention.span.end <= anchor.span.start and coordinated_subject(c)])
        if len({c.country for c in bodies}) >= 2:
            named = bodies
        elif len(subjects) >= 2 and len({c.country for c in subjects}) >= 2:
            named = subjects
    if status == "signed" and len(named) >= 3 and all(coordinated_subject(c) and c.mention.span.end <= anchor.span.start for c in named):
        # "Les villes de Dakar, de Kinshasa et de Brazzaville ont signé un accord de jumelage": one
        # agreement the three signed together
        return [_Reading(named, "sentence")]
    hub = twin_of(anchor, named) or next((c for c in named if home is not None and names_match(c.name, home.name)), None)
    if hub is None and anchor.label == "twinning":
        # "Tulle compte trois villes jumelles : A, B et C": the one subject among them, or the one
        # name before the twinning word when the others all follow it
        subjects = [c for c in named if is_subject(c)] or [c for c in named if c.mention.span.end <= anchor.span.start]
        hub = subjects[0] if len(subjects) == 1 else None
    if by_pairs and len(named) >= 3 and hub is None:
        hub = _lone_side(named, anchor)
    if by_pairs and len(named) >= 3 and hub is not None:
        return _twins(hub, [c for c in named if c is not hub], sentence)
    if anchor.label == "twinning" and len(named) >= 3 and home is not None and not any(names_match(c.name, home.name) or is_subject(c) for c in named):
        # "La capitale est jumelée avec sept villes : A, B … et G": a twinning is between two towns,
        # the page's own town (the clause's subject names none) and each one its list names
        return _twins(home, named, sentence)
    if status == "counted" and len(distinct(named)) >= 2 and len({c.country for c in named}) == 1:
        # "les présidents des régions de A et B ont signé deux conventions": one each, with the
        # article's own side, not one between two units of one country; a province beside one of
        # its towns locates it ("Avec l'ajout de Trois-Pistoles, le Québec compte 13 municipalités jumelées")
        own = context.own_side(named, sentence)
        if own is not None:
            return [_Reading([own, c], "counted_each") for c in distinct(named) if not contains_another(c, named)]
    if len(named) >= 2:
        return [_Reading(named, "sentence")]
    if speaks_of_both(sentence, definite=True):
        # "une délégation de Djenné, reçue à Tulle dans le cadre du jumelage entre les deux villes":
        # the two the sentence names, the one it places included
        named_here = in_sentence(anchor, sentence, parties)
        # "séjourné à El Mina, une commune de la wilaya de Nouakchott Sud": a locator is no third town
        unlocated = [p for p in named_here if p.introducer not in ("dans", "(")]
        both = two_countries(unlocated if len(unlocated) >= 2 else named_here)
        if both is not None:
            return [_Reading(both, "both_named")]
    if len(named) == 1 and status != "counted":
        pair = context.headline_pair
        if pair is not None and speaks_of_both(sentence, definite=True) and any(names_match(named[0].name, p.name) for p in pair):
            # "les maires de ces deux villes, …, maire de B, ont signé": the two of the title or heading
            return [_Reading(pair, "the_two")]
        partner = context.partner_for(named, sentence)
        return [_Reading([partner, named[0]], "with_home")] if partner is not None else []
    if not named and _introduced(anchor) and (speaks_of_both(sentence, definite=True) or _plural_pronoun_subject(sentence) or _signed_by_nobody(anchor, sentence)):
        # "Le maire de Tulle a reçu son homologue de Djenné. … les maires des deux villes ont signé":
        # the two the sentence before names
        before = previous_sentence_pair(anchor, sentence, parties)
        if before is not None:
            return [_Reading(before, "previous_two")]
    size = group_size(sentence) if not named else None
    if size is not None:
        # "… un réseau composé de Luxembourg, Metz, Sarrebruck et Trèves. Depuis 2000, les quatre
        # villes coopèrent à la suite de la signature d'une déclaration d'intention": those named
        group = previous_sentence_group(anchor, sentence, parties, size)
        if group is not None:
            return [_Reading(group, "the_group")]
    if not named and speaks_of_both(sentence):
        # "Les Régions A et B sont engagées … En 2011, l'accord entre les deux Régions": the two
        # the sentence just before names, over the title's ("un mémorandum entre Jinan et Rennes
        # pour les 20 ans du jumelage entre les deux villes": the two its own sentence named last)
        before = None
        if speaks_of_both(sentence, definite=True):
            earlier = distinct([p for p in in_sentence(anchor, anchor.span.sent, parties) if p.mention.span.end <= anchor.span.start and not p.signing_place_like])
            before = two_countries(earlier[-2:]) or (previous_sentence_pair(anchor, sentence, parties) if context.main_pair is not None else None)
        if before is not None:
            return [_Reading(before, "previous_two")]
        if context.main_pair is not None:
            return [_Reading(context.main_pair, "the_two")]
    if not named and anchor.label == "twinning" and status in ("signed", "in_force") and points_at_own_party(sentence):
        own = context.own_twin(anchor)
        if own is not None:
            return [_Reading(own, "own_twin")]
    return []


def _hub_of_its_twins(doc, group: list[PartyMention]) -> PartyMention | None:
    """The first of a group of three or more that goes on "et ses …"/"et leurs …": the others are
    its own partners, not co-signers of one agreement."""
    # "entre la capitale arménienne Erevan et ses villes jumelles": a hub named twice in a row is one
    while len(group) > 1 and names_match(group[0].name, group[1].name):
        group = group[1:]
    if len(group) < 3:
        return None
    end = group[0].mention.span.end
    # its name may follow a description read as the party ("la capitale arménienne Erevan et ses …")
    while end < group[1].mention.span.start and doc[end].pos_ == "PROPN":
        end += 1
    following = doc[end : end + 2]
    return group[0] if len(following) == 2 and following[0].lower_ == "et" and following[1].lower_ in ("ses", "leurs") else None


def _among_themselves(anchor: Mention) -> bool:
    doc = anchor.span.doc
    return [t.lower_ for t in doc[anchor.span.end : anchor.span.end + 2]] in (["entre", "elles"], ["entre", "eux"])


def _lone_side(named: list[PartyMention], anchor: Mention) -> PartyMention | None:
    """"Mayotte a des accords de coopération avec quatre régions de Madagascar : Sava, Diana, Sofia
    et Boeny": the one party before the agreement, of a country none of the others is in, while
    those share one country, is each one's partner. After a counted plural, that party may stand
    after it, named first ("le président du Conseil de Mayotte et les présidents des régions de A
    et B ont signé deux conventions")."""
    before = [c for c in named if c.mention.span.end <= anchor.span.start]
    if len(before) != 1 and anchor.span._.agreement_status == "counted":
        lone = [c for c in named if sum(o.country == c.country for o in named) == 1]
        before = lone if lone and all(lone[0].mention.span.start <= c.mention.span.start for c in named) else []
    if len(before) != 1:
        return None
    others = [c for c in named if c is not before[0]]
    countries = {c.country for c in others}
    return before[0] if len(countries) == 1 and before[0].country not in countries and None not in countries else None


def _plural_pronoun_subject(sentence: Span) -> bool:
    """"Ils ont signé un accord": the pronoun stands for the two the sentence before names."""
    return any(t.lower_ in ("ils", "elles") and t.dep_.startswith("nsubj") for t in sentence)


def _introduced(anchor: Mention) -> bool:
    """"un accord", "une convention": an agreement the text introduces, not one it names again
    ("la charte prévoit … entre les deux villes")."""
    span = anchor.span
    return span.start > 0 and span.doc[span.start - 1].lower_ in ("un", "une", "d'un", "d'une")


def _numbered(anchor: Mention) -> bool:
    """A plural agreement word with a number: a count of agreements between members of the two
    sides it names."""
    root = anchor.span.root
    return root.morph.get("Number") == ["Plur"] and any(child.dep_ == "nummod" or child.like_num for child in root.children)


def _signed_by_nobody(anchor: Mention, sentence: Span) -> bool:
    """"Le 13 mai 2002, un accord de coopération a été conclu": a passive signature with no agent,
    whose signers are the two the sentence before names."""
    return anchor.span.root.dep_ == "nsubj:pass" and not any(t.dep_ == "obl:agent" for t in sentence)


def _twins(hub: PartyMention, twins: list[PartyMention], sentence: Span) -> list[_Reading]:
    """One twinning per twin. Where the list itself holds dates, each twin is scoped from its name
    to the next twin's, so that its year stays its own ("après A (Allemagne, en 1980), B (Portugal,
    en 2004)"); otherwise a date of the sentence is every twin's ("depuis 1990, … avec A, B et C")."""
    twins = sorted(twins, key=lambda c: c.mention.span.start)
    starts = [c.mention.span.start for c in twins] + [sentence.end]
    if not any(starts[0] <= date.start < sentence.end for date in sentence.doc.spans.get("dates", [])):
        return [_Reading([hub, twin], "twins") for twin in twins]
    return [_Reading([hub, twin], "twins", (start, end)) for twin, start, end in zip(twins, starts, starts[1:])]

