#!/usr/bin/python3
"""Independent reference values for core/mcmc.c (tests/test_mcmc.c).

Writes draws_a.csv and draws_b.csv (one row per draw, one column per chain) and prints the
rank-normalised split R-hat, bulk ESS and tail ESS of each, computed here with numpy and
scipy from the formulas of Vehtari, Gelman, Simpson, Carpenter & Buerkner (2021),
Bayesian Analysis 16:667 (Sec. 3-4, Appendix A): autocovariances by FFT, ranks by
scipy.stats.rankdata (average ties), Phi^-1 by scipy.stats.norm.ppf, quantiles by
numpy.quantile (R type 7). Run with Debian's python3-numpy and python3-scipy:
    /usr/bin/python3 tests/data/mcmc/mcmc_ref.py tests/data/mcmc
"""
import os
import sys

import numpy as np
from scipy.stats import norm, rankdata


def split(x):  # x: n x C
    n = x.shape[0]
    h = n // 2
    return np.hstack([x[:h], x[n - h:]])


def z_scale(x):
    r = rankdata(x.ravel(), method="average").reshape(x.shape)
    return norm.ppf((r - 0.375) / (x.size + 0.25))


def rhat_basic(y):
    h = y.shape[0]
    w = y.var(axis=0, ddof=1).mean()
    b = h * y.mean(axis=0).var(ddof=1)
    return np.sqrt(((h - 1) / h * w + b / h) / w)


def acov(v):
    n = len(v)
    c = v - v.mean()
    m = 1
    while m < 2 * n:
        m *= 2
    f = np.fft.rfft(c, m)
    return np.fft.irfft(f * np.conj(f), m)[:n].real / n


def ess_basic(y):
    h, M = y.shape
    ac = np.column_stack([acov(y[:, m]) for m in range(M)])
    mean_var = ac[0].mean() * h / (h - 1)
    var_plus = mean_var * (h - 1) / h + y.mean(axis=0).var(ddof=1)
    rho = np.zeros(h)
    t = 0
    even, odd = 1.0, 1 - (mean_var - ac[1].mean()) / var_plus
    rho[0], rho[1] = even, odd
    while t < h - 5 and even + odd > 0:
        t += 2
        even = 1 - (mean_var - ac[t].mean()) / var_plus
        odd = 1 - (mean_var - ac[t + 1].mean()) / var_plus
        if even + odd >= 0:
            rho[t], rho[t + 1] = even, odd
    max_t = t
    if even > 0:
        rho[max_t] = even
    t = 0
    while t <= max_t - 4:
        t += 2
        if rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]:
            rho[t] = rho[t + 1] = (rho[t - 2] + rho[t - 1]) / 2
    S = M * h
    tau = -1 + 2 * rho[:max_t].sum() + rho[max_t]
    tau = max(tau, 1 / np.log10(S))
    return S / tau


def diagnose(x):
    s = split(x)
    zb = z_scale(s)
    zt = z_scale(split(np.abs(x - np.median(x))))
    rh = max(rhat_basic(zb), rhat_basic(zt))
    ess_b = ess_basic(zb)
    tails = []
    for p in (0.05, 0.95):
        q = np.quantile(s, p)
        tails.append(ess_basic((s <= q).astype(float)))
    return rh, rhat_basic(zb), rhat_basic(zt), ess_b, min(tails)


def ar1(rng, n, C, phi, shift):
    x = np.zeros((n, C))
    for c in range(C):
        v = rng.normal()
        for i in range(n):
            v = phi * v + rng.normal()
            x[i, c] = v + shift * c
    return x


out = sys.argv[1] if len(sys.argv) > 1 else "."
rng = np.random.default_rng(20260)
# a: 4 chains of 101 draws (odd: the middle draw is dropped), AR(1) 0.6, rounded to
#    integers so that ties exercise the average ranks
a = np.round(10 * ar1(rng, 101, 4, 0.6, 0.0)) + 1000
# b: 3 chains of 80 draws, AR(1) 0.9, chain c shifted by 0.8 c (not converged)
b = ar1(rng, 80, 3, 0.9, 0.8)
for name, x in (("a", a), ("b", b)):
    np.savetxt(os.path.join(out, "draws_%s.csv" % name), x, fmt="%.17g", delimiter=",")
    print(name, " ".join("%.15g" % v for v in diagnose(x)))
