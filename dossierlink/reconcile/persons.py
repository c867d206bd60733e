"""Person matching for Dutch names: tussenvoegsels, ij/y, initials, diacritics, swapped birth dates.

Evidence is scored (positive for agreement, negative for contradiction); SKN and a valid BSN are
strong evidence either way. A common surname needs ``common_surname_extra`` more score.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import attrs
from rapidfuzz.distance import OSA, JaroWinkler

from dossierlink.identifiers import is_valid_bsn, mask_bsn
from dossierlink.reconcile.config import PersonWeights, ReconcileConfig
from dossierlink.schema import Person, Role

__all__ = [
    "NameParts",
    "PersonCluster",
    "PersonEntry",
    "PersonMatch",
    "cluster_persons",
    "compare_persons",
    "comparison_levels",
    "estimate_person_weights",
    "fold",
    "name_frequencies",
    "name_slip",
    "names_swapped",
    "person_differences",
    "same_person",
    "split_name",
]

PARTICLES = frozenset(
    [
        "van",
        "de",
        "den",
        "der",
        "het",
        "ten",
        "ter",
        "te",
        "in",
        "t",
        "op",
        "aan",
        "uit",
        "bij",
        "von",
        "vom",
        "zu",
        "la",
        "le",
        "du",
        "d",
        "l",
        "di",
        "da",
        "del",
        "della",
        "dos",
        "das",
        "do",
        "el",
        "al",
    ]
)
_NON_LETTER = re.compile(r"[^a-z ]+")
# Official (baptismal) names and the roepnamen used for them: "Johannes" on the ID, "Jan" in a file.
_ROEPNAMEN: dict[str, frozenset[str]] = {
    k: frozenset(v.split())
    for k, v in {
        "johannes": "jan hans johan joop jo",
        "willem": "wim pim",
        "pieter": "piet peter",
        "jacob": "jaap koos",
        "theodorus": "theo ruud dorus",
        "alexander": "alex sander",
        "catharina": "toos rina karin",
        "cornelis": "kees cor",
        "hendrik": "henk harry hein",
        "hendrikus": "henk harry hein hendrik",
        "wilhelmus": "wim willem",
        "petrus": "piet peter",
        "jacobus": "jaap koos jacob",
        "adrianus": "arie adrie ad",
        "gerardus": "gerard gert gerrit",
        "antonius": "toon ton anton",
        "franciscus": "frans frank",
        "josephus": "joop jos sjef",
        "maria": "marie mies ria marja mieke",
        "johanna": "jo anneke joke hanneke",
        "elisabeth": "lies els betty liesbeth",
        "wilhelmina": "willy mien wilma",
        "mohammed": "mo",
    }.items()
}


def _roepnaam(a: str, b: str) -> bool:
    return b in _ROEPNAMEN.get(a, frozenset()) or a in _ROEPNAMEN.get(b, frozenset())


_DEFAULT_CONFIG = ReconcileConfig()


def fold(text: str | None) -> str:
    """Lower-case, no diacritics, ij -> y, punctuation to spaces, single-spaced."""
    if not text:
        return ""
    return _fold(text)


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    if text.isascii():
        plain = text.lower()  # NFKD leaves ASCII as it is and no ASCII character is combining
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("ĳ", "y").replace("ij", "y").replace("'", "")
    return " ".join(_NON_LETTER.sub(" ", plain).split())


@attrs.frozen
class NameParts:
    """A name split the Dutch way, folded for comparison."""

    given: tuple[str, ...]  # full given names, folded
    initials: str  # first letters of every given name or initial
    particles: str  # "van den"
    surname: str  # core surname without particles, "berg"; double names keep every part

    @property
    def full_surname(self) -> str:
        """Particles and surname without spaces: "vandenberg" equals "Vandenberg"."""
        return (self.particles + self.surname).replace(" ", "")

    @property
    def sort_surname(self) -> str:
        return f"{self.particles} {self.surname}".strip()


def _given_tokens(voornamen: str | None) -> tuple[list[str], str]:
    """Full names and initials from "Jan Pieter", "J.P.", "J. Pieter", "Jan-Peter"."""
    if not voornamen:
        return [], ""
    raw_tokens = [t for t in re.split(r"[\s.\-]+", voornamen.strip()) if t]
    full: list[str] = []
    initials = ""
    for raw in raw_tokens:
        f = fold(raw).replace(" ", "")
        if not f:
            continue
        # "JP" written without dots is a pair of initials; "Jp" is not a name either.
        if len(f) == 1 or (len(f) <= 3 and raw.isupper() and not any(v in f for v in "aeiouy")):
            initials += f
        else:
            full.append(f)
            initials += f[0]
    return full, initials


def split_name(person: Person) -> NameParts:
    """Split "van den Berg", "Berg, van den", "Berg" + "van den", "Jan van den" + "Berg" alike."""
    return _split_name(person.achternaam, person.tussenvoegsel, person.voornamen)


@functools.lru_cache(maxsize=65536)
def _split_name(achternaam_: str | None, tussenvoegsel: str | None, voornamen: str | None) -> NameParts:
    achternaam = achternaam_ or ""
    particles: list[str] = fold(tussenvoegsel).split()
    if "," in achternaam:
        core, _, after = achternaam.partition(",")
        core_tokens = fold(core).split()
        after_tokens = fold(after).split()
        # "Berg, van den" (particles after the comma) or "Berg, J. van den" is rare: take particles.
        particles += [t for t in after_tokens if t in PARTICLES]
    else:
        core_tokens = fold(achternaam).split()
    while len(core_tokens) > 1 and core_tokens[0] in PARTICLES:
        particles.append(core_tokens.pop(0))
    if voornamen and not particles:
        vtokens = voornamen.split()
        moved: list[str] = []
        while len(vtokens) > 1 and fold(vtokens[-1]) in PARTICLES:
            moved.insert(0, fold(vtokens.pop()))
        if moved:
            particles = moved
            voornamen = " ".join(vtokens)
    full, initials = _given_tokens(voornamen)
    return NameParts(tuple(full), initials, " ".join(particles), " ".join(core_tokens))


@attrs.frozen
class PersonMatch:
    """The verdict on two persons and the evidence for it.

    ``score`` is the Fellegi-Sunter match weight in bits (the sum of log2(m / u) over the fields);
    ``threshold`` the bits needed; ``reasons`` the evidence in Dutch, one line per field.
    """

    same: bool
    score: float
    threshold: float
    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.same


def _comparable_bsn(value: str | None) -> str | None:
    """A valid BSN, or a pseudonym (a long keyed hash): both compare as identity numbers."""
    if not value:
        return None
    v = value.strip()
    if is_valid_bsn(v):
        return v
    if len(v) >= 16 and v.isalnum():
        return v
    return None


# Level indices, in the order of ``PERSON_LEVELS`` (reconcile/config.py); -1 is a missing value.
S_EXACT, S_PARTICLES, S_TYPO, S_FUZZY, S_PART, S_DIFFERENT = range(6)
G_EXACT, G_ALIAS, G_TYPO, G_FUZZY, G_INITIALS, G_DIFFERENT = range(6)
D_EXACT, D_TRANSPOSED, D_TYPO, D_ONE_PART, D_TWO_EDITS, D_DIFFERENT = range(6)
MISSING = -1

# Letters next to each other on a QWERTY keyboard, and letters OCR confuses: a one-letter
# substitution between them in a short name is a typo ("Ryah" for "Ryan"), any other is another
# name ("Jan" / "Jon").
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: set[tuple[str, str]] = set()
for _r, _row in enumerate(_KEYBOARD_ROWS):
    for _c, _ch in enumerate(_row):
        for _dr, _dc in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, -1)):
            _rr, _cc = _r + _dr, _c + _dc
            if 0 <= _rr < 3 and 0 <= _cc < len(_KEYBOARD_ROWS[_rr]):
                _NEIGHBOURS.add((_ch, _KEYBOARD_ROWS[_rr][_cc]))
for _x, _y in ("ec", "uv", "il", "nu", "hb", "oa", "ao", "rn", "ij", "ft", "yv"):
    _NEIGHBOURS.add((_x, _y))
    _NEIGHBOURS.add((_y, _x))
# OCR reads one letter as two or two as one.
_OCR_PAIRS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("ii", "u"), ("ln", "h"))


def _ocr_form(text: str) -> str:
    for many, one in _OCR_PAIRS:
        text = text.replace(many, one)
    return text


@functools.lru_cache(maxsize=262144)
def _typo(x: str, y: str) -> bool:
    """One keyboard or OCR slip between ``x`` and ``y`` (never for names under three letters).

    Names of five letters or more: any one edit (Damerau). Shorter ones only when the slip is
    plausible: a neighbouring key or OCR confusion, two letters swapped, a doubled letter.
    """
    lx, ly = len(x), len(y)
    if min(lx, ly) < 3 or abs(lx - ly) > 1:
        return lx + ly > 5 and _ocr_form(x) == _ocr_form(y)
    if OSA.distance(x, y, score_cutoff=1) > 1:
        if "y" in x or "y" in y:  # "Meyer" / "Miejer": the folded ij typed the other way round
            xi, yi = x.replace("y", "ij"), y.replace("y", "ij")
            if OSA.distance(xi, yi, score_cutoff=1) <= 1 and min(lx, ly) >= 4:
                return True
        return _ocr_form(x) == _ocr_form(y) or x.replace(" ", "") == y.replace(" ", "")
    if min(lx, ly) >= 5:
        return True
    if lx == ly:
        diff = [i for i in range(lx) if x[i] != y[i]]
        if len(diff) == 1:
            return (x[diff[0]], y[diff[0]]) in _NEIGHBOURS
        return True  # two neighbouring letters swapped (the only other one-edit change)
    long, short = (x, y) if lx > ly else (y, x)
    i = next((k for k in range(len(short)) if long[k] != short[k]), len(short))
    extra = long[i]
    # A doubled letter or a neighbouring key pressed as well.
    return (
        (i > 0 and long[i - 1] == extra)
        or (i + 1 < len(long) and long[i + 1] == extra)
        or any((extra, long[k]) in _NEIGHBOURS for k in (i - 1, i + 1) if 0 <= k < len(long))
    )


# Spellings of one name (transliterations) beside the roepnamen.
_VARIANTS = [
    frozenset(v.split())
    for v in (
        "mohammed mohamed muhammed muhammad mohammad mohamad mehmet",
        "ahmed ahmet achmed",
        "youssef yousef youssouf yusuf",
        "hendrik henk",
        "mustafa mustapha moestafa",
    )
]
_VARIANT_OF = {name: group for group in _VARIANTS for name in group}


def _alias(x: str, y: str) -> bool:
    return _roepnaam(x, y) or y in _VARIANT_OF.get(x, ())


def _surname_level(a: NameParts, b: NameParts) -> int:
    if not a.surname or not b.surname:
        return MISSING
    fa, fb = a.full_surname, b.full_surname
    if fa == fb:
        return S_EXACT
    if a.surname == b.surname:
        return S_EXACT if not a.particles or not b.particles else S_PARTICLES
    if _typo(fa, fb) or (a.surname != fa and b.surname != fb and _typo(a.surname, b.surname)):
        return S_TYPO
    ta, tb = a.surname.split(), b.surname.split()
    if len(ta) != len(tb) and (set(ta) < set(tb) or set(tb) < set(ta)):
        return S_PART  # one part of a double or married name: "Jansen-de Vries" / "de Vries"
    if JaroWinkler.normalized_similarity(fa, fb, score_cutoff=0.9) >= 0.9 and min(len(fa), len(fb)) >= 4:
        return S_FUZZY
    return S_DIFFERENT


@functools.lru_cache(maxsize=262144)
def _name_level(x: str, y: str) -> int:
    """Two written-out given names (or a given name and a surname, for swaps)."""
    if x == y:
        return G_EXACT
    if _alias(x, y):
        return G_ALIAS
    if _typo(x, y):
        return G_TYPO
    if JaroWinkler.normalized_similarity(x, y, score_cutoff=0.9) >= 0.9 and min(len(x), len(y)) >= 4:
        return G_FUZZY
    return G_DIFFERENT


def _given_level(a: NameParts, b: NameParts) -> int:
    if not a.initials or not b.initials:
        return MISSING
    if a.given and b.given:
        level = _name_level(a.given[0], b.given[0])
        if level == G_DIFFERENT:
            if set(a.given) & set(b.given) or any(_alias(x, y) for x in a.given for y in b.given):
                return G_ALIAS  # "Jan Pieter" / "Pieter": another of the voornamen
            if "".join(a.given) == "".join(b.given):
                return G_TYPO  # "Ja Yde" / "Jayde": a space typed in
        return level
    if a.initials[0] != b.initials[0]:
        return G_DIFFERENT
    return G_INITIALS


def _date_level(a: _Prepared, b: _Prepared) -> int:
    da, db = a.person.geboortedatum, b.person.geboortedatum
    if da is None or db is None:
        return MISSING
    if da == db:
        return D_EXACT
    if da.year == db.year and da.day == db.month and da.month == db.day:
        return D_TRANSPOSED
    edits = OSA.distance(a.date_text, b.date_text, score_cutoff=2)
    if edits <= 1:
        return D_TYPO
    same = (da.year == db.year) + (da.month == db.month) + (da.day == db.day)
    if same == 2:
        return D_ONE_PART
    return D_TWO_EDITS if edits <= 2 else D_DIFFERENT


def compare_persons(a: Person, b: Person, config: ReconcileConfig | None = None) -> PersonMatch:
    """Weigh the evidence that ``a`` and ``b`` are one person (Fellegi-Sunter), and decide."""
    return _compare(_prep(a), _prep(b), config or _DEFAULT_CONFIG)


def same_person(a: Person, b: Person, config: ReconcileConfig | None = None) -> bool:
    """True when the evidence says ``a`` and ``b`` are the same person."""
    return compare_persons(a, b, config).same


class _Prepared:
    """A person with the values comparison needs, computed once."""

    __slots__ = ("bsn", "date_text", "name", "person", "skn", "sort_surname")

    def __init__(self, person: Person, name: NameParts, bsn: str | None, skn: str | None) -> None:
        self.person = person
        self.name = name
        self.bsn = bsn
        self.skn = skn
        self.sort_surname = name.sort_surname
        d = person.geboortedatum
        self.date_text = f"{d.year:04d}{d.month:02d}{d.day:02d}" if d is not None else ""


@functools.lru_cache(maxsize=65536)
def _numbers(bsn: str | None, skn: str | None) -> tuple[str | None, str | None]:
    """(comparable BSN, SKN digits) of a registration."""
    if not skn:
        digits = None
    elif skn.isascii() and skn.isdigit():
        digits = skn  # only ASCII digits: \D would remove nothing
    else:
        digits = _NON_DIGIT.sub("", skn)
    return _comparable_bsn(bsn), digits or None


_NON_DIGIT = re.compile(r"\D")


def _prep(p: Person) -> _Prepared:
    bsn, skn = _numbers(p.bsn, p.skn)
    return _Prepared(p, _split_name(p.achternaam, p.tussenvoegsel, p.voornamen), bsn, skn)


_SURNAME_REASONS = (
    "zelfde achternaam",
    "zelfde achternaam, ander tussenvoegsel",
    "achternaam met één tikfout",
    "achternaam bijna gelijk",
    "deel van een dubbele achternaam",
    "andere achternaam",
)
_GIVEN_REASONS = (
    "zelfde voornaam",
    "roepnaam of andere voornaam van dezelfde reeks",
    "voornaam met één tikfout",
    "voornaam bijna gelijk",
    "voorletters passen",
    "andere voornaam",
)
_DATE_REASONS = (
    "zelfde geboortedatum",
    "geboortedatum met dag en maand verwisseld",
    "geboortedatum met één cijfer verschil",
    "geboortedatum wijkt in één deel af",
    "geboortedatum met twee cijfers verschil",
    "andere geboortedatum",
)
_MISSING_REASONS = {"s": "achternaam ontbreekt", "g": "voornaam ontbreekt", "d": "geboortedatum ontbreekt"}


# Reason codes by level (index -1, a missing value, is the last entry).
_S_CODES = tuple(f"s{i}" for i in (*range(6), MISSING))
_G_CODES = tuple(f"g{i}" for i in (*range(6), MISSING))
_D_CODES = tuple(f"d{i}" for i in (*range(5 + 1), MISSING))


def _evaluate(a: _Prepared, b: _Prepared, config: ReconcileConfig) -> tuple[float, float, tuple[str, ...]]:
    """(score, threshold, reason codes): the decision without building the Dutch reasons."""
    w = config.person_weights
    score = 0.0
    codes: list[str] = []
    if a.skn and b.skn:
        if a.skn == b.skn:
            score += w.identity_number
            codes.append("skn=")
        else:
            score += w.identity_number_mismatch
            codes.append("skn!")
    if a.bsn and b.bsn:
        if a.bsn == b.bsn:
            score += w.identity_number
            codes.append("bsn=")
        else:
            score += w.identity_number_mismatch
            codes.append("bsn!")
    an, bn = a.name, b.name
    if an is bn:
        # One name split (registrations of one person share the cached NameParts).
        sl = S_EXACT if an.surname else MISSING
        gl = MISSING if not an.initials else G_EXACT if an.given else G_INITIALS
    else:
        sl = _surname_level(an, bn)
        gl = _given_level(an, bn)
    name_bits = _name_bits(an, bn, sl, gl, config)
    swapped = False
    if (
        (sl >= S_FUZZY or gl == G_DIFFERENT)
        and an.given
        and bn.given
        and an.surname
        and bn.surname
        and _may_be_crossed(an, bn)
    ):
        # Given name and surname the other way round at one source: "Clarke Ryan" / "Ryan Clarke".
        x1, x2 = _crossed_levels(an, bn)
        if x1 <= G_TYPO and x2 <= G_TYPO:
            # Either crossed agreement may stand for the surname: take the reading that weighs
            # more (without name frequencies, which belong to a name in its own field), so the
            # verdict does not depend on which registration comes first.
            sbits, gbits = w.surname_bits, w.given_bits
            crossed_s, crossed_g = max(
                ((S_EXACT if x == G_EXACT else S_TYPO, y) for x, y in ((x1, x2), (x2, x1))),
                key=lambda lv: (sbits[lv[0]] + gbits[lv[1]], -lv[0]),
            )
            crossed = sbits[crossed_s] + gbits[crossed_g] + w.swapped
            if crossed > name_bits:
                sl, gl, name_bits, swapped = crossed_s, crossed_g, crossed, True
    score += name_bits
    codes.append(_S_CODES[sl])
    codes.append(_G_CODES[gl])
    if swapped:
        codes.append("swap")
    dl = _date_level(a, b)
    if dl != MISSING:
        score += w.date_bits[dl]
    codes.append(_D_CODES[dl])
    threshold = config.person_threshold
    if config.common_surname_extra:
        common_surnames = config.common_surnames
        sa, sb = a.sort_surname, b.sort_surname
        if (sa in common_surnames or sb in common_surnames) and not (
            (a.skn and a.skn == b.skn) or (a.bsn and a.bsn == b.bsn)
        ):
            threshold += config.common_surname_extra
            codes.append("common:" + sorted({sa, sb} & common_surnames)[0])
    return score, threshold, tuple(codes)


# How common a surname on the configured list of common surnames is, without a frequency table.
_COMMON_SURNAME_FREQUENCY = 0.004


def _frequency_bits(table: Mapping[str, float], agreement: float | None, key: str, floor: float) -> float:
    """The term-frequency adjustment of an exact name agreement: log2(agreement / frequency)."""
    if agreement is None:
        return 0.0
    f = table.get(key)
    return 0.0 if f is None else math.log2(agreement / max(f, floor))


def _name_bits(an: NameParts, bn: NameParts, sl: int, gl: int, config: ReconcileConfig) -> float:
    """Surname and given-name bits, adjusted for the frequency of an exactly agreeing name."""
    w = config.person_weights
    bits = 0.0
    if sl != MISSING:
        bits += w.surname_bits[sl]
        if sl == S_EXACT:
            key = an.full_surname
            if w.surname_agreement is not None:
                bits += _frequency_bits(w.surname_frequencies, w.surname_agreement, key, w.min_frequency)
            elif an.sort_surname in config.common_surnames or bn.sort_surname in config.common_surnames:
                bits += math.log2(w.surname[S_EXACT][1] / _COMMON_SURNAME_FREQUENCY)
    if gl != MISSING:
        bits += w.given_bits[gl]
        if gl == G_EXACT and an.given:
            bits += _frequency_bits(w.given_frequencies, w.given_agreement, an.given[0], w.min_frequency)
    return bits


_FIXED_REASONS = {
    "skn=": "zelfde SKN",
    "skn!": "ander SKN",
    "bsn=": "zelfde BSN",
    "bsn!": "ander BSN",
    "swap": "voornaam en achternaam verwisseld",
}


def _reasons(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The Dutch reasons for :func:`_evaluate`'s codes, in the order the evidence was weighed."""
    out: list[str] = []
    for code in codes:
        if code in _FIXED_REASONS:
            out.append(_FIXED_REASONS[code])
        elif code.startswith("common:"):
            out.append(f"veelvoorkomende achternaam ({code[7:]}): meer overeenstemming nodig")
        else:
            level = int(code[1:])
            if level == MISSING:
                out.append(_MISSING_REASONS[code[0]])
            else:
                table = {"s": _SURNAME_REASONS, "g": _GIVEN_REASONS, "d": _DATE_REASONS}[code[0]]
                out.append(table[level])
    return tuple(out)


