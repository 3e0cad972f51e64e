"""Relations a page gives as lists: twin towns one per line or in a sentence, pairs on dashed lines.

- a list introduced by a twinning word ("Villes jumelles :", a title "Jumelages de Tulle") pairs
  each item's party with the page's own party [``twin_list``];
- "Avion (Pas-de-Calais) – Thorez (Donetsk), depuis 1967": a line pairing two places of two
  countries with a dash, in an article about twinnings or agreements [``pair_line``];
- "… pour la ville de X. Ainsi, après A (Tunisie 1969), B (Espagne 1989), C (Maroc 1989)…": a
  sentence listing three or more towns with their country in brackets, next to a twinning word
  [``bracket_list``];
- a table of twin towns, one pair per row and nothing else ("Hotton Izegem", "Wanze Koksijde"),
  three rows or more right under a twinning word [``pair_row``];
- "… ayant des accords de partenariat …, à savoir A, partenaire du conseil régional de B, C et
  D, la municipalité de E, partenaire de F": each name with the ones it is said partner of, in a
  sentence that speaks of agreements [``partner_of``];
- "Nagoya/Reims mais aussi Tours/Takamatsu": two places of two countries joined by a slash, in a
  paragraph with a twinning word [``slash_pair``];
- a table of agreements ("Dakar (Sénégal) Accord de jumelage 30 juin 2011 Brazzaville …"): three
  rows or more that each open on a located partner, then name an agreement and its date; each is
  one agreement of the page's own party with that partner, or of the signatories a bracket after
  the agreement lists [``agreement_row``].

A bare year closing a pair's line, or in a listed town's brackets, dates that pair: it is added to
the article's dates.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span

from pipeline.extract.assembly.members import Relation, distinct, valid
from pipeline.extract.assembly.parties import PartyMention
from pipeline.extract.assembly.place_names import PAIR_DASHES
from pipeline.extract.assembly.view import ArticleView, Mention
from pipeline.extract.blocks import BlockKind
from pipeline.normalize import names_match

MIN_BRACKET_LIST = 3
MIN_PAIR_ROWS = 3
MAX_ROW_TOKENS = 16
MAX_AGREEMENT_ROW_TOKENS = 40


def bracket_lists(view: ArticleView, parties: list[PartyMention], anchors: list[Mention], fallback: PartyMention | None) -> list[Relation]:
    """"La notion de jumelage est importante pour la ville de X. Ainsi, après A (Tunisie 1969), B
    (Espagne 1989), C (Maroc 1989)…": a sentence listing three or more towns each with its country
    in brackets, next to a twinning word, lists the twins of the party that sentence names."""
    twinnings = [a for a in anchors if a.label == "twinning" and a.span._.agreement_status not in ("planned", "negated", "generic")]
    relations: list[Relation] = []
    for index, doc in enumerate(view.docs):
        for sentence in doc.sents:
            in_sentence = [p for p in parties if p.mention.block == index and sentence.start <= p.mention.span.start < sentence.end and p.country]
            listed = [p for p in in_sentence if _bracketed(p) or _region_in_bracket(p, in_sentence)]
            listed = distinct(listed)
            if len(listed) < MIN_BRACKET_LIST:
                continue
            # the twinning word in this sentence or the one just before
            near = [a for a in twinnings if a.block == index and a.span.sent.start in (sentence.start, _previous_start(doc, sentence))]
            if not near:
                continue
            twin = near[0]
            # the party the twinning sentence names, even as a place ("dans la vie de la ville de X"),
            # but not where it took place ("jumelées en marge du sommet … à Marrakech")
            named = [p for p in parties if p.mention.block == index and twin.span.sent.start <= p.mention.span.start < twin.span.sent.end and p.country and p not in listed and p.introducer != "à"]
            # not a partner the twinning verb governs ("La capitale est jumelée avec A et B : …")
            named = [p for p in named if not _partner_of(twin, p)]
            hub = twin_of(twin, named) or (named[0] if named else None) or _named_before(view, twin, parties, listed) or fallback
            if hub is None:
                continue
            base = view.orders[index]
            starts = [p.mention.span.start for p in listed] + [sentence.end]
            for party, start, end in zip(listed, starts, starts[1:]):
                relation = valid(twin, [hub, party], "bracket_list", where=party.mention, scope=(base + start, base + end))
                if relation is not None:
                    relations.append(relation)
                    _bracket_year(view, index, party)
    return relations


def colon_lists(view: ArticleView, parties: list[PartyMention], anchors: list[Mention], fallback: PartyMention | None) -> list[Relation]:
    """"Villes jumelées : A (Allemagne) depuis 1962 ; B (Portugal) depuis 1995 ; C …" and "Tulle est
    jumelée avec : A, B et C": a twinning word followed by a colon lists twins up to the end of the
    line's sentence, however the parser cut it. The hub is the one town named before the word, else
    the page's own party."""
    relations: list[Relation] = []
    for twin in anchors:
        if twin.label != "twinning" or twin.span._.agreement_status in ("planned", "negated", "generic"):
            continue
        doc = twin.span.doc
        colon = next((t.i for t in doc[twin.span.end : twin.span.end + 3] if t.text == ":"), None)
        if colon is None or any(t.lower_ not in ("avec", "à", ":") for t in doc[twin.span.end : colon]):
            continue
        end = next((t.i for t in doc[colon + 1 :] if t.text in (".", "!", "?")), len(doc))
        start = max((t.i + 1 for t in doc[: twin.span.start] if t.text in (".", "!", "?")), default=0)
        in_block = [p for p in parties if p.mention.block == twin.block and p.country]
        before = distinct([p for p in in_block if start <= p.mention.span.start < twin.span.start])
        hub = before[0] if len(before) == 1 else fallback
        listed = distinct([p for p in in_block if colon < p.mention.span.start < end and not p.state])
        if hub is None or len(listed) < 2:
            continue
        listed = [p for p in listed if not names_match(p.name, hub.name)]
        base = view.orders[twin.block]
        starts = [p.mention.span.start for p in listed] + [end]
        for party, low, high in zip(listed, starts, starts[1:]):
            relation = valid(twin, [hub, party], "colon_list", where=party.mention, scope=(base + low, base + high))
            if relation is not None:
                relations.append(relation)
    return relations


