"""Swept solids: muscles, tendons, nerves and vessels as closed tubes around a path.

A structure is a sequence of *stations* along its path (centre, frame, cross-section). Ring
vertices sit at fixed local offsets from their station, so building and posing share one code path:
the build computes the rest stations and the vertices; posing recomputes the stations and carries
the same local offsets (with the belly's cross-section rescaled to keep volume).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calfexplorer.geometry.params import SweepSpec
from calfexplorer.geometry.source import PoseLike, body_rt


@dataclass
class Stations:
    """Centres (n, 3), frames (n, 3, 3) with columns (width axis, thickness axis, tangent)."""

    centres: np.ndarray
    frames: np.ndarray
    lengths: np.ndarray  # source path lengths


def source_polylines(spec: SweepSpec, pose: PoseLike) -> list[np.ndarray]:
    """World polylines of each of the structure's sources in a pose."""
    out = []
    for src in spec.sources:
        if src.actuator is not None:
            out.append(np.asarray(pose.muscles[src.actuator].points, dtype=np.float64))
        else:
            pts = []
            for body, xyz in src.points:
                rot, pos = body_rt(pose, body)
                pts.append(np.asarray(rot) @ np.asarray(xyz) + np.asarray(pos))
            out.append(np.array(pts))
    return out


def _cumlen(poly: np.ndarray) -> np.ndarray:
    seg = np.linalg.norm(np.diff(poly, axis=0), axis=1)
    return np.concatenate([[0.0], np.cumsum(seg)])


def _interp(poly: np.ndarray, cum: np.ndarray, s: np.ndarray) -> np.ndarray:
    s = np.clip(s, 0.0, cum[-1])
    return np.stack([np.interp(s, cum, poly[:, k]) for k in range(3)], axis=1)


def source_range(spec: SweepSpec, rest_len: float) -> tuple[float, float]:
    """Fractions of a source path (rest length ``rest_len``) that the structure covers."""
    r0, r1 = spec.range
    if spec.end_before is not None:
        r1 = 1.0 - spec.end_before / rest_len
    if spec.tail is not None:
        r0, r1 = 1.0 - spec.tail / rest_len, 1.0
    return max(0.0, r0), min(1.0, r1)


def station_arclengths(
    spec: SweepSpec, rest_len: float, length: float, u: np.ndarray
) -> np.ndarray:
    """Arclengths of the stations on a source path of ``length`` (rest length ``rest_len``).

    Tendon stations keep their distance from the end they belong to; the belly takes up the
    change in length, as muscle fibres do.
    """
    src_r0, src_r1 = source_range(spec, rest_len)
    s_rest = (src_r0 + u * (src_r1 - src_r0)) * rest_len
    a = (src_r0 + spec.belly[0] * (src_r1 - src_r0)) * rest_len
    b = (src_r0 + spec.belly[1] * (src_r1 - src_r0)) * rest_len
    d = length - rest_len
    b_new = b + d
    s = np.where(s_rest <= a, s_rest, np.where(s_rest >= b, s_rest + d, 0.0))
    if b > a:
        mid = (s_rest > a) & (s_rest < b)
        s = np.where(mid, a + (s_rest - a) * (b_new - a) / (b - a), s)
    return s


def belly_length_ratio(spec: SweepSpec, rest_len: float, length: float) -> float:
    """Posed over rest belly length (1 when the structure has no belly)."""
    r0, r1 = source_range(spec, rest_len)
    span = (spec.belly[1] - spec.belly[0]) * (r1 - r0) * rest_len
    if span <= 1e-9:
        return 1.0
    return max(0.2, (span + length - rest_len) / span)


def leg_axis(pose: PoseLike, bodies: tuple[str, ...]) -> np.ndarray:
    """Polyline through the joint centres (hip, knee, ankle, ...) used to find 'outwards'."""
    return np.array([body_rt(pose, b)[1] for b in bodies])


