"""Independent reference for significance.ts and weighting.ts (run by scipy.unit.test.ts with Debian's python3).

Reads JSON cases on stdin and writes the SciPy / statsmodels answers as JSON on stdout:
  z        [[x1, n1, x2, n2], ...]  -> statsmodels proportions_ztest (z, p) and scipy chi2_contingency(correction=False) p
  zcc      [[x1, n1, x2, n2], ...]  -> scipy chi2_contingency(correction=True) (chi2, p)
  fisher   [[x1, n1, x2, n2], ...]  -> scipy fisher_exact p (two-sided)
  mcnemar  [[b, c], ...]            -> statsmodels mcnemar exact=True and exact=False, correction=True (statistic, p)
  holm     [[p, ...], ...]          -> statsmodels multipletests(method='holm') adjusted p-values
  ebz      [[p1, neff1, p2, neff2]] -> proportions_ztest(count=p*neff, nobs=neff) (z, p)
  rake     {"categories": [[int per respondent] per variable], "targets": [[share per category] per variable]}
           -> weights (mean 1) from a plain numpy iterative proportional fitting run to 1e-13.
"""
import json
import sys
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest


def table(x1, n1, x2, n2):
    return np.array([[x1, n1 - x1], [x2, n2 - x2]])


def z_case(x1, n1, x2, n2):
    z, p = proportions_ztest([x1, x2], [n1, n2])
    chi2 = stats.chi2_contingency(table(x1, n1, x2, n2), correction=False)
    return {"z": float(z), "p": float(p), "chi2p": float(chi2[1])}


def zcc_case(x1, n1, x2, n2):
    chi2 = stats.chi2_contingency(table(x1, n1, x2, n2), correction=True)
    return {"chi2": float(chi2[0]), "p": float(chi2[1])}


def fisher_case(x1, n1, x2, n2):
    return {"p": float(stats.fisher_exact(table(x1, n1, x2, n2))[1])}


def mcnemar_case(b, c):
    t = np.array([[10, b], [c, 10]])
    exact = mcnemar(t, exact=True)
    out = {"exactStatistic": float(exact.statistic), "exactP": float(exact.pvalue), "chi2": None, "chi2P": None}
    if b + c > 0:
        chi = mcnemar(t, exact=False, correction=True)
        out["chi2"] = float(chi.statistic)
        out["chi2P"] = float(chi.pvalue)
    return out


def ebz_case(p1, n1, p2, n2):
    z, p = proportions_ztest([p1 * n1, p2 * n2], [n1, n2])
    return {"z": float(z), "p": float(p)}


def ipf(categories, targets, tol=1e-13, max_iter=10000):
    cats = [np.asarray(c, dtype=np.int64) for c in categories]
    shares = [np.asarray(t, dtype=np.float64) / np.sum(t) for t in targets]
    n = len(cats[0])
    w = np.ones(n)
    for _ in range(max_iter):
        for c, s in zip(cats, shares):
            totals = np.bincount(c, weights=w, minlength=len(s))
            w = w * (s * w.sum() / totals)[c]
        gap = max(
            np.max(np.abs(np.bincount(c, weights=w, minlength=len(s)) / w.sum() - s))
            for c, s in zip(cats, shares)
        )
        if gap < tol:
            break
    return (w * n / w.sum()).tolist()


def main():
    cases = json.load(sys.stdin)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = {
            "z": [z_case(*c) for c in cases.get("z", [])],
            "zcc": [zcc_case(*c) for c in cases.get("zcc", [])],
            "fisher": [fisher_case(*c) for c in cases.get("fisher", [])],
            "mcnemar": [mcnemar_case(*c) for c in cases.get("mcnemar", [])],
            "holm": [multipletests(p, method="holm")[1].tolist() for p in cases.get("holm", [])],
            "ebz": [ebz_case(*c) for c in cases.get("ebz", [])],
        }
        if "rake" in cases:
            out["rake"] = ipf(cases["rake"]["categories"], cases["rake"]["targets"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
