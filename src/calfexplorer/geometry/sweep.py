"""Swept solids: muscles, tendons, nerves and vessels as closed tubes around a path.

A structure is a sequence of *stations* along its path (centre, frame, cross-section). Ring
vertices sit at fixed local offsets from their station, so building and posing share one code path:
the build computes the rest stations and the vertices; posing recomputes the stations and carries
the same local offsets (with the belly's cross-section rescaled to keep volume).
"""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry import slips
from calfexplorer.geometry.params import SweepSpec


def profile(spec: SweepSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Width, thickness and belly weight (0 tendon .. 1 full belly) at each station."""
    u = np.linspace(0.0, 1.0, spec.stations)
    a, b = spec.belly
    f = np.zeros_like(u)
    if b > a:
        x = np.clip((u - a) / (b - a), 0.0, 1.0)
        gamma = np.log(0.5) / np.log(np.clip(spec.peak, 0.05, 0.95))
        full = np.broadcast_to(np.asarray(spec.fullness, dtype=float), (2,))
        f = np.sin(np.pi * x**gamma) ** np.where(x < spec.peak, full[0], full[1])
    if b > a:
        tw = np.where(u <= 0.5 * (a + b), spec.tendon[0], spec.tendon[1])
    else:  # a tendon on its own: taper from one end's width to the other's
        tw = spec.tendon[0] + (spec.tendon[1] - spec.tendon[0]) * u
    tt = tw / spec.tendon_flat
    if spec.widths:
        table = np.asarray(spec.widths, dtype=float)
        tw = np.interp(u, table[:, 0], table[:, 1])
        tt = np.interp(u, table[:, 0], table[:, 2]) if table.shape[1] > 2 else tw / spec.tendon_flat
    width = tw + (spec.width - tw) * f
    thick = tt + (spec.thickness - tt) * f
    # rounded tips
    tip = np.ones_like(u)
    tip[[0, -1]] = 0.55
    tip[[1, -2]] = 0.85
    return width * tip, thick * tip, f


def ring_local(spec: SweepSpec) -> np.ndarray:
    """Local offsets (stations * ring, 3) of the ring vertices at rest, in station frames."""
    width, thick, f = profile(spec)
    theta = 2 * np.pi * np.arange(spec.ring) / spec.ring
    ca, sa = np.cos(theta), np.sin(theta)
    # flatten the deep face a little: muscles lie on their bed, bulge outwards
    bulge = np.where(sa > 0, 1.0, 1.0 - spec.flat_deep)
    x = 0.5 * width[:, None] * ca[None]
    y = 0.5 * thick[:, None] * sa[None] * bulge[None]
    if spec.slips and spec.slip_width > 0:  # a round tendon dividing into round slips
        split = np.linspace(0.0, 1.0, spec.stations) >= spec.slips[0]
        sx, sy = slips.tendon_slips(spec, spec.ring, width, thick)
        x = np.where(split[:, None], sx, x)
        y = np.where(split[:, None], sy, y)
    elif spec.slips:  # a flat sheet: evenly spaced across, thinned to nothing in its cuts
        x = width[:, None] * (slips.across(spec.ring)[None] - 0.5)
        flat = np.sign(sa) * np.minimum(1.0, 3.0 * np.abs(sa))
        y = 0.5 * thick[:, None] * flat[None] * slips.thickness_factor(spec, spec.stations,
                                                                         spec.ring)
    y = y + (spec.offset * f)[:, None] - (spec.wrap * f)[:, None] * ca[None] ** 2
    x = x + (spec.side_offset * f)[:, None]
    if spec.bend:
        u = np.linspace(0.0, 1.0, spec.stations)
        bu, bo, bs = np.asarray(spec.bend, dtype=float).T
        y = y + np.interp(u, bu, bo)[:, None]
        x = x + np.interp(u, bu, bs)[:, None]
    z = np.zeros_like(x)
    local = np.stack([x, y, z], axis=2)
    if spec.slips:
        local = slips.hide_unused(spec, local)
    return local.reshape(-1, 3)


def tube_faces(stations: int, ring: int) -> np.ndarray:
    """Faces of a closed tube: side quads as two triangles plus a fan cap at each end."""
    i = np.arange(stations - 1)[:, None]
    k = np.arange(ring)[None, :]
    k1 = (k + 1) % ring
    v00, v10, v11, v01 = i * ring + k, (i + 1) * ring + k, (i + 1) * ring + k1, i * ring + k1
    side = np.concatenate(
        [np.stack([v00, v10, v11], -1).reshape(-1, 3), np.stack([v00, v11, v01], -1).reshape(-1, 3)]
    )
    c0, c1 = stations * ring, stations * ring + 1
    kk = np.arange(ring)
    cap0 = np.stack([np.full(ring, c0), kk, (kk + 1) % ring], -1)
    last = (stations - 1) * ring
    cap1 = np.stack([np.full(ring, c1), last + (kk + 1) % ring, last + kk], -1)
    return np.concatenate([side, cap0, cap1]).astype(np.int32)


def coarse_tube(stations: int, ring: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A quarter-size tube inside a ``stations x ring`` one: every other station (and the
    last) and every other ring vertex, plus both cap centres.

    Returns ``(index, faces)``: the full tube's vertex each coarse vertex copies, and the
    coarse tube's faces; None when the tube is too small to thin out (or its ring is odd).
    """
    if ring % 2 or ring < 8 or stations < 5:
        return None
    keep_stations = np.unique(np.r_[np.arange(0, stations, 2), stations - 1])
    keep_ring = np.arange(0, ring, 2)
    index = (keep_stations[:, None] * ring + keep_ring[None, :]).ravel()
    index = np.r_[index, stations * ring, stations * ring + 1].astype(np.int64)
    return index, tube_faces(len(keep_stations), len(keep_ring))


def sweep_layout(n_vertices: int, faces: np.ndarray) -> tuple[int, int] | None:
    """``(stations, ring)`` when a mesh's vertices are laid out as a swept structure's (the
    ``stations x ring`` ring vertices, then the two cap centres, the first cap a fan from vertex
    ``stations * ring`` round ring 0), whatever faces join them: a tube, or a sheet or tendon
    split into slips (:func:`calfexplorer.geometry.slips.slip_faces`); else None."""
    faces = np.asarray(faces)
    if n_vertices < 8 or len(faces) < 2 or int(faces.max()) >= n_vertices:
        return None
    fan = faces[(faces == n_vertices - 2).any(axis=1)]
    ring = len(fan)
    if ring < 3 or (n_vertices - 2) % ring or (n_vertices - 2) // ring < 2:
        return None
    rim = np.unique(fan[fan != n_vertices - 2])
    if not np.array_equal(rim, np.arange(ring)):
        return None
    return (n_vertices - 2) // ring, ring


def coarse_faces(faces: np.ndarray, stations: int, ring: int) -> np.ndarray | None:
    """Any faces on a ``stations x ring`` sweep's vertices (a tube's, or those of a sheet split
    into slips) carried onto the coarse tube's vertices (:func:`coarse_tube`'s index order):
    each vertex goes to the kept station and ring vertex at or before it, and the triangles
    left with two corners alike, or repeating another, are dropped. A plain tube gives the
    coarse tube's own faces. None where :func:`coarse_tube` gives none."""
    if coarse_tube(stations, ring) is None:
        return None
    kept = np.unique(np.r_[np.arange(0, stations, 2), stations - 1])
    to_station = np.searchsorted(kept, np.arange(stations), side="right") - 1
    half = ring // 2
    grid = (to_station[:, None] * half + (np.arange(ring) // 2)[None, :]).ravel()
    to = np.r_[grid, len(kept) * half, len(kept) * half + 1]
    moved = np.take(to, np.asarray(faces, dtype=np.int64))
    moved = moved[(moved[:, 0] != moved[:, 1]) & (moved[:, 1] != moved[:, 2])
                  & (moved[:, 2] != moved[:, 0])]
    _, first = np.unique(np.sort(moved, axis=1), axis=0, return_index=True)
    return moved[np.sort(first)].astype(np.int32)


def station_of_vertex(stations: int, ring: int) -> np.ndarray:
    """Index of the station each tube vertex belongs to."""
    return np.concatenate([np.repeat(np.arange(stations), ring), [0, stations - 1]])


def place(
    centres: np.ndarray, frames: np.ndarray, local: np.ndarray, station_idx: np.ndarray
) -> np.ndarray:
    """World positions of vertices given their station and local offset (gathered by
    ``np.take``: fancy indexing gathers rows ~4x slower)."""
    return np.take(centres, station_idx, axis=0) + np.einsum(
        "nij,nj->ni", np.take(frames, station_idx, axis=0), local)
