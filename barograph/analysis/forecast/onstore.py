"""The benchmark ranker (model.py) on a user's own store: fit, save beside the store, ask.

Why: the ranker that leads on ICEWS14 was only ever run on benchmark folders. Here the
store's asserted events become quadruples (entities = actor entity codes, falling back to
the actor code; relations = CAMEO root or PLOVER type; time = the event's date in days),
the model is fitted with time-aware validation (the last VALID_DAYS days held out; the
hyperparameters are chosen on them only, then the model is refitted on everything) and
saved in a folder beside the store (`events.duckdb` -> `events.forecast/`): plain numpy
arrays, LightGBM's own text format and a JSON file with the store's fingerprint (event
count, latest date, a hash over the events' ids, codes, actors, dates and modalities, and
the coder versions). A later question compares that fingerprint with the store and says
the model is stale (and how to refit) when events were added, removed or recoded.

Questions: `who(A, relation)` ranks the entities A will act on next with that relation;
`what(A, B)` ranks the relations A will use on B next, as
p(r | A, B) proportional to p(r | A) * p(B | A, r): A's own recent mix of relations
(decayed, with the store-wide mix as one pseudo-event) times the ranker's probability of B
among the candidates of the query (A, r, ?). Each answer carries the rule patterns and past
events behind it, read by explain.py as the benchmark's explanation is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

import numpy as np

from barograph.analysis.forecast.data import TKG
from barograph.errors import BadInput

KINDS = ("root", "plover")
VALID_DAYS = 28  # the last four weeks are the validation split (fewer on a short store)
FIT_DAYS = 60  # training days fitted on before them, as in bench/forecast.py
MIN_EVENTS = 50
MODALITIES = ("asserted", "claimed")
FORMAT = 1

_ENT = "coalesce(nullif({s}_entity, ''), nullif({s}, ''))"
_USABLE = f"{_ENT.format(s='source')} IS NOT NULL AND {_ENT.format(s='target')} IS NOT NULL AND date IS NOT NULL AND modality IN {MODALITIES!r}"


def model_dir(db: str | Path) -> Path:
    """Where the model of a store lives: `X.duckdb` -> `X.forecast/`."""
    p = Path(db)
    return p.with_suffix(".forecast")


def fingerprint(store) -> dict:
    """What the model was fitted on, to tell later whether the store has changed since."""
    n, usable, latest, h, coders = store.con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE {_USABLE}), CAST(max(date) AS VARCHAR),
                   CAST(coalesce(bit_xor(hash(event_id, cameo, root_code, plover, modality, source, source_entity,
                                               target, target_entity, date)), 0) AS VARCHAR),
                   coalesce(string_agg(DISTINCT coder, ',' ORDER BY coder), '')
            FROM events"""
    ).fetchone()
    return {"events": int(n), "usable_events": int(usable), "latest_date": latest, "hash": h, "coders": coders}


def _relation_col(kind: str) -> str:
    return "lpad(CAST(root_code AS VARCHAR), 2, '0')" if kind == "root" else "plover"


def store_graph(store, kind: str = "root") -> tuple[TKG, dict]:
    """The store's usable events as a TKG (one split, "train", all days) and its names."""
    if kind not in KINDS:
        raise BadInput("--relation", f"unknown relation kind {kind!r} (use root, plover or both)")
    col = _relation_col(kind)
    rows = store.con.execute(
        f"""SELECT {_ENT.format(s="source")} AS s, {col} AS r, {_ENT.format(s="target")} AS o, date AS d
            FROM events WHERE {_USABLE} AND {col} IS NOT NULL AND {col} <> '' AND {col} <> '00'
            ORDER BY date"""
    ).fetchnumpy()
    where = str(getattr(store, "path", "database"))
    if len(rows["s"]) < MIN_EVENTS:
        raise BadInput(where, f"only {len(rows['s'])} asserted events with actors, date and {kind}; the forecaster needs at least {MIN_EVENTS}")
    ents, s_id = np.unique(np.concatenate([rows["s"], rows["o"]]).astype(str), return_inverse=True)
    n = len(rows["s"])
    rels, r_id = np.unique(rows["r"].astype(str), return_inverse=True)
    dates = rows["d"].astype("datetime64[D]")
    epoch = dates.min()
    day = (dates - epoch).astype(np.int64)
    quads = np.column_stack([s_id[:n], r_id, s_id[n:], day]).astype(np.int64)
    g = TKG(list(map(str, ents)), list(map(str, rels)), epoch=str(epoch))
    g.splits["train"] = quads
    return g, {"epoch": str(epoch)}


