"""Evidence features for a query (s, r, ?) and each candidate object o, from the history.

Every feature is a reading of one rule pattern over the past, in the spirit of TLogic's
cyclic rules (Liu et al. 2022) and the recurrency baseline (Gastinger et al. 2024):
  same      (s, r, o) happened before                 recurrence, with recency and share
  recip     (o, r, s) happened before                 reciprocity (the inverse relation)
  pair      (s, *, o) any interaction                 the dyad is active
  related   (s, r', o) with r' that co-occurs with r  one-step rules r'(s,o) -> r(s,o)
  twohop    s -*-> x -r-> o                           two-step rules
  pop       o is a frequent recent object of r        popularity
  self      o == s
  group     (s', r, o) with s' in s's group             what entities like s did lately: the
                                                      sectors of one country ("Police
                                                      (Nigeria)", "Citizen (Nigeria)") and
                                                      the country share a group
  sector    (s', r, o) and (s', r, o') with s' of s's   what entities of s's kind did lately,
            sector and o' of o's sector                 anywhere: "Police (Nigeria)" and
                                                      "Police (Kenya)" share the sector "police"
  obj, subj  how present o is lately, how much history s has:
            context that says how far to trust the rest (`_context`)
Objects named by none of these are not candidates (they rank below, tied).

Memory and time follow the day's queries, not the whole history's fan-out. Each day the
history is grouped into a few sorted integer-key tables ((s, r, o), (s, o), (r, o), ...), cut
from a HistoryIndex that sorted the whole graph once (no sort of the history per day), then
every query names at most TOP_PAIR objects of its subject (by a fixed pre-score:
same relation seen, the more so the more recently, inverse seen, then the decayed share of
s's facts that involve o),
TOP_TWOHOP objects reached over two hops, TOP_POP popular objects of its relation and
TOP_GROUP objects its group acted on with the relation; only
those rows get features, each one looked up by binary search in the day's tables. Two-hop
paths follow each entity's TOP_VIA most frequent partners only, so a hub with thousands of
partners costs no more than any other subject. The caps are the same for every data set;
without them ICEWS18 held more than 800 rows per query and over 19.7 GB while fitting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from barograph.analysis.forecast.evaluate import Day
from barograph.analysis.forecast.history import Sorted, Table, decayed, expand, is_prefix_of, run_starts

FEATURES = (
    "same_seen",
    "same_r1",
    "same_r7",
    "same_r60",
    "same_logcnt",
    "same_share",
    "same_logshare",
    "same_decshare",
    "same_r7_x_prop",
    "recip_seen",
    "recip_r7",
    "recip_r60",
    "recip_share",
    "pair_r1",
    "pair_r7",
    "pair_r60",
    "pair_logcnt",
    "pair_share",
    "pair_logshare",
    "pair_r7_x_noprop",
    "related_sum",
    "related_max",
    "twohop_r",
    "twohop_any",
    "twohop_logany",
    "pop_r",
    "pop_logr",
    "pop_any",
    "self",
    "group_share",
    "group_logshare",
    "group_same",
    # the subject's sector, across groups: (sector of s, r, sector of o, same group or not)
    # and (sector of s, r, o), each a 30-day-decayed share of (sector of s, r, *)
    "sector_share",
    "sector_logshare",
    "sector_obj_share",
    "sector_obj_logshare",
    # the object's own activity: how present o is in the news lately, and as r's object
    "obj_act1",
    "obj_act7",
    "obj_recent",
    "obj_logcnt",
    "obj_r_recent",
    "obj_r_last_day",
    "obj_r_logshare_all",
    "obj_receives_related",
    # the subject's context: how much history the query has to go on
    "subj_logcnt",
    "subj_r_logcnt",
    "subj_r_logdistinct",
    "subj_recent",
    "obj_does_r_logcnt",
    # recurrence and the pair at more time scales
    "same_logfirst",
    "same_due",
    "same_logdec7",
    "same_decshare3",
    "same_decshare7",
    "same_last_day",
    "recip_r1",
    "pair_decshare3",
    "pair_decshare7",
    "pair_last_day",
)
TOP_POP = 30  # popular objects of the query relation named per query
TOP_TWOHOP = 30  # two-hop objects named per query (relation-specific and any-relation each)
TOP_PAIR = 100  # objects of the subject's own history named per query
TOP_VIA = 50  # partners x followed on two-hop paths s -> x -> o (per entity)
TOP_GROUP = 30  # objects of the subject's group and relation named per query
_IN_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")


@dataclass
class Prior:
    """What the model knows from the fitting period: relation co-occurrence and recurrence."""

    W: np.ndarray  # (R2, R2): P(r on a dyad | r' on it), diagonal and inverse zeroed
    prop: np.ndarray  # (R2,): share of facts of r that repeat an earlier (s, r, o)
    group: np.ndarray | None = None  # (E,): group id of each entity (entity_groups)
    sector: np.ndarray | None = None  # (E,): sector id of each entity (entity_sectors)

    @classmethod
    def fit(cls, facts: np.ndarray, n_ent: int, n_rel: int) -> Prior:
        r2 = 2 * n_rel
        s, r, o, d = facts.T
        pair = s * n_ent + o
        up, pi = np.unique(pair, return_inverse=True)
        B = sp.csr_matrix((np.ones(len(pi)), (pi, r)), shape=(len(up), r2))
        B.data[:] = 1.0
        B.sum_duplicates()
        B.data[:] = 1.0
        C = (B.T @ B).toarray()
        diag = np.maximum(np.diag(C), 1.0)
        W = C / diag[None, :]
        idx = np.arange(r2)
        W[idx, idx] = 0.0
        W[idx, (idx + n_rel) % r2] = 0.0
        key = (s * r2 + r) * n_ent + o
        order = np.lexsort((d, key))
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[order][1:] != key[order][:-1]
        rep = np.zeros(len(key))
        rep[order] = ~first
        prop = np.bincount(r, weights=rep, minlength=r2) / np.maximum(np.bincount(r, minlength=r2), 1)
        return cls(W, prop)


def entity_groups(names: list[str]) -> np.ndarray:
    """A group id per entity: the part in final parentheses of a name ("Police (Nigeria)" ->
    "Nigeria"), else the name itself, so a country and its sectors share a group (ICEWS names
    sectors so; a person or a graph whose names carry no such part is a group of one, and the
    group features then read the subject's own past)."""
    key = []
    for n in names:
        m = _IN_PARENTHESES.search(n)
        key.append(m.group(1).strip().lower() if m else n.strip().lower())
    _, inv = np.unique(np.array(key, dtype=object).astype(str), return_inverse=True)
    return inv.astype(np.int64)


def entity_sectors(names: list[str]) -> np.ndarray:
    """A sector id per entity: a name without its final parentheses ("Police (Nigeria)" ->
    "police"), so the police of every country share one, as the sectors of one country share
    a group. A name without such a part (a country, a person, any entity of a graph named
    otherwise) is a sector of its own, and the sector features then read its own past."""
    key = [_IN_PARENTHESES.sub("", n).strip().lower() or n.strip().lower() for n in names]
    _, inv = np.unique(np.array(key, dtype=object).astype(str), return_inverse=True)
    return inv.astype(np.int64)


@dataclass
class DayFeatures:
    q: np.ndarray  # query index of each candidate row
    o: np.ndarray  # candidate object
    X: np.ndarray  # (rows, len(FEATURES)), float32


def _log(share: np.ndarray) -> np.ndarray:
    """A log scale that is 0 for a share of 0 and grows by 1 per factor e above 1e-4."""
    return np.log1p(share / 1e-4)


def top_per_group(group: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Mask of the k highest-scoring rows of each group (ties: the earlier row).

    Every caller's groups come in runs (rows of one query together), so only a run longer
    than k needs any ordering, and that only a partition to find its k-th best score: on a
    GDELT-sized day (3 million two-hop rows in 1,000 runs) this is 0.04 s where sorting all
    rows by (group, score) took 0.7 s, and it keeps the same rows."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if np.any(group[1:] < group[:-1]):  # not in runs: order them, keeping rows of a group in order
        order = np.argsort(group, kind="stable")
        keep = np.zeros(n, dtype=bool)
        keep[order] = top_per_group(group[order], score[order], k)
        return keep
    keep = np.ones(n, dtype=bool)
    starts = np.r_[0, np.flatnonzero(group[1:] != group[:-1]) + 1]
    ends = np.r_[starts[1:], n]
    long = ends - starts > k
    for a, b in zip(starts[long].tolist(), ends[long].tolist()):
        seg = score[a:b]
        kth = np.partition(seg, b - a - k)[b - a - k]  # the k-th highest score of the run
        mine = seg > kth
        mine[np.flatnonzero(seg == kth)[: k - int(mine.sum())]] = True  # ties: the earliest
        keep[a:b] = mine
    return keep


def _lookup(keys: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, found) of each wanted key in a sorted key array."""
    if len(keys) == 0:
        return np.zeros(len(want), dtype=np.int64), np.zeros(len(want), dtype=bool)
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return pos, keys[pos] == want


def _sum_by(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique keys and the sum of values per key."""
    uk, inv = np.unique(keys, return_inverse=True)
    return uk, np.bincount(inv, weights=values, minlength=len(uk))


def _sum_sorted(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_sum_by` for keys already sorted: the same sums, in the same order, without a sort."""
    if len(keys) == 0:
        return keys, np.zeros(0)
    new = run_starts(keys)
    return keys[new], np.bincount(np.cumsum(new) - 1, weights=values)


def _partners(pair_key: np.ndarray, pair_cnt: np.ndarray, s_cnt: np.ndarray, E: int):
    """Each entity's TOP_VIA most frequent partners as a row-stochastic-share CSR matrix
    (entry s, x: share of s's facts that are with x)."""
    ps = pair_key // E
    keep = top_per_group(ps, pair_cnt, TOP_VIA)
    ps, px, w = ps[keep], pair_key[keep] % E, pair_cnt[keep] / np.maximum(s_cnt[ps[keep]], 1)
    return sp.csr_matrix((w, (ps, px)), shape=(E, E))


def _top_objects(key: np.ndarray, value: np.ndarray, per_query: np.ndarray, k: int, E: int) -> np.ndarray:
    """Candidates (query * E + o) of each query: the k objects of highest value under the
    query's own key, from a sorted table of key * E + o (a relation's popular objects, a
    group's objects of a relation)."""
    u = np.unique(per_query)
    own, row = expand(np.searchsorted(key, u * E), np.searchsorted(key, u * E + E))
    top = top_per_group(own, value[row], k)
    best = np.sort(u[own[top]] * E + key[row[top]] % E)
    q, row = expand(np.searchsorted(best, per_query * E), np.searchsorted(best, per_query * E + E))
    return q * E + best[row] % E


class HistoryIndex:
    """A graph's facts (inverses included, in day order) sorted once by each key the day
    tables group by: (s, r, o), (s, o), (r, o), (group of s, r, o), (o, r), and the two
    sector keys (sector of s, r, sector of o, same group) and (sector of s, r, o). Any day's tables
    are then cut from it (`Sorted.table`) instead of sorting that day's history again. Built
    once per graph by `Forecaster`; `covers` says whether a day's history is exactly this
    graph's facts before that day, the only case where the index may stand in for it."""

    def __init__(self, facts: np.ndarray, n_ent: int, n_rel: int, group: np.ndarray, sector: np.ndarray | None = None):
        E, R2 = n_ent, 2 * n_rel
        sector = np.arange(E) if sector is None else sector
        self.facts = facts
        s, r, o, d = facts[:, 0], facts[:, 1], facts[:, 2], facts[:, 3]
        self.sro = Sorted.of((s * R2 + r) * E + o, d)
        self.so = Sorted.of(s * E + o, d)
        self.ro = Sorted.of(r * E + o, d)
        self.gro = Sorted.of((group[s] * R2 + r) * E + o, d)
        self.orr = Sorted.of(o * R2 + r, d)
        self.sec_pair = Sorted.of(_sector_pair_key(sector[s], r, sector[o], group[s] == group[o], R2, E), d)
        self.sec_obj = Sorted.of((sector[s] * R2 + r) * E + o, d)

    def covers(self, day: Day) -> bool:
        return is_prefix_of(self.facts, day.history, day.day)


def day_features(day: Day, n_ent: int, n_rel: int, prior: Prior, index: HistoryIndex | None = None) -> DayFeatures:
    """Candidates and features of one day's queries. `index` (one that `covers` the day)
    saves sorting the history: the tables come out the same to the last bit."""
    E, R2 = n_ent, 2 * n_rel
    h = day.history
    hs, hd = h[:, 0], h[:, 3]
    # each entity's decayed activity, per time scale: as subject, which with the inverses
    # every history carries is all of its facts, as object as well
    act = {tau: np.bincount(hs, weights=w, minlength=E) for tau, w in decayed(day.day, hd, (1.0, 3.0, 7.0, 30.0)).items()}
    qs, qr = day.qs, day.qr
    qinv = (qr + n_rel) % R2
    grp = prior.group if prior.group is not None else np.arange(E)
    sec = prior.sector if prior.sector is not None else np.arange(E)
    if index is None:
        index = HistoryIndex(h, n_ent, n_rel, grp, sec)

    # the day's tables, each sorted by its integer key
    T = index.sro.table(day.day, (30.0, 7.0, 3.0))  # (s, r, o)
    t_so = (T.key // (R2 * E)) * E + T.key % E
    sr_first = np.flatnonzero(run_starts(T.key // E))  # (s, r): np.unique's return_index, no sort
    sr_key = T.key[sr_first] // E
    sr_cnt = np.add.reduceat(T.count, sr_first) if len(T.key) else np.zeros(0)
    sr_dec = np.add.reduceat(T.decayed[30.0], sr_first) if len(T.key) else np.zeros(0)
    PT = index.so.table(day.day, (30.0, 7.0, 3.0))  # (s, o)
    s_cnt = np.bincount(hs, minlength=E).astype(np.float64)
    s_dec = act[30.0]
    RO = index.ro.table(day.day, (7.0,))  # (r, o)
    pop_key = RO.key
    pop_val = RO.decayed[7.0]  # a week's decay
    pop_rtot = np.bincount(pop_key // E, weights=pop_val, minlength=R2)
    pop_val = pop_val / np.maximum(pop_rtot[pop_key // E], 1e-9)
    pop_o = act[7.0] / max(act[7.0].sum(), 1e-9)

    def t_get(s, r, o):
        return _lookup(T.key, (s * R2 + r) * E + o)

    GT = index.gro.table(day.day, (30.0,))  # (group of s, r, o)
    gk, gv = GT.key, GT.decayed[30.0]
    g_tot_key, g_tot = _sum_sorted(gk // E, gv)

    cand = []
    # (a) objects of the subject's own history, best TOP_PAIR by the pre-score
    lo, hi = np.searchsorted(PT.key, qs * E), np.searchsorted(PT.key, qs * E + E)
    jq, jrow = expand(lo, hi)
    jo = PT.key[jrow] % E
    same_row, same_ok = t_get(qs[jq], qr[jq], jo)
    _, recip_ok = t_get(qs[jq], qinv[jq], jo)
    pre = 2.0 * same_ok + recip_ok + PT.decayed[30.0][jrow] / np.maximum(s_dec[qs[jq]], 1e-12)
    # a hub's past objects of r outnumber the cap: its latest repeats go first (as the
    # recurrency baseline orders them), else a graph of facts that hold for years (WIKI,
    # YAGO) loses last year's facts behind older, busier partners
    pre += 2.0 * same_ok * np.exp(-np.maximum(day.day - 1 - T.last[same_row], 0))
    keep = top_per_group(jq, pre, TOP_PAIR)
    cand.append(jq[keep] * E + jo[keep])
    del jrow, jo, same_row, same_ok, recip_ok, pre, keep

    # (b) s -*-> x -r-> o over each subject's strongest partners: value per (query, o), the
    # product of (query -> partner x's (x, r) row) and ((x, r) -> share of o among its objects).
    # As a sparse product the sums over x stay in C: a GDELT-sized hub's 50 partners reach
    # ~10,000 (x, r, o) facts per query, which grouping by sort had made 60% of a day's time
    P = _partners(PT.key, PT.count, s_cnt, E)
    xq, xrow = expand(P.indptr[qs], P.indptr[qs + 1])
    srow, sok = _lookup(sr_key, P.indices[xrow] * R2 + qr[xq])
    Q = sp.csr_matrix((P.data[xrow][sok], (xq[sok], srow[sok])), shape=(len(qs), len(sr_key)))
    bounds = np.r_[sr_first, len(T.key)]  # T's rows of each (s, r), in sr_key order
    N = sp.csr_matrix((T.count / np.repeat(sr_cnt, np.diff(bounds)), T.key % E, bounds), shape=(len(sr_key), E))
    TW = (Q @ N).tocsr()
    TW.sort_indices()  # row-major, columns ascending: the keys come out sorted
    tw_key = np.repeat(np.arange(len(qs), dtype=np.int64), np.diff(TW.indptr)) * E + TW.indices
    tw_val = TW.data
    keep = top_per_group(tw_key // E, tw_val, TOP_TWOHOP)
    cand.append(tw_key[keep])
    del xq, xrow, srow, sok, Q, N, TW, bounds

    # (c) s -*-> x -*-> o over the strongest partners at both steps, per distinct subject
    us, us_inv = np.unique(qs, return_inverse=True)
    A = P[us] @ P
    A.sum_duplicates()  # canonical CSR: each row's columns sorted, so the keys come out sorted
    A = A.tocoo()
    ta_key, ta_val = A.row.astype(np.int64) * E + A.col, A.data
    top = top_per_group(ta_key // E, ta_val, TOP_TWOHOP)
    tk = ta_key[top]
    tlo, thi = np.searchsorted(tk // E, us_inv, "left"), np.searchsorted(tk // E, us_inv, "right")
    tq, trow = expand(tlo, thi)
    cand.append(tq * E + tk[trow] % E)
    del A, top, tk, tq, trow

    # (d) the relation's most popular recent objects
    cand.append(_top_objects(pop_key, pop_val, qr, TOP_POP, E))
    # (e) what the subject's group did with the relation lately: its most frequent objects
    cand.append(_top_objects(gk, gv, grp[qs] * R2 + qr, TOP_GROUP, E))

    ckey = np.unique(np.concatenate(cand))
    del cand
    cq, co = ckey // E, ckey % E
    cs, cr, ci = qs[cq], qr[cq], qinv[cq]
    n = len(ckey)
    X = np.zeros((n, len(FEATURES)), dtype=np.float32)
    col = {f: i for i, f in enumerate(FEATURES)}

    # same relation
    row, ok = t_get(cs, cr, co)
    age = np.where(ok, day.day - T.last[row], 0).astype(np.float64)
    srow, _ = _lookup(sr_key, cs * R2 + cr)
    srow_ok = ok  # (s, r, o) seen implies (s, r) seen
    X[:, col["same_seen"]] = ok
    for tau, name in ((1.0, "same_r1"), (7.0, "same_r7"), (60.0, "same_r60")):
        X[:, col[name]] = np.where(ok, np.exp(-age / tau), 0.0)
    cnt = np.where(ok, T.count[row], 0.0)
    X[:, col["same_logcnt"]] = np.log1p(cnt)
    share = np.where(srow_ok, cnt / np.maximum(sr_cnt[srow] if len(sr_cnt) else 1.0, 1), 0.0)
    X[:, col["same_share"]] = share
    X[:, col["same_logshare"]] = _log(share)
    X[:, col["same_decshare"]] = np.where(ok, T.decayed[30.0][row] / np.maximum(sr_dec[srow] if len(sr_dec) else 1.0, 1e-9), 0.0)
    X[:, col["same_r7_x_prop"]] = X[:, col["same_r7"]] * prior.prop[cr]
    # reciprocity
    row, ok = t_get(cs, ci, co)
    age = np.where(ok, day.day - T.last[row], 0).astype(np.float64)
    srow, _ = _lookup(sr_key, cs * R2 + ci)
    X[:, col["recip_seen"]] = ok
    X[:, col["recip_r7"]] = np.where(ok, np.exp(-age / 7.0), 0.0)
    X[:, col["recip_r60"]] = np.where(ok, np.exp(-age / 60.0), 0.0)
    X[:, col["recip_share"]] = np.where(ok, T.count[row] / np.maximum(sr_cnt[srow] if len(sr_cnt) else 1.0, 1), 0.0)
    # any relation on the pair
    row, ok = _lookup(PT.key, cs * E + co)
    pc = np.where(ok, PT.count[row], 0.0)
    age = np.where(ok, day.day - PT.last[row], 0).astype(np.float64)
    for tau, name in ((1.0, "pair_r1"), (7.0, "pair_r7"), (60.0, "pair_r60")):
        X[:, col[name]] = np.where(ok, np.exp(-age / tau), 0.0)
    X[:, col["pair_logcnt"]] = np.log1p(pc)
    psh = pc / np.maximum(s_cnt[cs], 1)
    X[:, col["pair_share"]] = psh
    X[:, col["pair_logshare"]] = _log(psh)
    X[:, col["pair_r7_x_noprop"]] = X[:, col["pair_r7"]] * (1 - prior.prop[cr])
    # related relations: rules r'(s, o) -> r(s, o), over every r' seen on the pair
    order2 = np.argsort(t_so, kind="stable")
    so_sorted = t_so[order2]
    own, k = expand(np.searchsorted(so_sorted, cs * E + co, "left"), np.searchsorted(so_sorted, cs * E + co, "right"))
    trow = order2[k]
    wrel = prior.W[cr[own], (T.key[trow] // E) % R2] * np.exp(-(day.day - T.last[trow]) / 30.0)
    X[:, col["related_sum"]] = np.bincount(own, weights=wrel, minlength=n)
    rmax = np.zeros(n)
    if len(own):
        starts = np.r_[0, np.flatnonzero(own[1:] != own[:-1]) + 1]
        rmax[own[starts]] = np.maximum.reduceat(wrel, starts)
    X[:, col["related_max"]] = rmax
    del order2, so_sorted, own, k, trow, wrel
    # two hops
    row, ok = _lookup(tw_key, ckey)
    X[:, col["twohop_r"]] = np.where(ok, tw_val[row] if len(tw_val) else 0.0, 0.0)
    row, ok = _lookup(ta_key, us_inv[cq] * E + co)
    taa = np.where(ok, ta_val[row] if len(ta_val) else 0.0, 0.0)
    X[:, col["twohop_any"]] = taa
    X[:, col["twohop_logany"]] = _log(taa)
    # popularity and self
    row, ok = _lookup(pop_key, cr * E + co)
    pr = np.where(ok, pop_val[row] if len(pop_val) else 0.0, 0.0)
    X[:, col["pop_r"]] = pr
    X[:, col["pop_logr"]] = _log(pr)
    X[:, col["pop_any"]] = pop_o[co]
    X[:, col["self"]] = co == cs
    # the subject's group
    cg = grp[cs] * R2 + cr
    row, ok = _lookup(gk, cg * E + co)
    trow, tok = _lookup(g_tot_key, cg)
    gsh = np.where(ok & tok, (gv[row] if len(gv) else 0.0) / np.maximum(g_tot[trow] if len(g_tot) else 1.0, 1e-9), 0.0)
    X[:, col["group_share"]] = gsh
    X[:, col["group_logshare"]] = _log(gsh)
    X[:, col["group_same"]] = grp[co] == grp[cs]
    _sector(X, col, day, index, sec, grp, cs, cr, co, E, R2)
    _context(X, col, day, cs, cr, ci, co, T, PT, RO, index.orr.table(day.day, (30.0,)), sr_key, sr_first, sr_cnt, s_cnt, act, prior.W, E, R2)
    return DayFeatures(cq, co, X)


def _sector_pair_key(sec_s, r, sec_o, same, R2: int, E: int):
    """(sector of s, r, sector of o, whether s and o share a group) as one int64 (sector ids are
    below E)."""
    return ((sec_s * R2 + r) * E + sec_o) * 2 + same


def _sector(X, col, day: Day, index: HistoryIndex, sec, grp, cs, cr, co, E: int, R2: int) -> None:
    """What entities of the subject's sector did with the relation lately, across groups:
    the police of one country arrest protesters as the police of others do, and "Citizen
    (Kenya)" is likelier the object of "Police (Kenya)" than of "Police (Ghana)", hence the
    same-group bit in the first key. Each is a 30-day-decayed share of (sector of s, r, *).
    On ICEWS14 and ICEWS18 validation (fit on the last 60 training days, answers among their
    candidates, with trees) the four added 0.0021 and 0.0012 (docs/forecast.md)."""
    SP = index.sec_pair.table(day.day, (30.0,))
    SO = index.sec_obj.table(day.day, (30.0,))
    tot_key, tot = _sum_sorted(SO.key // E, SO.decayed[30.0])
    q = sec[cs] * R2 + cr
    trow, tok = _lookup(tot_key, q)
    denom = np.where(tok, tot[trow] if len(tot) else 1.0, 1.0)
    for table, key, name in ((SP, _sector_pair_key(sec[cs], cr, sec[co], grp[cs] == grp[co], R2, E), "sector"), (SO, q * E + co, "sector_obj")):
        row, ok = _lookup(table.key, key)
        share = np.where(ok & tok, (table.decayed[30.0][row] if len(table.key) else 0.0) / np.maximum(denom, 1e-9), 0.0)
        X[:, col[f"{name}_share"]] = share
        X[:, col[f"{name}_logshare"]] = _log(share)


def _context(
    X, col, day: Day, cs, cr, ci, co, T: Table, PT: Table, RO: Table, OR: Table, sr_key, sr_first, sr_cnt, s_cnt, act, W, E: int, R2: int
) -> None:
    """The features that say how much to trust the others: how active the object is lately
    (an entity in yesterday's news is likelier in today's), how much history the subject has,
    and recurrence and pair activity at shorter time scales (3 and 7 days, the latest day,
    and how "due" a repeat is from its mean gap). Each alone moved validation MRR by less
    than 0.003 on ICEWS14; the 23 together by +0.008 among candidates (docs/forecast.md)."""
    h = day.history
    hs, hr, ho, hd = h[:, 0], h[:, 1], h[:, 2], h[:, 3]
    latest = hd == hd.max() if len(hd) else np.zeros(0, dtype=bool)
    # the object: its decayed activity (`act`, per time scale, from day_features)
    for tau, name in ((1.0, "obj_act1"), (7.0, "obj_act7")):
        X[:, col[name]] = 1000.0 * act[tau][co] / max(act[tau].sum(), 1e-9)
    last = np.full(E, np.iinfo(np.int32).min, dtype=np.int64)
    np.maximum.at(last, hs, hd)
    X[:, col["obj_recent"]] = np.exp(-(day.day - last[co]) / 7.0)
    X[:, col["obj_logcnt"]] = np.log1p(s_cnt[co])
    row, ok = _lookup(RO.key, cr * E + co)
    X[:, col["obj_r_recent"]] = np.where(ok, np.exp(-(day.day - RO.last[row]) / 7.0), 0.0) if len(RO.key) else 0.0
    r_tot = np.bincount(hr, minlength=R2)
    X[:, col["obj_r_logshare_all"]] = np.where(ok, _log(RO.count[row] / np.maximum(r_tot[cr], 1)), 0.0) if len(RO.key) else 0.0
    lk, lv = _sum_by(hr[latest] * E + ho[latest], np.ones(int(latest.sum())))
    l_tot = np.bincount(hr[latest], minlength=R2)
    row, ok = _lookup(lk, cr * E + co)
    X[:, col["obj_r_last_day"]] = np.where(ok, (lv[row] if len(lv) else 0.0) / np.maximum(l_tot[cr], 1), 0.0)
    # o on the receiving end of relations like r (W: how often r' and r share a dyad)
    ok_key, ok_val = OR.key, OR.decayed[30.0]
    o_in = act[30.0]  # what o receives: with the inverses, all of its facts
    # one row per distinct candidate object: (o, r') incoming weights times W, read at (o, r)
    uo, uo_inv = np.unique(co, return_inverse=True)
    M = sp.csr_matrix((ok_val.astype(np.float32), (ok_key // R2, ok_key % R2)), shape=(E, R2))
    like_r = M[uo] @ W.T.astype(np.float32)  # (distinct objects, relations)
    X[:, col["obj_receives_related"]] = like_r[uo_inv, cr] / np.maximum(o_in[co], 1e-9)
    del M, like_r
    # the subject
    X[:, col["subj_logcnt"]] = np.log1p(s_cnt[cs])
    X[:, col["subj_recent"]] = np.exp(-(day.day - last[cs]) / 7.0)
    srow, sok = _lookup(sr_key, cs * R2 + cr)
    X[:, col["subj_r_logcnt"]] = np.where(sok, np.log1p(sr_cnt[srow] if len(sr_cnt) else 0.0), 0.0)
    d_cnt = np.diff(np.r_[sr_first, len(T.key)])  # distinct objects per (s, r)
    X[:, col["subj_r_logdistinct"]] = np.where(sok, np.log1p(d_cnt[srow] if len(d_cnt) else 0), 0.0)
    row, ok = _lookup(sr_key, co * R2 + cr)
    X[:, col["obj_does_r_logcnt"]] = np.where(ok, np.log1p(sr_cnt[row] if len(sr_cnt) else 0.0), 0.0)
    # recurrence at more scales
    row, ok = _lookup(T.key, (cs * R2 + cr) * E + co)
    first_age = np.where(ok, day.day - (T.first[row] if len(T.key) else 0), 0).astype(np.float64)
    last_age = np.where(ok, day.day - T.last[row], 0).astype(np.float64)
    n = np.where(ok, T.count[row] if len(T.key) else 0.0, 0.0)
    X[:, col["same_logfirst"]] = np.where(ok, np.log1p(first_age), 0.0)
    gap = (first_age - last_age) / np.maximum(n - 1, 1)
    X[:, col["same_due"]] = np.where(n >= 2, np.exp(-np.abs(last_age - gap) / np.maximum(gap, 1.0)), 0.0)
    X[:, col["same_logdec7"]] = np.where(ok, np.log1p(T.decayed[7.0][row] if len(T.key) else 0.0), 0.0)
    for tau in (3.0, 7.0):
        tot = np.add.reduceat(T.decayed[tau], sr_first) if len(T.key) else np.zeros(0)
        X[:, col[f"same_decshare{int(tau)}"]] = np.where(
            ok & sok, (T.decayed[tau][row] if len(T.key) else 0.0) / np.maximum(tot[srow] if len(tot) else 1.0, 1e-9), 0.0
        )
    lk, lv = _sum_by(((hs * R2 + hr) * E + ho)[latest], np.ones(int(latest.sum())))
    row, ok = _lookup(lk, (cs * R2 + cr) * E + co)
    X[:, col["same_last_day"]] = np.where(ok, np.log1p(lv[row] if len(lv) else 0.0), 0.0)
    row, ok = _lookup(T.key, (cs * R2 + ci) * E + co)
    X[:, col["recip_r1"]] = np.where(ok, np.exp(-(day.day - T.last[row]) / 1.0), 0.0)
    # the pair at more scales
    row, ok = _lookup(PT.key, cs * E + co)
    for tau in (3.0, 7.0):
        X[:, col[f"pair_decshare{int(tau)}"]] = np.where(ok, (PT.decayed[tau][row] if len(PT.key) else 0.0) / np.maximum(act[tau][cs], 1e-9), 0.0)
    lk, lv = _sum_by((hs * E + ho)[latest], np.ones(int(latest.sum())))
    row, ok = _lookup(lk, cs * E + co)
    X[:, col["pair_last_day"]] = np.where(ok, np.log1p(lv[row] if len(lv) else 0.0), 0.0)
