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
Objects named by none of these are not candidates (they rank below, tied).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from barograph.analysis.forecast.evaluate import Day
from barograph.analysis.forecast.history import Table, expand

FEATURES = (
    "same_seen", "same_r1", "same_r7", "same_r60", "same_logcnt", "same_share", "same_logshare",
    "same_decshare", "same_r7_x_prop",
    "recip_seen", "recip_r7", "recip_r60", "recip_share",
    "pair_r1", "pair_r7", "pair_r60", "pair_logcnt", "pair_share", "pair_logshare", "pair_r7_x_noprop",
    "related_sum", "related_max",
    "twohop_r", "twohop_any", "twohop_logany",
    "pop_r", "pop_logr", "pop_any", "self",
)
TOP_POP = 30
TOP_TWOHOP = 30


@dataclass
class Prior:
    """What the model knows from the fitting period: relation co-occurrence and recurrence."""

    W: np.ndarray      # (R2, R2): P(r on a dyad | r' on it), diagonal and inverse zeroed
    prop: np.ndarray   # (R2,): share of facts of r that repeat an earlier (s, r, o)

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


@dataclass
class DayFeatures:
    q: np.ndarray      # query index of each candidate row
    o: np.ndarray      # candidate object
    X: np.ndarray      # (rows, len(FEATURES))


def _rec(age: np.ndarray, tau: float, seen: np.ndarray) -> np.ndarray:
    return np.where(seen, np.exp(-np.maximum(age, 0) / tau), 0.0)


def _log(share: np.ndarray) -> np.ndarray:
    """A log scale that is 0 for a share of 0 and grows by 1 per factor e above 1e-4."""
    return np.log1p(share / 1e-4)


