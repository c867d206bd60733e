"""MDTO files checked against the Nationaal Archief's XSD: violations are warnings with the element path."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from dossierlink.ingest.adapter import Hints, get_adapter

pytest.importorskip("xmlschema")


def _xsd(corpus: Path) -> Path:
    xsd = corpus / "mdto" / "MDTO-XML1.0.1.xsd"
    if not xsd.is_file():
        pytest.skip("the MDTO XSD is not in the corpus")
    return xsd


def test_the_nationaal_archief_examples_are_valid_mdto(corpus: Path) -> None:
    xsd = _xsd(corpus)
    for f in sorted((corpus / "mdto").glob("*.xml")):
        records = list(get_adapter("mdto").extract(f, Hints(options={"xsd": str(xsd)})))
        assert records and not [w for r in records for w in r.warnings if w.startswith("schema:")], f


def test_a_bestand_without_its_checksum_value_is_read_with_a_schema_warning(
    corpus: Path, tmp_path: Path
) -> None:
    xsd = _xsd(corpus)
    src = corpus / "mdto" / "MDTO-XML_1.0.1_Voorbeeld_Bestand.xml"
    text = src.read_text(encoding="utf-8")
    start, end = text.index("<checksumWaarde>"), text.index("</checksumWaarde>") + len("</checksumWaarde>")
    broken = tmp_path / "bestand.xml"
    broken.write_text(text[:start] + text[end:], encoding="utf-8")
    (rec,) = get_adapter("mdto").extract(broken, Hints(options={"xsd": str(xsd)}))
    schema = [w for w in rec.warnings if w.startswith("schema:")]
    assert len(schema) == 1 and "/MDTO/bestand/checksum" in schema[0]
    assert rec.documents  # still read
    (plain,) = get_adapter("mdto").extract(broken, Hints())
    assert not [w for w in plain.warnings if w.startswith("schema:")]  # validation only when asked


def test_without_xmlschema_the_file_is_read_and_says_how_to_validate(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xsd = _xsd(corpus)
    real = builtins.__import__

    def no_xmlschema(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "xmlschema":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_xmlschema)
    src = corpus / "mdto" / "MDTO-XML_1.0.1_Voorbeeld_Bestand.xml"
    (rec,) = get_adapter("mdto").extract(src, Hints(options={"xsd": str(xsd)}))
    assert any("install dossierlink[mdto]" in w for w in rec.warnings)