def _named_before(view: ArticleView, twin: Mention, parties: list[PartyMention], listed: list[PartyMention]) -> PartyMention | None:
    """"La ville de X conjugue développement et solidarité. Elle est engagée au travers de six
    jumelages – A (Angleterre), B (Allemagne) …": a twinning sentence whose subject is a pronoun
    lists the twins of the one territory the sentence before (in its paragraph, or ending the one
    before) names."""
    sentence = twin.span.sent
    start = _previous_start(sentence.doc, sentence)
    block, end = twin.block, sentence.start
    if start is None and block > 0 and len(view.docs[block - 1]):
        block -= 1
        last = view.docs[block][-1].sent
        start, end = last.start, last.end
    if start is None:
        return None
    before = distinct([p for p in parties if p.mention.block == block and start <= p.mention.span.start < end and p.country and not p.state and p not in listed])
    return before[0] if len(before) == 1 else None


def _partner_of(twinning: Mention, party: PartyMention) -> bool:
    """A name after the twinning word, introduced by "avec" or "à" ("jumelée avec A, B et C")."""
    doc = twinning.span.doc
    start = party.mention.span.start
    if start < twinning.span.end:
        return False
    between = [t.lower_ for t in doc[twinning.span.end : start]]
    return bool(between) and between[0] in ("avec", "à")


def twin_of(twinning: Mention, named: list[PartyMention]) -> PartyMention | None:
    """"El Eulma devient la cinquième ville jumelle de Villeurbanne après A (Espagne), B …": the
    party right after "jumelle de" (or a plural "jumelées à") is the one whose twins are listed,
    not the sentence's subject."""
    doc = twinning.span.doc
    end = twinning.span.end
    # "les villes jumelées à Niort de Cové et Atakpamé": a plural participle's complement is the hub
    shared = twinning.span[-1].lower_ in ("jumelées", "jumelés") and end < len(doc) and doc[end].lower_ in ("à", "avec")
    if end >= len(doc) or (doc[end].lower_ not in ("de", "d'", "d’", "du") and not shared):
        return None
    # the party's span may open on the generic word before ("ville jumelle de X" is read whole)
    return next((p for p in named if p.mention.span.start <= end + 1 < p.mention.span.end or end < p.mention.span.start <= end + 3), None)


