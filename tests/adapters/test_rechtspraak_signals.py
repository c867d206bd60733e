"""Criminal judgments published without a rechtsgebied are read; other judgments say why they are ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossierlink.ingest.adapter import Hints, SkippedSource, get_adapter

_SUBJECT = re.compile(r"<dcterms:subject[^>]*>[^<]*</dcterms:subject>")
_SIGNALS = {
    "ECLI.NL.RBROT.2008.BE7078.xml": "parketnummer",
    "ECLI.NL.GHARN.2011.BQ0376.xml": "parketnummer",
    "ECLI.NL.RBLEE.2011.BP2417.xml": "parketnummer",
    "ECLI.NL.PHR.2014.1313.xml": "the text cites 'Opiumwet'",
    "ECLI.NL.HR.2008.BD4872.xml": "the text says 'Strafkamer'",
}


def _without_subject(src: Path, tmp: Path) -> Path:
    """The real document as a publisher writes it without dcterms:subject."""
    raw = src.read_text(encoding="utf-8")
    stripped = _SUBJECT.sub("", raw)
    assert stripped != raw
    out = tmp / src.name
    out.write_text(stripped, encoding="utf-8")
    return out


@pytest.mark.parametrize("name", sorted(_SIGNALS))
def test_a_criminal_judgment_without_a_rechtsgebied_is_read_and_says_which_signal_decided(
    corpus: Path, tmp_path: Path, name: str
) -> None:
    src = corpus / "rechtspraak" / name
    if not src.is_file():
        pytest.skip(f"{name} is not in the corpus")
    (with_subject,) = get_adapter("rechtspraak").extract(src, Hints())
    (rec,) = get_adapter("rechtspraak").extract(_without_subject(src, tmp_path), Hints())
    assert (
        rec.identifiers == with_subject.identifiers and rec.documents[0].key == with_subject.documents[0].key
    )
    (why,) = [w for w in rec.warnings if "no rechtsgebied" in w]
    assert _SIGNALS[name] in why


def test_a_civil_judgment_without_a_rechtsgebied_is_ignored_with_a_reason(
    corpus: Path, tmp_path: Path
) -> None:
    src = corpus / "rechtspraak" / "ECLI.NL.RBROT.2008.BE7078.xml"
    if not src.is_file():
        pytest.skip("ECLI.NL.RBROT.2008.BE7078.xml is not in the corpus")
    raw = _SUBJECT.sub("", src.read_text(encoding="utf-8"))
    head, _sep, _body = raw.partition("<uitspraak")
    head = re.sub(
        r"<psi:zaaknummer[^>]*>[^<]*</psi:zaaknummer>",
        "<psi:zaaknummer>C/10/345678 / HA ZA 08-123</psi:zaaknummer>",
        head,
    )
    head = re.sub(r"<dcterms:references[^>]*>[^<]*</dcterms:references>", "", head)
    head = re.sub(r"<psi:procedure[^>]*>[^<]*</psi:procedure>", "", head)
    body = '<uitspraak xmlns="http://www.rechtspraak.nl/schema/rechtspraak-1.0">De rechtbank wijst de vordering tot ontbinding van de huurovereenkomst af.</uitspraak></open-rechtspraak>'
    p = tmp_path / "civiel.xml"
    p.write_text(head + body, encoding="utf-8")
    with pytest.raises(SkippedSource) as info:
        list(get_adapter("rechtspraak").extract(p, Hints()))
    assert "no rechtsgebied" in info.value.problem and "not a criminal case" in info.value.problem
