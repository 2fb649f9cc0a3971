"""Forecasting: the time-aware filter and metrics on hand-made quadruples, no leakage of the
answer into the history, the recurrency baseline by hand, explanations that name real past
facts, dyad conflict scoring, and the `barograph forecast` command on a real DuckDB file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from barograph.analysis.forecast import dyad
from barograph.analysis.forecast.data import TKG, load_icews, relation_roots, with_inverses
from barograph.analysis.forecast.evaluate import Day, filtered_ranks, iter_days, metrics
from barograph.analysis.forecast.explain import explain, query_day
from barograph.analysis.forecast.model import Forecaster
from barograph.analysis.forecast.recurrency import Recurrency
from barograph.errors import BadInput


def day_with(answers: list[int], n_queries: int = 1) -> Day:
    """One query (0, 0, ?) on day 5 whose true objects are `answers`."""
    facts = np.array([[0, 0, o, 5] for o in answers])
    return Day(5, np.zeros((0, 4), dtype=np.int64), facts, np.array([0]), np.array([0]), np.zeros(len(answers), dtype=np.int64))


def test_time_aware_filter_and_fair_ties_by_hand():
    # 6 entities; answers 1 and 2; candidate scores 1:.9 2:.5 3:.7 4:.5 ; 0 and 5 unnamed
    d = day_with([1, 2])
    q, o, s = np.zeros(4, dtype=np.int64), np.array([1, 2, 3, 4]), np.array([0.9, 0.5, 0.7, 0.5])
    r = filtered_ranks(d, q, o, s, n_ent=6)
    # 1: only 3 (.7) and 4 (.5) compete (2 is filtered) -> rank 1
    # 2: 3 beats it, 4 ties (counts half), 1 is filtered -> 1 + 1 + 0.5
    assert r.tolist() == [1.0, 2.5]


def test_unnamed_answer_ranks_below_candidates_tied_with_the_rest():
    d = day_with([0, 1])
    q, o, s = np.zeros(2, dtype=np.int64), np.array([1, 3]), np.array([0.8, 0.2])
    r = filtered_ranks(d, q, o, s, n_ent=6)
    # answer 0 unnamed: below 3 (1 competitor), tied with 2, 4, 5 -> 1 + 1 + 3/2
    assert r[0] == pytest.approx(3.5)
    assert r[1] == 1.0  # 3 scores lower than 1
    # no candidates at all: the answer ties with every other non-answer entity
    r = filtered_ranks(day_with([2]), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), 6)
    assert r.tolist() == [1 + 5 / 2]


def test_metrics_by_hand():
    m = metrics(np.array([1, 2, 4, 20]))
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0.25 + 0.05) / 4)
    assert (m["h1"], m["h3"], m["h10"]) == (0.25, 0.5, 0.75)


def tiny_graph(n_days: int = 40, seed: int = 0) -> TKG:
    """A graph with habits: entity pairs that repeat, answer each other, and some noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(n_days):
        for s, r, o, every in ((0, 0, 1, 2), (1, 1, 0, 3), (2, 0, 3, 1), (3, 2, 4, 4), (4, 0, 2, 5)):
            if d % every == 0:
                rows.append((s, r, o, d))
        for _ in range(2):
            rows.append((int(rng.integers(5, 12)), int(rng.integers(0, 3)), int(rng.integers(0, 12)), d))
    q = np.array(rows, dtype=np.int64)
    g = TKG([f"E{i}" for i in range(12)], ["Consult", "Make_statement", "Use_conventional_military_force"])
    g.splits = {"train": q[q[:, 3] < 24], "valid": q[(q[:, 3] >= 24) & (q[:, 3] < 32)], "test": q[q[:, 3] >= 32]}
    g.epoch = "2014-01-01"
    return g


def test_no_answer_leaks_into_the_history():
    g = tiny_graph()
    n = 0
    for day in iter_days(g, "test"):
        assert (day.history[:, 3] < day.day).all()
        assert (day.facts[:, 3] == day.day).all()
        # the history still holds every earlier test day (single-step setting)
        earlier = g.splits["test"][g.splits["test"][:, 3] < day.day]
        assert len(day.history) == len(g.splits["train"]) * 2 + len(g.splits["valid"]) * 2 + len(earlier) * 2
        n += len(day.facts)
    assert n == 2 * len(g.splits["test"])


def test_a_fact_first_seen_today_gives_no_evidence_for_itself():
    g = tiny_graph()
    new = np.array([[3, 1, 0, 35]])  # never happened before day 35 (noise subjects are 5..11)
    g.splits["test"] = np.concatenate([g.splits["test"], new])
    m = Forecaster(g)
    day = next(d for d in iter_days(g, "test") if d.day == 35)
    f = m.features(day)
    qi = np.flatnonzero((day.qs == 3) & (day.qr == 1))[0]
    from barograph.analysis.forecast.features import FEATURES

    row = np.flatnonzero((f.q == qi) & (f.o == 0))
    assert len(row) == 0 or f.X[row[0], FEATURES.index("same_seen")] == 0
    p = Recurrency(g.n_ent, g.n_rel)(day)
    assert not ((p[0] == qi) & (p[1] == 0)).any()


def test_recurrency_scores_by_hand():
    g = TKG([f"E{i}" for i in range(4)], ["a", "b"])
    g.splits = {
        "train": np.array([[0, 0, 1, 0], [0, 0, 2, 1], [0, 0, 1, 2]]),
        "valid": np.zeros((0, 4), dtype=np.int64),
        "test": np.array([[0, 0, 1, 3]]),
    }
    m = Recurrency(g.n_ent, g.n_rel, lam=0.5, alpha=0.6)
    day = next(iter_days(g, "test"))
    q, o, s = m(day)
    qi = np.flatnonzero((day.qs == 0) & (day.qr == 0))[0]
    got = {int(oo): ss for qq, oo, ss in zip(q, o, s) if qq == qi}
    assert got[1] == pytest.approx(0.6 * 0.5**1 + 0.4 * 2 / 3)
    assert got[2] == pytest.approx(0.6 * 0.5**2 + 0.4 * 1 / 3)
    r = filtered_ranks(day, q, o, s, g.n_ent)
    assert r[0] == 1.0  # E1 on top for (E0, a, ?)