def _bracketed(party: PartyMention) -> bool:
    """A name followed by its country in brackets: "Kairouan (Tunisie 1969)"."""
    doc = party.mention.span.doc
    end = party.mention.span.end
    return end < len(doc) and doc[end].text == "(" and party.explicit


def _region_in_bracket(party: PartyMention, named: list[PartyMention]) -> bool:
    """"Hainaut (Wallonie 2005)": a bracket that opens on a region of the name's own country places it
    as a country would."""
    start = party.mention.span.end + 1
    return any(
        other.mention.block == party.mention.block and other.mention.span.start == start and other.introducer == "(" and other.kind == "region" and other.country == party.country
        for other in named
    )


def _previous_start(doc, sentence: Span) -> int | None:
    return doc[sentence.start - 1].sent.start if sentence.start > 0 else None


# "le comité Normandie - Basse-Saxe": a pair after one of these nouns names a body, not an agreement
_BODY_NOUNS = frozenset({"comité", "association", "amicale", "club", "fédération", "maison", "cercle"})


def pair_lines(view: ArticleView, parties: list[PartyMention], anchors: list[Mention]) -> list[Relation]:
    """"Avion (Pas-de-Calais) – Thorez (Donetsk), depuis 1967": a line that pairs two places of two
    countries with a dash, in an article about twinnings or agreements, is one of them. In a run
    of such lines whose columns keep one country each, a name the gazetteers miss on one side
    ("Pesmes - Alsheim (1974)") takes the country of its column."""
    twinning = next((a for a in anchors if a.label == "twinning"), anchors[0])
    lines = []
    for index, block in enumerate(view.blocks):
        if block.kind not in (BlockKind.list_item, BlockKind.paragraph, BlockKind.heading) or len(view.docs[index]) > 40:
            continue
        doc = view.docs[index]
        outside = {t.i for t in _outside_brackets(doc)}
        # not a dash inside brackets: "Accord tripartite ( Brazzaville - Dakar - Nouakchott)"
        dash = next((t for t in doc if t.text in PAIR_DASHES and t.i in outside and t.whitespace_ and t.i > 0 and doc[t.i - 1].whitespace_ in ("", " ")), None)
        if dash is None:
            continue
        in_line = [p for p in parties if p.mention.block == index and p.country and p.introducer is None]
        left = [p for p in in_line if p.mention.span.end <= dash.i]
        right = [p for p in in_line if p.mention.span.start > dash.i]
        lines.append((index, dash.i, left[0] if left else None, right[0] if right else None))
    full = [(left, right) for _, _, left, right in lines if left is not None and right is not None and left.country != right.country]
    columns = {(left.country, right.country) for left, right in full}
    column_countries = next(iter(columns)) if len(full) >= MIN_PAIR_ROWS - 1 and len(columns) == 1 else None
    relations = []
    for index, dash, left, right in lines:
        if (left is None) != (right is None) and column_countries is not None:
            side = _column_name(view, index, dash, left is None)
            if side is not None:
                missing = PartyMention(side, side.text, "municipality", column_countries[0 if left is None else 1], None, unknown=True)
                left, right = (missing, right) if left is None else (left, missing)
        if left is not None and right is not None and column_countries is not None and left.country == right.country and names_match(left.name, right.name):
            # "Laval – Laval" in a run of French – Quebec lines: a side the text does not place
            # takes its column's country (a namesake the gazetteer gave the other side's)
            left, right = (_in_column(left, column_countries[0]), _in_column(right, column_countries[1]))
        if left is None or right is None or left.country == right.country:
            continue
        doc = view.docs[index]
        if left.mention.span.start > 0 and doc[left.mention.span.start - 1].lower_ in _BODY_NOUNS:
            continue
        relation = valid(twinning, [left, right], "pair_line", where=left.mention, scope=(view.orders[index], view.orders[index] + len(doc)))
        if relation is not None:
            relations.append(relation)
            _line_year(view, index)
    return relations


