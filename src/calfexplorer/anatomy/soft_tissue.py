"""The pack's soft tissue, bound and ready to pose: what the scene calls.

>>> poser = load_poser(pack_dir)                       # once per pack (about a second)
>>> verts = pose_pack(poser, pose_state(pose))         # {id: (n, 3) float32}, per pose
>>> rough = pose_pack(poser, pose_state(pose), coarse=True)  # faces: poser.binding.coarse.faces
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.anatomy.binding import PackBinding, bind_pack
from calfexplorer.anatomy.mapping import Mapping, load_mapping
from calfexplorer.anatomy.posing import PackPoser, pose_pack

#: Kinds that move rigidly with their body: never bound to paths.
RIGID_KINDS = ("bone", "site")

__all__ = ["bind_assets", "bone_transforms", "load_poser", "pose_pack", "structure_paths"]


def structure_paths(mapping: Mapping, atlas: Any) -> dict[str, tuple[str, ...]]:
    """Atlas id -> model actuators posing it: the mapping's ``paths``, else the atlas's
    ``model_muscles``."""
    own = {m.id: tuple(m.model_muscles) for m in atlas.muscles() if m.model_muscles}
    out = {}
    for s in mapping.structures.values():
        acts = s.paths or own.get(s.id, ())
        if acts:
            out[s.id] = acts
    return out


def bind_assets(assets: Any, manifest: dict[str, Any], rest: Any,
                paths: dict[str, tuple[str, ...]]) -> PackBinding:
    """Bind the soft tissue of a loaded pack (``load_assets(pack)``) in the rest pose."""
    tissue_groups = {name for name, r in manifest["registration"].items()
                     if r.get("places_soft_tissue", True)}
    meshes, bodies, bones = {}, {}, {}
    for sid, entry in manifest["meshes"].items():
        if sid not in assets.meshes:
            continue
        mesh = assets.meshes[sid]
        placement = entry.get("placement", {})
        if entry["kind"] == "site":
            continue  # rigid with its body: see bone_transforms
        if entry["kind"] == "bone":
            if placement.get("group") in tissue_groups:
                bones.setdefault(entry["body"], []).append(mesh.vertices.astype(np.float64))
            continue
        meshes[sid] = (mesh.vertices.astype(np.float64), np.asarray(mesh.faces))
        bodies[sid] = placement.get("body")
    return bind_pack(meshes, dict(assets.kinds), bodies, paths,
                     {b: np.concatenate(v) for b, v in bones.items()}, rest)


def bone_transforms(assets: Any, rest: Any, state: Any) -> dict[str, np.ndarray]:
    """4x4 transforms taking the rest vertices of each pack bone and attachment site to
    ``state`` (a site moves with its bone's body)."""
    out = {}
    for sid, body in assets.bodies.items():
        if body and assets.kinds.get(sid) in RIGID_KINDS:
            out[sid] = np.asarray(state.bodies[body]) @ np.linalg.inv(rest.bodies[body])
    return out


def load_poser(pack: Path, assets: Any = None, rest: Any = None) -> PackPoser:
    """Load a pack folder's meshes (unless given) and bind its soft tissue."""
    from calfexplorer.assets import load_assets
    from calfexplorer.atlas.loader import load_atlas
    from calfexplorer.geometry.source import rest_pose

    assets = assets if assets is not None else load_assets(pack)
    rest = rest if rest is not None else rest_pose()
    manifest = json.loads((Path(pack) / "manifest.json").read_text(encoding="utf-8"))
    atlas, _problems = load_atlas()
    binding = bind_assets(assets, manifest, rest, structure_paths(load_mapping(), atlas))
    return PackPoser(binding, rest)
