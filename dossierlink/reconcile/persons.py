"""Person matching for Dutch names: tussenvoegsels, ij/y, initials, diacritics, swapped birth dates.

Evidence is scored (positive for agreement, negative for contradiction); SKN and a valid BSN are
strong evidence either way. A common surname needs ``common_surname_extra`` more score.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import NamedTuple

import attrs
from rapidfuzz.distance import JaroWinkler

from dossierlink.identifiers import is_valid_bsn, mask_bsn
from dossierlink.reconcile.config import ReconcileConfig
from dossierlink.schema import Person, Role

__all__ = [
    "NameParts",
    "PersonCluster",
    "PersonEntry",
    "PersonMatch",
    "cluster_persons",
    "compare_persons",
    "fold",
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
        "theodorus": "theo ruud",
        "josephus": "joop jos sjef",
        "maria": "marie mies ria marja",
        "johanna": "jo anneke joke hanneke",
        "elisabeth": "lies els betty liesbeth",
        "catharina": "toos rina karin",
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
    """The verdict on two persons and the evidence for it."""

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


def _date_relation(a: dt.date | None, b: dt.date | None) -> str:
    if a is None or b is None:
        return "missing"
    if a == b:
        return "equal"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "transposed"
    same = (a.year == b.year) + (a.month == b.month) + (a.day == b.day)
    return "near" if same == 2 else "different"


def _given_relation(a: NameParts, b: NameParts) -> tuple[str, float]:
    if not a.initials or not b.initials:
        return "missing", 0.0
    if a.given and b.given:
        if a.given[0] == b.given[0]:
            return "full", 3.0
        if JaroWinkler.normalized_similarity(a.given[0], b.given[0]) >= 0.9:
            return "fuzzy", 2.0
        if set(a.given) & set(b.given):
            return "shared", 2.0
        if any(_roepnaam(x, y) for x in a.given for y in b.given):
            return "roepnaam", 1.5
        # Two written-out first names that differ: twins Jan and Joost share an initial only.
        return "other", -3.0
    if a.initials[0] != b.initials[0]:
        return "different", -5.0
    if a.initials.startswith(b.initials) or b.initials.startswith(a.initials):
        return "initials", 1.5 if not (a.given and b.given) else 0.5
    return "initial", 0.5


def _surname_relation(a: NameParts, b: NameParts) -> tuple[str, float]:
    if not a.surname or not b.surname:
        return "missing", 0.0
    if a.full_surname == b.full_surname or (
        a.surname == b.surname and (not a.particles or not b.particles or a.particles == b.particles)
    ):
        return "equal", 4.0
    if a.surname == b.surname:
        return "particles", 3.0
    if JaroWinkler.normalized_similarity(a.full_surname, b.full_surname) >= 0.93 or (
        JaroWinkler.normalized_similarity(a.surname, b.surname) >= 0.9
        and min(len(a.surname), len(b.surname)) >= 5
    ):
        return "fuzzy", 2.0
    ta, tb = set(a.surname.split()), set(b.surname.split())
    if (ta < tb or tb < ta) and min(len(ta), len(tb)) >= 1:
        return "double", 2.0
    return "different", -8.0


def compare_persons(a: Person, b: Person, config: ReconcileConfig | None = None) -> PersonMatch:
    """Score the evidence that ``a`` and ``b`` are one person, and decide."""
    return _compare(_prep(a), _prep(b), config or _DEFAULT_CONFIG)


def same_person(a: Person, b: Person, config: ReconcileConfig | None = None) -> bool:
    """True when the evidence says ``a`` and ``b`` are the same person."""
    return compare_persons(a, b, config).same


class _Prepared:
    """A person with the values comparison needs, computed once."""

    __slots__ = ("bsn", "name", "person", "skn", "sort_surname")

    def __init__(self, person: Person, name: NameParts, bsn: str | None, skn: str | None) -> None:
        self.person = person
        self.name = name
        self.bsn = bsn
        self.skn = skn
        self.sort_surname = name.sort_surname


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


_SURNAME_REASONS = {
    "equal": "zelfde achternaam",
    "particles": "zelfde achternaam, ander tussenvoegsel",
    "fuzzy": "achternaam bijna gelijk",
    "double": "deel van een dubbele achternaam",
    "different": "andere achternaam",
    "missing": "achternaam ontbreekt",
}
_GIVEN_REASONS = {
    "full": "zelfde voornaam",
    "fuzzy": "voornaam bijna gelijk",
    "shared": "een voornaam gemeen",
    "roepnaam": "roepnaam bij officiële voornaam",
    "other": "andere voornaam",
    "initials": "voorletters passen",
    "initial": "alleen eerste voorletter gelijk",
    "different": "andere voorletter",
    "missing": "voornaam ontbreekt",
}
_DATE_POINTS = {"equal": 5.0, "transposed": 3.0, "near": 0.5, "different": -6.0, "missing": 0.0}
_DATE_REASONS = {
    "equal": "zelfde geboortedatum",
    "transposed": "geboortedatum met dag en maand verwisseld",
    "near": "geboortedatum wijkt in één deel af",
    "different": "andere geboortedatum",
    "missing": "geboortedatum ontbreekt",
}


def _evaluate(a: _Prepared, b: _Prepared, config: ReconcileConfig) -> tuple[float, float, tuple[str, ...]]:
    """(score, threshold, reason codes): the decision without building the Dutch reasons."""
    score = 0.0
    codes: list[str] = []
    if a.skn and b.skn:
        if a.skn == b.skn:
            score += 10
            codes.append("skn=")
        else:
            score -= 10
            codes.append("skn!")
    if a.bsn and b.bsn:
        if a.bsn == b.bsn:
            score += 10
            codes.append("bsn=")
        else:
            score -= 10
            codes.append("bsn!")
    an, bn = a.name, b.name
    if an is bn:
        # One name split (registrations of one person share the cached NameParts): what
        # _surname_relation and _given_relation say of a name and itself.
        rel, pts = ("equal", 4.0) if an.surname else ("missing", 0.0)
        grel, gpts = ("missing", 0.0) if not an.initials else ("full", 3.0) if an.given else ("initials", 1.5)
    else:
        rel, pts = _surname_relation(an, bn)
        grel, gpts = _given_relation(an, bn)
    score += pts
    score += gpts
    codes.append(rel)
    codes.append(grel)
    if rel == "equal" and grel == "full" and an.given == bn.given and an.particles == bn.particles:
        score += 2
        codes.append("fullname")
    drel = _date_relation(a.person.geboortedatum, b.person.geboortedatum)
    score += _DATE_POINTS[drel]
    codes.append(drel)
    threshold = config.person_threshold
    common_surnames = config.common_surnames
    sa, sb = a.sort_surname, b.sort_surname
    if (sa in common_surnames or sb in common_surnames) and not (
        (a.skn and a.skn == b.skn) or (a.bsn and a.bsn == b.bsn)
    ):
        threshold += config.common_surname_extra
        codes.append("common:" + sorted({sa, sb} & common_surnames)[0])
    return score, threshold, tuple(codes)


_FIXED_REASONS = {
    "skn=": "zelfde SKN",
    "skn!": "ander SKN",
    "bsn=": "zelfde BSN",
    "bsn!": "ander BSN",
    "fullname": "volledige naam gelijk",
}


def _reasons(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The Dutch reasons for :func:`_evaluate`'s codes, in the order the evidence was weighed."""
    out: list[str] = []
    stage = 0  # 0: numbers, 1: surname seen, 2: given name seen
    for code in codes:
        if code in _FIXED_REASONS:
            out.append(_FIXED_REASONS[code])
        elif code.startswith("common:"):
            out.append(f"veelvoorkomende achternaam ({code[7:]}): meer overeenstemming nodig")
        elif stage == 0:
            out.append(_SURNAME_REASONS[code])
            stage = 1
        elif stage == 1:
            out.append(_GIVEN_REASONS[code])
            stage = 2
        else:
            out.append(_DATE_REASONS[code])
    return tuple(out)


def _compare(a: _Prepared, b: _Prepared, config: ReconcileConfig) -> PersonMatch:
    score, threshold, codes = _evaluate(a, b, config)
    return PersonMatch(score >= threshold, score, threshold, _reasons(codes))


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
    return head + f"{', '.join(_reasons(codes))} (score {score:g} >= {threshold:g})"


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
            or _given_relation(a.name, b.name)[1] <= 0
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
