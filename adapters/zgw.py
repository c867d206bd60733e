"""ZGW APIs (Zaken + Documenten): JSON as the APIs return it — a resource, a page, an array, or a bundle.

Accepted shapes:
- one resource (Zaak, EnkelvoudigInformatieObject, ZaakInformatieObject, ObjectInformatieObject,
  Rol, Status), typed by its ``url`` path first (a Zaken API 1.5 Zaak carries its own ``rollen``
  and ``zaakinformatieobjecten`` URL lists and is still one Zaak);
- a paginated list ``{"count", "next", "previous", "results": [...]}`` of such resources;
- a plain JSON array of them (``GET /zaakinformatieobjecten`` is not paginated);
- a bundle ``{"zaken": [...], "enkelvoudiginformatieobjecten": [...], "zaakinformatieobjecten": [...],
  "rollen": [...], "statussen": [...], "statustypen": [...]}`` (any subset): dossierlink's own
  self-contained export.

API responses are fragments: a ZGW client saves one response a file. Each Zaak and document
record then carries its resource url as an ``extern`` identifier ``zgw:<url>``, and a
ZaakInformatieObject, Rol or Status whose Zaak is not in the file becomes a record that names the
Zaak's url (and the document's): the store joins records by shared identifiers, so the files
form one dossier per Zaak in whatever order they arrive. Catalogue responses (catalogussen,
zaaktypen, statustypen, …) and other ZGW resources are ignored with a reason.

The organisation comes from ``Hints.organisation`` or from the ``bronorganisatie`` RSIN through
:data:`RSIN_ORGANISATIONS` plus ``options["rsin"]`` (a dict).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierError, IdentifierKind, parse_parketnummer, parse_pv_number
from dossierlink.ingest import (
    AdapterError,
    Hints,
    JsonAdapter,
    RecordBuilder,
    SkippedSource,
    doc_type,
    json_head,
    opt_date,
    parse_datetime,
    person,
    text,
)
from dossierlink.schema import Document, Event, EventKind, Medium, Record, Role

__all__ = ["RSIN_ORGANISATIONS", "ZgwAdapter", "url_identifier"]

# bronorganisatie RSIN → organisation code. These RSINs are the FICTITIOUS ones the samples use
# (valid elfproef, 99999xxxx range); a real deployment configures its own in options["rsin"].
RSIN_ORGANISATIONS: dict[str, str] = {
    "999990019": "politie",
    "999990020": "om",
    "999990032": "rechtspraak",
    "999990044": "cjib",
    "999990056": "reclassering",
    "999990068": "dji",
}

_BUNDLE_KEYS = (
    "zaken",
    "enkelvoudiginformatieobjecten",
    "zaakinformatieobjecten",
    "rollen",
    "statussen",
    "statustypen",
)
_KINDS = ("zaak", "eio", "zio", "rol", "status", "statustype")
_KIND_BY_PATH = (
    ("/zaakinformatieobjecten/", "zio"),
    ("/objectinformatieobjecten/", "oio"),
    ("/enkelvoudiginformatieobjecten/", "eio"),
    ("/rollen/", "rol"),
    ("/statussen/", "status"),
    ("/statustypen/", "statustype"),
    ("/zaken/", "zaak"),
)
# Catalogi API resources: the zaak's vocabulary, not a case. Read for statustype names,
# otherwise ignored with a reason (never rejected).
_CATALOGUE_PATHS = (
    "/catalogi/api/",
    "/catalogussen/",
    "/zaaktypen/",
    "/informatieobjecttypen/",
    "/roltypen/",
    "/resultaattypen/",
    "/eigenschappen/",
    "/besluittypen/",
    "/zaaktype-informatieobjecttypen/",
)
# Other resources of the ZGW APIs that carry nothing for the chain (zaakobjecten, resultaten, …).
_OTHER_ZGW_PATHS = ("/zaken/api/", "/documenten/api/", "/besluiten/api/", "/zrc/api/", "/drc/api/")
# Where a ZGW resource's collection name sits in its url: ".../api/v1/<collection>/<uuid>".
_COLLECTION = re.compile(r"/api/v\d+/([a-z_-]+)")


def _kind(resource: dict[str, Any]) -> str | None:
    url = str(resource.get("url") or "")
    if "/statustypen/" in url:
        return "statustype"
    if any(part in url for part in _CATALOGUE_PATHS):
        return "catalogue"
    for part, kind in _KIND_BY_PATH:
        if part in url:
            return kind
    if "zaaktype" in resource and "identificatie" in resource:
        return "zaak"
    if "informatieobjecttype" in resource:
        return "eio"
    if "informatieobject" in resource and "zaak" in resource:
        return "zio"
    if "informatieobject" in resource and resource.get("objectType") == "zaak":
        return "oio"
    if "betrokkeneType" in resource:
        return "rol"
    if "datumStatusGezet" in resource:
        return "status"
    if any(part in url for part in _OTHER_ZGW_PATHS):
        return "other"
    return None


def _collection(resource: dict[str, Any]) -> str:
    m = _COLLECTION.search(str(resource.get("url") or ""))
    return m.group(1) if m else "resource"


def _embedded(res: dict[str, list[tuple[str, dict[str, Any]]]], zaak: dict[str, Any], where: str) -> None:
    """Relations a Zaak carries inline: objects in ``rollen``, ``zaakinformatieobjecten``,
    ``statussen`` and ``status`` (Open Zaak's detail with relations, Zaken API 1.5 ``_expand``),
    with an expanded ``statustype`` that names its status. URL strings there are other responses."""
    zurl = zaak.get("url")
    sources = [(zaak, where)]
    if isinstance(zaak.get("_expand"), dict):
        sources.append((zaak["_expand"], f"{where.rstrip('/')}/_expand"))
    seen = {str(item.get("url")) for kind in ("rol", "zio", "status") for _w, item in res[kind]}
    for src, at in sources:
        found: list[tuple[str, str, Any]] = [
            (kind, f"{at.rstrip('/')}/{key}[{i}]", item)
            for key, kind in (("rollen", "rol"), ("zaakinformatieobjecten", "zio"), ("statussen", "status"))
            for i, item in enumerate(_list(src.get(key)))
        ]
        if isinstance(src.get("status"), dict):
            found.append(("status", f"{at.rstrip('/')}/status", src["status"]))
        for kind, w, item in found:
            if not isinstance(item, dict) or str(item.get("url")) in seen:
                continue
            item = {"zaak": zurl, **item}
            stype = item.get("statustype")
            if isinstance(item.get("_expand"), dict) and isinstance(item["_expand"].get("statustype"), dict):
                stype = item["_expand"]["statustype"]
            if isinstance(stype, dict):  # an expanded statustype: its omschrijving names the status
                res["statustype"].append((f"{w}/statustype", stype))
                item["statustype"] = stype.get("url")
            seen.add(str(item.get("url")))
            res[kind].append((w, item))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def url_identifier(url: str) -> str:
    """The ``extern`` identifier value that joins API fragments about one resource: ``zgw:<url>``."""
    return f"zgw:{url.strip()}"


class ZgwAdapter(JsonAdapter):
    """ZGW Zaken/Documenten API JSON (single resource, paginated list or bundle)."""

    name: ClassVar[str] = "zgw"
    organisation: ClassVar[str | None] = None  # Hints or the RSIN table
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    description: ClassVar[str] = (
        "ZGW Zaken/Documenten API JSON: resource, page or bundle (docs/formats/zgw.md)"
    )

    def identify(self, path: Path) -> bool:
        try:
            head = json_head(path)
            if not head:
                return False
            if "/catalogi/api/" in head or "/zaken/api/" in head or "/documenten/api/" in head:
                return True
            if '"bronorganisatie"' not in head and "/api/v1/" not in head:
                return False
            return any(m in head for m in ('"zaaktype"', '"informatieobjecttype"'))
        except Exception:
            return False

    def why(self, path: Path) -> str:
        return (
            "zgw: the JSON holds ZGW resources (bronorganisatie, zaaktype/informatieobjecttype or API URLs)."
        )

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        data = self.load(path)
        res, fragment = self._collect(path, data)
        rsin = {**RSIN_ORGANISATIONS, **dict(hints.options.get("rsin", {}) or {})}
        statustypen = {str(s.get("url")): s for _w, s in res["statustype"]}
        statussen = {str(s.get("url")): s for _w, s in res["status"]}
        eios = {str(e.get("url")): (w, e) for w, e in res["eio"]}
        zaken = {str(z.get("url")): z for _w, z in res["zaak"] if z.get("url")}
        linked: set[str] = set()
        for where, zaak in res["zaak"]:
            b = self._builder(path, hints, zaak, rsin, where)
            b.locators.append(where)
            ident = text(zaak.get("identificatie"))
            if ident:
                b.identifier(IdentifierKind.EXTERN, f"{b.organisation}:{ident}", f"{where}/identificatie")
            zurl = str(zaak.get("url") or "")
            if fragment and zurl:
                b.identifier(IdentifierKind.EXTERN, url_identifier(zurl), f"{where}/url")
            for j, k in enumerate(zaak.get("kenmerken") or []):
                if isinstance(k, dict):
                    self._kenmerk(b, k, f"{where}/kenmerken[{j}]")
            for wz, zio in res["zio"]:
                if zurl and zio.get("zaak") == zurl:
                    found = eios.get(str(zio.get("informatieobject")))
                    if found is None:
                        if fragment:  # the document is another response: the store joins it
                            b.identifier(
                                IdentifierKind.EXTERN,
                                url_identifier(str(zio.get("informatieobject"))),
                                f"{wz}/informatieobject",
                            )
                        else:
                            b.warnings.append(
                                f"{wz}: informatieobject {zio.get('informatieobject')} is not in this file"
                            )
                        continue
                    linked.add(str(zio.get("informatieobject")))
                    b.documents.append(self._document(b, found[1], found[0]))
            for wr, rol in res["rol"]:
                if zurl and rol.get("zaak") == zurl:
                    self._rol(b, rol, wr)
            self._status(b, zaak, statussen, statustypen, where, fragment)
            start = opt_date(zaak.get("registratiedatum") or zaak.get("startdatum"), where, b.warnings)
            if start is not None:
                b.add_event(
                    Event(
                        kind=EventKind.INSTROOM,
                        date=start,
                        organisation=b.organisation,
                        status="geregistreerd",
                    )
                )
            yield b.build()
        for where, eio in res["eio"]:
            eurl = str(eio.get("url") or "")
            if eurl in linked:
                continue
            b = self._builder(path, hints, eio, rsin, where)
            b.locators.append(where)
            doc = self._document(b, eio, where)
            b.documents.append(doc)
            ident = text(eio.get("identificatie"))
            if ident:
                b.identifier(IdentifierKind.EXTERN, f"{b.organisation}:{ident}", f"{where}/identificatie")
            if fragment and eurl:
                b.identifier(IdentifierKind.EXTERN, url_identifier(eurl), f"{where}/url")
                for wz, zio in res["zio"]:  # the link is in this file, its Zaak is not
                    if zio.get("informatieobject") == eurl and str(zio.get("zaak")) not in zaken:
                        b.identifier(IdentifierKind.EXTERN, url_identifier(str(zio["zaak"])), f"{wz}/zaak")
            else:
                b.extend_warnings([f"{where}: document not linked to a zaak in this file"])
            yield b.build()
        if fragment:
            yield from self._links(path, hints, res, zaken, eios, statustypen)

    def _links(
        self,
        path: Path,
        hints: Hints,
        res: dict[str, list[tuple[str, dict[str, Any]]]],
        zaken: dict[str, dict[str, Any]],
        eios: dict[str, tuple[str, dict[str, Any]]],
        statustypen: dict[str, dict[str, Any]],
    ) -> Iterator[Record]:
        """Records for links whose Zaak is another response: they name the Zaak's url to join it.

        A ZaakInformatieObject, Rol or Status does not name its organisation (no bronorganisatie):
        it is the organisation of the folder or inbox (``--organisation``).
        """
        by_zaak: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
        for kind in ("zio", "rol", "status"):
            for where, item in res[kind]:
                zurl = text(item.get("zaak"))
                if not zurl or zurl in zaken:
                    continue
                if kind == "zio" and str(item.get("informatieobject")) in eios:
                    continue  # the document's record already names this Zaak
                by_zaak.setdefault(zurl, []).append((kind, where, item))
        for zurl, items in by_zaak.items():
            first = items[0][1]
            if hints.organisation is None:
                raise AdapterError(
                    path,
                    f"a ZGW {_collection(items[0][2])} response does not name its organisation "
                    "(it has no bronorganisatie); ingest it with --organisation <code> or from an "
                    "inbox with an organisation",
                    first,
                )
            b = RecordBuilder(path, hints, self.name, hints.organisation, Medium.DIGITAL)
            b.identifier(IdentifierKind.EXTERN, url_identifier(zurl), f"{first}/zaak")
            for kind, where, item in items:
                b.locators.append(where)
                if kind == "zio":
                    eurl = text(item.get("informatieobject"))
                    if eurl:
                        b.identifier(IdentifierKind.EXTERN, url_identifier(eurl), f"{where}/informatieobject")
                elif kind == "rol":
                    self._rol(b, item, where)
                else:
                    self._status_event(b, item, statustypen, where)
            yield b.build()

    # --- shapes -----------------------------------------------------------------------------

    def _collect(self, path: Path, data: Any) -> tuple[dict[str, list[tuple[str, dict[str, Any]]]], bool]:
        """The resources by kind, and whether the file is an API response (a fragment to join)."""
        res: dict[str, list[tuple[str, dict[str, Any]]]] = {k: [] for k in (*_KINDS, "catalogue", "other")}

        def add(item: Any, where: str) -> None:
            if not isinstance(item, dict):
                raise AdapterError(path, "expected a ZGW resource object", where)
            kind = _kind(item)
            if kind is None:
                raise AdapterError(
                    path, "not a ZGW resource (no url, zaaktype or informatieobjecttype)", where
                )
            if kind == "oio":  # Documenten API: the document's side of a ZaakInformatieObject
                if item.get("objectType") != "zaak":
                    kind = "other"
                else:
                    item = {**item, "zaak": item.get("object")}
                    kind = "zio"
            res[kind].append((where, item))
            if kind == "zaak":
                _embedded(res, item, where)

        fragment = True
        if isinstance(data, list):
            for i, item in enumerate(data):
                add(item, f"/[{i}]")
        elif isinstance(data, dict) and "results" in data and "count" in data:
            if not isinstance(data["results"], list):
                raise AdapterError(path, "'results' must be a list", "/results")
            for i, item in enumerate(data["results"]):
                add(item, f"/results[{i}]")
            # later pages (``next``) are other files; this one is read as it is
        elif isinstance(data, dict) and data.get("url") and _kind(data) is not None:
            add(data, "/")  # one resource, typed by its url: a 1.5 Zaak lists rollen itself
        elif isinstance(data, dict) and any(k in data for k in _BUNDLE_KEYS):
            fragment = False
            for key, kind in zip(_BUNDLE_KEYS, _KINDS, strict=True):
                items = data.get(key) or []
                if not isinstance(items, list):
                    raise AdapterError(path, f"'{key}' must be a list", f"/{key}")
                for i, item in enumerate(items):
                    if not isinstance(item, dict):
                        raise AdapterError(path, "expected a ZGW resource object", f"/{key}[{i}]")
                    res[kind].append((f"/{key}[{i}]", item))
        elif isinstance(data, dict):
            add(data, "/")
        else:
            raise AdapterError(
                path, "expected a ZGW resource, a paginated list, an array or a bundle object", "/"
            )
        if not any(res[k] for k in ("zaak", "eio", "zio", "rol", "status")):
            if not fragment:
                raise AdapterError(path, "the file holds no Zaak and no EnkelvoudigInformatieObject", "/")
            seen = sorted(
                {_collection(item) for k in ("statustype", "catalogue", "other") for _w, item in res[k]}
            )
            if res["statustype"] or res["catalogue"]:
                raise SkippedSource(
                    path,
                    f"a ZGW Catalogi API response ({', '.join(seen)}): the zaak's vocabulary, "
                    "not a case; nothing to read",
                    "/",
                )
            if res["other"]:
                raise SkippedSource(
                    path,
                    f"ZGW {', '.join(seen)}: nothing dossierlink reads (no zaak, document, "
                    "link, rol or status)",
                    "/",
                )
            raise SkippedSource(path, "an empty ZGW list: no resources in this response", "/")
        return res, fragment

    def _builder(
        self, path: Path, hints: Hints, resource: dict[str, Any], rsin: dict[str, str], where: str
    ) -> RecordBuilder:
        org = hints.organisation
        if org is None:
            bron = text(resource.get("bronorganisatie"))
            org = rsin.get(bron or "")
            if org is None:
                raise AdapterError(
                    path,
                    f"the bronorganisatie RSIN {bron!r} is not mapped to an organisation; pass the "
                    f"organisation (--organisation) or map the RSIN: --option rsin.{bron}=<organisation> "
                    "(in an inbox: options.rsin = {...})",
                    f"{where.rstrip('/')}/bronorganisatie",
                )
        return RecordBuilder(path, hints, self.name, org, Medium.DIGITAL)

    def _kenmerk(self, b: RecordBuilder, k: dict[str, Any], where: str) -> None:
        value = text(k.get("kenmerk"))
        bron = (text(k.get("bron")) or "").lower()
        if not value:
            return
        if "parket" in bron or bron in ("om", "openbaar ministerie"):
            b.identifier(IdentifierKind.PARKETNUMMER, value, where)
        elif "pv" in bron or "politie" in bron or "proces" in bron:
            b.identifier(IdentifierKind.PV, value, where)
        elif "ecli" in bron or value.upper().startswith("ECLI:"):
            b.identifier(IdentifierKind.ECLI, value, where)
        else:
            for kind, parse in (
                (IdentifierKind.PARKETNUMMER, parse_parketnummer),
                (IdentifierKind.PV, parse_pv_number),
            ):
                try:
                    parse(value)
                except IdentifierError:
                    continue
                b.identifier(kind, value, where)
                return
            b.identifier(IdentifierKind.EXTERN, f"{bron or 'kenmerk'}:{value}", where)

    def _document(self, b: RecordBuilder, eio: dict[str, Any], where: str) -> Document:
        ident = text(eio.get("identificatie")) or text(eio.get("url")) or where
        pv = None
        for candidate in (ident, text(eio.get("titel")) or ""):
            try:
                pv = parse_pv_number(candidate).normalised
                break
            except IdentifierError:
                continue
        integ: dict[str, Any] = eio["integriteit"] if isinstance(eio.get("integriteit"), dict) else {}
        algoritme = (text(integ.get("algoritme")) or "").lower()
        waarde = text(integ.get("waarde"))
        onderteken: dict[str, Any] = (
            eio["ondertekening"] if isinstance(eio.get("ondertekening"), dict) else {}
        )
        doc_identifiers = (b.identifier(IdentifierKind.PV, pv, f"{where}/identificatie"),) if pv else ()
        modified = None
        if text(eio.get("bestandsdatum") or eio.get("beginRegistratie")):
            try:
                modified = parse_datetime(str(eio.get("bestandsdatum") or eio.get("beginRegistratie")))
            except ValueError:
                modified = None
        return Document(
            organisation=b.organisation,
            medium=b.medium,
            key=pv or ident,
            type=doc_type(eio.get("documenttype") or eio.get("titel"), where, []),
            title=text(eio.get("titel")),
            date=opt_date(eio.get("creatiedatum"), f"{where}/creatiedatum", b.warnings),
            sha256=waarde if algoritme in ("sha_256", "sha256", "sha-256") else None,
            integriteit=f"{algoritme}:{waarde}" if algoritme and waarde else None,
            ondertekening=text(onderteken.get("soort")),
            vertrouwelijkheidaanduiding=text(eio.get("vertrouwelijkheidaanduiding")),
            status=text(eio.get("status")),
            source_location=text(eio.get("url")) or where,
            modified=modified,
            version=text(eio.get("versie")),
            identifiers=tuple(i for i in doc_identifiers if i is not None),
        )

    def _rol(self, b: RecordBuilder, rol: dict[str, Any], where: str) -> None:
        if rol.get("betrokkeneType") != "natuurlijk_persoon":
            return
        ident = rol.get("betrokkeneIdentificatie") or {}
        if not isinstance(ident, dict):
            return
        role = Role.parse(text(rol.get("roltoelichting")) or text(rol.get("omschrijving")))
        born = text(ident.get("geboortedatum"))
        if born and len(born) == 8 and born.isdigit():  # StUF style jjjjmmdd
            born = f"{born[:4]}-{born[4:6]}-{born[6:]}"
        b.add_person(
            person(
                role,
                voornamen=ident.get("voornamen"),
                tussenvoegsel=ident.get("voorvoegselGeslachtsnaam"),
                achternaam=ident.get("geslachtsnaam"),
                geboortedatum=born,
                bsn=ident.get("inpBsn"),
                where=where,
                warnings=b.warnings,
            )
        )

    def _status(
        self,
        b: RecordBuilder,
        zaak: dict[str, Any],
        statussen: dict[str, dict[str, Any]],
        statustypen: dict[str, dict[str, Any]],
        where: str,
        fragment: bool = False,
    ) -> None:
        current = zaak.get("status")
        url = text(current.get("url") if isinstance(current, dict) else current)
        if not url:
            return
        status = statussen.get(url)
        if status is None:
            if not fragment:  # an API Zaak's status is its own response, joined in the store
                b.warnings.append(f"{where}/status: status {url} is not in this file; case status unknown")
            return
        self._status_event(b, status, statustypen, where)

    def _status_event(
        self,
        b: RecordBuilder,
        status: dict[str, Any],
        statustypen: dict[str, dict[str, Any]],
        where: str,
    ) -> None:
        stype = statustypen.get(str(status.get("statustype") or status.get("statusType")), {})
        label = text(stype.get("omschrijving")) or text(status.get("statustoelichting")) or "onbekend"
        when = status.get("datumStatusGezet")
        try:
            on = parse_datetime(str(when)).date() if when else None
        except ValueError:
            on = None
        if on is None:
            b.warnings.append(f"{where}/status: no valid datumStatusGezet; status left out")
            return
        low = label.lower()
        kind = (
            EventKind.ZITTING
            if "zitting" in low
            else EventKind.UITSPRAAK
            if "vonnis" in low or "uitspraak" in low
            else EventKind.SEPOT
            if "sepot" in low
            else EventKind.STATUS
        )
        b.add_event(
            Event(
                kind=kind,
                date=on,
                organisation=b.organisation,
                status=low,
                description=text(status.get("statustoelichting")),
            )
        )
