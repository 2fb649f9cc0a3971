"""A small but real barograph database for the web tests, written with plain SQL.

Documents, articles, sentences and events follow store/schema.py exactly, with offsets that
index the stored document text, so the article page can be checked character by character.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

from barograph.store import indexes
from barograph.store.db import Store

# (source code, source entity, target code, target entity, cameo, quad, goldstein, trigger, sentence)
TEMPLATES = [
    (
        "RUSGOV",
        "RUS",
        "TURGOV",
        "TUR",
        "111",
        3,
        -2.0,
        "criticized",
        "Russia's government criticized Turkey over the downing of the jet near the border.",
    ),
    ("TURGOV", "TUR", "RUSGOV", "RUS", "036", 1, 4.0, "offered", "Turkey offered to meet Russian officials to ease the tension."),
    ("RUSMIL", "RUS", "TURMIL", "TUR", "190", 4, -10.0, "fired", "Russian forces fired on Turkish positions in northern Syria, officials said."),
    ("USAGOV", "USA", "RUSGOV", "RUS", "042", 1, 1.9, "met", "The American secretary met the Russian foreign minister in Geneva."),
    ("NATO", "NATO", "TURGOV", "TUR", "057", 2, 8.0, "signed", "NATO signed a new air defence agreement with Ankara."),
    ("RUSGOV", "RUS", "USAGOV", "USA", "130", 3, -4.4, "threatened", "Moscow threatened Washington with retaliation over the sanctions."),
]
OUTLETS = ["National Interest", "Japan Times", "Fortune", "Russian Council"]
START = date(2015, 9, 7)


def _id(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def build_db(path: Path, articles: int = 60, seed: int = 7) -> dict:
    """Write `articles` single-article documents with 2-5 evidence sentences each; return facts."""
    rng = random.Random(seed)
    facts = {"articles": [], "events": 0, "dyads": {}}
    with Store(path) as store:
        con = store.con
        for i in range(articles):
            day = START + timedelta(days=i * 2)
            # the RUS->TUR conflict flares in the last third: something for alerts to find
            weights = [3, 1, 4 if i > articles * 2 // 3 else 0.3, 2, 1, 1]
            chosen = rng.choices(range(len(TEMPLATES)), weights=weights, k=rng.randint(2, 5))
            title = f"Report {i}: tensions on the southern flank"
            outlet = OUTLETS[i % len(OUTLETS)]
            lines = [title, f"Source: {outlet}", ""]
            head = "\n".join(lines)
            body_parts, spans = [], []
            pos = len(head)
            filler = f"Analysts in piece {i} weigh what comes next."
            for j, t in enumerate(chosen):
                if j:
                    body_parts.append(" ")
                    pos += 1
                s = TEMPLATES[t][8]
                spans.append((pos, pos + len(s), t))
                body_parts.append(s)
                pos += len(s)
            body_parts.append(" " + filler)
            text = head + "".join(body_parts) + "\n"
            body_start, body_end = len(head), len(text) - 1
            doc_id = hashlib.sha256(text.encode()).hexdigest()
            article_id = _id("article", i)
            con.execute(
                "INSERT INTO documents (doc_id, doc, path, kind, chars, text) VALUES (?, ?, ?, 'text', ?, ?)",
                [doc_id, f"page{i:03d}.txt", f"/news/page{i:03d}.txt", len(text), text],
            )
            con.execute(
                """INSERT INTO articles (article_id, doc_id, article_index, title, outlet, date, url, language,
                   start_char, end_char, body_start, body_end, coder)
                   VALUES (?, ?, 0, ?, ?, ?, ?, 'en', 0, ?, ?, ?, 'test-coder')""",
                [article_id, doc_id, title, outlet, day, f"https://example.org/{i}", len(text), body_start, body_end],
            )
            con.execute(
                "INSERT INTO appearances VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?)",
                [article_id, doc_id, len(text), title, outlet, f"https://example.org/{i}", day],
            )
            sentence_spans = spans + [(body_end - len(filler), body_end, None)]
            for idx, (s0, s1, t) in enumerate(sentence_spans):
                con.execute("INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)", [article_id, idx, doc_id, s0, s1, text[s0:s1]])
                if t is None:
                    continue
                src, se, tgt, te, cameo, quad, gold, trig, sent = TEMPLATES[t]
                modality = "hypothetical" if (i + idx) % 11 == 0 else "asserted"
                con.execute(
                    """INSERT INTO events (event_id, article_id, doc_id, doc, sentence_idx, start_char, end_char, text,
                       source, source_entity, target, target_entity, cameo, root_code, quad_class, goldstein,
                       plover, modality, date, outlet, trigger, confidence, coder, source_name, target_name)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test-coder', ?, ?)""",
                    [
                        _id("event", i, idx),
                        article_id,
                        doc_id,
                        f"page{i:03d}.txt",
                        idx,
                        s0,
                        s1,
                        text[s0:s1],
                        src,
                        se,
                        tgt,
                        te,
                        cameo,
                        cameo[:2],
                        quad,
                        gold,
                        None,
                        modality,
                        day,
                        outlet,
                        trig,
                        0.4 if (i + idx) % 4 == 0 else 0.8,  # some less sure events for min_confidence
                        se.title(),
                        te.title(),
                    ],
                )
                facts["events"] += 1
                facts["dyads"][(se, te)] = facts["dyads"].get((se, te), 0) + 1
            facts["articles"].append(article_id)
        indexes.rebuild(con)  # written with plain SQL: index as the store's writers do
    return facts


def test_built_database_is_consistent(tmp_path):
    facts = build_db(tmp_path / "w.duckdb", articles=12)
    with Store(tmp_path / "w.duckdb", read_only=True) as store:
        rows = store.con.execute(
            "SELECT e.text, substring(d.text, e.start_char + 1, e.end_char - e.start_char) FROM events e JOIN documents d USING (doc_id)"
        ).fetchall()
    assert len(rows) == facts["events"] > 12
    assert all(a == b for a, b in rows)


class LiveServer:
    """A real uvicorn server on a free loopback port, in a thread of the test process."""

    def __init__(self, app):
        import socket
        import threading

        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
