"""A flat sheet that splits into separate slips towards its end (the plantar aponeurosis' five
digital slips): its cross-section, and the closed surface of the sheet and of each slip.

``SweepSpec.slips`` is ``(start, gap, cuts, ends)``: from the fraction ``start`` of the path on,
the sheet is cut across its width at the fractions ``cuts`` (0 at one edge, 1 at the other),
each cut ``gap`` (a fraction of the width) wide; slip ``k`` stops at the path fraction
``ends[k]`` (so the slips may end on a slanting line, like the toes). The tube keeps all its
vertices (posing carries them by station); those in a cut or past a slip's end are laid on a
vertex still drawn and left out of the faces, and walls close each slip.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from calfexplorer.geometry.params import SweepSpec

#: Across a slip, the thickness rises from nothing at a cut to full over this share of the width.
_TAPER = 0.03


def across(ring: int) -> np.ndarray:
    """Where each ring vertex lies across the sheet (0..1), evenly spaced on both faces: vertex
    ``k`` of the upper face and ``ring - k`` of the lower one lie at the same place."""
    half = ring / 2
    k = np.arange(ring)
    return np.where(k <= half, 1.0 - k / half, (k - half) / half)


def _slip_of(spec: SweepSpec, ring: int) -> np.ndarray:
    """The slip each ring vertex belongs to (0..len(cuts)), -1 inside a cut."""
    _, gap, cuts, _ = spec.slips
    s, edges = across(ring), np.asarray(cuts, dtype=float)
    near = np.min(np.abs(s[:, None] - edges[None, :]), axis=1)
    return np.where(near < 0.5 * gap, -1, np.searchsorted(edges, s))


def drawn(spec: SweepSpec, stations: int, ring: int) -> np.ndarray:
    """(stations, ring) True where a vertex is part of the drawn surface."""
    start, _, cuts, ends = spec.slips
    slip = _slip_of(spec, ring)
    for k in range(len(cuts)):
        if not ((slip[: ring // 2 + 1] == k).any() and (slip[: ring // 2 + 1] == k + 1).any()):
            raise ValueError("field 'slips': a slip or a cut falls between two ring vertices; "
                             "raise 'ring' or widen 'gap'")
    u = np.linspace(0.0, 1.0, stations)[:, None]
    end = np.asarray(ends, dtype=float)[np.clip(slip, 0, len(ends) - 1)][None, :]
    return (u < start) | ((slip[None, :] >= 0) & (u <= end + 1e-9))


def tendon_slips(spec: SweepSpec, ring: int, width: np.ndarray,
                 thick: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stations, ring) local x and y of a tendon divided into ``spec.slip_width`` wide slips of
    the station's thickness, each centred where it lies across a sheet of the station's width
    (so the slips fan apart as the width grows), lifted by ``spec.slip_lift`` and moved
    across by ``spec.slip_side``."""
    s, slip = across(ring), _slip_of(spec, ring)
    sa = np.sin(2 * np.pi * np.arange(ring) / ring)
    centre, half = np.zeros(ring), np.ones(ring)
    for j in range(len(spec.slips[3])):
        mine = slip == j
        lo, hi = s[mine].min(), s[mine].max()
        centre[mine], half[mine] = 0.5 * (lo + hi), max(0.5 * (hi - lo), 1e-9)
    rel = (s - centre) / half  # -1..1 across each slip
    x = width[:, None] * (centre - 0.5)[None] + 0.5 * spec.slip_width * rel[None]
    # an oval cross-section, kept a little thick at the slip's edges (walls join its two faces)
    y = 0.5 * thick[:, None] * (np.sign(sa) * np.sqrt(np.clip(1.0 - rel**2, 0.16, 1.0)))[None]
    y = y + _per_slip(spec.slip_lift, slip, len(width))
    x = x + _per_slip(spec.slip_side, slip, len(width))
    return x, y


def _per_slip(rows: tuple, slip: np.ndarray, stations: int) -> np.ndarray:
    """(stations, ring) each slip's value from ``[[u, slip 0, slip 1, ...], ...]`` rows,
    linear in u between them (0 without rows and in the cuts)."""
    if not rows:
        return np.zeros((stations, len(slip)))
    table = np.asarray(rows, dtype=float)
    u = np.linspace(0.0, 1.0, stations)
    per = np.stack([np.interp(u, table[:, 0], table[:, 1 + j])
                    for j in range(table.shape[1] - 1)], axis=1)  # (stations, slips)
    return np.where(slip >= 0, per[:, np.clip(slip, 0, None)], 0.0)


