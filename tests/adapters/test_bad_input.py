"""Bad input: every malformed export gives an AdapterError naming file, place and problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dossierlink.ingest.adapter import AdapterError, get_adapter
from dossierlink.ingest.readers import SkippedSource, decode_text, detect_delimiter, load_json, parse_date
from dossierlink.schema import DocumentType, Record

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CSV = REPO / "samples/exports/politie/registraties.csv"
HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;Laatst gewijzigd;"
    "Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;Geboortedatum verdachte;BSN verdachte;"
    "SKN verdachte;Datum inzending OM"
)
ROW = (
    "PL17A1 2023045671-1;10/600040-23;Proces-verbaal van aangifte;Aangifte;02-03-2023;3;;;Jan;de;Vries;"
    "12-04-1990;999000007;100000101;15-03-2023"
)


def write(tmp: Path, name: str, content: str | bytes) -> Path:
    p = tmp / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


def errors(adapter: str, path: Path, **options: object) -> AdapterError:
    from dossierlink.ingest.adapter import Hints

    with pytest.raises(AdapterError) as info:
        list(get_adapter(adapter).extract(path, Hints(options=options)))
    assert str(path) in str(info.value)
    return info.value


def test_a_police_export_saved_from_excel_in_cp1252_is_read(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    content = HEADER + "\r\n" + ROW.replace("Aangifte;", "Aangifte café;") + "\r\n"
    p = write(tmp_path, "r.csv", content.encode("cp1252"))
    (rec,) = extract("politie", p)
    assert rec.documents[0].title == "Aangifte café"


def test_a_police_export_with_a_utf8_bom_and_commas_is_read(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    content = (HEADER + "\n" + ROW + "\n").replace(";", ",")
    p = write(tmp_path, "r.csv", b"\xef\xbb\xbf" + content.encode())
    assert get_adapter("politie").identify(p)
    (rec,) = extract("politie", p)
    assert rec.documents[0].page_count == 3


def test_a_truncated_police_export_names_the_broken_line(tmp_path: Path) -> None:
    p = write(tmp_path, "r.csv", HEADER + "\n" + ROW + "\n" + ROW[:40])
    err = errors("politie", p)
    assert err.locator == "line 3"
    assert "truncated" in err.problem


def test_a_police_export_without_the_inzending_column_says_which_column_is_missing(tmp_path: Path) -> None:
    header = HEADER.rsplit(";", 1)[0]
    p = write(tmp_path, "r.csv", header + "\n" + ROW.rsplit(";", 1)[0] + "\n")
    err = errors("politie", p)
    assert "Datum inzending OM" in err.problem and err.locator == "line 1"


def test_a_spreadsheet_formula_in_a_cell_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "r.csv", HEADER + "\n" + ROW.replace("Aangifte;", '=HYPERLINK("http://x");') + "\n")
    err = errors("politie", p)
    assert "formula" in err.problem and err.locator == "line 2"


def test_a_date_in_the_wrong_order_names_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path, "r.csv", HEADER + "\n" + ROW.replace("02-03-2023", "2023/31/02") + "\n")
    err = errors("politie", p)
    assert "Datum document" in err.problem and err.locator == "line 2"


def test_an_empty_export_is_an_error_not_an_empty_dossier(tmp_path: Path) -> None:
    for name, adapter in (("e.csv", "politie"), ("e.json", "om"), ("e.xml", "cjib")):
        err = errors(adapter, write(tmp_path, name, "  \n"))
        assert "empty" in err.problem


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path, "big.csv", HEADER + "\n" + (ROW + "\n") * 50)
    monkeypatch.setattr(type(get_adapter("politie")), "max_bytes", 1000)
    assert "over the limit" in errors("politie", p).problem


def test_bytes_that_are_neither_utf8_nor_cp1252_name_the_line() -> None:
    with pytest.raises(AdapterError) as info:
        decode_text(b"a;b\n\x81\x8d;c\n", "x.csv")
    assert info.value.locator == "line 2"


def test_an_invalid_bsn_and_parketnummer_are_kept_and_flagged(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    row = ROW.replace("999000007", "123456789").replace("10/600040-23", "10/60004-23")
    (rec,) = extract("politie", write(tmp_path, "r.csv", HEADER + "\n" + row + "\n"))
    bad = [i for i in rec.identifiers if not i.valid]
    assert [i.value for i in bad] == ["10/60004-23"]
    assert rec.persons[0].bsn == "123456789"
    assert any("BSN" in w and "123456789" not in w for w in rec.warnings)  # masked in the warning
    assert any("parketnummer" in w for w in rec.warnings)


def test_an_unknown_document_type_becomes_overig_with_a_warning(
    samples: Path, extract: Callable[..., list[Record]]
) -> None:
    records = extract("politie", samples / "politie/registraties.csv", options={"read_documents": False})
    case_j = next(r for r in records if any(i.value == "18/456789-25" for i in r.identifiers))
    fotomap = next(d for d in case_j.documents if d.key.endswith("-2"))
    assert fotomap.type is DocumentType.OVERIG
    assert any("Fotomap" in w for w in case_j.warnings)


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (
            '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<tenuitvoerleggingsopdrachten>&lol2;</tenuitvoerleggingsopdrachten>",
            "DTD",
        ),
        (
            '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            "<tenuitvoerleggingsopdrachten>&xxe;</tenuitvoerleggingsopdrachten>",
            "DTD",
        ),
        ("<tenuitvoerleggingsopdrachten><opdracht><opdrachtnummer>1</opdr", "truncated"),
    ],
    ids=["billion-laughs", "external-entity", "truncated"],
)
def test_hostile_or_broken_xml_is_refused_without_expansion(tmp_path: Path, body: str, word: str) -> None:
    p = write(tmp_path, "x.xml", '<?xml version="1.0"?>' + body)
    assert word in errors("cjib", p).problem


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, "deep.json", '{"omZaakExport": {}, "zaken": ' + "[" * 5000 + "]" * 5000 + "}")
    assert "nested" in errors("om", p).problem
    with pytest.raises(AdapterError):
        load_json(write(tmp_path, "d2.json", "[" * 100 + "]" * 100))


def test_truncated_om_json_names_line_and_column(tmp_path: Path, samples: Path) -> None:
    text = (samples / "om/zaken.json").read_text()[:700]
    err = errors("om", write(tmp_path, "om.json", text))
    assert err.locator is not None and err.locator.startswith("line ")


def test_an_om_case_without_parketnummer_is_an_error(tmp_path: Path) -> None:
    p = write(tmp_path, "om.json", json.dumps({"omZaakExport": {}, "zaken": [{"pvNummers": []}]}))
    assert errors("om", p).locator == "/zaken[0]"


def test_a_civil_judgment_is_skipped_as_not_a_criminal_case(tmp_path: Path, samples: Path) -> None:
    text = (samples / "rechtspraak/ECLI.NL.RBROT.2023.9001.xml").read_text()
    text = text.replace('rechtsgebied#strafrecht">Strafrecht', 'rechtsgebied#civielRecht">Civiel recht')
    p = write(tmp_path, "civiel.xml", text)
    assert get_adapter("rechtspraak").identify(p)
    err = errors("rechtspraak", p)
    assert isinstance(err, SkippedSource) and "not a criminal case" in err.problem


def test_zgw_with_an_unknown_rsin_asks_for_the_organisation(
    tmp_path: Path, samples: Path, extract: Callable[..., list[Record]]
) -> None:
    data = json.loads((samples / "rechtspraak/zaken-zgw.json").read_text())
    for z in data["zaken"]:
        z["bronorganisatie"] = "123456782"
    p = write(tmp_path, "z.json", json.dumps(data))
    assert "RSIN" in errors("zgw", p).problem
    assert {r.organisation for r in extract("zgw", p, organisation="rechtspraak")} == {"rechtspraak"}
    assert {r.organisation for r in extract("zgw", p, options={"rsin": {"123456782": "om"}})} == {"om"}


def test_a_paginated_zgw_document_list_gives_a_record_per_document(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    page = {
        "count": 1,
        "next": "https://documenten.example/documenten/api/v1/enkelvoudiginformatieobjecten?page=2",
        "previous": None,
        "results": [
            {
                "url": "https://documenten.example/documenten/api/v1/enkelvoudiginformatieobjecten/1",
                "identificatie": "PL17A1 2023045671-1",
                "bronorganisatie": "999990019",
                "creatiedatum": "2023-03-02",
                "titel": "Aangifte",
                "vertrouwelijkheidaanduiding": "geheim",
                "status": "definitief",
                "bestandsomvang": 1234,
                "integriteit": {"algoritme": "sha_256", "waarde": "ab" * 32, "datum": "2023-03-02"},
                "ondertekening": {"soort": "digitaal", "datum": "2023-03-02"},
                "informatieobjecttype": "https://catalogi.example/catalogi/api/v1/informatieobjecttypen/1",
            }
        ],
    }
    p = write(tmp_path, "page.json", json.dumps(page))
    assert get_adapter("zgw").identify(p) and not get_adapter("om").identify(p)
    (rec,) = extract("zgw", p)
    doc = rec.documents[0]
    assert rec.organisation == "politie" and doc.key == "PL17A1 2023045671-1"
    assert (
        doc.sha256 == "ab" * 32
        and doc.vertrouwelijkheidaanduiding == "geheim"
        and doc.ondertekening == "digitaal"
    )


def test_no_two_adapters_claim_the_same_sample(samples: Path) -> None:
    from dossierlink.ingest.adapter import available_adapters

    for p in sorted(x for x in samples.rglob("*") if x.is_file() and x.suffix != ".toml"):
        claims = [a.name for a in available_adapters().values() if a.identify(p)]
        assert len(claims) == 1, (p, claims)


def test_identify_never_raises_on_garbage(tmp_path: Path) -> None:
    from dossierlink.ingest.adapter import available_adapters

    files = [
        write(tmp_path, n, c) for n, c in (("a.csv", b"\x00\xff" * 100), ("b.xml", b"<"), ("c.json", b"{"))
    ]
    files.append(tmp_path / "missing.csv")
    for a in available_adapters().values():
        for f in files:
            assert a.identify(f) in (True, False)


def test_dutch_dates_and_delimiters() -> None:
    assert parse_date("02-03-2023").isoformat() == "2023-03-02"
    assert parse_date("2023-03-02T10:00:00").isoformat() == "2023-03-02"
    assert detect_delimiter("a;b;c\n1;2;3\n") == ";"
    assert detect_delimiter("a,b,c\n1,2,3\n") == ","