def _compare(a: _Prepared, b: _Prepared, config: ReconcileConfig) -> PersonMatch:
    score, threshold, codes = _evaluate(a, b, config)
    return PersonMatch(score >= threshold, score, threshold, _reasons(codes))


def names_swapped(a: Person, b: Person) -> bool:
    """True when ``b`` holds ``a``'s given name as surname and its surname as given name."""
    an, bn = split_name(a), split_name(b)
    if not (an.given and bn.given and an.surname and bn.surname) or an.full_surname == bn.full_surname:
        return False
    x1, x2 = _crossed_levels(an, bn)
    return x1 <= G_TYPO and x2 <= G_TYPO


def name_slip(reference: Person, other: Person) -> tuple[str, tuple[str, ...]] | None:
    """What went wrong in ``other``'s name, when it is a slip: ("swapped", fields) or ("typo", fields).

    "swapped": given name and surname the other way round; "typo": the differing name fields
    (``achternaam``, ``voornamen``) each one keyboard or OCR slip from the reference. None when a
    name field really differs (another name) or the names agree.
    """
    if names_swapped(reference, other):
        return "swapped", ("voornamen", "achternaam")
    ra, rb = split_name(reference), split_name(other)
    fields: list[str] = []
    if ra.surname and rb.surname and ra.full_surname != rb.full_surname:
        if _surname_level(ra, rb) != S_TYPO:
            return None
        fields.append("achternaam")
    if ra.given and rb.given and ra.given[0] != rb.given[0]:
        if _name_level(ra.given[0], rb.given[0]) != G_TYPO:
            return None
        fields.append("voornamen")
    return ("typo", tuple(fields)) if fields else None