def _in_column(party: PartyMention, country: str) -> PartyMention:
    return party if party.explicit or party.country == country else replace(party, country=country)


def _column_name(view: ArticleView, index: int, dash: int, before: bool) -> Mention | None:
    """The capitalised words on one side of a pair line's dash, up to a bracket or a comma."""
    doc = view.docs[index]
    words = doc[:dash] if before else doc[dash + 1 :]
    end = next((t.i for t in words if t.text in ("(", ",", "[")), words.end)
    name = doc[words.start : end]
    if not name or not all(t.text[:1].isupper() or t.text in ("-", "'") or t.lower_ in ("am", "an", "im", "de", "la", "le", "sur", "les", "di", "del") for t in name):
        return None
    if not name[0].text[:1].isupper() or not name[-1].text[:1].isupper() or len(name) > 5:
        return None
    return view.mention_of(index, name)


def pair_rows(view: ArticleView, parties: list[PartyMention]) -> list[Relation]:
    """Rows of a twin-town table: a run of short blocks made of names only, right under a
    twinning mention; each row naming two places (words in brackets aside) is a pair. A row whose
    places the gazetteers miss names fewer and is left out, without ending the table."""
    twinnings = [m for m in view.mentions("agreements") if m.label == "twinning" and m.span._.agreement_status not in ("planned", "negated")]
    relations: list[Relation] = []
    run: list[int] = []
    for index in range(len(view.blocks) + 1):
        if index < len(view.blocks) and _row_like(view, index):
            run.append(index)
            continue
        pairs = [(row, pair) for row in run if (pair := _row_pair(view, parties, row)) is not None]
        twinning = next((m for m in reversed(twinnings) if run and run[0] - 2 <= m.block < run[0]), None)
        if len(pairs) >= MIN_PAIR_ROWS and twinning is not None:
            for row, (left, right) in pairs:
                relation = valid(twinning, [left, right], "pair_row", where=left.mention, scope=(view.orders[row], view.orders[row] + len(view.docs[row])))
                if relation is not None:
                    relations.append(relation)
        run = []
    return relations


def _outside_brackets(doc) -> list:
    depth, kept = 0, []
    for token in doc:
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(token)
    return kept


def _row_like(view: ArticleView, index: int) -> bool:
    """A short block whose words outside brackets are all capitalised names."""
    doc = view.docs[index]
    if len(doc) > MAX_ROW_TOKENS or view.blocks[index].kind is BlockKind.title:
        return False
    words = [t for t in _outside_brackets(doc) if not t.is_punct and not t.is_space]
    return len(words) >= 2 and all(t.text[:1].isupper() for t in words)


def _row_pair(view: ArticleView, parties: list[PartyMention], index: int) -> tuple[PartyMention, PartyMention] | None:
    outside = {t.i for t in _outside_brackets(view.docs[index])}
    in_row = distinct([p for p in parties if p.mention.block == index and p.country and not p.state and p.mention.span.start in outside])
    if len(in_row) != 2:
        return None
    left, right = sorted(in_row, key=lambda p: p.mention.span.start)
    return left, right


PARTNER_WORDS = frozenset({"partenaire", "partenaires"})
BOTH_WORDS = frozenset({"tous", "toutes", "deux", "les", "trois"})
ITEM_OPENERS = frozenset({"la", "le", "les", "l'", "l’", "un", "une", "et"})


