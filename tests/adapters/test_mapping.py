"""A new organisation's export ingested with only a TOML mapping, and mappings that are wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from dossierlink.adapters.mapping import MappingAdapter, MappingError, load_mapping

from dossierlink.ingest.adapter import AdapterError, identify
from dossierlink.schema import DocumentType, EventKind, Record

GOOD = """
[source]
organisation = "halt"
medium = "digital"
format = "{fmt}"
date_format = "%d-%m-%Y"
{extra}
[fields]
parketnummer = "{p}"
document_key = "{k}"
document_type = "{t}"
document_date = "{d}"
voornamen = "{v}"
achternaam = "{a}"
"""


def mapping(tmp: Path, fmt: str = "csv", extra: str = "", **cols: str) -> Path:
    names = {
        "p": "Parketnummer",
        "k": "Nummer",
        "t": "Soort",
        "d": "Datum",
        "v": "Voornaam",
        "a": "Achternaam",
    }
    names.update(cols)
    p = tmp / "halt.toml"
    p.write_text(GOOD.format(fmt=fmt, extra=extra, **names))
    return p


def test_a_new_organisations_csv_is_ingested_with_only_a_toml_mapping(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    export = tmp_path / "halt.csv"
    export.write_text(
        "Parketnummer;Nummer;Soort;Datum;Voornaam;Achternaam\n18/456789-25;H-1;verwijzing;01-04-2025;Daan;Bos\n"
    )
    m = mapping(tmp_path)
    assert not MappingAdapter().identify(export)  # no mapping given: claims nothing
    assert MappingAdapter(m).identify(export)
    (rec,) = extract("mapping", export, options={"mapping": str(m)})
    assert rec.organisation == "halt"
    assert [i.key for i in rec.identifiers] == ["parketnummer:18/456789-25"]
    assert rec.documents[0].key == "H-1" and rec.documents[0].type is DocumentType.OVERIG
    assert rec.persons[0].achternaam == "Bos"


def test_a_mapping_beside_the_export_is_found_by_auto_identify(samples: Path) -> None:
    assert identify(samples / "rvdk/rapportages.csv").name == "mapping"


def test_a_json_export_is_read_through_key_paths(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    export = tmp_path / "halt.json"
    export.write_text(
        json.dumps({"data": {"items": [{"zaak": {"pn": "10/600040-23"}, "nr": "X1", "datum": "02-03-2023"}]}})
    )
    m = mapping(
        tmp_path, "json", 'records = "data.items"', p="zaak.pn", k="nr", t="soort", d="datum", v="v", a="a"
    )
    (rec,) = extract("mapping", export, options={"mapping": str(m)})
    assert rec.identifiers[0].value == "10/600040-23" and rec.documents[0].date.isoformat() == "2023-03-02"


def test_an_xml_export_is_read_through_element_paths(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    export = tmp_path / "halt.xml"
    export.write_text(
        '<export xmlns="urn:x"><zaak pn="13/123456-23"><nr>Y1</nr><datum>14-05-2023</datum></zaak></export>'
    )
    m = mapping(
        tmp_path,
        "xml",
        'records = "zaak"\nroot = "export"',
        p="@pn",
        k="nr",
        t="soort",
        d="datum",
        v="v",
        a="a",
    )
    (rec,) = extract("mapping", export, options={"mapping": str(m)})
    assert rec.identifiers[0].value == "13/123456-23" and rec.documents[0].key == "Y1"


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("[source]\nformat='csv'\n[fields]\nparketnummer='P'\n", "organisation"),
        ("[source]\norganisation='halt'\nformat='xls'\n[fields]\nparketnummer='P'\n", "format 'xls'"),
        (
            "[source]\norganisation='halt'\nformat='csv'\nmedium='papyrus'\n[fields]\nparketnummer='P'\n",
            "medium",
        ),
        ("[source]\norganisation='halt'\nformat='csv'\n[fields]\ntitel='T'\n", "unknown field 'titel'"),
        ("[source]\norganisation='halt'\nformat='csv'\n[fields]\ndocument_title='T'\n", "no case identifier"),
        (
            "[source]\norganisation='halt'\nformat='csv'\ndate_format='dd-mm-yyyy'\n[fields]\npv='P'\n",
            "date_format",
        ),
        ("[source]\norganisation='Halt BV'\nformat='csv'\n[fields]\npv='P'\n", "organisation"),
        ("[source]\norganisation='halt'\nformat='csv'\n[fields]\npv='P'\n[extra]\n", "unknown table [extra]"),
        ("[source\n", "not valid TOML"),
    ],
)
def test_a_wrong_mapping_says_exactly_what_is_wrong(tmp_path: Path, toml: str, says: str) -> None:
    p = tmp_path / "m.toml"
    p.write_text(toml)
    with pytest.raises(MappingError) as info:
        load_mapping(p)
    assert says in str(info.value) and str(p) in str(info.value)


def test_extract_with_a_broken_mapping_is_an_adapter_error(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    export = tmp_path / "x.csv"
    export.write_text("P\n1\n")
    with pytest.raises(AdapterError) as info:
        extract("mapping", export, options={"mapping": str(tmp_path / "nope.toml")})
    assert "does not exist" in str(info.value)


def test_the_rvdk_report_arrives_as_an_advies_to_the_om(
    samples: Path, extract: Callable[..., list[Record]]
) -> None:
    (rec,) = extract("mapping", samples / "rvdk/rapportages.csv")
    assert rec.events[0].kind is EventKind.ADVIES and rec.events[0].receiver == "om"