def _may_be_crossed(an: NameParts, bn: NameParts) -> bool:
    """A quick test before :func:`_crossed_levels`: a crossed pair shares its first letter."""
    ga, gb = an.given[0][0], bn.given[0][0]
    return ga in (bn.surname[0], bn.particles[:1]) or gb in (an.surname[0], an.particles[:1])


def _crossed_levels(an: NameParts, bn: NameParts) -> tuple[int, int]:
    """(a's given name against b's surname, a's surname against b's given name), best reading.

    A surname typed into the voornamen field is split into given names ("El Amrani" -> "el",
    "amrani"): compare the given names joined as well as the first one.
    """
    ga, gb = "".join(an.given), "".join(bn.given)
    sa, sb = an.surname.replace(" ", ""), bn.surname.replace(" ", "")
    x1 = min(_name_level(g, s) for g in (an.given[0], ga) for s in (bn.full_surname, sb))
    x2 = min(_name_level(s, g) for s in (an.full_surname, sa) for g in (bn.given[0], gb))
    return x1, x2


# --- weights from the data: frequencies and EM ----------------------------------------------


def comparison_levels(a: Person, b: Person, config: ReconcileConfig | None = None) -> tuple[int, int, int]:
    """(surname, given name, birth date) agreement levels of two persons; -1 where a value is missing.

    A pair found swapped counts at the levels of its crossed names (as :func:`compare_persons` does).
    """
    _, _, codes = _evaluate(_prep(a), _prep(b), config or _DEFAULT_CONFIG)
    levels = {c[0]: int(c[1:]) for c in codes if c[0] in "sgd" and c[1:].lstrip("-").isdigit()}
    return levels["s"], levels["g"], levels["d"]


