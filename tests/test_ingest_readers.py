"""Readers: every input format, encodings, and every kind of bad input."""

from __future__ import annotations

import csv
import io
import json

from barograph.errors import BadInput
from barograph.ingest.limits import MAX_DOCUMENT_BYTES
from barograph.ingest.sources import iter_documents, read_stream

STORY = (
    "Russia and Turkey traded accusations on Tuesday after a Russian jet was shot down "
    "near the Syrian border. Ankara said the plane had violated its airspace."
)


def read(paths, **kw):
    errors: list[BadInput] = []
    docs = list(iter_documents([str(p) for p in paths], errors=errors, **kw))
    return docs, errors


def test_plain_text_file(tmp_path, sample_path):
    docs, errors = read([sample_path])
    assert not errors
    (d,) = docs
    raw = sample_path.read_bytes()
    import hashlib

    assert d.doc == sample_path.name and d.kind == "text" and d.encoding == "utf-8"
    assert d.text == raw.decode("utf-8")
    assert d.sha256 == hashlib.sha256(raw).hexdigest()


def test_folder_recursive_and_glob(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.txt").write_text("First story.\n\n" + STORY)
    (tmp_path / "a" / "b" / "two.txt").write_text("Second story.\n\n" + STORY)
    (tmp_path / "a" / ".hidden.txt").write_text(STORY)
    docs, errors = read([tmp_path / "a"])
    assert [d.doc for d in docs] == ["one.txt", "two.txt"] and not errors
    docs, errors = read([str(tmp_path / "a" / "**" / "*.txt")])
    assert sorted(d.doc for d in docs) == ["one.txt", "two.txt"]
    docs, errors = read([tmp_path / "nothing-*.txt", tmp_path / "missing.txt"])
    assert not docs and len(errors) == 2
    assert "no file matches" in errors[0].problem and "no such file" in errors[1].problem


def test_html_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        f"""<!DOCTYPE html><html><head><title>Jet downed | World News</title>
<meta property="og:title" content="Turkey shoots down Russian jet">
<meta name="author" content="Jane Reporter"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Turkey shoots down Russian jet</h1>
<p>{STORY}</p><p>Moscow called the incident a stab in the back and promised a response.</p>
</article><footer>Copyright 2015 World News</footer></body></html>""",
        encoding="utf-8",
    )
    (d,), errors = read([page])
    assert not errors and d.kind == "html"
    assert d.title == "Turkey shoots down Russian jet"
    assert d.text.split("\n")[0] == "Turkey shoots down Russian jet"
    assert d.author == "Jane Reporter" and d.date is None  # no date in the markup: none invented
    assert "Ankara said the plane" in d.text and "stab in the back" in d.text
    assert "Home" not in d.text and "<p>" not in d.text


