"""Place every atlas attachment site on its bone: the model's attachment point, or an override."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from calfexplorer.geometry.batch import StationBatch
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.geometry.params import GeometryParams, SiteSpec
from calfexplorer.geometry.patches import DEFAULT_SIZE, PatchPlacement, nearest_surface_point
from calfexplorer.geometry.source import PoseLike, body_rt


@dataclass(frozen=True)
class SiteRequest:
    """An attachment the atlas lists: patch id, structure, role, bone id and shape."""

    id: str
    structure: str
    role: str
    bone: str
    shape: str


def atlas_sites(atlas: Any) -> list[SiteRequest]:
    """Every origin and insertion in the atlas (muscles and the calcaneal tendon)."""
    out = []
    for s in atlas.attachments():
        out.append(SiteRequest(s.id, s.muscle, s.role, s.attachment.bone, s.attachment.shape))
    return out


def model_mapping(atlas: Any) -> dict[str, list[str]]:
    """Atlas muscle id -> MyoLeg actuators, as the atlas data says."""
    return {m.id: list(m.model_muscles) for m in atlas.muscles()}


def sites_fingerprint(atlas: Any | None = None) -> str:
    """Hash of what the patches depend on in the atlas (sites, bones, shapes, model mapping)."""
    if atlas is None:
        from calfexplorer.atlas import load_atlas

        atlas, _ = load_atlas()
    doc = {
        "sites": [[s.id, s.bone, s.shape] for s in atlas_sites(atlas)],
        "mapping": model_mapping(atlas),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _endpoint(
    structure: str, role: str, actuator: str | None, params: GeometryParams, rest: PoseLike,
    mapping: dict[str, list[str]],
) -> np.ndarray | None:
    polys: list[np.ndarray] = []
    if actuator is not None:
        polys = [np.asarray(rest.muscles[actuator].points)]
    else:
        spec = next((s for s in params.sweeps if s.id == structure), None)
        if spec is not None:  # the model's own path: not the points added to draw it
            plain = replace(spec, prepend=(), append=())
            polys = StationBatch([plain], rest, params.axis_bodies).polylines(rest)
        elif mapping.get(structure):
            polys = [np.asarray(rest.muscles[mapping[structure][0]].points)]
    if not polys:
        return None
    return polys[0][0] if role == "origin" else polys[0][-1]


def place_site(
    req: SiteRequest,
    override: SiteSpec | None,
    bone: Mesh,
    bone_body: str,
    params: GeometryParams,
    rest: PoseLike,
    mapping: dict[str, list[str]],
) -> PatchPlacement | str:
    """Where the patch goes, or the reason it cannot be placed."""
    rot, pos = body_rt(rest, bone_body)
    more: list[np.ndarray] = []
    given = (override.points or ((override.point,) if override.point else ())
             if override is not None else ())
    if given:
        target, *more = (_world(rest, body, xyz) for body, xyz in given)
    else:
        act = override.actuator if override is not None else None
        found = _endpoint(req.structure, req.role, act, params, rest, mapping)
        if found is None:
            return "no model path or authored path to place it"
        target = found
    if override is not None and override.shift is not None:
        target = target + rot @ np.asarray(override.shift)
        more = [m + rot @ np.asarray(override.shift) for m in more]
    centre = nearest_surface_point(bone, target)
    size = override.size if override is not None and override.size else DEFAULT_SIZE[req.shape]
    direction = None
    if req.shape == "line":
        d = override.direction if override is not None and override.direction else (0, 1, 0)
        direction = rot @ np.asarray(d, dtype=float)
        direction /= np.linalg.norm(direction)
    return PatchPlacement(centre, req.shape, float(size), direction,
                          tuple(nearest_surface_point(bone, m) for m in more))


def _world(rest: PoseLike, body: str, xyz: tuple[float, float, float]) -> np.ndarray:
    rot, pos = body_rt(rest, body)
    return np.asarray(rot) @ np.asarray(xyz) + np.asarray(pos)
