"""Why the forecaster ranks an object where it does: the weighted evidence behind each
top candidate, and the past facts (with dates) that carry that evidence."""

from __future__ import annotations

import numpy as np

from barograph.analysis.forecast.data import TKG
from barograph.analysis.forecast.evaluate import Day, all_facts
from barograph.analysis.forecast.features import FEATURES

# which rule pattern each feature reads
PATTERN = {
    "same": "repeats (s, r, o)",
    "recip": "answers (o, r, s)",
    "pair": "dyad active (s, *, o)",
    "related": "related relation (s, r', o)",
    "twohop": "two-hop path s -> x -> o",
    "pop": "popular object of r",
    "self": "self-loop",
    "group": "entities of s's group did r to o",
    "sector": "entities of s's sector did r to o, or to o's sector",
    "obj": "o is in the news lately (and as r's object)",
    "subj": "what s's own history amounts to",
}


def query_day(g: TKG, s: int, r: int, day: int, facts: np.ndarray | None = None) -> Day:
    """A Day holding one query (s, r, ?) and every fact strictly before `day`."""
    every = all_facts(g) if facts is None else facts
    hist = every[: np.searchsorted(every[:, 3], day, side="left")]
    return Day(day, hist, np.zeros((0, 4), dtype=np.int64), np.array([s]), np.array([r]), np.zeros(0, dtype=np.int64))


def _fact(g: TKG, row) -> dict:
    s, r, o, d = (int(x) for x in row)
    if r >= g.n_rel:  # show inverse facts in their original direction
        s, r, o = o, r - g.n_rel, s
    return {"subject": g.entities[s], "relation": g.relations[r], "object": g.entities[o], "day": d, "date": g.date(d)}


def explain(model, s: int, r: int, day: int, top: int = 5, evidence: int = 3, objects: list[int] | None = None) -> dict:
    """Top candidates for (s, r, ?, day) with their scores, probabilities, contributing
    rule patterns and the past facts behind them; with `objects`, those candidates only
    (in score order; an object the model does not name is left out)."""
    g = model.g
    d = query_day(g, s, r, day)
    f = model.features(d)
    z = (f.X - model.mean) / model.std
    contrib = z * model.weights_for(r)
    score = model.score(f.X, np.full(len(f.q), r), f.q)
    if model.booster is not None:  # the trees' own per-feature contributions (SHAP)
        top_rows = np.flatnonzero(model.top_rows(contrib.sum(1), f.q))
        shap = model.booster.predict(model.tree_input(f.X[top_rows], contrib.sum(1)[top_rows]), pred_contrib=True)
        # the linear score's share goes back to the features in proportion to their linear parts
        lin = contrib[top_rows]
        tot = lin.sum(1, keepdims=True)
        share = np.divide(lin, tot, out=np.zeros_like(lin), where=np.abs(tot) > 1e-12)
        contrib = contrib.copy()
        contrib[top_rows] = shap[:, : len(FEATURES)] + share * shap[:, [len(FEATURES)]]
    p = np.exp(score - score.max())
    p /= p.sum()
    order = np.argsort(-score)[:top]
    if objects is not None:
        order = np.argsort(-score)
        order = order[np.isin(f.o[order], np.asarray(objects))]
    h = d.history
    inv = (r + g.n_rel) % (2 * g.n_rel)
    out = []
    for i in order:
        o = int(f.o[i])
        by_pattern: dict[str, float] = {}
        for name, c in zip(FEATURES, contrib[i]):
            by_pattern[name.split("_")[0]] = by_pattern.get(name.split("_")[0], 0.0) + float(c)
        reasons = sorted(by_pattern.items(), key=lambda kv: -kv[1])
        same = h[(h[:, 0] == s) & (h[:, 1] == r) & (h[:, 2] == o)]
        recip = h[(h[:, 0] == s) & (h[:, 1] == inv) & (h[:, 2] == o)]
        pair = h[(h[:, 0] == s) & (h[:, 2] == o) & (h[:, 1] != r) & (h[:, 1] != inv)]
        ev = [dict(_fact(g, x), pattern="same") for x in same[::-1][:evidence]]
        ev += [dict(_fact(g, x), pattern="recip") for x in recip[::-1][:evidence]]
        ev += [dict(_fact(g, x), pattern="pair") for x in pair[::-1][:evidence]]
        if not ev:  # two-hop: s -> x, x -r-> o; one path per intermediate x, newest first
            xs = np.unique(h[h[:, 0] == s, 2])
            hop2 = h[np.isin(h[:, 0], xs) & (h[:, 1] == r) & (h[:, 2] == o)][::-1]
            _, newest = np.unique(hop2[:, 0], return_index=True)  # each x's latest x -r-> o
            for x in hop2[np.sort(newest)][:evidence]:
                first = h[(h[:, 0] == s) & (h[:, 2] == x[0])][-1]
                ev.append(dict(_fact(g, first), pattern="twohop"))
                ev.append(dict(_fact(g, x), pattern="twohop"))
        grp = model.prior.group
        if not ev and grp is not None:  # the subject's group: s' of s's group -r-> o
            kin = h[(grp[h[:, 0]] == grp[s]) & (h[:, 0] != s) & (h[:, 1] == r) & (h[:, 2] == o)][::-1][:evidence]
            ev += [dict(_fact(g, x), pattern="group") for x in kin]
        sec = model.prior.sector
        if not ev and sec is not None:  # the subject's sector: s' of s's sector -r-> o, else -r-> o' of o's sector
            kind = (sec[h[:, 0]] == sec[s]) & (h[:, 0] != s) & (h[:, 1] == r)
            kin = h[kind & (h[:, 2] == o)]
            if not len(kin):
                kin = h[kind & (sec[h[:, 2]] == sec[o])]
            ev += [dict(_fact(g, x), pattern="sector") for x in kin[::-1][:evidence]]
        out.append(
            {
                "object": g.entities[o],
                "id": o,
                "score": float(score[i]),
                "probability": float(p[i]),
                "reasons": [{"pattern": k, "why": PATTERN.get(k, k), "weight": round(v, 3)} for k, v in reasons if v > 0][:3],
                "evidence": ev,
            }
        )
    return {"subject": g.entities[s], "relation": g.relation_name(r), "day": day, "date": g.date(day), "candidates": out}
