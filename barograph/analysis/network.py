"""The actor map: who deals with whom, and whether they mostly cooperate or fight.

Edges are undirected pairs of entities (self-pairs left out) with their collapsed-event count,
Goldstein mean and net index (see `series`). The layout is a small force-directed one
(Fruchterman-Reingold in numpy, seeded from a circle, so the same data draws the same map).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from barograph.analysis.series import _AGG, _finish, counted_modalities, deduped_sql
from barograph.store.query import event_filter


def edges(store, since=None, until=None, min_events: int = 5, claimed: bool = True, **filters) -> pd.DataFrame:
    """source, target (alphabetical), events, goldstein_mean, net_index, quad1..quad4, mentions."""
    f = event_filter(since=since, until=until, modality=counted_modalities(claimed), **filters)
    where, params = f.sql()
    sql = f"""
        WITH d AS ({deduped_sql(where)}),
        p AS (SELECT least(source, target) AS source, greatest(source, target) AS target, quad_class, goldstein, mentions
              FROM d WHERE source IS NOT NULL AND target IS NOT NULL AND source <> target)
        SELECT source, target, {_AGG} FROM p GROUP BY source, target HAVING count(*) >= ?
        ORDER BY events DESC, source, target
    """
    df = _finish(store.con.execute(sql, params + [int(min_events)]).fetchdf())
    return df[["source", "target", "events", "goldstein_mean", "net_index", "quad1", "quad2", "quad3", "quad4", "mentions"]]


def layout(nodes: list[str], e: pd.DataFrame, iterations: int = 200, seed: int = 7) -> dict[str, np.ndarray]:
    """Force-directed positions in [-1, 1]^2; heavier edges pull harder."""
    n = len(nodes)
    if n == 0:
        return {}
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pos = np.column_stack([np.cos(ang), np.sin(ang)])
    if n < 3:
        return dict(zip(nodes, pos))
    rng = np.random.default_rng(seed)
    pos += rng.normal(0, 0.01, pos.shape)
    ix = {a: i for i, a in enumerate(nodes)}
    w = np.zeros((n, n))
    for s, t, ev in zip(e["source"], e["target"], e["events"]):
        if s in ix and t in ix:
            w[ix[s], ix[t]] = w[ix[t], ix[s]] = np.log1p(ev)
    w /= w.max() or 1.0
    k = 1.6 * np.sqrt(4.0 / n)
    temp = 0.2
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.linalg.norm(delta, axis=-1) + 1e-6
        rep = (k * k / dist**2)[..., None] * delta
        att = -(w * dist / k)[..., None] * delta
        disp = (rep + att).sum(1)
        ln = np.linalg.norm(disp, axis=1) + 1e-9
        pos += disp / ln[:, None] * np.minimum(ln, temp)[:, None]
        pos -= pos.mean(0)
        temp *= 0.98
    pos /= np.abs(pos).max() or 1.0
    return dict(zip(nodes, pos))


def write_map(store, out_dir, since=None, until=None, top: int = 40, min_events: int = 5, **filters) -> Path:
    """Draw map.png (and a small map.html around it) into `out_dir`; returns the HTML path."""
    import html

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.lines import Line2D

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    e = edges(store, since=since, until=until, min_events=min_events, **filters)
    deg = (
        pd.concat([e[["source", "events"]].rename(columns={"source": "a"}), e[["target", "events"]].rename(columns={"target": "a"})])
        .groupby("a")["events"]
        .sum()
    )
    nodes = list(deg.sort_values(ascending=False).head(top).index)
    e = e[e["source"].isin(nodes) & e["target"].isin(nodes)].sort_values("events")
    pos = layout(nodes, e)
    fig, ax = plt.subplots(figsize=(12, 10), dpi=110)
    cmap = plt.get_cmap("RdBu")
    norm = TwoSlopeNorm(vmin=-1, vcenter=0, vmax=1)
    if len(e):
        wmax = np.log1p(e["events"].max())
        for s, t, ev, ni in zip(e["source"], e["target"], e["events"], e["net_index"].fillna(0)):
            (x1, y1), (x2, y2) = pos[s], pos[t]
            ax.plot(
                [x1, x2],
                [y1, y2],
                color=cmap(norm(ni)),
                lw=0.6 + 5 * np.log1p(ev) / wmax,
                alpha=0.35 + 0.5 * np.log1p(ev) / wmax,
                zorder=1,
                solid_capstyle="round",
            )
    if nodes:
        xy = np.array([pos[a] for a in nodes])
        size = 150 + 1600 * (deg[nodes].to_numpy() / deg[nodes].max())
        ax.scatter(xy[:, 0], xy[:, 1], s=size, color="#f2efe6", edgecolor="#444444", linewidth=1.0, zorder=2)
        for a, (x, y) in zip(nodes, xy):
            ax.annotate(a.replace("_", " ")[:22], (x, y), ha="center", va="center", fontsize=8.5, fontweight="bold", zorder=3)
    sm = plt.cm.ScalarMappable(cmap=cmap, norm=norm)
    cb = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.02)
    cb.set_label("net index: -1 all conflict ... +1 all cooperation")
    ax.legend(
        handles=[Line2D([], [], color="#555", lw=1, label="few events"), Line2D([], [], color="#555", lw=5, label="many events")],
        loc="lower left",
        frameon=False,
        title="edge width",
    )
    span = f"{since or 'start'} to {until or 'end'}"
    ax.set_title(f"Who deals with whom: {len(nodes)} most active actors, {len(e)} pairs with >= {min_events} events ({span})", fontsize=12)
    ax.set_axis_off()
    if nodes:
        ax.set_xlim(xy[:, 0].min() - 0.15, xy[:, 0].max() + 0.15)
        ax.set_ylim(xy[:, 1].min() - 0.1, xy[:, 1].max() + 0.1)
    fig.tight_layout()
    fig.savefig(out / "map.png")
    plt.close(fig)
    e.sort_values("events", ascending=False).to_csv(out / "edges.csv", index=False)
    page = out / "map.html"
    rows = "".join(
        f"<tr><td>{html.escape(str(r.source))}</td><td>{html.escape(str(r.target))}</td><td>{r.events}</td>"
        f"<td>{r.goldstein_mean:.2f}</td><td>{r.net_index:+.2f}</td></tr>"
        for r in e.sort_values("events", ascending=False).head(50).itertuples()
    )
    page.write_text(
        "<!doctype html><meta charset='utf-8'><title>barograph actor map</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto}td,th{padding:2px 8px}"
        "td:nth-child(n+3){text-align:right}</style><h1>Actor map</h1><img src='map.png' width='100%' "
        "alt='network of actors'><h2>Busiest pairs</h2><table><tr><th>actor</th><th>actor</th><th>events</th>"
        f"<th>Goldstein mean</th><th>net index</th></tr>{rows}</table>",
        encoding="utf-8",
    )
    return page
