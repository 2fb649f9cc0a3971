"""Real data files as users download them: ICEWS Dataverse event files (plain and zipped),
GDELT's zipped exports, gzip/zip news dumps, binaries named in the rejection, and a path
that does not exist leaving no row in the store's `rejects` table. Real files, real DuckDB."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from barograph.errors import BadInput
from barograph.ingest.sources import iter_documents
from barograph.interfaces.cli import app
from barograph.store.db import Store

DATA = Path(__file__).parent / "data"
TAB = DATA / "icews" / "events.2014.20150313084929.tab"
GDELT = DATA / "gdelt" / "20150218230000.export.CSV"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("zipped", [False, True])
def test_icews_dataverse_files_import_plain_or_zipped(tmp_path, zipped):
    src = TAB
    if zipped:
        src = tmp_path / (TAB.name + ".zip")
        with zipfile.ZipFile(src, "w") as zf:
            zf.write(TAB, TAB.name)
    db = tmp_path / "i.duckdb"
    res = run("import", "icews", src, "--db", db, "--quiet")
    assert res.exit_code == 0, res.output
    assert "imported 20 ICEWS events" in res.stdout and "(2014-02-03 to 2014-03-24)" in res.stdout
    with Store(db, read_only=True) as st:
        rows = dict(
            (r[0], r[1:])
            for r in st.con.execute(
                "SELECT event_id, source, target, cameo, quad_class, goldstein, outlet, date::VARCHAR FROM events ORDER BY event_id"
            ).fetchall()
        )
    assert rows["icews:9005"] == ("RUSMIL", "UKR", "1721", 4, -9.5, "Reuters", "2014-03-01")  # Military (Russia) -> RUS + MIL
    assert rows["icews:9010"][:2] == ("UKRCOP", "UKROPP")  # sectors: Police; Protestors / Popular Opposition
    assert rows["icews:9001"][:2] == ("RUS", "UKR")
    # the file's location columns are kept: City, Country, Latitude, Longitude
    with Store(db, read_only=True) as st:
        where = st.con.execute("SELECT place, place_country, latitude, longitude FROM events WHERE event_id = 'icews:9002'").fetchone()
    assert where == ("Sochi", "RUS", 43.6, 39.73)
    # re-import replaces, never doubles
    assert run("import", "icews", src, "--db", db, "--quiet").exit_code == 0
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM events").fetchone()[0] == 20


def test_icews_dataverse_folder_and_bad_header(tmp_path):
    folder = tmp_path / "dv"
    folder.mkdir()
    (folder / TAB.name).write_bytes(TAB.read_bytes())
    db = tmp_path / "i.duckdb"
    assert run("import", "icews", folder, "--db", db, "--quiet").exit_code == 0
    bad = tmp_path / "events.2015.tab"
    bad.write_text("Event ID\tDate\n1\t2015-01-01\n")
    res = run("import", "icews", bad, "--db", db)
    assert res.exit_code != 0
    with pytest.raises(BadInput, match=r"events.2015.tab:1: not an ICEWS event file: no column 'Event Date'"):
        from barograph.analysis.icews_dataverse import read_file

        read_file(bad)


def test_gdelt_export_zip_as_distributed(tmp_path):
    z = tmp_path / "20150218230000.export.CSV.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(GDELT, GDELT.name)
    db = tmp_path / "g.duckdb"
    res = run("import", "gdelt", z, "--db", db, "--quiet")
    assert res.exit_code == 0, res.output  # was: "expected 61 columns, found 1"
    assert "imported 8 GDELT events" in res.stdout
    with Store(db, read_only=True) as st:
        assert st.con.execute("SELECT DISTINCT corpus FROM events").fetchall() == [("20150218230000.export",)]
        assert st.con.execute("SELECT source, target FROM events WHERE event_id = 'gdelt:410000006'").fetchone() == ("RUSMIL", "UKR")
    # a bad line inside the zip is named inside the zip
    broken = tmp_path / "broken.export.CSV.zip"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("broken.export.CSV", GDELT.read_text() + "1\t2\t3\n")
    from barograph.analysis.gdelt import read_table

    with pytest.raises(BadInput, match=r"broken.export.CSV.zip!broken.export.CSV:9: expected 61 tab-separated"):
        read_table(broken)


def docs_of(path) -> tuple[list, list[BadInput]]:
    errors: list[BadInput] = []
    return list(iter_documents([path], errors=errors)), errors


def test_gzip_and_zip_news_dumps_are_read_as_what_they_hold(tmp_path):
    recs = [{"id": f"r{i}", "text": f"Story {i}: the minister met the envoy.", "date": "2024-03-0" + str(i + 1)} for i in range(3)]
    jsonl = "".join(json.dumps(r) + "\n" for r in recs).encode()
    (tmp_path / "news.jsonl.gz").write_bytes(gzip.compress(jsonl))
    docs, errors = docs_of(tmp_path / "news.jsonl.gz")
    assert not errors and [d.doc for d in docs] == ["r0", "r1", "r2"] and docs[2].date == "2024-03-03" and docs[0].kind == "jsonl"
    csv_text = "id,date,text\nc1,2024-01-02,The army shelled the town.\nc2,2024-01-03,Talks resumed in Geneva.\n"
    (tmp_path / "news.csv.gz").write_bytes(gzip.compress(csv_text.encode()))
    docs, errors = docs_of(tmp_path / "news.csv.gz")
    assert not errors and [d.doc for d in docs] == ["c1", "c2"] and docs[0].kind == "csv"
    z = tmp_path / "dump.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.jsonl", jsonl)
        zf.writestr("b.csv", csv_text)
        zf.writestr("c.txt", "Plain text story about a ceasefire.\n")
        zf.writestr("__MACOSX/._a.jsonl", b"\x00\x05\x16\x07")
    docs, errors = docs_of(z)
    assert not errors and [d.doc for d in docs] == ["r0", "r1", "r2", "c1", "c2", "c.txt"]
    assert docs[5].path == f"{z}!c.txt"


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF is not supported; extract its text first"),
        ("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image is not supported"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "Microsoft Office"),
    ],
)
def test_known_binaries_are_named_in_the_rejection(tmp_path, name, data, words):
    (tmp_path / name).write_bytes(data)
    docs, errors = docs_of(tmp_path / name)
    assert docs == [] and len(errors) == 1 and words in errors[0].problem and "NUL" not in errors[0].problem


def test_docx_is_named_not_unpacked(tmp_path):
    z = tmp_path / "memo.docx"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    docs, errors = docs_of(z)
    assert docs == [] and "Word document (.docx) is not supported" in errors[0].problem


def test_a_path_that_does_not_exist_adds_no_rejects_row(tmp_path):
    db = tmp_path / "r.duckdb"
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"%PDF-1.4\n")
    res = run("ingest", tmp_path / "missing.txt", bad, "--db", db, "--no-code", "--quiet")
    assert res.exit_code == 1
    assert "missing.txt: no such file or folder" in res.output and "PDF is not supported" in res.output
    with Store(db, read_only=True) as st:
        rows = st.con.execute("SELECT path, problem FROM rejects").fetchall()
    assert rows == [(str(bad), "PDF is not supported; extract its text first (for example: pdftotext FILE.pdf)")]