def time_split(g: TKG, valid_days: int = VALID_DAYS) -> TKG:
    """The same graph with its last `valid_days` days (at most a quarter of them) as "valid"."""
    q = np.concatenate([g.splits[s] for s in ("train", "valid") if s in g.splits])
    days = np.unique(q[:, 3])
    k = max(1, min(valid_days, len(days) // 4))
    if len(days) < 8:
        raise BadInput("store", f"events on only {len(days)} days; the forecaster needs at least 8 to hold the last ones out")
    cut = days[-k]
    out = TKG(g.entities, g.relations, step=1, epoch=g.epoch)
    out.splits = {"train": q[q[:, 3] < cut], "valid": q[q[:, 3] >= cut]}
    return out


def fit_graph(g: TKG, evaluate_valid: bool = True) -> tuple[object, dict]:
    """Choose hyperparameters on the held-out last days, refit on all; with `evaluate_valid`,
    also the time-aware filtered MRR on those days of a model fitted without them (the same
    choices), beside the recurrency baseline's."""
    from barograph.analysis.forecast.evaluate import evaluate
    from barograph.analysis.forecast.model import Forecaster
    from barograph.analysis.forecast.recurrency import Recurrency

    t0 = time.perf_counter()
    n_days = len(np.unique(g.splits["train"][:, 3]))
    last = min(FIT_DAYS, n_days - 1)  # never the first day: it has no history to learn from
    model = Forecaster(g)
    info = model.fit(splits=(("train", last), ("valid", 0)))
    out = {
        "l2": float(model.l2),
        "trees": int(model.trees),
        "fit_seconds": round(time.perf_counter() - t0, 2),
        "train_quadruples": len(g.splits["train"]),
        "valid_quadruples": len(g.splits["valid"]),
        "valid_from": g.date(int(g.splits["valid"][:, 3].min())),
        "valid_candidate_mrr": info.get("valid_mrr"),
        "valid_candidate_recall": info["recall"].get("valid"),
    }
    if evaluate_valid:
        t1 = time.perf_counter()
        held = Forecaster(g, l2=model.l2, trees=max(model.trees, 1), rerank=model.trees > 0)
        held.fit(splits=(("train", last),), select=False)
        m = evaluate(held, g, "valid")
        base = Recurrency(g.n_ent, g.n_rel)
        b = evaluate(base, g, "valid")
        out["valid"] = {k: round(m[k], 4) for k in ("mrr", "h1", "h3", "h10")} | {"queries": int(m["n"])}
        out["valid_recurrency_mrr"] = round(b["mrr"], 4)
        out["valid_seconds"] = round(time.perf_counter() - t1, 2)
    # the saved model answers from every event: the valid days become history too
    model.g = TKG(g.entities, g.relations, {"train": np.concatenate([g.splits["train"], g.splits["valid"]])}, step=1, epoch=g.epoch)
    return model, out


# -- saving and loading ------------------------------------------------------------------


def _save_model(model, folder: Path, kind: str) -> None:
    arrays: dict[str, np.ndarray] = {}
    plain: dict = {}
    for k, v in vars(model).items():
        if k in ("g", "prior", "booster"):
            continue
        if isinstance(v, np.ndarray):
            arrays[f"m_{k}"] = v
        elif v is None or isinstance(v, (bool, int, float, str)):
            plain[k] = v
        elif isinstance(v, np.generic):
            plain[k] = v.item()
    for f in dataclasses.fields(model.prior):
        arrays[f"p_{f.name}"] = getattr(model.prior, f.name)
    arrays["quads"] = model.g.splits["train"]
    np.savez_compressed(folder / f"{kind}.npz", **arrays)
    if model.booster is not None:
        (folder / f"{kind}.trees.txt").write_text(model.booster.model_to_string(), encoding="utf-8")
    names = {"entities": model.g.entities, "relations": model.g.relations, "epoch": model.g.epoch, "attributes": plain}
    (folder / f"{kind}.json").write_text(json.dumps(names), encoding="utf-8")


def _load_model(folder: Path, kind: str):
    from barograph.analysis.forecast.features import Prior
    from barograph.analysis.forecast.model import Forecaster

    names = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
    with np.load(folder / f"{kind}.npz") as z:
        arrays = {k: z[k] for k in z.files}
    g = TKG(names["entities"], names["relations"], {"train": arrays.pop("quads")}, step=1, epoch=names["epoch"])
    prior = Prior(**{k[2:]: v for k, v in arrays.items() if k.startswith("p_")})
    model = Forecaster.__new__(Forecaster)
    model.g, model.prior, model.booster, model._index = g, prior, None, None
    for k, v in names["attributes"].items():
        setattr(model, k, v)
    for k, v in arrays.items():
        if k.startswith("m_"):
            setattr(model, k[2:], v)
    trees = folder / f"{kind}.trees.txt"
    if trees.exists():
        import lightgbm as lgb

        model.booster = lgb.Booster(model_str=trees.read_text(encoding="utf-8"))
    return model


def fit_store(store, kinds: tuple[str, ...] = KINDS, evaluate_valid: bool = True, folder: str | Path | None = None, say=None) -> dict:
    """Fit the ranker on the store for each relation kind and save it beside the store."""
    from barograph.analysis.forecast.features import FEATURES

    folder = Path(folder) if folder else model_dir(store.path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".write-test").touch()
        (folder / ".write-test").unlink()
    except OSError as e:
        raise BadInput(str(folder), f"cannot save the forecast model here ({e.strerror or e})") from None
    meta: dict = {
        "format": FORMAT,
        "fitted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "store": str(Path(store.path).resolve()),
        "fingerprint": fingerprint(store),
        "features": list(FEATURES),
        "kinds": {},
    }
    for kind in kinds:
        g, _ = store_graph(store, kind)
        if say:
            say(f"fitting the {kind} model on {len(g.splits['train']):,} events ({g.n_ent:,} entities, {g.n_rel} relations) ...")
        model, info = fit_graph(time_split(g), evaluate_valid=evaluate_valid)
        info.update(entities=g.n_ent, relations=g.n_rel, first_date=g.epoch, last_date=g.date(int(g.splits["train"][:, 3].max())))
        _save_model(model, folder, kind)
        meta["kinds"][kind] = info
    old = folder / "meta.json"
    if old.exists():  # keep a kind fitted earlier only if its store is still the same
        prev = json.loads(old.read_text(encoding="utf-8"))
        if prev.get("fingerprint") == meta["fingerprint"]:
            for k, v in prev.get("kinds", {}).items():
                meta["kinds"].setdefault(k, v)
    (folder / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    meta["folder"] = str(folder)
    return meta


def status(store, folder: str | Path | None = None) -> dict:
    """The saved model's metadata with `stale` (and why) against the store as it is now."""
    from barograph.analysis.forecast.features import FEATURES

    folder = Path(folder) if folder else model_dir(store.path)
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise BadInput(str(store.path), f"no fitted forecast model (expected {folder}); fit one with: barograph forecast fit --db {store.path}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BadInput(str(meta_path), f"cannot read the saved model ({e}); refit with: barograph forecast fit --db {store.path}") from None
    now = fingerprint(store)
    was = meta.get("fingerprint", {})
    why = []
    meta["other_version"] = meta.get("format") != FORMAT or meta.get("features") != list(FEATURES)
    if meta["other_version"]:
        why.append("it was saved by another version of barograph")
    if now != was:
        d = now["events"] - was.get("events", 0)
        why.append(
            f"the store has changed since it was fitted ({was.get('events')} events then, {now['events']} now"
            + (f", {d:+d}" if d else ", same count but other events or codes")
            + (f"; coder {was.get('coders')} then, {now['coders']} now" if now["coders"] != was.get("coders") else "")
            + ")"
        )
    meta["stale"] = bool(why)
    meta["message"] = (
        f"the forecast model is stale: {'; '.join(why)}; refit with: barograph forecast fit --db {store.path}"
        if why
        else f"fitted {meta.get('fitted_at')} on {was.get('usable_events')} events up to {was.get('latest_date')}"
    )
    meta["folder"] = str(folder)
    return meta


def load(store, kind: str, folder: str | Path | None = None) -> tuple[object, dict]:
    meta = status(store, folder)
    folder = Path(meta["folder"])
    if meta["other_version"]:  # its weights are for other features: it cannot answer at all
        raise BadInput(
            str(store.path),
            f"the saved forecast model was fitted by another version of barograph (other features); refit with: barograph forecast fit --db {store.path}",
        )
    if kind not in meta.get("kinds", {}) or not (folder / f"{kind}.npz").exists():
        raise BadInput(
            str(store.path),
            f"the saved forecast model has no {kind} relations; fit it with: barograph forecast fit --relation {kind} --db {store.path}",
        )
    try:
        return _load_model(folder, kind), meta
    except (OSError, ValueError, KeyError) as e:
        raise BadInput(str(folder), f"cannot read the saved model ({e}); refit with: barograph forecast fit --db {store.path}") from None


# -- questions ---------------------------------------------------------------------------


def _entity(model, code: str, where: str) -> int:
    try:
        return model.g.entities.index(code)
    except ValueError:
        raise BadInput(where, f"no asserted events involving {code} in the fitted model (find the code with: barograph actors {code})") from None


def _relation(model, rel: str, kind: str, where: str) -> int:
    want = rel.zfill(2) if kind == "root" and rel.isdigit() else rel.upper()
    if want not in model.g.relations:
        raise BadInput(where, f"no {kind} {rel!r} among the fitted model's relations ({', '.join(model.g.relations)})")
    return model.g.relations.index(want)


def _relation_name(kind: str, code: str) -> str:
    if kind == "root":
        from barograph.events.codes import ROOT_NAMES

        return ROOT_NAMES.get(code, code)
    return code


def _next_day(model) -> int:
    return int(model.g.splits["train"][:, 3].max()) + 1


def _model_info(meta: dict, kind: str) -> dict:
    k = meta["kinds"].get(kind, {})
    return {
        "fitted_at": meta.get("fitted_at"),
        "stale": meta["stale"],
        "message": meta["message"],
        "relation_kind": kind,
        "valid_mrr": k.get("valid", {}).get("mrr"),
        "valid_recurrency_mrr": k.get("valid_recurrency_mrr"),
    }


def who(store, a: str, relation: str, kind: str = "root", top: int = 5, evidence: int = 3) -> dict:
    """Whom A will act on next with `relation`, ranked, with the evidence behind each."""
    from barograph.analysis.forecast.explain import explain

    model, meta = load(store, kind)
    where = str(store.path)
    s, r = _entity(model, a, where), _relation(model, relation, kind, where)
    day = _next_day(model)
    ex = explain(model, s, r, day, top=top, evidence=evidence)
    return {
        "question": "who",
        "subject": a,
        "relation": model.g.relations[r],
        "relation_name": _relation_name(kind, model.g.relations[r]),
        "date": ex["date"],
        "answers": [
            {"object": c["object"], "probability": c["probability"], "score": c["score"], "reasons": c["reasons"], "evidence": c["evidence"]}
            for c in ex["candidates"]
        ],
        "model": _model_info(meta, kind),
    }


def what(store, a: str, b: str, kind: str = "root", top: int = 5, evidence: int = 3) -> dict:
    """What A will do to B next: relations ranked by p(r | A) * p(B | A, r), normalised."""
    from barograph.analysis.forecast.evaluate import Day
    from barograph.analysis.forecast.explain import explain, query_day

    model, meta = load(store, kind)
    g, where = model.g, str(store.path)
    s, o = _entity(model, a, where), _entity(model, b, where)
    day = _next_day(model)
    R = g.n_rel
    hist = query_day(g, s, 0, day).history
    d = Day(day, hist, np.zeros((0, 4), dtype=np.int64), np.full(R, s), np.arange(R), np.zeros(0, dtype=np.int64))
    f = model.features(d)
    score = model.score(f.X, d.qr[f.q], f.q)
    p_obj = np.zeros(R)  # p(B | A, r): softmax over each query's candidates
    for r in range(R):
        m = f.q == r
        if not m.any():
            continue
        e = np.exp(score[m] - score[m].max())
        hit = f.o[m] == o
        if hit.any():
            p_obj[r] = float(e[hit][0] / e.sum())
    mine = hist[(hist[:, 0] == s) & (hist[:, 1] < R)]
    own = np.bincount(mine[:, 1], weights=np.exp(-(day - mine[:, 3]) / 30.0), minlength=R)
    every = np.bincount(hist[hist[:, 1] < R, 1], minlength=R).astype(float)
    p_rel = own + every / max(every.sum(), 1.0)
    p_rel /= p_rel.sum()
    joint = p_rel * p_obj
    if joint.sum() <= 0:
        raise BadInput(where, f"the model has no evidence linking {a} to {b} (no past events between them, no two-hop path)")
    post = joint / joint.sum()
    answers = []
    for r in np.argsort(-post)[:top]:
        if post[r] <= 0:
            break
        ex = explain(model, s, int(r), day, top=g.n_ent, evidence=evidence, objects=[o])
        c = ex["candidates"][0] if ex["candidates"] else {"reasons": [], "evidence": []}
        answers.append(
            {
                "relation": g.relations[r],
                "relation_name": _relation_name(kind, g.relations[r]),
                "probability": float(post[r]),
                "p_relation_of_subject": float(p_rel[r]),
                "p_object_given_relation": float(p_obj[r]),
                "reasons": c["reasons"],
                "evidence": c["evidence"],
            }
        )
    return {"question": "what", "subject": a, "object": b, "date": g.date(day), "answers": answers, "model": _model_info(meta, kind)}