def name_frequencies(persons: Iterable[Person]) -> tuple[dict[str, float], dict[str, float]]:
    """(surname, first given name) -> share of the persons carrying it: the frequency tables."""
    surnames: dict[str, int] = {}
    given: dict[str, int] = {}
    ns = ng = 0
    for p in persons:
        name = split_name(p)
        if name.surname:
            surnames[name.full_surname] = surnames.get(name.full_surname, 0) + 1
            ns += 1
        if name.given:
            given[name.given[0]] = given.get(name.given[0], 0) + 1
            ng += 1
    return (
        {k: v / ns for k, v in surnames.items()},
        {k: v / ng for k, v in given.items()},
    )


def estimate_person_weights(
    levels: Iterable[tuple[int, int, int]],
    start: PersonWeights | None = None,
    *,
    iterations: int = 40,
    prior_pairs: float = 50.0,
    min_pairs: int = 200,
) -> PersonWeights:
    """Estimate m, u and the prior by expectation-maximisation over candidate pairs' levels.

    ``levels`` are :func:`comparison_levels` of candidate pairs (no labels). The ``start`` weights
    act as a prior worth ``prior_pairs`` pairs, so sparse levels stay near the defaults; with
    fewer than ``min_pairs`` pairs the start weights are returned unchanged. Frequency tables,
    swap and identity-number bits are kept from ``start``.
    """
    start = start or _DEFAULT_CONFIG.person_weights
    patterns: dict[tuple[int, int, int], int] = {}
    total = 0
    for lv in levels:
        patterns[lv] = patterns.get(lv, 0) + 1
        total += 1
    if total < min_pairs:
        return start
    fields = ("surname", "given", "date")
    m = [[mu[0] for mu in getattr(start, f)] for f in fields]
    u = [[mu[1] for mu in getattr(start, f)] for f in fields]
    prior_m = [list(x) for x in m]
    prior_u = [list(x) for x in u]
    lam = min(max(start.prior, 1e-4), 0.9)
    items = list(patterns.items())
    for _ in range(iterations):
        cm = [[prior_pairs * lam * p for p in row] for row in prior_m]
        cu = [[prior_pairs * (1 - lam) * p for p in row] for row in prior_u]
        matched = 0.0
        for pattern, count in items:
            pm, pu = lam, 1.0 - lam
            for k, level in enumerate(pattern):
                if level >= 0:
                    pm *= m[k][level]
                    pu *= u[k][level]
            post = pm / (pm + pu) if pm + pu > 0 else 0.0
            matched += post * count
            for k, level in enumerate(pattern):
                if level >= 0:
                    cm[k][level] += post * count
                    cu[k][level] += (1 - post) * count
        m = [[c / sum(row) for c in row] for row in cm]
        u = [[c / sum(row) for c in row] for row in cu]
        lam = min(max(matched / total, 1e-6), 1 - 1e-6)
    return attrs.evolve(
        start,
        surname=tuple(zip(m[0], u[0], strict=True)),
        given=tuple(zip(m[1], u[1], strict=True)),
        date=tuple(zip(m[2], u[2], strict=True)),
        prior=lam,
    )