def test_forecaster_learns_habits_and_explains_with_real_past_facts():
    g = tiny_graph()
    m = Forecaster(g)
    m.fit(splits=(("train", 10), ("valid", 0)))
    from barograph.analysis.forecast.evaluate import evaluate

    res = evaluate(m, g, "test")
    base = evaluate(Recurrency(g.n_ent, g.n_rel), g, "test")
    assert res["mrr"] > 0.3 and res["n"] == 2 * len(g.splits["test"])
    assert res["mrr"] >= base["mrr"] - 0.05
    ex = explain(m, 0, 0, 36, top=3)
    assert ex["candidates"][0]["object"] == "E1"
    assert ex["date"] == "2014-02-06"
    facts = {tuple(x) for x in np.concatenate([g.splits[s] for s in ("train", "valid", "test")]).tolist()}
    ev = ex["candidates"][0]["evidence"]
    assert ev and ex["candidates"][0]["reasons"]
    for e in ev:
        s, r, o = g.entities.index(e["subject"]), g.relations.index(e["relation"]), g.entities.index(e["object"])
        assert (s, r, o, e["day"]) in facts and e["day"] < 36


def test_fit_reports_the_share_of_answers_the_candidates_name():
    """`fit` says, per split, how many answers were among the candidates at all (no ordering
    can rank the rest): counted here again, day by day, from the features."""
    g = tiny_graph()
    # an entity first met on a validation day: no rule names it as an answer
    g.entities = g.entities + ["Newcomer"]
    g.splits["valid"] = np.concatenate([g.splits["valid"], [[0, 2, 12, 26]]])
    g.splits["valid"] = g.splits["valid"][np.argsort(g.splits["valid"][:, 3], kind="stable")]
    m = Forecaster(g)
    info = m.fit(splits=(("train", 10), ("valid", 0)))
    found = answers = 0
    for day in iter_days(g, "valid"):
        f = m.features(day)
        akey = np.unique(day.fact_query * g.n_ent + day.facts[:, 2])
        answers += len(akey)
        found += int(np.isin(akey, f.q * g.n_ent + f.o).sum())
    assert 0 < found < answers
    assert info["recall"]["valid"] == round(found / answers, 4)
    assert set(info["recall"]) == {"train", "valid"}


def test_dyad_weekly_counts_and_scores_by_hand():
    s = np.array([0, 1, 0, 2, 0])
    o = np.array([1, 0, 1, 0, 2])
    day = np.array([0, 1, 8, 9, 15])
    conflict = np.array([True, False, False, True, True])
    dw = dyad.DyadWeeks.build(s, o, day // 7, conflict, n_ent=3)
    r01 = np.flatnonzero((dw.a == 0) & (dw.b == 1))[0]
    assert dw.n[r01].tolist() == [2, 1, 0] and dw.n4[r01].tolist() == [1, 0, 0]
    assert dw.ent4[0].tolist() == [1, 1, 1]
    rows, _, pers, _ = dw.at(1)
    assert set(rows.tolist()) == {0, 1} and pers.tolist() == [0.0, 1.0]
    assert dw.target(rows, 2).tolist() == [0.0, 1.0]
    assert dyad.roc_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 0, 1, 1])) == pytest.approx(0.75)
    assert dyad.brier(np.array([1.0, 0.0]), np.array([0.0, 0.0])) == 0.5


def test_icews14_loads_and_every_relation_has_a_cameo_root(shared):
    g = load_icews(shared / "bench" / "icews14")
    assert (g.n_ent, g.n_rel, g.step) == (7128, 230, 24)
    assert {s: len(q) for s, q in g.splits.items()} == {"train": 74845, "valid": 8514, "test": 7371}
    assert g.splits["train"][:, 3].max() < g.splits["valid"][:, 3].min()
    roots = relation_roots(g.relations)
    assert all(roots) and roots[g.relations.index("Use_conventional_military_force")] == "19"
    assert len(with_inverses(g.splits["test"], g.n_rel)) == 2 * 7371


def test_relations_named_by_cameo_code_get_their_root():
    """A graph derived from GDELT may name its relations by CAMEO code; the dyad-conflict
    section then still finds the material-conflict ones (roots 18-20)."""
    assert relation_roots(["190", "0231", "20", "183", "Fight", "2101", "99", "1"]) == ["19", "02", "20", "18", "19", "", "", ""]


def test_bad_benchmark_line_names_file_and_line(tmp_path):
    for name, text in {
        "entity2id.txt": "A\t0\nB\t1\n",
        "relation2id.txt": "r\t0\n",
        "train.txt": "0\t0\t1\t0\n",
        "valid.txt": "0\t0\tx\t24\n",
        "test.txt": "0\t0\t1\t48\n",
    }.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(BadInput, match=r"valid.txt:1: expected integer"):
        load_icews(tmp_path)


def _quads_folder(folder, files: dict[str, str | bytes]) -> None:
    folder.mkdir()
    splits = {"train.txt": "0\t0\t1\t0\n2\t1\t3\t24\n", "valid.txt": "1\t0\t2\t48\n", "test.txt": "3\t1\t0\t72\n"}
    for name, text in {**splits, **files}.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())


def test_a_folder_without_name_files_is_counted_from_stat_txt_or_its_ids(tmp_path):
    _quads_folder(tmp_path / "stat", {"stat.txt": "6\t4\t0"})
    g = load_icews(tmp_path / "stat")
    assert (g.n_ent, g.n_rel, g.step) == (6, 4, 24)  # stat.txt may count entities no quadruple uses
    assert g.entities[5] == "entity 5" and g.relation_name(4 + 1) == "relation 1^-1"
    _quads_folder(tmp_path / "bare", {})
    g = load_icews(tmp_path / "bare")
    assert (g.n_ent, g.n_rel) == (4, 2) and g.splits["test"].tolist() == [[3, 1, 0, 3]]


def test_name_files_with_gaps_either_column_order_or_other_bytes_load(tmp_path):
    ents = "Police (Nigeria)\t0\n2\tNigeria\n".encode() + "Caf\xe9\t3\n".encode("latin-1")
    _quads_folder(tmp_path / "g", {"entity2id.txt": ents, "relation2id.txt": "Make statement\t0\nAccuse\t1\n"})
    g = load_icews(tmp_path / "g")
    assert g.entities[:3] == ["Police (Nigeria)", "entity 1", "Nigeria"] and g.entities[3].startswith("Caf")
    assert g.relations == ["Make statement", "Accuse"]


