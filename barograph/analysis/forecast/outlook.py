"""The forecast for one dyad in a barograph store: likely next event types between A and B,
with the past events behind each, and p(material conflict next week).

Event types: each past A->B event of a CAMEO root counts exp(-age/30 days), each B->A event
half that (reciprocity), and the store-wide share of each root is added as one pseudo-event
(a Dirichlet prior), so a quiet dyad falls back to what is usual. Conflict: the weekly
logistic model of dyad.py with its coefficients fitted on ICEWS14 (bundled), shown with the
calibration bin its probability falls in (how often conflict followed such forecasts on the
ICEWS14 test weeks, with a 90% interval) and the base rates, so a number never stands alone.

An actor the store has no asserted events for gets a BadInput naming it, not a probability:
the model would otherwise answer from its bias term alone, which reads like knowledge.
Imported events carry no sentence, so their text and document are None here (never NaN).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from barograph.analysis.forecast import dyad as dyadmod
from barograph.errors import BadInput

HALF_LIFE_DAYS = 30.0
RECIPROCITY = 0.5
PRIOR_WEIGHT = 1.0
MODALITIES = ("asserted", "claimed")  # hypotheticals, negations and questions are not history


def _root_name(root: str) -> str:
    from barograph.events.codes import ROOT_NAMES

    return ROOT_NAMES.get(root, root)


def dyad_outlook(store, a: str, b: str, asof: str | None = None, top: int = 5, evidence: int = 3) -> dict:
    from barograph.store.query import events

    df = events(store, actors=[a, b], modality=MODALITIES)
    where = str(getattr(store, "path", "database"))
    if df.empty:
        raise BadInput(where, f"no asserted events involving {a} or {b}")
    _check_history(df, a, b, where)
    df = df[df["date"].notna() & df["root_code"].notna()].copy()
    df["d"] = [dt.date.fromisoformat(x[:10]) for x in df["date"]]
    if asof:
        try:
            now = dt.date.fromisoformat(asof)
        except ValueError:
            raise BadInput("--asof", f"not a date: {asof!r} (use YYYY-MM-DD)") from None
    else:
        now = dt.date.fromisoformat(str(store.con.execute("SELECT max(date) FROM events").fetchone()[0])[:10])
    df = df[df["d"] <= now]
    age = np.array([(now - d).days for d in df["d"]], dtype=float)
    is_a_src = ((df["source_entity"] == a) | (df["source"] == a)).to_numpy()
    is_b_src = ((df["source_entity"] == b) | (df["source"] == b)).to_numpy()
    is_a_tgt = ((df["target_entity"] == a) | (df["target"] == a)).to_numpy()
    is_b_tgt = ((df["target_entity"] == b) | (df["target"] == b)).to_numpy()
    ab, ba = is_a_src & is_b_tgt, is_b_src & is_a_tgt

    # likely next event types from A to B
    w = np.exp(-age / HALF_LIFE_DAYS) * (ab + RECIPROCITY * ba)
    roots = df["root_code"].astype(str).str.zfill(2).to_numpy()
    prior = dict(
        store.con.execute(
            "SELECT lpad(CAST(root_code AS VARCHAR), 2, '0'), count(*) FROM events "
            "WHERE root_code IS NOT NULL AND modality IN ('asserted', 'claimed') GROUP BY 1"
        ).fetchall()
    )
    total = sum(prior.values()) or 1
    mass = {r: PRIOR_WEIGHT * c / total for r, c in prior.items()}
    for r, x in zip(roots, w):
        mass[r] = mass.get(r, 0.0) + float(x)
    z = sum(mass.values())
    types = []
    for r, m in sorted(mass.items(), key=lambda kv: -kv[1])[:top]:
        sel = np.flatnonzero((roots == r) & (ab | ba))
        sel = sel[np.argsort(age[sel], kind="stable")][:evidence]
        codes = df["cameo"].to_numpy()[np.flatnonzero((roots == r) & ab)]
        common = [c for c, _ in sorted(((c, (codes == c).sum()) for c in set(codes)), key=lambda kv: -kv[1])[:3]]
        types.append(
            {
                "root": r,
                "name": _root_name(r),
                "probability": m / z,
                "codes": common,
                "from_history": float(m - PRIOR_WEIGHT * prior.get(r, 0) / total) / z,
                "evidence": [
                    {
                        "date": df["date"].iat[i][:10],
                        "direction": f"{a}->{b}" if ab[i] else f"{b}->{a}",
                        "cameo": _value(df["cameo"].iat[i]),
                        "source": _value(df["source"].iat[i]),
                        "target": _value(df["target"].iat[i]),
                        "text": _value(df["text"].iat[i]),
                        "doc": _value(df["doc"].iat[i]),
                        "event_id": _value(df["event_id"].iat[i]),
                    }
                    for i in sel
                ],
            }
        )

    # p(material conflict between A and B next week): weeks counted back from `now`; the
    # other party of each event gets its own id (only A's and B's own totals matter)
    s_id = np.where(is_a_src, 0, np.where(is_b_src, 1, 2 + np.arange(len(df))))
    o_id = np.where(is_a_tgt, 0, np.where(is_b_tgt, 1, 2 + len(df) + np.arange(len(df))))
    back = (age // 7).astype(np.int64)
    n_weeks = int(back.max()) + 1 if len(back) else 1
    week = n_weeks - 1 - back
    conflict = (df["quad_class"].fillna(0).astype(int) == 4).to_numpy()
    n_ent = 2 + 2 * len(df)
    t = n_weeks - 1
    if len(df):
        dw = dyadmod.DyadWeeks.build(s_id, o_id, week, conflict, n_ent, n_weeks)
        row = np.flatnonzero((dw.a == 0) & (dw.b == 1))
    else:
        row = np.zeros(0, dtype=np.int64)
    if len(row):
        _, X, pers, _ = dw.at(t, rows=row)
        x = X[0]
        persistence = bool(pers[0])
    else:
        x = np.zeros(len(dyadmod.DYAD_FEATURES))
        x[0] = 1.0
        persistence = False
    p = float(dyadmod.predict(dyadmod.load_weights(), x[None, :])[0])
    return {
        "dyad": [a, b],
        "asof": now.isoformat(),
        "events_between": int((ab | ba).sum()),
        "next_event_types": types,
        "material_conflict_next_week": {
            "probability": p,
            "conflict_this_week": persistence,
            "features": dict(zip(dyadmod.DYAD_FEATURES, map(float, x))),
            **uncertainty(p, conflict[ab | ba], back[ab | ba], n_weeks),
        },
    }


def _value(v):
    """A frame cell as JSON-safe Python: None for NaN/NA (imported events have no text)."""
    import pandas as pd

    if v is None or (not isinstance(v, (list, tuple, np.ndarray)) and pd.isna(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _check_history(df, a: str, b: str, where: str) -> None:
    """BadInput when one side has no asserted events in the store (a typo or a code the store
    lacks): a forecast for it would be the model's bias term, not knowledge."""
    for who, other in ((a, b), (b, a)):
        on_side = [(df[f"{s}_entity"] == who) | (df[s] == who) for s in ("source", "target")]
        if not (on_side[0] | on_side[1]).any():
            raise BadInput(
                where,
                f"no asserted events involving {who} (there are for {other}); no forecast without history "
                f"(find the code with: barograph actors {who})",
            )


def uncertainty(p: float, dyad_conflict: np.ndarray, dyad_back: np.ndarray, n_weeks: int) -> dict:
    """The probability's calibration bin on ICEWS14's test weeks (observed rate and its 90%
    Wilson interval), the ICEWS14 base rate and this dyad's own share of weeks with conflict."""
    cal = dyadmod.load_calibration()
    out: dict = {"base_rate": cal["base_rate"] if cal else None}
    weeks_with = len(set(dyad_back[dyad_conflict].tolist())) if len(dyad_back) else 0
    out["dyad_weeks"] = int(n_weeks)
    out["dyad_conflict_weeks"] = int(weeks_with)
    out["dyad_base_rate"] = weeks_with / n_weeks if n_weeks else None
    if cal:
        for b in cal["bins"]:
            if b["lo"] <= p < b["hi"] or (p >= b["hi"] and b is cal["bins"][-1]):
                out["calibration"] = b
                out["interval"] = [b["low"], b["high"]]
                break
    return out