def partner_appositions(view: ArticleView, parties: list[PartyMention]) -> list[Relation]:
    """"A, partenaire de B et C": A with each of B and C, in a sentence holding an agreement word
    that is not planned, negated or generic. "A et B, toutes deux partenaires de C" gives both."""
    relations: list[Relation] = []
    for anchor in view.mentions("agreements"):
        if anchor.span._.agreement_status in ("planned", "negated", "generic"):
            continue
        if any(r.anchor.block == anchor.block and r.anchor.span.sent.start == anchor.span.sent.start for r in relations):
            continue
        sentence = anchor.span.sent
        doc = sentence.doc
        in_sentence = [p for p in parties if p.mention.block == anchor.block and sentence.start <= p.mention.span.start < sentence.end and p.country and p.introducer is None]
        for token in sentence:
            if token.lower_ not in PARTNER_WORDS or token.i + 1 >= sentence.end or doc[token.i + 1].lower_ not in ("de", "du", "d'", "d’", "des"):
                continue
            comma = token.i - 1
            while comma > sentence.start and doc[comma].lower_ in BOTH_WORDS:
                comma -= 1
            if doc[comma].text != ",":
                continue
            left = [p for p in in_sentence if _item_start(doc, comma, sentence) <= p.mention.span.start and p.mention.span.end <= comma]
            right = [p for p in in_sentence if token.i < p.mention.span.start < _item_end(doc, token.i, sentence)]
            for one in left:
                for other in right:
                    relation = valid(anchor, [one, other], "partner_of", where=other.mention)
                    if relation is not None:
                        relations.append(relation)
    return relations


def _item_start(doc, comma: int, sentence: Span) -> int:
    """Where the item before ", partenaire de" begins: after the previous comma, colon or "à savoir"."""
    i = comma - 1
    while i > sentence.start and doc[i].text not in (",", ":", ";") and doc[i].lower_ != "savoir":
        i -= 1
    return i + 1


def _item_end(doc, start: int, sentence: Span) -> int:
    """Where the partners after "partenaire de" end: at a comma that opens another item ("la
    municipalité de …", "et la …"), a semicolon or the sentence's end; "ainsi que des villes de X"
    goes on with the partners."""
    for i in range(start + 1, sentence.end):
        if doc[i].text in (";", ".", ":"):
            return i
        if doc[i].text == "," and i + 1 < sentence.end and doc[i + 1].lower_ in ITEM_OPENERS:
            return i
    return sentence.end


def slash_pairs(view: ArticleView, parties: list[PartyMention]) -> list[Relation]:
    """Pairs written "A/B" in a paragraph that holds a twinning word (not planned, negated or
    generic)."""
    twinnings = [m for m in view.mentions("agreements") if m.label == "twinning" and m.span._.agreement_status not in ("planned", "negated", "generic")]
    by_end = {(p.mention.block, p.mention.span.end): p for p in parties if p.country and p.introducer is None}
    by_start = {(p.mention.block, p.mention.span.start): p for p in parties if p.country and p.introducer is None}
    relations: list[Relation] = []
    for index, doc in enumerate(view.docs):
        for token in doc:
            if token.text != "/" or token.whitespace_ or (token.i > 0 and doc[token.i - 1].whitespace_):
                continue
            left, right = by_end.get((index, token.i)), by_start.get((index, token.i + 1))
            if left is None or right is None or left.country == right.country:
                continue
            twinning = next((m for m in twinnings if m.block == index), None)
            if twinning is None:
                continue
            relation = valid(twinning, [left, right], "slash_pair", where=left.mention, scope=(view.orders[index] + token.i - 1, view.orders[index] + token.i + 2))
            if relation is not None:
                relations.append(relation)
    return relations


def _line_year(view: ArticleView, index: int) -> None:
    """"Douai (Nord) – Recklinghausen, 1965": the bare year that ends a pair's line dates it."""
    doc = view.docs[index]
    if any(m.block == index for m in view.mentions("dates")):
        return
    words = [t for t in doc if t.is_alpha or t.is_digit]
    if words and _is_year(words[-1]):
        _add_year(view, index, words[-1], "year_ending_list_line")


def _bracket_year(view: ArticleView, index: int, party: PartyMention) -> None:
    """"Kairouan (Tunisie 1969)": the year in a listed town's brackets dates its twinning."""
    doc = view.docs[index]
    i = party.mention.span.end + 1
    while i < len(doc) and doc[i].text != ")" and i - party.mention.span.end < 8:
        if _is_year(doc[i]) and not any(m.block == index and m.span.start <= i < m.span.end for m in view.mentions("dates")):
            _add_year(view, index, doc[i], "year_in_brackets")
            return
        i += 1


def _is_year(token) -> bool:
    return token.is_digit and len(token.text) == 4 and token.text[:2] in ("18", "19", "20")