# --- clusters across a dossier --------------------------------------------------------------


class PersonEntry(NamedTuple):
    """One person as one record registers it."""

    record: int
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose
    organisation: str
    person: Person


# How two registrations were joined: by their scored evidence (score, threshold, reason codes),
# or (None) as the only registration of that role and name in both records.
_Link = tuple[PersonEntry, PersonEntry, tuple[float, float, tuple[str, ...]] | None]


def _render_link(link: _Link) -> str:
    a, b, scored = link
    head = f"{a.organisation} {a.person.display_name} ~ {b.organisation} {b.person.display_name}: "
    if scored is None:
        return head + f"enige {a.person.role.value} met deze naam in beide registraties"
    score, threshold, codes = scored
    return head + f"{', '.join(_reasons(codes))} (score {score:.1f} >= {threshold:.1f})"


class PersonCluster(NamedTuple):
    """One party to the case: every registration of them, with the evidence that joined them."""

    members: tuple[PersonEntry, ...]
    links: tuple[_Link, ...] = ()

    @property
    def evidence(self) -> tuple[str, ...]:
        """One line per join, in the order they were made (rendered when asked for)."""
        return tuple(_render_link(link) for link in self.links)

    @property
    def organisations(self) -> tuple[str, ...]:
        return tuple(sorted({m.organisation for m in self.members}))