def _radial(points: np.ndarray, axis: np.ndarray) -> np.ndarray:
    best = np.full(len(points), np.inf)
    out = np.zeros_like(points)
    for p0, p1 in zip(axis[:-1], axis[1:], strict=False):
        seg = p1 - p0
        t = np.clip((points - p0) @ seg / max(seg @ seg, 1e-12), 0.0, 1.0)
        foot = p0 + t[:, None] * seg
        d = np.linalg.norm(points - foot, axis=1)
        better = d < best
        best[better] = d[better]
        out[better] = (points - foot)[better]
    return out


def _normalize(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def compute_stations(
    spec: SweepSpec,
    pose: PoseLike,
    rest_lengths: np.ndarray | None,
    axis: np.ndarray,
    fallback: np.ndarray,
) -> Stations:
    """Station centres and frames of a structure in a pose."""
    u = np.linspace(0.0, 1.0, spec.stations)
    polys = source_polylines(spec, pose)
    lengths = np.array([_cumlen(p)[-1] for p in polys])
    rest = lengths if rest_lengths is None else rest_lengths
    centre = np.zeros((spec.stations, 3))
    for poly, length, rl in zip(polys, lengths, rest, strict=True):
        cum = _cumlen(poly)
        centre += _interp(poly, cum, station_arclengths(spec, rl, length, u))
    centre /= len(polys)
    # gentle smoothing of the centre line (ends fixed) to round off via-point corners
    for _ in range(spec.smooth):
        centre[1:-1] = 0.5 * centre[1:-1] + 0.25 * (centre[:-2] + centre[2:])
    tangent = _normalize(np.gradient(centre, axis=0))
    if spec.thickness_dir is not None:
        radial = np.broadcast_to(np.asarray(spec.thickness_dir, dtype=float), centre.shape).copy()
    else:
        radial = _radial(centre, axis)
    radial = radial - np.einsum("ij,ij->i", radial, tangent)[:, None] * tangent
    weak = np.linalg.norm(radial, axis=1) < 1e-3
    if weak.any():
        fb = fallback - (tangent[weak] @ fallback)[:, None] * tangent[weak]
        radial[weak] = fb
    # smooth the radial direction along the path to avoid sudden twists
    for _ in range(3):
        radial[1:-1] = 0.5 * radial[1:-1] + 0.25 * (radial[:-2] + radial[2:])
    b_axis = _normalize(radial - np.einsum("ij,ij->i", radial, tangent)[:, None] * tangent)
    a_axis = _normalize(np.cross(tangent, b_axis))
    b_axis = np.cross(a_axis, tangent)
    frames = np.stack([a_axis, b_axis, tangent], axis=2)
    return Stations(centre, frames, lengths)


def profile(spec: SweepSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Width, thickness and belly weight (0 tendon .. 1 full belly) at each station."""
    u = np.linspace(0.0, 1.0, spec.stations)
    a, b = spec.belly
    f = np.zeros_like(u)
    if b > a:
        x = np.clip((u - a) / (b - a), 0.0, 1.0)
        gamma = np.log(0.5) / np.log(np.clip(spec.peak, 0.05, 0.95))
        f = np.sin(np.pi * x**gamma) ** spec.fullness
    if b > a:
        tw = np.where(u <= 0.5 * (a + b), spec.tendon[0], spec.tendon[1])
    else:  # a tendon on its own: taper from one end's width to the other's
        tw = spec.tendon[0] + (spec.tendon[1] - spec.tendon[0]) * u
    tt = tw / spec.tendon_flat
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
    y = y + (spec.offset * f)[:, None]
    x = x + (spec.side_offset * f)[:, None]
    z = np.zeros_like(x)
    return np.stack([x, y, z], axis=2).reshape(-1, 3)


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


def station_of_vertex(stations: int, ring: int) -> np.ndarray:
    """Index of the station each tube vertex belongs to."""
    return np.concatenate([np.repeat(np.arange(stations), ring), [0, stations - 1]])


def place(st: Stations, local: np.ndarray, station_idx: np.ndarray) -> np.ndarray:
    """World positions of vertices given their station and local offset."""
    return st.centres[station_idx] + np.einsum("nij,nj->ni", st.frames[station_idx], local)
