"""The format registries: each export is written the same by the library, the CLI and the web,
and each input format is found by its extension, its content and its upload kind."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from test_web_data import build_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from barograph.analysis.exports import EXPORTS, export, export_bytes
from barograph.errors import BadInput
from barograph.ingest import readers
from barograph.interfaces.web.api import UPLOAD_KINDS
from barograph.interfaces.web.app import create_app
from barograph.store.db import Store
from barograph.store.query import events

CLI = [sys.executable, "-m", "barograph.interfaces.cli"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "f.duckdb"
    build_db(path)
    return path


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_every_export_is_the_same_from_library_cli_and_web(db, tmp_path, fmt):
    spec = EXPORTS[fmt]
    with Store(db, read_only=True) as store:
        n = export(store, fmt, tmp_path / f"lib{spec.suffix}", dyad=("RUS", "TUR"))
        df = events(store, dyad=("RUS", "TUR"))
    lib = (tmp_path / f"lib{spec.suffix}").read_bytes()
    assert n == len(df) > 0 and lib == export_bytes(df, fmt, "x" + spec.suffix)
    p = subprocess.run(
        CLI + ["export", "--db", str(db), "--format", fmt, "--out", str(tmp_path / f"cli{spec.suffix}"), "--dyad", "RUS,TUR"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    assert (tmp_path / f"cli{spec.suffix}").read_bytes() == lib
    with TestClient(create_app(db)) as c:
        r = c.get("/api/export", params={"format": fmt, "dyad": "RUS,TUR"})
    assert r.status_code == 200 and r.content == lib
    assert r.headers["content-type"] == spec.media_type
    assert r.headers["content-disposition"] == f'attachment; filename="barograph-events{spec.suffix}"'


def test_exports_read_back(db):
    with Store(db, read_only=True) as store:
        df = events(store, codes=["19"])
    assert len(pd.read_csv(io.BytesIO(export_bytes(df, "csv")))) == len(df) > 0
    assert len(pd.read_parquet(io.BytesIO(export_bytes(df, "parquet")))) == len(df)
    assert len(json.loads(export_bytes(df, "plover"))) == len(df)
    assert len(export_bytes(df, "plover", "x.jsonl").decode().splitlines()) == len(df)
    assert len(export_bytes(df, "gdelt").decode().splitlines()) == len(df)


def test_an_unknown_export_is_one_line_naming_the_formats(db, tmp_path):
    with Store(db, read_only=True) as store, pytest.raises(BadInput) as e:
        export(store, "xlsx", tmp_path / "x.xlsx")
    assert str(e.value) == "--format: unknown export format 'xlsx' (one of gdelt, plover, parquet, csv)"
    with TestClient(create_app(db)) as c:
        assert c.get("/api/export", params={"format": "xlsx"}).status_code == 422


@pytest.mark.parametrize("name", sorted(readers.INPUTS))
def test_every_input_format_is_found_by_extension_and_upload_kind(name):
    fmt = readers.INPUTS[name]
    for suffix in fmt.suffixes:
        assert readers.sniff(b"plain words", suffix) == name
    for kind in (name, *fmt.aliases):
        assert readers.sniff(b"", UPLOAD_KINDS[kind]) == name


def test_content_sniffing_order():
    assert readers.sniff(b'<?xml version="1.0"?><rss version="2.0"><channel>') == "feed"
    assert readers.sniff(b"\xef\xbb\xbf  <!DOCTYPE html><html><body><p>x</p>") == "html"
    assert readers.sniff(b'{"text": "a story"}\n{"text": "another"}') == "jsonl"
    assert readers.sniff(b"[1, 2]") == readers.sniff(b"Just words.") == "text"
    # an .xml file holding a page is read as the page; one holding neither stays a feed
    assert readers.sniff(b"<html><body><p>x</p></body></html>", ".xml") == "html"
    assert readers.sniff(b"nothing marked up", ".xml") == "feed"
