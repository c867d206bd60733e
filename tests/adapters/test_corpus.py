"""Real files from real systems (../shared/corpus): Rechtspraak open data and MDTO examples."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from dossierlink.identifiers import IdentifierError, IdentifierKind, parse_parketnummer
from dossierlink.ingest.adapter import identify
from dossierlink.schema import DocumentType, EventKind, Record

pytestmark = pytest.mark.corpus
PSI = "{http://psi.rechtspraak.nl/}"
DC = "{http://purl.org/dc/terms/}"


def test_every_published_criminal_judgment_is_claimed_by_the_rechtspraak_adapter_alone(corpus: Path) -> None:
    files = sorted((corpus / "rechtspraak").glob("*.xml"))
    assert files
    for f in files:
        assert identify(f).name == "rechtspraak", f


def test_every_published_judgment_yields_its_ecli_and_normalised_parketnummers(
    corpus: Path, extract: Callable[..., list[Record]]
) -> None:
    for f in sorted((corpus / "rechtspraak").glob("*.xml")):
        root = ET.parse(f).getroot()
        ecli = root.find(f".//{DC}identifier").text.strip()
        zaaknummers = [z.text.strip() for z in root.iter(f"{PSI}zaaknummer")]
        (record,) = extract("rechtspraak", f)
        values = {(i.kind, i.value) for i in record.identifiers}
        assert (IdentifierKind.ECLI, ecli) in values, f
        for z in zaaknummers:
            try:
                expected = parse_parketnummer(z).normalised
            except IdentifierError:  # the Hoge Raad's own number: kept as extern, not dropped
                assert any(k is IdentifierKind.EXTERN and v.endswith(z) for k, v in values), f
                continue
            assert (IdentifierKind.PARKETNUMMER, expected) in values, f
        assert record.documents[0].key == ecli
        assert record.documents[0].type in (DocumentType.VONNIS, DocumentType.ARREST, DocumentType.OVERIG)
        assert record.events and record.events[0].date is not None


def test_a_suffixed_zaaknummer_links_as_the_plain_parketnummer(
    corpus: Path, extract: Callable[..., list[Record]]
) -> None:
    (record,) = extract("rechtspraak", corpus / "rechtspraak" / "ECLI.NL.RBLEE.2011.BP2417.xml")
    assert "17/880137-10" in {i.value for i in record.identifiers if i.kind is IdentifierKind.PARKETNUMMER}


def test_the_hoge_raad_judgment_links_to_the_appeal_parketnummer_and_the_conclusie(
    corpus: Path, extract: Callable[..., list[Record]]
) -> None:
    (record,) = extract("rechtspraak", corpus / "rechtspraak" / "ECLI.NL.HR.2008.BD4872.xml")
    keys = {i.key for i in record.identifiers}
    assert "parketnummer:22/000280-06" in keys
    assert "ecli:ECLI:NL:PHR:2008:BD4872" in keys
    assert record.documents[0].type is DocumentType.ARREST
    assert record.events[0].kind is EventKind.UITSPRAAK


def test_the_nationaal_archief_mdto_examples_are_identified_and_read(
    corpus: Path, extract: Callable[..., list[Record]]
) -> None:
    files = sorted((corpus / "mdto").glob("*.xml"))
    assert len(files) == 4
    for f in files:
        assert identify(f).name == "mdto", f
        records = extract("mdto", f)
        assert records and records[0].identifiers, f
    (bestand,) = extract("mdto", corpus / "mdto" / "MDTO-XML_1.0.1_Voorbeeld_Bestand.xml")
    doc = bestand.documents[0]
    assert doc.key == "DC-2015/1753"  # the archiefstuk it represents
    assert doc.sha256 == "86f16c3359c2e59538a3df178a9530dd6278faec82e66d605b3bc2a64ac390fc"
    (dossier,) = extract("mdto", corpus / "mdto" / "MDTO-XML_1.0.1_Voorbeeld_Dossier_Informatieobject.xml")
    assert "extern:mdto:Archief Deltacommissaris/DC/358" in {i.key for i in dossier.identifiers}
    assert [d.key for d in dossier.documents] == ["DC-2015/1753"]