def test_broken_html_falls_back_or_is_rejected(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>Troops crossed the border at dawn, officials said<p>The ministry <b>denied <i>it</div></span></td>")
    docs, errors = read([broken])
    assert not errors and "Troops crossed the border" in docs[0].text
    assert "<" not in docs[0].text
    hollow = tmp_path / "hollow.html"
    hollow.write_text("<html><head><script>var x = 1;</script></head><body><div></div></body></html>")
    docs, errors = read([hollow])
    assert not docs and len(errors) == 1
    assert errors[0].where.endswith("hollow.html") and "no text" in errors[0].problem


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>World Wire</title><link>https://wire.example</link>
<item><title>Kerry calls Lavrov</title><link>https://wire.example/1</link><guid>wire-1</guid>
<pubDate>Fri, 18 Sep 2015 10:00:00 GMT</pubDate><author>desk@wire.example (A. Writer)</author>
<description><![CDATA[<p>US Secretary of State John Kerry called Russian Foreign Minister Sergey Lavrov.</p><p>They discussed Syria.</p>]]></description></item>
<item><title>Carter calls Shoigu</title><link>https://wire.example/2</link>
<description>Ashton Carter called Sergey Shoigu to discuss Russia's military movements.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2016-03-03T12:00:00Z</updated>
<entry><title>NATO warns Moscow</title><id>urn:desk:7</id><link href="https://desk.example/7"/>
<updated>2016-03-03T12:00:00Z</updated><published>2016-03-02T08:00:00Z</published>
<content type="html">&lt;p&gt;NATO warned Moscow against further deployments in the Baltic.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_and_atom(tmp_path):
    (tmp_path / "wire.xml").write_text(RSS)
    (tmp_path / "desk.atom").write_text(ATOM)
    docs, errors = read([tmp_path / "wire.xml", tmp_path / "desk.atom"])
    assert not errors
    assert [d.doc for d in docs] == ["wire-1", "https://wire.example/2", "urn:desk:7"]
    k = docs[0]
    assert k.kind == "feed" and k.title == "Kerry calls Lavrov" and k.outlet == "World Wire"
    assert k.date == "2015-09-18" and k.url == "https://wire.example/1"
    assert k.text.startswith("Kerry calls Lavrov\n\nUS Secretary of State")
    assert "They discussed Syria." in k.text and "<p>" not in k.text
    assert docs[2].date == "2016-03-02" and "NATO warned Moscow" in docs[2].text
    assert len({d.sha256 for d in docs}) == 3


def test_jsonl_records_and_bad_lines(tmp_path):
    p = tmp_path / "dump.jsonl"
    lines = [
        json.dumps(
            {"id": "r1", "text": STORY, "title": "Jet downed", "date": "2015-11-24T09:00:00Z", "url": "https://x.example/r1", "source": "Wire"}
        ),
        '{"id": "r2", "text": "unterminated',
        json.dumps({"id": "r3", "title": "no text here"}),
        "",
        json.dumps({"id": "r4", "text": "Putin spoke with Erdogan by phone on Monday."}),
        json.dumps(["not", "an", "object"]),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errors = read([p])
    assert [d.doc for d in docs] == ["r1", "r4"]
    r1 = docs[0]
    assert (r1.title, r1.date, r1.url, r1.outlet, r1.kind) == ("Jet downed", "2015-11-24", "https://x.example/r1", "Wire", "jsonl")
    import hashlib

    assert r1.sha256 == hashlib.sha256((lines[0] + "\n").encode()).hexdigest()
    assert [(e.where, e.line) for e in errors] == [(str(p), 2), (str(p), 3), (str(p), 6)]
    assert "malformed JSON" in errors[0].problem and "no 'text' field" in errors[1].problem
    assert str(errors[0]).startswith(f"{p}:2: ")


def test_jsonl_without_id_uses_name_and_line(tmp_path):
    p = tmp_path / "x.ndjson"
    p.write_text(json.dumps({"text": STORY}) + "\n" + json.dumps({"text": STORY + " Again."}) + "\n")
    docs, errors = read([p])
    assert [d.doc for d in docs] == ["x.ndjson:1", "x.ndjson:2"] and not errors


def test_csv_text_column_detection(tmp_path):
    p = tmp_path / "news.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body", "Date", "Outlet"])
        w.writerow(["Jet downed", STORY, "2015-11-24", "Wire"])
        w.writerow(["Multi-line", "First paragraph, with a comma.\n\nSecond \"quoted\" paragraph.", "", ""])
        w.writerow(["Empty", "", "", ""])
    docs, errors = read([p])
    assert [d.doc for d in docs] == ["news.csv:2", "news.csv:3"]
    assert docs[0].text == STORY and docs[0].date == "2015-11-24" and docs[0].outlet == "Wire"
    assert docs[0].title == "Jet downed"
    assert docs[1].text == 'First paragraph, with a comma.\n\nSecond "quoted" paragraph.'
    assert len(errors) == 1 and errors[0].line == 6 and "empty text" in errors[0].problem


