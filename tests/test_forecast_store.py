"""The benchmark ranker on a user's own store: `barograph forecast fit` on a real DuckDB file,
the saved model beside it, staleness after new events, ranked answers with their evidence,
strict JSON, and one clear line for what it cannot answer."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from barograph.analysis.forecast import onstore
from barograph.errors import BadInput
from barograph.interfaces.cli import app
from barograph.store.db import Store

ROOT_PLOVER = {"19": ("FIGHT", 4), "04": ("CONSULT", 1), "11": ("ACCUSE", 3), "05": ("COOPERATE", 1), "17": ("COERCE", 4)}
# habits: (source, target, root, every n days)
HABITS = [
    ("RUS", "UKR", "19", 1),
    ("UKR", "RUS", "11", 2),
    ("RUS", "SYR", "04", 3),
    ("USA", "UKR", "05", 2),
    ("USA", "RUS", "11", 3),
    ("TUR", "SYR", "19", 4),
    ("SYR", "TUR", "17", 5),
    ("FRA", "USA", "04", 3),
]
ACTORS = ("RUS", "UKR", "SYR", "USA", "TUR", "FRA", "DEU", "GBR")


def insert(store, rows) -> None:
    for eid, d, s, t, root in rows:
        plover, quad = ROOT_PLOVER[root]
        store.con.execute(
            "INSERT INTO events (event_id, date, source, source_entity, target, target_entity, cameo, root_code, quad_class, "
            "plover, modality, coder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'asserted', 'test-1')",
            [eid, d, s, s, t, t, root + "0", root, quad, plover],
        )


def synthetic_rows(days: int = 70, seed: int = 0):
    rng = np.random.default_rng(seed)
    start = dt.date(2020, 1, 1)
    rows, n = [], 0
    for k in range(days):
        day = (start + dt.timedelta(days=k)).isoformat()
        for s, t, root, every in HABITS:
            if k % every == 0:
                rows.append((f"h{n}", day, s, t, root))
                n += 1
        for _ in range(2):  # noise
            s, t = rng.choice(ACTORS, 2, replace=False)
            rows.append((f"h{n}", day, str(s), str(t), str(rng.choice(list(ROOT_PLOVER)))))
            n += 1
    return rows


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    db = tmp_path_factory.mktemp("fs") / "syn.duckdb"
    with Store(db) as st:
        insert(st, synthetic_rows())
    res = CliRunner().invoke(app, ["forecast", "fit", "--relation", "root", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    with Store(db, read_only=True) as st:  # a second kind joins the first (no validation run: time)
        meta = onstore.fit_store(st, ("plover",), evaluate_valid=False)
    assert meta["kinds"]["root"] == json.loads(res.stdout)["kinds"]["root"]
    return db, meta


def test_fit_saves_the_model_beside_the_store_with_time_aware_validation(fitted):
    db, meta = fitted
    folder = db.with_suffix(".forecast")
    assert meta["folder"] == str(folder) and (folder / "meta.json").exists()
    assert {"root.npz", "plover.npz", "root.json"} <= {p.name for p in folder.iterdir()}
    assert meta["fingerprint"]["events"] == len(synthetic_rows())
    for kind in ("root", "plover"):
        k = meta["kinds"][kind]
        assert k["valid_candidate_mrr"] > 0.5
        assert 0.5 < k["valid_candidate_recall"] <= 1.0  # answers among the candidates
        # the last 17 of 70 days (a quarter, under the 28-day cap) are held out, after every training day
        assert k["valid_from"] == (dt.date(2020, 1, 1) + dt.timedelta(days=70 - 17)).isoformat()
        assert k["train_quadruples"] + k["valid_quadruples"] == meta["fingerprint"]["usable_events"]
    # habits this regular are found: far above chance (8 actors); filtered MRR on the held-out days
    k = meta["kinds"]["root"]
    assert k["valid"]["mrr"] > 0.5 and k["valid"]["queries"] == 2 * k["valid_quadruples"] and "valid" not in meta["kinds"]["plover"]


def test_who_ranks_the_habitual_target_first_with_its_evidence(fitted):
    db, _ = fitted
    with Store(db, read_only=True) as st:
        res = onstore.who(st, "RUS", "19")
        by_plover = onstore.who(st, "RUS", "FIGHT", kind="plover")
    assert res["model"]["stale"] is False and res["relation_name"] == "Fight"
    top = res["answers"][0]
    assert top["object"] == "UKR" and by_plover["answers"][0]["object"] == "UKR"
    ps = [a["probability"] for a in res["answers"]]
    assert ps == sorted(ps, reverse=True) and 0.5 < ps[0] <= 1.0 and sum(ps) <= 1 + 1e-9
    assert top["reasons"] and top["evidence"][0]["subject"] == "RUS" and top["evidence"][0]["object"] == "UKR"
    assert top["evidence"][0]["date"] == "2020-03-10"  # the last day of the store


def test_what_ranks_the_dyads_habit_first(fitted):
    db, _ = fitted
    with Store(db, read_only=True) as st:
        res = onstore.what(st, "UKR", "RUS")
    assert res["answers"][0]["relation"] == "11" and res["answers"][0]["relation_name"] == "Disapprove"
    assert sum(a["probability"] for a in res["answers"]) <= 1 + 1e-9
    assert any(e["relation"] == "11" and e["subject"] == "UKR" for e in res["answers"][0]["evidence"])


def test_cli_answers_are_strict_json_and_tables(fitted):
    db, _ = fitted
    for args in (
        ["--who", "RUS", "--root", "19"],
        ["--who", "RUS", "--plover", "FIGHT"],
        ["--dyad", "UKR", "RUS", "--what"],
        ["--dyad", "UKR", "RUS", "--what", "--relation", "plover"],
    ):
        res = CliRunner().invoke(app, ["forecast", *args, "--db", str(db), "--format", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
        assert data["answers"] and data["model"]["stale"] is False
    res = CliRunner().invoke(app, ["forecast", "--who", "RUS", "--root", "19", "--db", str(db)])
    assert res.exit_code == 0 and "UKR" in res.stdout and "repeats" in res.stdout
    # the per-dyad outlook is unchanged beside it
    res = CliRunner().invoke(app, ["forecast", "--dyad", "RUS", "UKR", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0 and "material_conflict_next_week" in json.loads(res.stdout)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--who", "XXX", "--root", "19"], "no asserted events involving XXX in the fitted model"),
        (["--who", "RUS", "--root", "08"], "no root '08' among the fitted model's relations"),
        (["--who", "RUS"], "give one of --root"),
        (["bogus"], "unknown action 'bogus'"),
    ],
)
def test_what_it_cannot_answer_is_one_message(fitted, args, message):
    db, _ = fitted
    res = CliRunner().invoke(app, ["forecast", *args, "--db", str(db)])
    assert isinstance(res.exception, BadInput) and message in str(res.exception) and "\n" not in str(res.exception)


def test_an_unknown_actor_is_one_line_on_stderr(fitted):
    db, _ = fitted
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "forecast", "--who", "XXX", "--root", "19", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and "no asserted events involving XXX in the fitted model" in p.stderr


def test_no_model_then_stale_after_new_events_then_refit(tmp_path, fitted):
    import shutil

    db = tmp_path / "s.duckdb"
    with Store(db) as st:
        insert(st, synthetic_rows(days=10))
    with Store(db, read_only=True) as st, pytest.raises(BadInput, match="no fitted forecast model .*barograph forecast fit --db"):
        onstore.who(st, "RUS", "19")
    shutil.copy(fitted[0], db)  # the fitted store and its model, moved together
    shutil.copytree(fitted[0].with_suffix(".forecast"), db.with_suffix(".forecast"))
    with Store(db, read_only=True) as st:
        assert onstore.status(st)["stale"] is False
    with Store(db) as st:
        insert(st, [("new1", "2020-03-10", "RUS", "GBR", "19")])
    with Store(db, read_only=True) as st:
        s = onstore.status(st)
        assert s["stale"] is True and "+1" in s["message"] and "barograph forecast fit --db" in s["message"]
        res = onstore.who(st, "RUS", "19")  # still answers, saying it is stale
        assert res["model"]["stale"] is True and res["answers"]
        onstore.fit_store(st, ("root",), evaluate_valid=False)  # refit on demand
        assert onstore.status(st)["stale"] is False
        # the plover model of the old store is not kept beside a refit of another store
        with pytest.raises(BadInput, match="has no plover relations; fit it with: barograph forecast fit --relation plover"):
            onstore.who(st, "RUS", "FIGHT", kind="plover")
    with Store(db) as st:  # a recode: same count, other codes
        st.con.execute("UPDATE events SET root_code = '04', cameo = '040' WHERE event_id = 'new1'")
    with Store(db, read_only=True) as st:
        assert onstore.status(st)["stale"] is True


def test_a_model_of_another_version_is_refused_in_one_line_until_refitted(tmp_path, fitted):
    """A model saved with other features (an older barograph) has weights for other columns:
    it is stale and refused, with the refit command, rather than answering with a crash."""
    import json
    import shutil

    db = tmp_path / "v.duckdb"
    shutil.copy(fitted[0], db)
    shutil.copytree(fitted[0].with_suffix(".forecast"), db.with_suffix(".forecast"))
    meta_path = db.with_suffix(".forecast") / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["features"] = meta["features"][:-4]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with Store(db, read_only=True) as st:
        s = onstore.status(st)
        assert s["stale"] is True and s["other_version"] is True and "another version of barograph" in s["message"]
        with pytest.raises(BadInput, match="fitted by another version of barograph .*refit with: barograph forecast fit --db"):
            onstore.who(st, "RUS", "19")
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "forecast", "--who", "RUS", "--root", "19", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2 and p.stdout == "" and p.stderr.strip().count("\n") == 0 and "another version" in p.stderr
    with Store(db, read_only=True) as st:
        onstore.fit_store(st, ("root",), evaluate_valid=False)
        after = onstore.status(st)
        assert after["stale"] is False and after["other_version"] is False and onstore.who(st, "RUS", "19")["answers"]


def test_fit_in_text_says_how_many_answers_the_candidates_name(tmp_path):
    db = tmp_path / "t.duckdb"
    with Store(db) as st:
        insert(st, synthetic_rows())
    res = CliRunner().invoke(app, ["forecast", "fit", "--relation", "plover", "--db", str(db)])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if x.strip().startswith("plover:"))
    recall = float(line.rsplit("answers among the candidates ", 1)[1])
    assert 0.5 < recall <= 1.0


def test_a_store_too_small_to_fit_says_so(tmp_path):
    db = tmp_path / "t.duckdb"
    with Store(db) as st:
        insert(st, synthetic_rows(days=2))
    res = CliRunner().invoke(app, ["forecast", "fit", "--db", str(db)])
    assert isinstance(res.exception, BadInput) and "the forecaster needs at least" in str(res.exception)


def test_api_answers_from_the_fitted_model(fitted):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from barograph.interfaces.web.app import create_app

    db, _ = fitted
    with TestClient(create_app(db)) as c:
        m = c.get("/api/forecast/model").json()
        assert m["available"] is True and m["stale"] is False and set(m["kinds"]) == {"root", "plover"}
        who = c.get("/api/actors/RUS/forecast", params={"root": "19", "top": 3})
        assert who.status_code == 200 and who.json()["answers"][0]["object"] == "UKR" and len(who.json()["answers"]) <= 3
        json.loads(who.text, parse_constant=lambda x: pytest.fail(f"non-JSON constant {x}"))
        what = c.get("/api/dyads/UKR/RUS/forecast/what").json()
        assert what["available"] is True and what["answers"][0]["relation"] == "11"
        by_plover = c.get("/api/dyads/UKR/RUS/forecast/what", params={"kind": "plover"}).json()
        assert by_plover["answers"][0]["relation"] == "ACCUSE"
        unknown = c.get("/api/actors/XXX/forecast", params={"plover": "FIGHT"}).json()
        assert unknown["available"] is False and "no asserted events involving XXX" in unknown["detail"]
        assert c.get("/api/actors/RUS/forecast").status_code == 422  # neither root nor plover


@pytest.mark.browser
def test_dyad_and_actor_pages_show_the_fitted_answers(fitted):
    from test_browser_pages import ARGS, CHROMIUM, check_clean, visit
    from test_web_data import LiveServer

    from barograph.interfaces.web.app import create_app

    if not __import__("pathlib").Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    db, _ = fitted
    with LiveServer(create_app(db)) as s, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        ctx, page, *problems = visit(b, s.url + "/dyad/UKR/RUS?directed=true", "dyad-fitted", "#forecast-what li")
        check_clean(*problems)
        first = page.locator("#forecast-what li").first.inner_text()
        assert first.startswith("11 Disapprove") and "%" in first and "2020-03-" in first
        assert "model fitted on this store" in page.locator("#forecast-what h3").inner_text()
        ctx.close()
        ctx, page, *problems = visit(b, s.url + "/actor/RUS", "actor-fitted", "#forecast-who li")
        check_clean(*problems)
        page.wait_for_function("document.querySelectorAll('#forecast-who li').length >= 4")
        fight = [t for t in page.locator("#forecast-who li").all_inner_texts() if t.startswith("19 Fight")]
        assert fight and fight[0].startswith("19 Fight: UKR ")
        ctx.close()
        b.close()