def _add_year(view: ArticleView, index: int, token, rule: str) -> None:
    year = Span(token.doc, token.i, token.i + 1, label="year", span_id=rule)
    year._.date_value = token.text
    view.add("dates", index, year)


def list_relations(view: ArticleView, parties: list[PartyMention], home: PartyMention | None) -> list[Relation]:
    """"Villes jumelles :" followed by list items, one twin town each. The hub is the one town the
    introducing line names ("La ville de Tulle est jumelée avec :"), else the page's own party."""
    relations: list[Relation] = []
    intro: Mention | None = None
    hub: PartyMention | None = None
    for index, block in enumerate(view.blocks):
        introduces = block.text.rstrip().endswith(":")
        if block.kind is BlockKind.list_item and intro is not None and not introduces:
            if view.is_headline(intro.block) and len(view.docs[index]) > MAX_ROW_TOKENS:
                continue  # under a title or heading, only short lines are a list of twins, not prose or numbered sections
            item = distinct([p for p in parties if p.mention.block == index and p.country and not names_match(p.name, hub.name)])
            if item:
                line = (view.orders[index], view.orders[index] + len(view.docs[index]))
                relation = valid(intro, [hub, item[0]], "twin_list", where=item[0].mention, scope=line)
                if relation is not None:
                    relations.append(relation)
            continue
        intro = _twin_intro(view, index)
        named = distinct([p for p in parties if p.mention.block == index and p.country]) if intro is not None else []
        hub = named[0] if len(named) == 1 else home
        if hub is None:
            intro = None
    return relations


def _twin_intro(view: ArticleView, index: int) -> Mention | None:
    """The twinning mention of a block that introduces a list (the title, a heading, or a line
    ending with ':')."""
    block = view.blocks[index]
    if not view.is_headline(index) and not block.text.rstrip().endswith(":"):
        return None
    mentions = [m for m in view.mentions("agreements") if m.block == index and m.label == "twinning"]
    if any(m.span._.agreement_status in ("planned", "negated", "generic") for m in mentions):
        return None
    return mentions[0] if mentions else None


def agreement_rows(view: ArticleView, parties: list[PartyMention], own: PartyMention | None) -> list[Relation]:
    """Rows of a table of agreements (``agreement_row``, see the module's docstring)."""
    if own is None:
        return []
    agreements = [a for a in view.mentions("agreements") if a.span._.agreement_status not in ("planned", "negated", "generic")]
    dated = {d.block for d in view.mentions("dates")}
    relations: list[Relation] = []
    for index, block in enumerate(view.blocks):
        doc = view.docs[index]
        if block.kind not in (BlockKind.paragraph, BlockKind.list_item, BlockKind.heading) or len(doc) > MAX_AGREEMENT_ROW_TOKENS or index not in dated:
            continue
        in_row = sorted((p for p in parties if p.mention.block == index and p.country), key=lambda p: p.mention.span.start)
        # "Avenant à l'accord cadre de coopération": the typed agreement the row is about
        in_block = sorted((a for a in agreements if a.block == index), key=lambda a: a.label == "other")
        agreement = in_block[0] if in_block else None
        if not in_row or agreement is None or in_row[0].mention.span.start != 0 or not in_row[0].explicit:
            continue
        partner = in_row[0]
        listed = _bracket_after(doc, agreement.span.end)
        signatories = distinct([p for p in in_row if listed[0] <= p.mention.span.start < listed[1]]) if listed else []
        members = signatories if len(signatories) >= 2 else [own, partner]
        relation = valid(agreement, members, "agreement_row", where=partner.mention, scope=(view.orders[index], view.orders[index] + len(doc)))
        if relation is not None:
            relations.append(relation)
    return relations if len(relations) >= MIN_PAIR_ROWS else []


def _bracket_after(doc, at: int) -> tuple[int, int] | None:
    """The token range inside a bracket that opens right after ``at``, or after one word:
    "tripartite ( Brazzaville - Dakar - Nouakchott)"."""
    opening = next((t.i for t in doc[at : at + 2] if t.text == "("), None)
    if opening is None or (opening > at and not doc[at].is_alpha):
        return None
    close = next((t.i for t in doc[opening + 1 :] if t.text == ")"), None)
    return (opening + 1, close) if close is not None else None