_tuple_new = tuple.__new__


def cluster_persons(entries: Sequence[PersonEntry], config: ReconcileConfig) -> list[PersonCluster]:
    """Join registrations of the same person across records; never two of one record."""
    n = len(entries)
    if n < 2:
        return [_tuple_new(PersonCluster, ((e,), ())) for e in entries]
    # One person is often registered field-identically by three or four organisations: prepare each
    # distinct registration once and score each distinct (ordered) pair once. ``_evaluate`` reads
    # nothing but these fields (the name parts, birth date, BSN, SKN) and the configuration.
    slot_of: dict[tuple[object, ...], int] = {}
    distinct: list[_Prepared] = []
    slots: list[int] = []
    for e in entries:
        p = e.person
        fields = (p.achternaam, p.tussenvoegsel, p.voornamen, p.geboortedatum, p.bsn, p.skn)
        s = slot_of.get(fields)
        if s is None:
            s = slot_of[fields] = len(distinct)
            distinct.append(_prep(p))
        slots.append(s)
    prepared = [distinct[s] for s in slots]
    records = [e.record for e in entries]
    memo: dict[tuple[int, int], tuple[float, float, tuple[str, ...]]] = {}
    # (-score, i, j, scored): (i, j) is unique, so the tuples order exactly as the key
    # (-score, i, j) orders them and ``scored`` is never compared.
    pairs: list[tuple[float, int, int, tuple[float, float, tuple[str, ...]]]] = []
    for i in range(n):
        rec_i = records[i]
        si = slots[i]
        for j in range(i + 1, n):
            if rec_i == records[j]:
                continue
            pk = (si, slots[j])
            scored = memo.get(pk)
            if scored is None:
                scored = memo[pk] = _evaluate(distinct[si], distinct[pk[1]], config)
            if scored[0] >= scored[1]:
                pairs.append((-scored[0], i, j, scored))
    pairs.sort()
    parent = list(range(n))
    # The records in each cluster as a bit set (bit r - lowest: record r), indexed by root.
    lowest = min(records)
    records_of = [1 << (r - lowest) for r in records]
    evidence: dict[int, list[_Link]] = {i: [] for i in range(n)}
    clusters = n

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(i: int, j: int, scored: tuple[float, float, tuple[str, ...]] | None) -> None:
        """Join i's and j's clusters unless they are one already or share a record."""
        nonlocal clusters
        ri, rj = find(i), find(j)
        if ri == rj or records_of[ri] & records_of[rj]:
            return
        root, other = min(ri, rj), max(ri, rj)
        parent[other] = root
        records_of[root] |= records_of[other]
        evidence[root] += evidence.pop(other)
        evidence[root].append((entries[i], entries[j], scored))
        clusters -= 1

    for _, i, j, scored in pairs:
        join(i, j, scored)
        if clusters == 1:
            break  # every later join would be a no-op: its two ends share the one root
    # Second pass, dossier context: two registrations with the same role and agreeing names join
    # even when the birth date differs (that is then a person_conflict), provided each is the only
    # one of that role and surname in its record and SKN/BSN do not contradict. Father and son
    # in one case appear together in every record, so they are never joined this way.
    # Roles of one party differ between organisations (verdachte at the police, veroordeelde at
    # the CJIB and DJI): the suspect family counts as one role.
    # With a single cluster left every join below is a no-op (its two ends share a root): skip it.
    if clusters > 1:
        _join_same_names(entries, prepared, records, find, join)
    if clusters == 1:
        # Every root is 0 (a join keeps the smaller root) and the members keep entry order.
        return [_tuple_new(PersonCluster, (tuple(entries), tuple(evidence[0])))]
    groups: dict[int, list[PersonEntry]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(entries[i])
    return [_tuple_new(PersonCluster, (tuple(groups[r]), tuple(evidence.get(r, ())))) for r in sorted(groups)]


def _join_same_names(
    entries: Sequence[PersonEntry],
    prepared: list[_Prepared],
    records: list[int],
    find: Callable[[int], int],
    join: Callable[[int, int, tuple[float, float, tuple[str, ...]] | None], None],
) -> None:
    """The second pass of :func:`cluster_persons`: the only registration of a role and surname."""
    name_key = [(_role_family(e.person.role), prepared[i].name.full_surname) for i, e in enumerate(entries)]
    per_record: dict[tuple[int, tuple[Role, str]], int] = {}
    for i in range(len(entries)):
        rk = (records[i], name_key[i])
        per_record[rk] = per_record.get(rk, 0) + 1
    same_name: dict[tuple[Role, str], list[int]] = {}
    for i, key in enumerate(name_key):
        if key[1]:
            same_name.setdefault(key, []).append(i)
    candidates = sorted(
        (i, j)
        for group in same_name.values()
        if len(group) > 1
        for x, i in enumerate(group)
        for j in group[x + 1 :]
    )
    for i, j in candidates:
        a, b = prepared[i], prepared[j]
        if (
            records[i] == records[j]
            or per_record[(records[i], name_key[i])] != 1
            or per_record[(records[j], name_key[j])] != 1
            or (a.skn and b.skn and a.skn != b.skn)
            or (a.bsn and b.bsn and a.bsn != b.bsn)
            or _given_level(a.name, b.name) in (MISSING, G_DIFFERENT)
        ):
            continue
        join(i, j, None)


_SUSPECT_FAMILY = frozenset({Role.VERDACHTE, Role.VEROORDEELDE})


def _role_family(role: Role) -> Role:
    return Role.VERDACHTE if role in _SUSPECT_FAMILY else role


def person_differences(reference: Person, other: Person) -> dict[str, tuple[str, str]]:
    """Fields on which ``other`` differs from ``reference`` beyond folding: field -> (expected, found).

    Initials against full names, a different tussenvoegsel split, diacritics and ij/y are not
    differences; BSN values are masked.
    """
    out: dict[str, tuple[str, str]] = {}
    ra, rb = split_name(reference), split_name(other)
    if ra.surname and rb.surname and ra.full_surname != rb.full_surname:
        out["achternaam"] = (_surname_display(reference), _surname_display(other))
    if (ra.given and rb.given and ra.given[0] != rb.given[0]) or (
        ra.initials
        and rb.initials
        and not (ra.initials.startswith(rb.initials) or rb.initials.startswith(ra.initials))
    ):
        out["voornamen"] = (reference.voornamen or "", other.voornamen or "")
    if reference.geboortedatum and other.geboortedatum and reference.geboortedatum != other.geboortedatum:
        out["geboortedatum"] = (reference.geboortedatum.isoformat(), other.geboortedatum.isoformat())
    ba, bb = (reference.bsn or "").strip(), (other.bsn or "").strip()
    if ba and bb and ba != bb:
        out["bsn"] = (mask_bsn(ba), mask_bsn(bb))
    sa, sb = _NON_DIGIT.sub("", reference.skn or ""), _NON_DIGIT.sub("", other.skn or "")
    if sa and sb and sa != sb:
        out["skn"] = (sa, sb)
    return out


def _surname_display(p: Person) -> str:
    return " ".join(x for x in (p.tussenvoegsel, p.achternaam) if x)