def day_features(day: Day, n_ent: int, n_rel: int, prior: Prior) -> DayFeatures:
    E, R2 = n_ent, 2 * n_rel
    h = day.history
    hs, hr, ho, hd = h[:, 0], h[:, 1], h[:, 2], h[:, 3]
    age_h = (day.day - hd).astype(np.float64)
    T = Table.build((hs * R2 + hr) * E + ho, hd, day.day, (30.0,))
    t_s = T.key // (R2 * E)
    t_r = (T.key // E) % R2
    t_o = T.key % E
    t_age = (day.day - T.last).astype(np.float64)
    nq = len(day.qs)
    qs, qr = day.qs, day.qr
    qinv = (qr + n_rel) % R2

    # per (s, r) totals and per s totals
    sr_cnt = np.bincount(hs * R2 + hr, minlength=E * R2).astype(np.float64)
    sr_dec = np.bincount(hs * R2 + hr, weights=np.exp(-age_h / 30.0), minlength=E * R2)
    s_cnt = np.bincount(hs, minlength=E).astype(np.float64)

    # one-hop join: every (s_q, r', o) row for each query
    lo, hi = np.searchsorted(t_s, qs, "left"), np.searchsorted(t_s, qs, "right")
    jq, jrow = expand(lo, hi)
    jr, jo = t_r[jrow], t_o[jrow]
    jage, jcnt = t_age[jrow], T.count[jrow]
    same = jr == qr[jq]
    recip = jr == qinv[jq]

    # popularity of objects for each relation (recent, decayed by a week) and overall
    w7 = np.exp(-age_h / 7.0)
    pop_ro = np.bincount(hr * E + ho, weights=w7, minlength=R2 * E).reshape(R2, E)
    pop_ro /= np.maximum(pop_ro.sum(1, keepdims=True), 1e-9)
    pop_o = np.bincount(ho, weights=w7, minlength=E)
    pop_o /= max(pop_o.sum(), 1e-9)

    # two-hop: s -*-> x (share of s's facts), then x -r-> o (share of x's r facts) / x -*-> o
    pair_key = np.unique(hs * E + ho)
    P_cnt = np.bincount(np.searchsorted(pair_key, hs * E + ho), minlength=len(pair_key)).astype(float)
    ps, po = pair_key // E, pair_key % E
    P = sp.csr_matrix((P_cnt / np.maximum(s_cnt[ps], 1), (ps, po)), shape=(E, E))
    us, us_inv = np.unique(qs, return_inverse=True)
    two_any = (P[us] @ P).tocsr()
    # relation-specific: expand neighbours x of s_q, then rows (x, r_q, *)
    plo, phi = np.searchsorted(ps, qs, "left"), np.searchsorted(ps, qs, "right")
    nq_x, nrow = expand(plo, phi)
    x = po[nrow]
    wx = P_cnt[nrow] / np.maximum(s_cnt[qs[nq_x]], 1)
    xkey = (x * R2 + qr[nq_x]) * E
    xlo, xhi = np.searchsorted(T.key, xkey, "left"), np.searchsorted(T.key, xkey + E, "left")
    own, trow = expand(xlo, xhi)
    tq = nq_x[own]
    tval = wx[own] * T.count[trow] / np.maximum(sr_cnt[x[own] * R2 + qr[tq]], 1)
    t_obj = t_o[trow]

    # candidate set
    cand = [jq * E + jo, tq * E + t_obj]
    top = np.argsort(-pop_ro[qr], axis=1)[:, :TOP_POP]
    cand.append((np.arange(nq)[:, None] * E + top).ravel())
    ta = two_any[us_inv]
    ta = ta.tocoo()
    if ta.nnz:
        # best two-hop objects per query
        order = np.lexsort((-ta.data, ta.row))
        rr, cc = ta.row[order], ta.col[order]
        first = np.searchsorted(rr, np.arange(nq))
        keep = (np.arange(len(rr)) - first[rr]) < TOP_TWOHOP
        cand.append(rr[keep] * E + cc[keep])
    ckey = np.unique(np.concatenate(cand))
    cq, co = ckey // E, ckey % E
    n = len(ckey)
    X = np.zeros((n, len(FEATURES)))
    col = {f: i for i, f in enumerate(FEATURES)}

    def grouped(mask, values, how="sum"):
        idx = np.searchsorted(ckey, jq[mask] * E + jo[mask])
        outv = np.zeros(n)
        if how == "sum":
            np.add.at(outv, idx, values)
        else:
            np.maximum.at(outv, idx, values)
        return outv

    # same relation (one row per (q, o) at most)
    idx = np.searchsorted(ckey, jq[same] * E + jo[same])
    a = jage[same]
    X[idx, col["same_seen"]] = 1.0
    X[idx, col["same_r1"]] = np.exp(-a / 1.0)
    X[idx, col["same_r7"]] = np.exp(-a / 7.0)
    X[idx, col["same_r60"]] = np.exp(-a / 60.0)
    X[idx, col["same_logcnt"]] = np.log1p(jcnt[same])
    share = jcnt[same] / np.maximum(sr_cnt[qs[jq[same]] * R2 + qr[jq[same]]], 1)
    X[idx, col["same_share"]] = share
    X[idx, col["same_logshare"]] = _log(share)
    X[idx, col["same_decshare"]] = T.decayed[30.0][jrow[same]] / np.maximum(
        sr_dec[qs[jq[same]] * R2 + qr[jq[same]]], 1e-9)
    X[idx, col["same_r7_x_prop"]] = np.exp(-a / 7.0) * prior.prop[qr[jq[same]]]
    # reciprocity
    idx = np.searchsorted(ckey, jq[recip] * E + jo[recip])
    a = jage[recip]
    X[idx, col["recip_seen"]] = 1.0
    X[idx, col["recip_r7"]] = np.exp(-a / 7.0)
    X[idx, col["recip_r60"]] = np.exp(-a / 60.0)
    X[idx, col["recip_share"]] = jcnt[recip] / np.maximum(sr_cnt[qs[jq[recip]] * R2 + qinv[jq[recip]]], 1)
    # any relation on the pair
    allm = np.ones(len(jq), dtype=bool)
    pc = grouped(allm, jcnt)
    pmin_age = np.where(pc > 0, -(grouped(allm, 1e6 - jage, how="max") - 1e6), np.inf)
    seen = pc > 0
    X[:, col["pair_r1"]] = _rec(pmin_age, 1.0, seen)
    X[:, col["pair_r7"]] = _rec(pmin_age, 7.0, seen)
    X[:, col["pair_r60"]] = _rec(pmin_age, 60.0, seen)
    X[:, col["pair_logcnt"]] = np.log1p(pc)
    psh = pc / np.maximum(s_cnt[qs[cq]], 1)
    X[:, col["pair_share"]] = psh
    X[:, col["pair_logshare"]] = _log(psh)
    X[:, col["pair_r7_x_noprop"]] = X[:, col["pair_r7"]] * (1 - prior.prop[qr[cq]])
    # related relations: rules r'(s, o) -> r(s, o)
    wrel = prior.W[qr[jq], jr] * np.exp(-jage / 30.0)
    X[:, col["related_sum"]] = grouped(allm, wrel)
    X[:, col["related_max"]] = grouped(allm, wrel, how="max")
    # two hops
    tv = np.zeros(n)
    if len(tq):
        np.add.at(tv, np.searchsorted(ckey, tq * E + t_obj), tval)
    X[:, col["twohop_r"]] = tv
    taa = np.asarray(two_any[us_inv[cq], co]).ravel()
    X[:, col["twohop_any"]] = taa
    X[:, col["twohop_logany"]] = _log(taa)
    # popularity and self
    pr = pop_ro[qr[cq], co]
    X[:, col["pop_r"]] = pr
    X[:, col["pop_logr"]] = _log(pr)
    X[:, col["pop_any"]] = pop_o[co]
    X[:, col["self"]] = (co == qs[cq]).astype(float)
    return DayFeatures(cq, co, X)
