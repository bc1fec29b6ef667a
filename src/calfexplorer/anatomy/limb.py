"""Refuse source elements that do not lie in the right lower limb, by their geometry.

The BodyParts3D mapping tables have mislabelled elements (a left-thigh vein listed as a right
fibular vein, "calcaneal branches" at hip level). An element is refused when it lies on the left
(x > 0) unless its structure is midline, when its centre is outside the limb's height (the span of
the limb's bones), or when it lies far from the other elements of its structure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

SIDE_TOLERANCE_MM = 5.0  # midline muscles reach a little across x = 0
HEIGHT_MARGIN_MM = 30.0
GAP_MM = 40.0  # elements of one structure touch or nearly (measured gaps: under 10 mm)


@dataclass(frozen=True)
class Element:
    """One source element file of a structure: vertices in mm."""

    fj: str
    structure: str
    concept: str
    vertices: np.ndarray


@dataclass(frozen=True)
class Refusal:
    """An element left out, and why (one sentence)."""

    fj: str
    structure: str
    concept: str
    reason: str


def _span(v: np.ndarray, axis: int) -> str:
    return f"{v[:, axis].min():.0f} to {v[:, axis].max():.0f} mm"


def limb_height(bones: list[np.ndarray]) -> tuple[float, float]:
    """The z range (mm) the limb's bones span."""
    z = np.concatenate([b[:, 2] for b in bones])
    return float(z.min()), float(z.max())


def _clusters(elements: list[Element]) -> list[list[int]]:
    """Groups of elements that lie within GAP_MM of each other (transitively)."""
    n = len(elements)
    trees = [cKDTree(e.vertices) for e in elements]
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            gap = trees[j].query(elements[i].vertices, distance_upper_bound=GAP_MM)[0].min()
            if root(i) != root(j) and gap <= GAP_MM:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def check_structure(
    elements: list[Element], midline: bool, height: tuple[float, float]
) -> tuple[list[Element], list[Refusal]]:
    """The elements of one structure that lie where it should, and those refused."""
    kept: list[Element] = []
    refused: list[Refusal] = []
    lo, hi = height[0] - HEIGHT_MARGIN_MM, height[1] + HEIGHT_MARGIN_MM
    for e in elements:
        v = e.vertices
        if not midline and np.median(v[:, 0]) > SIDE_TOLERANCE_MM:
            refused.append(Refusal(e.fj, e.structure, e.concept,
                                   f"lies on the left side of the body (x {_span(v, 0)})"))
        elif not lo <= float(np.median(v[:, 2])) <= hi:
            refused.append(Refusal(e.fj, e.structure, e.concept,
                                   f"lies outside the limb (z {_span(v, 2)}; the limb's bones "
                                   f"span z {height[0]:.0f} to {height[1]:.0f} mm)"))
        else:
            kept.append(e)
    if len(kept) > 1:
        clusters = _clusters(kept)
        extent = [sum(float(np.ptp(kept[i].vertices, axis=0).max()) for i in c) for c in clusters]
        main = clusters[int(np.argmax(extent))]
        far = [kept[i] for c in clusters if c is not main for i in c]
        main_z = np.concatenate([kept[i].vertices[:, 2] for i in main])
        for e in far:
            refused.append(Refusal(
                e.fj, e.structure, e.concept,
                f"lies over {GAP_MM:.0f} mm from the rest of {e.structure} "
                f"(z {_span(e.vertices, 2)} against {main_z.min():.0f} to {main_z.max():.0f} mm)"))
        kept = [kept[i] for i in sorted(main)]
    return kept, refused
