"""What a selected space's labels say: one per content (the tarsal tunnel's tendons, artery,
veins and nerve), named and framed in its kind's colour, pointing where it runs inside the space.

No Qt. The labels are drawn by :class:`~calfexplorer.scene.labels.LabelLayer`, as the attachment
sites' are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.labels import Label
from calfexplorer.scene.region_band import inside


def content_labels(
    catalog: Mapping[str, StructureInfo],
    held: Iterable[str],
    drawn_parts: Callable[[str], Iterable[str]],
    vertices: Callable[[str], np.ndarray],
    band: np.ndarray,
) -> list[Label]:
    """A label for each of ``held`` (a space's contents, in the atlas' order) with a shown part
    (``drawn_parts(id)``: its drawn, shown ids) inside the lit boxes ``band`` (see
    :func:`~calfexplorer.scene.region_band.band_boxes`), named by the content and pointing at
    its vertex (of ``vertices(part)``, world) nearest the middle of its part inside them.
    Its role is the content's kind (its frame's colour)."""
    labels: list[Label] = []
    for sid in held:
        parts = sorted(drawn_parts(sid))
        if not parts or sid not in catalog:
            continue
        points = np.concatenate([vertices(p) for p in parts]).astype(np.float64)
        points = points[inside(band, points)]
        if not len(points):
            continue
        middle = points.mean(axis=0)
        x, y, z = (float(v) for v in points[np.argmin(((points - middle) ** 2).sum(axis=1))])
        info = catalog[sid]
        labels.append(Label(info.name, info.kind, (x, y, z)))
    return labels


__all__ = ["content_labels"]
