"""An archive's ToPX sidecars (UTF-8 or UTF-16, any order) become one dossier with the stuk and its fixity."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

import dossierlink
from dossierlink.ingest.adapter import AdapterError, Hints, get_adapter, identify
from dossierlink.ingest.fixity import checksum_algorithm

DATA = Path(__file__).parent / "data" / "topx"
SIDECARS = sorted(p.name for p in DATA.glob("*.metadata"))
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def test_each_sidecar_is_recognised_as_topx_and_its_readme_is_not() -> None:
    assert {identify(DATA / n).name for n in SIDECARS} == {"topx"}
    assert not get_adapter("topx").identify(DATA / "README.md")


@pytest.mark.parametrize("order", list(itertools.permutations(SIDECARS)))
def test_the_om_archive_s_sidecars_form_one_dossier_in_any_order(
    tmp_path: Path, order: tuple[str, ...]
) -> None:
    with dossierlink.open(tmp_path / "chain.db") as chain:
        for name in order:
            s = chain.ingest([DATA / name], organisation="om", now=NOW)
            assert s.quarantined == 0
        assert chain.stats()["dossiers"] == 1
        detail = chain.dossier("13/123456-19")
        assert detail is not None
        docs = {(d.key, d.sha256) for r in detail.records for d in r.documents}
        assert docs == {
            ("PL13A1 2019004567-1", None),
            ("PL13A1 2019004567-1", "5d41402abc4b2a76b9719d911017c592ae1c8b6d1b0f5e6a8c9d0e1f2a3b4c5d"),
        }
        assert not [d for d in chain.divergences() if d.kind.value == "duplicate_document"]


def test_a_utf16_export_reads_as_its_utf8_twin(tmp_path: Path) -> None:
    adapter = get_adapter("topx")
    for name in SIDECARS:
        text = (DATA / name).read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        twin = tmp_path / name
        twin.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Windows tools write it
        assert identify(twin).name == "topx"
        (a,) = adapter.extract(DATA / name, Hints(organisation="om"))
        (b,) = adapter.extract(twin, Hints(organisation="om"))
        assert (a.identifiers, a.documents, a.events) == (b.identifiers, b.documents, b.events)


def test_a_bestand_names_its_fixity_with_one_algorithm_name() -> None:
    (rec,) = get_adapter("topx").extract(DATA / "bestand-pv.pdf.metadata", Hints(organisation="om"))
    (doc,) = rec.documents
    assert doc.integriteit is not None and doc.integriteit.startswith("sha256:")
    assert doc.size == 48213 and doc.key == "PL13A1 2019004567-1"


def test_a_sidecar_without_identificatiekenmerk_is_rejected_by_place(tmp_path: Path) -> None:
    text = (DATA / "record-pv.metadata").read_text(encoding="utf-8")
    bad = tmp_path / "bad.metadata"
    bad.write_text(text.replace("<identificatiekenmerk>PL13A1 2019004567-1</identificatiekenmerk>", ""))
    with pytest.raises(AdapterError) as info:
        list(get_adapter("topx").extract(bad, Hints()))
    assert str(bad) in str(info.value) and "identificatiekenmerk" in str(info.value)


@pytest.mark.parametrize("label", ["SHA-256", "SHA256", "sha256", "sha_256", " Sha-256 "])
def test_checksum_labels_name_one_algorithm(label: str) -> None:
    assert checksum_algorithm(label) == "sha256"


def test_other_checksum_labels_stay_readable() -> None:
    assert checksum_algorithm("sha-512") == "sha512" and checksum_algorithm("MD5") == "md5"
    assert checksum_algorithm("Whirlpool") == "whirlpool" and checksum_algorithm(None) == ""


def test_an_mdto_bestand_with_a_dashed_label_has_the_same_fixity(tmp_path: Path, corpus: Path) -> None:
    """The Nationaal Archief's own MDTO bestand example, its label written as SHA-256."""
    src = corpus / "mdto" / "MDTO-XML_1.0.1_Voorbeeld_Bestand.xml"
    if not src.is_file():
        pytest.skip("the MDTO bestand example is not in the corpus")
    text = src.read_text(encoding="utf-8")
    assert "<begripLabel>SHA256</begripLabel>" in text
    dashed = tmp_path / "mdto.xml"
    dashed.write_text(text.replace("<begripLabel>SHA256</begripLabel>", "<begripLabel>SHA-256</begripLabel>"))
    a = [d for r in get_adapter("mdto").extract(src, Hints(organisation="om")) for d in r.documents]
    b = [d for r in get_adapter("mdto").extract(dashed, Hints(organisation="om")) for d in r.documents]
    assert [(d.sha256, d.integriteit) for d in a] == [(d.sha256, d.integriteit) for d in b]
    assert any(d.sha256 for d in a)