def thickness_factor(spec: SweepSpec, stations: int, ring: int) -> np.ndarray:
    """(stations, ring) factor on the ring's thickness: 1 on the whole sheet, thinning towards
    the edges of the slips."""
    start, gap, cuts, _ = spec.slips
    s, edges = across(ring), np.asarray(cuts, dtype=float)
    dist = np.min(np.abs(s[:, None] - edges[None, :]), axis=1) - 0.5 * gap
    per_vertex = np.clip(dist / _TAPER, 0.0, 1.0) ** 0.5
    split = (np.linspace(0.0, 1.0, stations) >= start)[:, None]
    return np.where(split, per_vertex[None, :], 1.0)


def hide_unused(spec: SweepSpec, local: np.ndarray) -> np.ndarray:
    """``local`` ((stations, ring, 3) offsets) with each vertex that is not drawn moved onto the
    nearest drawn vertex of its station (the station's centre where none is drawn)."""
    stations, ring, _ = local.shape
    keep = drawn(spec, stations, ring)
    out = local.copy()
    for i in np.flatnonzero(~keep.all(axis=1)):
        alive = np.flatnonzero(keep[i])
        for k in np.flatnonzero(~keep[i]):
            if len(alive):
                out[i, k] = local[i, alive[np.argmin(np.abs(alive - k))]]
            else:
                out[i, k] = 0.0
    return out


def slip_faces(spec: SweepSpec, stations: int, ring: int, first_cap: np.ndarray) -> np.ndarray:
    """The faces of the split sheet: the tube's quads between drawn vertices of one slip, walls
    along and across the end of each slip and across each fork, and the tube's first cap."""
    keep = drawn(spec, stations, ring)
    slip = _slip_of(spec, ring)
    split = np.linspace(0.0, 1.0, stations) >= spec.slips[0]
    half = ring // 2

    def vid(i: int, k: int) -> int:
        return i * ring + k % ring

    def mirror(k: int) -> int:  # the vertex of the other face at the same place
        return (ring - k) % ring

    quads: list[tuple[int, int, int, int]] = []
    for i in range(stations - 1):
        for k in range(ring):
            k1 = (k + 1) % ring
            corners = keep[i, k] and keep[i + 1, k] and keep[i, k1] and keep[i + 1, k1]
            if corners and (not split[i + 1] or slip[k] == slip[k1]):
                quads.append((vid(i, k), vid(i + 1, k), vid(i + 1, k1), vid(i, k1)))
    walls: list[tuple[int, int, int, int]] = []
    for j in range(len(spec.slips[3])):
        cols = [k for k in range(half + 1) if slip[k] == j]
        live = [i for i in range(stations) if split[i] and keep[i, cols[0]]]
        for kb in {cols[0], cols[-1]} - {0, half}:  # along its cut sides
            for i in live:
                walls.append((vid(i - 1, kb), vid(i, kb), vid(i, mirror(kb)),
                              vid(i - 1, mirror(kb))))
        if live:  # across its end
            walls += _strip(live[-1], cols, vid, mirror)
    fork = int(np.argmax(split)) - 1
    dead = [k for k in range(1, half) if slip[k] == -1]
    for run in np.split(np.asarray(dead), np.flatnonzero(np.diff(dead) > 1) + 1):
        walls += _strip(fork, list(range(run[0] - 1, run[-1] + 2)), vid, mirror)
    tris = [t for a, b, c, d in quads + walls for t in ((a, b, c), (a, c, d))]
    tris = [t for t in tris if len(set(t)) == 3]
    return _oriented(np.asarray(first_cap), np.asarray(tris[: 2 * len(quads)]),
                     np.asarray(tris[2 * len(quads):]))


def _strip(i: int, cols: list[int], vid: Callable[[int, int], int],
           mirror: Callable[[int], int]) -> list[tuple[int, int, int, int]]:
    """Quads closing a slip's cross-section at station ``i`` over the upper-face ``cols``."""
    return [(vid(i, k), vid(i, k + 1), vid(i, mirror(k + 1)), vid(i, mirror(k)))
            for k in cols[:-1]]


def _oriented(cap: np.ndarray, sheet: np.ndarray, walls: np.ndarray) -> np.ndarray:
    """All faces, the walls turned to agree with the tube's faces across each shared edge."""
    fixed = [cap, sheet]
    used = {(int(a), int(b)) for f in fixed for t in f for a, b in ((t[0], t[1]), (t[1], t[2]),
                                                                    (t[2], t[0]))}
    todo = [tuple(int(x) for x in t) for t in walls]
    while todo:
        left = []
        for t in todo:
            edges = ((t[0], t[1]), (t[1], t[2]), (t[2], t[0]))
            if any(e in used for e in edges):
                t = (t[0], t[2], t[1])
            elif not any((b, a) in used for a, b in edges):
                left.append(t)
                continue
            used.update(((t[0], t[1]), (t[1], t[2]), (t[2], t[0])))
            fixed.append(np.asarray([t]))
        if len(left) == len(todo):  # nothing joins them: keep them as they are
            fixed.append(np.asarray(left))
            break
        todo = left
    return np.concatenate([f for f in fixed if len(f)]).astype(np.int32)