@pytest.mark.parametrize(
    "files, culprit",
    [
        (
            {"entity2id.txt": "A\t0\nB\t1\nC\t2\n", "relation2id.txt": "r\t0\ns\t1\n"},
            "train.txt:2: id past the 3 entities and 2 relations of entity2id.txt and relation2id.txt",
        ),
        ({"stat.txt": "4\t1\t0"}, "train.txt:2: id past the 4 entities and 1 relations of stat.txt"),
        ({"relation2id.txt": "r\t0\nno id here\n"}, "relation2id.txt:2: expected 'name<TAB>id'"),
    ],
)
def test_name_files_that_do_not_fit_the_quadruples_are_refused_in_one_line(tmp_path, files, culprit):
    _quads_folder(tmp_path / "g", files)
    with pytest.raises(BadInput, match=re.escape(culprit)) as e:
        load_icews(tmp_path / "g")
    assert "\n" not in str(e.value)


def make_store(path):
    from barograph.store.db import Store

    rows = [  # (id, date, source, target, cameo, root, quad, text)
        ("e1", "2016-01-04", "RUS", "TUR", "190", "19", 4, "Russian jets struck Turkish positions."),
        ("e2", "2016-01-10", "RUS", "TUR", "111", "11", 3, "Moscow criticised Ankara."),
        ("e3", "2016-01-12", "TUR", "RUS", "173", "17", 4, "Turkey detained Russian sailors."),
        ("e4", "2016-01-13", "RUS", "TUR", "190", "19", 4, "Russian artillery fired on Turkish troops."),
        ("e5", "2016-01-13", "USA", "TUR", "040", "04", 1, "Washington consulted Ankara."),
        ("e6", "2016-01-14", "RUS", "TUR", "130", "13", 3, "Russia might strike again, officials said."),
    ]
    with Store(path) as st:
        for eid, d, s, t, c, r, q, text in rows:
            st.con.execute(
                "INSERT INTO events (event_id, date, source, source_entity, target, target_entity, cameo, root_code, "
                "quad_class, text, doc, modality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'doc1', ?)",
                [eid, d, s, s, t, t, c, r, q, text, "hypothetical" if eid == "e6" else "asserted"],
            )