def test_csv_id_column_and_option(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id;story_text;title\na1;" + STORY + ";T\n", encoding="utf-8")
    docs, errors = read([p])
    assert not docs and "no text column" in errors[0].problem
    docs, errors = read([p], text_column="story_text")
    assert [d.doc for d in docs] == ["a1"] and docs[0].text == STORY and not errors


def test_encodings_cp1252_utf16_and_bom(tmp_path):
    text = "Erdoğan’s “warning” to Moscow — café talks in Ankara cost €5 million."
    cp = "The ministry’s “final” offer — a café meeting with the envoy, rejected by the régime’s négociateurs."
    (tmp_path / "cp.txt").write_bytes(cp.encode("cp1252"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))  # with BOM
    (tmp_path / "u16le.txt").write_bytes(text.encode("utf-16-le"))  # without BOM
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "latin.txt").write_bytes(
        "Les négociations à Genève ont échoué, déclare le ministère français des Affaires étrangères.".encode("latin-1")
    )
    docs, errors = read(sorted(tmp_path.iterdir()))
    assert not errors
    by = {d.doc: d for d in docs}
    assert by["cp.txt"].text == cp
    assert by["u16.txt"].text == text and by["u16le.txt"].text == text
    assert by["bom.txt"].text == text and by["bom.txt"].encoding == "utf-8"
    assert "négociations à Genève" in by["latin.txt"].text


def test_bad_files_each_give_one_error(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n \t\n")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (tmp_path / "noise.txt").write_bytes(bytes((i * 37 + 11) % 256 for i in range(3000)).replace(b"\x00", b"\x01"))
    (tmp_path / "good.txt").write_text("Good story.\n\n" + STORY)
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(1 << 30)  # sparse: costs no disk
    docs, errors = read(sorted(tmp_path.iterdir()))
    assert [d.doc for d in docs] == ["good.txt"]
    where = {e.where.rsplit("/", 1)[-1]: e.problem for e in errors}
    assert len(errors) == 5 and set(where) == {"empty.txt", "blank.txt", "image.png", "noise.txt", "big.txt"}
    assert "empty" in where["empty.txt"] and "empty" in where["blank.txt"]
    assert "PNG image is not supported" in where["image.png"]  # a known binary is named
    assert "binary" in where["noise.txt"] or "encoding" in where["noise.txt"]
    assert where["big.txt"] == "1.0 GB is too large for one document (limit 50 MB); split it or use JSONL"


def test_huge_jsonl_line_is_skipped_not_loaded(tmp_path):
    p = tmp_path / "big.jsonl"
    with p.open("wb") as f:
        f.write((json.dumps({"id": "ok1", "text": STORY}) + "\n").encode())
        f.write(b'{"id": "huge", "text": "' + b"a" * (MAX_DOCUMENT_BYTES + 10) + b'"}\n')
        f.write((json.dumps({"id": "ok2", "text": STORY}) + "\n").encode())
    docs, errors = read([p])
    assert [d.doc for d in docs] == ["ok1", "ok2"]
    assert len(errors) == 1 and errors[0].line == 2 and "too large" in errors[0].problem


def test_errors_may_be_a_callable(tmp_path):
    seen = []
    (tmp_path / "e.txt").write_bytes(b"")
    list(iter_documents([str(tmp_path / "e.txt")], errors=seen.append))
    assert len(seen) == 1 and isinstance(seen[0], BadInput)


def test_stream_sniffs_format_without_extension():
    out = []
    jsonl = (json.dumps({"id": "s1", "text": STORY}) + "\n").encode()
    docs = list(read_stream(io.BytesIO(jsonl), "stdin", "<stdin>", None, "", out.append, stdin=True))
    assert [d.doc for d in docs] == ["s1"] and docs[0].kind == "jsonl"
    docs = list(read_stream(io.BytesIO(RSS.encode()), "stdin", "<stdin>", None, "", out.append, stdin=True))
    assert len(docs) == 2 and docs[0].kind == "feed"
    docs = list(read_stream(io.BytesIO(STORY.encode()), "stdin", "<stdin>", None, "", out.append, stdin=True))
    assert docs[0].kind == "stdin" and docs[0].text == STORY and not out