def test_forecast_command_on_a_real_store(tmp_path):
    from typer.testing import CliRunner

    from barograph.interfaces.cli import app

    db = tmp_path / "f.duckdb"
    make_store(db)
    res = CliRunner().invoke(app, ["forecast", "--dyad", "RUS", "TUR", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    types = data["next_event_types"]
    assert types[0]["root"] == "19" and types[0]["evidence"][0]["event_id"] == "e4"
    assert sum(t["probability"] for t in types) <= 1.0 + 1e-9
    # the hypothetical threat is not history
    assert all(e["event_id"] != "e6" for t in types for e in t["evidence"])
    mc = data["material_conflict_next_week"]
    assert mc["conflict_this_week"] is True and 0.0 < mc["probability"] < 1.0
    res = CliRunner().invoke(app, ["forecast", "--dyad", "RUS", "TUR", "--db", str(db)])
    assert res.exit_code == 0 and "Fight" in res.stdout and "2016-01-13" in res.stdout


def test_forecast_command_errors_in_one_line(tmp_path):
    db = tmp_path / "f.duckdb"
    make_store(db)
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "forecast", "--dyad", "XXX", "YYY", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "no asserted events involving XXX or YYY" in p.stderr


def test_linear_only_model_scores_are_its_weighted_evidence():
    g = tiny_graph()
    m = Forecaster(g, rerank=False)
    m.fit(splits=(("train", 10), ("valid", 0)))
    assert m.booster is None
    day = next(iter_days(g, "test"))
    q, _, s = m(day)
    f = m.features(day)
    manual = ((f.X - m.mean) / m.std) @ m.w
    assert np.allclose(s, manual, rtol=1e-4, atol=1e-4) and len(q) == len(f.X)  # float32 features


def test_top_per_group_keeps_the_k_best_of_each_group():
    from barograph.analysis.forecast.features import top_per_group

    group = np.array([1, 0, 1, 1, 0, 2])
    score = np.array([0.5, 0.1, 0.9, 0.7, 0.3, 0.0])
    assert top_per_group(group, score, 2).tolist() == [False, True, True, True, True, True]
    assert top_per_group(group, score, 1).tolist() == [False, False, True, False, True, True]


def test_top_per_group_keeps_what_sorting_by_group_and_score_keeps():
    """The run-wise partition must keep exactly the rows a full sort by (group, -score) keeps,
    ties going to the earlier row, whether the groups come in runs or scattered."""
    from barograph.analysis.forecast.features import top_per_group

    rng = np.random.default_rng(3)
    for n, groups, k in ((2000, 40, 30), (500, 3, 100), (300, 200, 1), (50, 1, 5)):
        for runs in (True, False):
            group = rng.integers(0, groups, n)
            group = np.sort(group) if runs else group
            score = rng.integers(0, 6, n) / 5.0  # many ties
            order = np.lexsort((-score, group))
            g = group[order]
            rank = np.arange(n) - np.searchsorted(g, g, "left")
            expected = np.zeros(n, dtype=bool)
            expected[order] = rank < k
            assert np.array_equal(top_per_group(group, score, k), expected), (n, groups, k, runs)


def test_decayed_weights_are_exactly_the_exp_of_each_age():
    from barograph.analysis.forecast.history import decayed

    rng = np.random.default_rng(5)
    for d in (rng.integers(0, 400, 5000), rng.integers(-50, 10, 30), np.array([3, 1_000_000]), np.zeros(0, dtype=np.int64)):
        day = int(d.max()) + 2 if len(d) else 7
        got = decayed(day, d, (1.0, 7.0, 30.0))
        for tau, w in got.items():
            assert np.array_equal(w, np.exp(-(day - d).astype(np.float64) / tau))


def test_a_table_cut_from_the_sorted_graph_equals_one_built_from_the_days_history():
    """`Sorted.table` (one sort of the whole graph, then a mask per day) must give every day
    exactly the table `Table.build` makes from that day's history: same keys, counts, first
    and last days, and decayed sums equal to the last bit (so the benchmark does not move)."""
    from barograph.analysis.forecast.history import Sorted, Table

    rng = np.random.default_rng(3)
    d = np.sort(rng.integers(0, 50, 3000))
    key = rng.integers(0, 40, 3000) * 1000 + rng.integers(0, 30, 3000)
    index = Sorted.of(key, d)
    for day in (0, 1, 17, 49, 50, 80):
        h = d < day
        want = Table.build(key[h], d[h], day, (30.0, 3.0))
        got = index.table(day, (30.0, 3.0))
        for f in ("key", "count", "last", "first"):
            assert np.array_equal(getattr(got, f), getattr(want, f)), (day, f)
        for t in (30.0, 3.0):
            assert np.array_equal(got.decayed[t], want.decayed[t]), (day, t)
    assert len(index.table(0, ()).key) == 0 and index.table(80, ()).count.sum() == 3000


def test_the_graphs_index_stands_in_only_for_a_day_of_that_graph():
    """Forecaster.features reads a day's tables from the graph's index; the features must be
    the ones built from the day's own history, and a day whose history is not the graph's
    facts before it (a store's, a trimmed one) must not be read from the index."""
    from barograph.analysis.forecast.features import day_features

    g = tiny_graph()
    m = Forecaster(g)
    days = [d for s in ("train", "valid", "test") for d in iter_days(g, s)]
    for day in days:
        got, want = m.features(day), day_features(day, g.n_ent, g.n_rel, m.prior)
        assert m._index.covers(day)
        assert np.array_equal(got.q, want.q) and np.array_equal(got.o, want.o) and np.array_equal(got.X, want.X)
    day = days[-1]
    trimmed = Day(day.day, day.history[day.history[:, 0] != 0], day.facts, day.qs, day.qr, day.fact_query)
    assert not m._index.covers(trimmed)
    got, want = m.features(trimmed), day_features(trimmed, g.n_ent, g.n_rel, m.prior)
    assert np.array_equal(got.X, want.X)
    assert not np.array_equal(got.X, m.features(day).X) or len(got.q) != len(m.features(day).q)


def test_the_tuned_baseline_reads_the_same_parts_from_its_sorted_graph():
    from barograph.analysis.forecast.recurrency import parts

    g = tiny_graph()
    base = Recurrency(g.n_ent, g.n_rel)
    base.tune(g)
    assert base._index is not None
    for day in iter_days(g, "test"):
        got, want = base._parts(day), parts(day, g.n_ent, 2 * g.n_rel)
        for f in ("q", "o", "age", "share"):
            assert np.array_equal(getattr(got, f), getattr(want, f))
    day = next(iter_days(g, "test"))
    trimmed = Day(day.day, day.history[:-3], day.facts, day.qs, day.qr, day.fact_query)
    assert np.array_equal(base._parts(trimmed).share, parts(trimmed, g.n_ent, 2 * g.n_rel).share)


def tiny_day_features():
    """The tiny graph, its prior, test day 34, that day's features and their column index."""
    from barograph.analysis.forecast.features import FEATURES, Prior, day_features

    g = tiny_graph()
    prior = Prior.fit(with_inverses(g.splits["train"], g.n_rel), g.n_ent, g.n_rel)
    day = next(d for d in iter_days(g, "test") if d.day == 34)
    return g, prior, day, day_features(day, g.n_ent, g.n_rel, prior), {k: i for i, k in enumerate(FEATURES)}


def test_features_match_a_by_hand_reading_of_the_history():
    g, prior, day, f, col = tiny_day_features()
    h = day.history
    checked = 0
    for qi, (s, r) in enumerate(zip(day.qs, day.qr)):
        rows = np.flatnonzero(f.q == qi)
        # every object s met before is a candidate (the caps do not bind on 12 entities)
        assert set(np.unique(h[h[:, 0] == s, 2]).tolist()) <= set(f.o[rows].tolist())
        for i in rows:
            o = f.o[i]
            same = h[(h[:, 0] == s) & (h[:, 1] == r) & (h[:, 2] == o)]
            n_sr = ((h[:, 0] == s) & (h[:, 1] == r)).sum()
            assert f.X[i, col["same_seen"]] == (len(same) > 0)
            if len(same):
                assert f.X[i, col["same_share"]] == pytest.approx(len(same) / n_sr, rel=1e-5)
                assert f.X[i, col["same_r7"]] == pytest.approx(np.exp(-(day.day - same[:, 3].max()) / 7), rel=1e-5)
            pair = h[(h[:, 0] == s) & (h[:, 2] == o)]
            assert f.X[i, col["pair_logcnt"]] == pytest.approx(np.log1p(len(pair)), rel=1e-5)
            rel = sum(prior.W[r, r2] * np.exp(-(day.day - pair[pair[:, 1] == r2, 3].max()) / 30) for r2 in np.unique(pair[:, 1]))
            assert f.X[i, col["related_sum"]] == pytest.approx(rel, rel=1e-4, abs=1e-6)
            # two hops s -> x -r-> o, each x weighted by its share of s's facts
            tw = 0.0
            for x in np.unique(h[h[:, 0] == s, 2]):
                xr = h[(h[:, 0] == x) & (h[:, 1] == r)]
                if len(xr):
                    tw += ((h[:, 0] == s) & (h[:, 2] == x)).sum() / (h[:, 0] == s).sum() * (xr[:, 2] == o).sum() / len(xr)
            assert f.X[i, col["twohop_r"]] == pytest.approx(tw, rel=1e-4, abs=1e-7)
            checked += 1
    assert checked > 20


def test_context_features_match_a_by_hand_reading_of_the_history():
    """The object's recent presence, the subject's history and the shorter time scales,
    each recomputed here from the raw facts, one loop per candidate."""
    g, prior, day, f, col = tiny_day_features()
    h = day.history
    latest = h[h[:, 3] == h[:, 3].max()]
    seen = {"due": 0, "last_day": 0}
    for i, (qi, o) in enumerate(zip(f.q, f.o)):
        s, r, x = day.qs[qi], day.qr[qi], f.X[i]
        # o as r's object on the latest day, as a share of r's facts that day
        n_r = (latest[:, 1] == r).sum()
        want = ((latest[:, 1] == r) & (latest[:, 2] == o)).sum() / max(n_r, 1)
        assert x[col["obj_r_last_day"]] == pytest.approx(want, rel=1e-5, abs=1e-7)
        of_o = h[h[:, 0] == o]
        assert x[col["obj_recent"]] == pytest.approx(np.exp(-(day.day - of_o[:, 3].max()) / 7) if len(of_o) else 0.0, rel=1e-5, abs=1e-7)
        sr = h[(h[:, 0] == s) & (h[:, 1] == r)]
        assert x[col["subj_r_logdistinct"]] == pytest.approx(np.log1p(len(np.unique(sr[:, 2]))), rel=1e-5)
        # o on the receiving end of relations like r: W-weighted, 30-day decayed, share of o's incoming
        inc = h[h[:, 2] == o]
        dec = np.exp(-(day.day - inc[:, 3]) / 30.0)
        want = (prior.W[r, inc[:, 1]] * dec).sum() / max(dec.sum(), 1e-9)
        assert x[col["obj_receives_related"]] == pytest.approx(want, rel=1e-4, abs=1e-7)
        same = sr[sr[:, 2] == o]
        if len(same):
            w7 = np.exp(-(day.day - sr[:, 3]) / 7.0)
            assert x[col["same_decshare7"]] == pytest.approx(w7[sr[:, 2] == o].sum() / w7.sum(), rel=1e-5)
            assert x[col["same_logfirst"]] == pytest.approx(np.log1p(day.day - same[:, 3].min()), rel=1e-5)
        if len(same) >= 2:  # a repeat is "due" when the time since the last one nears the mean gap
            gap = (same[:, 3].max() - same[:, 3].min()) / (len(same) - 1)
            since = day.day - same[:, 3].max()
            assert x[col["same_due"]] == pytest.approx(np.exp(-abs(since - gap) / max(gap, 1.0)), rel=1e-5)
            seen["due"] += 1
        else:
            assert x[col["same_due"]] == 0.0
        n_pair = ((latest[:, 0] == s) & (latest[:, 2] == o)).sum()
        assert x[col["pair_last_day"]] == pytest.approx(np.log1p(n_pair), rel=1e-5)
        seen["last_day"] += n_pair > 0
    assert seen["due"] > 3 and seen["last_day"] > 0  # the checks above are not all on zeros


def test_fitting_rows_merge_the_same_whether_or_not_the_parts_are_consumed():
    from barograph.analysis.forecast.model import _merge

    rng = np.random.default_rng(3)

    def part(n_q, rows):
        return {
            "X": rng.random((rows, 4)).astype(np.float32),
            "q": np.sort(rng.integers(0, n_q, rows)),
            "y": rng.random(rows) < 0.2,
            "r": rng.integers(0, 5, rows),
        }

    parts = [part(7, 30), part(3, 11), part(5, 20)]
    kept = _merge(parts)
    assert len(parts) == 3
    taken = _merge(list(parts), consume=True)
    for k in ("X", "q", "y", "r"):
        assert np.array_equal(kept[k], taken[k])
        assert np.array_equal(kept[k], np.concatenate([p[k] for p in parts]) if k != "q" else kept[k])
    # query ids stay distinct across parts: each part's ids are shifted past the previous ones
    assert np.array_equal(kept["q"][:30], parts[0]["q"])
    assert kept["q"][30:41].min() == parts[0]["q"].max() + 1 + parts[1]["q"].min()
    consumed = list(parts)
    _merge(consumed, consume=True)
    assert consumed == []


def test_column_stats_a_block_at_a_time_equal_numpys():
    from barograph.analysis.forecast.model import _column_stats

    X = (np.random.default_rng(2).random((1000, 3)) * [1.0, 50.0, 1e-3] + [0.0, 7.0, 2.0]).astype(np.float32)
    mean, std = _column_stats(X, block=64)
    assert np.allclose(mean, X.mean(0, dtype=np.float64)) and np.allclose(std, X.std(0, dtype=np.float64), rtol=1e-6)


def test_linear_scores_equal_the_standardised_features_times_the_weights():
    g = tiny_graph()
    model = Forecaster(g, rerank=False)
    model.fit(splits=(("train", 0),), select=False)
    X = np.random.default_rng(1).random((50, model.w.size)).astype(np.float32) * 5
    want = ((X - model.mean) / model.std) @ model.w
    assert np.allclose(model.linear(X, np.zeros(50, dtype=np.int64)), want, rtol=1e-4, atol=1e-4)
    rows = np.array([4, 0, 7])
    t = model.tree_input(X, want, rows)
    assert np.allclose(t[:, :-1], (X[rows] - model.mean) / model.std, atol=1e-5) and np.allclose(t[:, -1], want[rows])


def test_candidate_mrr_by_hand():
    from barograph.analysis.forecast.model import candidate_mrr

    # query 0: answers score .9 and .5, other candidates .7 and .5 -> ranks 1 and 2.5
    # query 1: answer .2 below one other candidate .8 -> rank 2
    q = np.array([0, 0, 0, 0, 1, 1])
    y = np.array([True, True, False, False, True, False])
    s = np.array([0.9, 0.5, 0.7, 0.5, 0.2, 0.8])
    assert candidate_mrr(s, q, y) == pytest.approx((1 + 1 / 2.5 + 1 / 2) / 3)


def test_fitting_and_selection_never_see_the_test_split():
    g = tiny_graph(n_days=60)
    a = Forecaster(g)
    info = a.fit(splits=(("train", 10), ("valid", 0)))
    assert info["l2"] in (1e-5, 1e-4, 1e-3) and "valid_mrr_linear" in info
    g.splits["test"] = g.splits["test"].copy()
    g.splits["test"][:, 2] = (g.splits["test"][:, 2] + 5) % g.n_ent  # other answers on the test days
    b = Forecaster(g)
    b.fit(splits=(("train", 10), ("valid", 0)))
    assert np.array_equal(a.w, b.w) and a.l2 == b.l2 and a.trees == b.trees


def write_layout(folder, g, cut: dict, step: int = 24, relations: list[str] | None = None) -> None:
    """g's quadruples as a benchmark folder (entity2id, relation2id, train/valid/test.txt),
    split by day ranges `cut`, timestamps `step` units per day."""
    q = np.concatenate(list(g.splits.values()))
    folder.mkdir()
    (folder / "entity2id.txt").write_text("".join(f"{e}\t{i}\n" for i, e in enumerate(g.entities)))
    (folder / "relation2id.txt").write_text("".join(f"{r}\t{i}\n" for i, r in enumerate(relations or g.relations)))
    for s, (lo, hi) in cut.items():
        part = q[(q[:, 3] >= lo) & (q[:, 3] < hi)]
        (folder / f"{s}.txt").write_text("".join(f"{a}\t{b}\t{c}\t{step * d}\t-1\n" for a, b, c, d in part))


def run_bench(folder, *args) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, str(root / "bench" / "forecast.py"), "--data", str(folder), "--quiet", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )


def test_bench_runs_on_any_folder_in_the_layout(tmp_path):
    g = tiny_graph(n_days=120, seed=1)
    folder = tmp_path / "somegraph"
    write_layout(folder, g, {"train": (0, 90), "valid": (90, 105), "test": (105, 120)})
    p = run_bench(folder, "--fit-days", "20")
    assert p.returncode == 0, p.stderr
    assert "ICEWS" not in p.stdout and "somegraph" in p.stdout
    lines = {ln.split()[0]: ln.split() for ln in p.stdout.splitlines() if ln.strip()}
    base, ours = float(lines["recurrency-baseline"][1]), float(lines["barograph"][1])
    assert 0 < base <= 1 and 0 < ours <= 1
    assert "chosen on valid" in p.stdout and "Brier" in p.stdout


@pytest.mark.parametrize(
    "relations, names, why",
    [
        (["wasBornIn", "playsFor", "isAffiliatedTo"], True, "no relation of this data set is a CAMEO material-conflict type"),
        (None, True, "the splits span too few weeks (0 to fit on before the test days, 0 to score)"),
        (None, False, "no relation of this data set is a CAMEO material-conflict type"),
    ],
)
def test_bench_ranks_a_short_graph_and_says_why_it_has_no_dyad_section(tmp_path, relations, names, why):
    """A held-out graph may be short (fewer training days than --fit-days), count in other
    units (step 1), have relations that are not CAMEO, or come without name files: the
    ranking still runs, and the dyad section says in one line why it is left out."""
    g = tiny_graph(n_days=30, seed=1)
    folder = tmp_path / "short"
    write_layout(folder, g, {"train": (0, 20), "valid": (20, 25), "test": (25, 30)}, step=1, relations=relations)
    if not names:
        (folder / "entity2id.txt").unlink()
        (folder / "relation2id.txt").unlink()
    p = run_bench(folder)  # --fit-days 60 by default: more than the 20 training days
    assert p.returncode == 0, p.stderr
    assert f"dyad material conflict next week (short): skipped, {why}" in p.stdout and "Brier" not in p.stdout
    lines = {ln.split()[0]: ln.split() for ln in p.stdout.splitlines() if ln.strip()}
    assert 0 < float(lines["recurrency-baseline"][1]) <= 1 and 0 < float(lines["barograph"][1]) <= 1


DATA = __import__("pathlib").Path(__file__).parent / "data"


def imported_store(tmp_path, kind: str):
    """A real store filled by `barograph import icews` (Dataverse .tab) or `import gdelt` (.zip)."""
    import zipfile

    from typer.testing import CliRunner

    from barograph.interfaces.cli import app

    db = tmp_path / f"{kind}.duckdb"
    if kind == "icews":
        args = ["import", "icews", str(DATA / "icews" / "events.2014.20150313084929.tab")]
    else:
        z = tmp_path / "20150218230000.export.CSV.zip"
        with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(DATA / "gdelt" / "20150218230000.export.CSV", "20150218230000.export.CSV")
        args = ["import", "gdelt", str(z)]
    res = CliRunner().invoke(app, [*args, "--db", str(db), "--quiet"])
    assert res.exit_code == 0, res.output
    return db


@pytest.mark.parametrize("kind", ["icews", "gdelt"])
def test_forecast_on_imported_stores_never_crashes_and_writes_strict_json(tmp_path, kind):
    from typer.testing import CliRunner

    from barograph.interfaces.cli import app

    db = imported_store(tmp_path, kind)
    res = CliRunner().invoke(app, ["forecast", "--dyad", "RUS", "UKR", "--db", str(db)])
    assert res.exit_code == 0, res.output  # was: TypeError: 'float' object is not subscriptable
    assert "Fight" in res.stdout and "base rate 0.026" in res.stdout and "90% interval" in res.stdout
    res = CliRunner().invoke(app, ["forecast", "--dyad", "RUS", "UKR", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "NaN" not in res.stdout
    data = json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    ev = [e for t in data["next_event_types"] for e in t["evidence"]]
    assert ev and all(e["text"] is None for e in ev)  # imported events carry no sentence: null, not NaN
    mc = data["material_conflict_next_week"]
    cal = mc["calibration"]
    assert cal["lo"] <= mc["probability"] < cal["hi"] and cal["low"] <= cal["observed"] <= cal["high"]
    assert mc["interval"] == [cal["low"], cal["high"]] and 0.02 < mc["base_rate"] < 0.03
    assert 0 < mc["dyad_conflict_weeks"] <= mc["dyad_weeks"]


def test_unknown_actor_gets_a_message_not_a_probability(tmp_path):
    db = imported_store(tmp_path, "icews")
    p = subprocess.run(
        [sys.executable, "-m", "barograph.interfaces.cli", "forecast", "--dyad", "RUS", "XXX", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and "no asserted events involving XXX" in p.stderr and "barograph actors XXX" in p.stderr


def test_dashboard_forecast_says_why_there_is_none(tmp_path):
    from barograph.interfaces.web import views
    from barograph.store.db import Store

    db = imported_store(tmp_path, "gdelt")
    with Store(db, read_only=True) as st:
        none = views.forecast(st, "RUS", "XXX")
        some = views.forecast(st, "RUS", "UKR")
    assert none["available"] is False and "no asserted events involving XXX" in none["detail"] and "probability" not in str(none)
    assert some["available"] is True and some["material_conflict_next_week"]["calibration"]["n"] > 0
    json.dumps(some, allow_nan=False)


def test_calibration_bins_and_wilson_interval_by_hand():
    p = np.array([0.005, 0.02, 0.02, 0.5, 0.9])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    bins = dyad.calibration(p, y, edges=(0.0, 0.01, 0.1, 1.0))
    assert [b["n"] for b in bins] == [1, 2, 2]
    assert bins[1]["observed"] == 0.5 and bins[2]["observed"] == 1.0 and bins[2]["predicted"] == pytest.approx(0.7)
    lo, hi = dyad.wilson(5, 10)
    # by hand, z = 1.645: centre (0.5 + z²/20) / (1 + z²/10) = 0.5, half 1.645·√(0.025 + z²/400) / 1.2706 = 0.2308
    assert lo == pytest.approx(0.2692, abs=1e-3) and hi == pytest.approx(0.7308, abs=1e-3)


def test_group_features_by_hand_and_explained_with_the_groups_facts():
    """An entity that never acted with r still gets, as candidates, the objects its group (the
    sectors of its country) acted on with r lately, with their decayed share; others do not."""
    from barograph.analysis.forecast.features import FEATURES, Prior, day_features, entity_groups

    names = ["Police (Atlantis)", "Citizen (Atlantis)", "Atlantis", "Police (Borduria)", "Citizen (Borduria)", "Sylvia Smith"]
    grp = entity_groups(names)
    assert grp[0] == grp[1] == grp[2] and grp[3] == grp[4] != grp[0] and grp[5] not in (grp[0], grp[3])
    n_rel = 2
    train = np.array([[0, 0, 1, 1], [0, 0, 1, 3], [1, 0, 0, 4], [3, 0, 4, 4], [3, 1, 5, 2]])
    g = TKG(names, ["r0", "r1"], {"train": train, "valid": train[:0], "test": np.array([[2, 0, 1, 6]])})
    prior = Prior.fit(with_inverses(train, n_rel), len(names), n_rel)
    prior.group = grp
    f = day_features(query_day(g, 2, 0, 6), len(names), n_rel, prior)
    col = {k: i for i, k in enumerate(FEATURES)}
    got = {int(o): f.X[i] for i, o in enumerate(f.o)}
    assert 1 in got and 0 in got  # Atlantis never acted: its group's objects are named
    w = {d: np.exp(-(6 - d) / 30.0) for d in range(7)}
    total = w[1] + w[3] + w[4]  # (Atlantis group, r0, *): Police->Citizen twice, Citizen->Police once
    assert got[1][col["group_share"]] == pytest.approx((w[1] + w[3]) / total, rel=1e-5)
    assert got[0][col["group_share"]] == pytest.approx(w[4] / total, rel=1e-5)
    assert got[1][col["group_same"]] == 1.0
    if 4 in got:  # Borduria's citizens: named only as a popular object, not by the group
        assert got[4][col["group_share"]] == 0.0 and got[4][col["group_same"]] == 0.0
    model = Forecaster(g, prior=prior, rerank=False)
    model.w[col["group_share"]] = 1.0
    out = explain(model, 2, 0, 6, top=2)
    first = out["candidates"][0]
    assert first["object"] == "Citizen (Atlantis)" and first["reasons"][0]["pattern"] == "group"
    assert {(e["subject"], e["object"], e["pattern"]) for e in first["evidence"]} == {("Police (Atlantis)", "Citizen (Atlantis)", "group")}


def test_sector_features_by_hand_and_explained_with_the_sectors_facts():
    """The police of a country that never did r get, for its own citizens, the share of r that
    the police of other countries spent on their own citizens; the same-group bit keeps that
    apart from what they did to another country's citizens."""
    from barograph.analysis.forecast.features import FEATURES, Prior, day_features, entity_groups, entity_sectors

    names = [
        "Police (Atlantis)",
        "Citizen (Atlantis)",
        "Police (Borduria)",
        "Citizen (Borduria)",
        "Police (Carpania)",
        "Citizen (Carpania)",
        "Sylvia Smith",
        "Police",
    ]
    sec = entity_sectors(names)
    assert sec[0] == sec[2] == sec[4] == sec[7] and sec[1] == sec[3] == sec[5] != sec[0]
    assert len({sec[6], sec[0], sec[1]}) == 3  # a name without parentheses is a sector of its own
    n_rel = 2
    train = np.array([[0, 0, 1, 1], [2, 0, 3, 3], [2, 0, 1, 4], [4, 1, 5, 2], [4, 1, 1, 2]])
    g = TKG(names, ["r0", "r1"], {"train": train, "valid": train[:0], "test": np.array([[4, 0, 5, 6]])})
    prior = Prior.fit(with_inverses(train, n_rel), len(names), n_rel)
    prior.group, prior.sector = entity_groups(names), sec
    f = day_features(query_day(g, 4, 0, 6), len(names), n_rel, prior)
    col = {k: i for i, k in enumerate(FEATURES)}
    got = {int(o): f.X[i] for i, o in enumerate(f.o)}
    assert {1, 3, 5} <= set(got)
    w = {d: np.exp(-(6 - d) / 30.0) for d in range(7)}
    total = w[1] + w[3] + w[4]  # (police, r0, *): every r0 fact of a police
    assert got[5][col["sector_share"]] == pytest.approx((w[1] + w[3]) / total, rel=1e-5)  # police -> own citizens
    assert got[1][col["sector_share"]] == pytest.approx(w[4] / total, rel=1e-5)  # police -> another country's
    assert got[1][col["sector_obj_share"]] == pytest.approx((w[1] + w[4]) / total, rel=1e-5)
    assert got[5][col["sector_obj_share"]] == 0.0
    assert got[5][col["sector_logshare"]] > got[1][col["sector_logshare"]] > 0
    model = Forecaster(g, prior=prior, rerank=False)
    model.w[col["sector_share"]] = 1.0
    first = explain(model, 4, 0, 6, top=1)["candidates"][0]
    assert first["object"] == "Citizen (Carpania)" and first["reasons"][0]["pattern"] == "sector"
    # its evidence: the pair's own r1 fact (the sector's facts are shown when nothing else is)
    assert {e["pattern"] for e in first["evidence"]} == {"pair"}
    model.w[col["sector_share"]] = 0.0
    model.w[col["sector_obj_share"]] = 1.0
    top = explain(model, 4, 0, 6, objects=[3])["candidates"][0]
    assert top["object"] == "Citizen (Borduria)" and top["reasons"][0]["pattern"] == "sector"
    assert [(e["subject"], e["object"], e["pattern"]) for e in top["evidence"]] == [("Police (Borduria)", "Citizen (Borduria)", "sector")]


def test_a_hubs_latest_repeats_are_named_before_older_busier_partners():
    """A subject with more past objects of r than TOP_PAIR holds keeps the ones it did r to
    most recently, even when older partners share more of its facts: in a graph of facts
    that hold for years, last year's facts are this year's answers."""
    from barograph.analysis.forecast.features import TOP_PAIR, Prior, day_features

    # more new objects than the popular-object and group candidates (30 each) can name
    old, new = range(1, TOP_PAIR + 31), range(TOP_PAIR + 31, TOP_PAIR + 91)
    names = ["Hub"] + [f"E{i}" for i in range(1, TOP_PAIR + 91)]
    # Hub did r0 to every E once; to the old ones on day 1, then r1 three times lately
    # (more of its recent facts than the new ones' single r0 of yesterday)
    train = [[0, 0, i, 1] for i in old] + [[0, 1, i, d] for i in old for d in (50, 51, 52)]
    train += [[0, 0, i, 59] for i in new]
    train = np.array(train)
    g = TKG(names, ["r0", "r1"], {"train": train, "valid": train[:0], "test": np.array([[0, 0, 1, 60]])})
    prior = Prior.fit(with_inverses(train, 2), len(names), 2)
    f = day_features(query_day(g, 0, 0, 60), len(names), 2, prior)
    named = set(f.o.tolist())
    assert set(new) <= named  # yesterday's objects of r0
    assert len(named & set(old)) < len(old)  # the cap still holds


def test_two_hop_evidence_is_one_path_per_intermediate_newest_first():
    """A candidate backed only by paths s -> x -r-> o shows each path once per intermediate x
    (x's latest x -r-> o, with s's latest fact with x before it), newest first; an x that did
    r to o on many days does not fill the evidence with the same path."""
    from barograph.analysis.forecast.features import FEATURES, Prior

    names = ["Ann", "Bo", "Cy", "Dee"]
    train = np.array([[0, 1, 1, 1], [0, 1, 2, 2], [1, 0, 3, 3], [1, 0, 3, 4], [1, 0, 3, 5], [2, 0, 3, 6]])
    g = TKG(names, ["r0", "r1"], {"train": train, "valid": train[:0], "test": np.array([[0, 0, 3, 8]])})
    model = Forecaster(g, prior=Prior.fit(with_inverses(train, 2), len(names), 2), rerank=False)
    model.w[FEATURES.index("twohop_r")] = 1.0
    top = explain(model, 0, 0, 8, objects=[3], evidence=3)["candidates"][0]
    assert top["object"] == "Dee"
    got = [(e["subject"], e["relation"], e["object"], e["day"], e["pattern"]) for e in top["evidence"]]
    assert got == [
        ("Ann", "r1", "Cy", 2, "twohop"),
        ("Cy", "r0", "Dee", 6, "twohop"),
        ("Ann", "r1", "Bo", 1, "twohop"),
        ("Bo", "r0", "Dee", 5, "twohop"),
    ]


def _synthetic_graph_module():
    """bench/synthetic_graph.py, a script rather than a package module, loaded from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synthetic_graph", Path(__file__).resolve().parent.parent / "bench" / "synthetic_graph.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_synthetic_interval_graph_repeats_each_fact_over_consecutive_years(tmp_path, monkeypatch):
    """`--shape wiki|yago`: facts hold over runs of years, so each triple's years are one
    unbroken run, the names carry no group, and the splits follow each other in time."""
    mod = _synthetic_graph_module()
    monkeypatch.setitem(mod.SHAPES, "small_wiki", (200, 5, 40, 1, 4000, 500, 500, 6))
    monkeypatch.setattr(mod, "INTERVALS", mod.INTERVALS | {"small_wiki"})
    sizes = mod.write(tmp_path / "g", "small_wiki", seed=3)
    g = load_icews(tmp_path / "g")
    assert g.entities[7] == "Q7" and (g.n_ent, g.n_rel) == (200, 5)
    assert {s: len(g.splits[s]) for s in ("train", "valid", "test")} == {s: n for s, (n, _, _) in sizes.items()}
    assert 4500 <= sum(n for n, _, _ in sizes.values()) <= 5100
    every = np.concatenate([g.splits[s] for s in ("train", "valid", "test")])
    assert g.splits["train"][:, 3].max() < g.splits["valid"][:, 3].min() and g.splits["valid"][:, 3].max() < g.splits["test"][:, 3].min()
    runs = {}
    for s_, r_, o_, t_ in every.tolist():
        runs.setdefault((s_, r_, o_), []).append(t_)
    years = [sorted(v) for v in runs.values()]
    assert all(len(set(v)) == len(v) and v[-1] - v[0] + 1 == len(v) for v in years)  # one unbroken run each
    assert np.mean([len(v) for v in years]) > 3  # facts hold for years, not one


def test_synthetic_graph_writes_a_folder_the_bench_reads_split_by_time(tmp_path, monkeypatch):
    """bench/synthetic_graph.py (timing graphs of other shapes) at a small shape: the loader
    reads it, the splits follow each other in time, and the step is found from the gaps."""
    mod = _synthetic_graph_module()
    monkeypatch.setitem(mod.SHAPES, "small", (300, 12, 90, 15, 3000, 400, 400, 500))
    sizes = mod.write(tmp_path / "g", "small", seed=1)
    g = load_icews(tmp_path / "g")
    assert (g.n_ent, g.n_rel) == (300, 12)
    assert {s: len(g.splits[s]) for s in ("train", "valid", "test")} == {s: n for s, (n, _, _) in sizes.items()}
    assert g.splits["train"][:, 3].max() < g.splits["valid"][:, 3].min() <= g.splits["valid"][:, 3].max() < g.splits["test"][:, 3].min()
    assert g.splits["test"][:, 3].max() <= 89 and g.entities[151] == "Entity 151 (Country 1)"
