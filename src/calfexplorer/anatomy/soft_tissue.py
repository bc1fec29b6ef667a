"""The pack's soft tissue, bound and ready to pose: what the scene calls.

>>> poser = load_poser(pack_dir)                       # once per pack (binding cached in it)
>>> verts = pose_pack(poser, pose_state(pose))         # {id: (n, 3) float32}, per pose
>>> rough = pose_pack(poser, pose_state(pose), coarse=True)  # faces: poser.binding.coarse.faces
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.anatomy.binding import PackBinding, bind_pack
from calfexplorer.anatomy.binding_cache import CACHE_NAME, binding_key, load_binding, save_binding
from calfexplorer.anatomy.mapping import Mapping, load_mapping
from calfexplorer.anatomy.posing import PackPoser, pose_pack

#: Bodies whose bones the posed soft tissue is not checked against (far from the leg's joints).
FAR_BODIES = ("pelvis",)

#: What :func:`load_poser` tells before binding anew (after an update of the program).
BINDING_STEP = "binding the realistic muscles, tendons and vessels to the model's paths"
#: Kinds that move rigidly with their body: never bound to paths.
RIGID_KINDS = ("bone", "site")

__all__ = ["bind_assets", "bone_transforms", "cache_binding", "load_poser", "pose_pack",
           "structure_paths"]


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
    meshes, bodies = {}, {}
    bones: dict[str, list[np.ndarray]] = {}
    solid: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
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
            if entry["body"] not in FAR_BODIES:
                solid.setdefault(entry["body"], []).append(
                    (mesh.vertices.astype(np.float64), np.asarray(mesh.faces)))
            continue
        meshes[sid] = (mesh.vertices.astype(np.float64), np.asarray(mesh.faces))
        bodies[sid] = placement.get("body")
    return bind_pack(meshes, dict(assets.kinds), bodies, paths,
                     {b: np.concatenate(v) for b, v in bones.items()}, rest, solid_bones=solid)


def bone_transforms(assets: Any, rest: Any, state: Any) -> dict[str, np.ndarray]:
    """4x4 transforms taking the rest vertices of each pack bone and attachment site to
    ``state`` (a site moves with its bone's body)."""
    out = {}
    for sid, body in assets.bodies.items():
        if body and assets.kinds.get(sid) in RIGID_KINDS:
            out[sid] = np.asarray(state.bodies[body]) @ np.linalg.inv(rest.bodies[body])
    return out


def load_poser(pack: Path, assets: Any = None, rest: Any = None,
               say: Callable[[str], None] | None = None) -> PackPoser:
    """Load a pack folder's meshes (unless given) and its soft tissue's binding: the one saved
    in the pack (:data:`CACHE_NAME`) when it was made from the same inputs, else bound now and
    saved for the next time (where the folder can be written). ``say`` is told
    :data:`BINDING_STEP` before binding anew (a few seconds)."""
    from calfexplorer.assets import load_assets
    from calfexplorer.atlas.loader import load_atlas
    from calfexplorer.geometry.source import rest_pose

    pack = Path(pack)
    assets = assets if assets is not None else load_assets(pack)
    rest = rest if rest is not None else rest_pose()
    raw = (pack / "manifest.json").read_bytes()
    atlas, _problems = load_atlas()
    paths = structure_paths(load_mapping(), atlas)
    key = binding_key(raw, paths, rest)
    full = {sid: (m.vertices, m.faces) for sid, m in assets.meshes.items()}
    binding = load_binding(pack / CACHE_NAME, key, full)
    if binding is not None:
        return PackPoser(binding, rest)
    if say is not None:
        say(BINDING_STEP)
    poser = _bound(assets, raw, rest, paths)
    # a read-only pack binds at every start: slower, no less right
    with contextlib.suppress(OSError):
        save_binding(pack / CACHE_NAME, poser.binding, key)
    return poser


def _bound(assets: Any, raw: bytes, rest: Any, paths: dict[str, tuple[str, ...]]) -> PackPoser:
    """The pack's soft tissue bound anew, its checks against bone and its creases' moves
    found (``raw``: its manifest's bytes)."""
    poser = PackPoser(bind_assets(assets, json.loads(raw.decode("utf-8")), rest, paths), rest)
    poser.find_checks(extreme_states())
    poser.learn_folds(fold_states())
    return poser


def bind_folder(pack: Path) -> PackBinding:
    """The soft tissue's binding of the pack folder ``pack``, made anew (its sites and routes
    need not be there: the binding reads only its meshes and their registration)."""
    from calfexplorer.assets import load_assets
    from calfexplorer.atlas.loader import load_atlas
    from calfexplorer.geometry.source import rest_pose

    atlas, _problems = load_atlas()
    return _bound(load_assets(pack), (pack / "manifest.json").read_bytes(), rest_pose(),
                  structure_paths(load_mapping(), atlas)).binding


def save_bound(pack: Path, binding: PackBinding) -> None:
    """Save ``binding`` (:func:`bind_folder`, from a draft of this pack's meshes) in the pack
    folder ``pack`` under its key, as :func:`load_poser` would have."""
    from calfexplorer.atlas.loader import load_atlas
    from calfexplorer.geometry.source import rest_pose

    atlas, _problems = load_atlas()
    key = binding_key((pack / "manifest.json").read_bytes(),
                      structure_paths(load_mapping(), atlas), rest_pose())
    save_binding(pack / CACHE_NAME, binding, key)


def extreme_states() -> list[Any]:
    """Model poses at the joints' extremes (knee and ankle together, subtalar and toes apart):
    where soft tissue may reach a bone."""
    from calfexplorer.biomech.pose import RANGES_DEG, Pose
    from calfexplorer.geometry.source import pose_state

    knee, ankle = RANGES_DEG["knee"], RANGES_DEG["ankle"]
    poses = [Pose.from_degrees(knee=k, ankle=a) for k in (knee[0], sum(knee) / 2, knee[1])
             for a in (ankle[0], 0.0, ankle[1])]
    poses += [Pose.from_degrees(knee=k, **{j: v}, clamp=False) for k in (knee[0], knee[1])
              for j in ("subtalar", "toes") for v in RANGES_DEG[j]]
    return [pose_state(p) for p in poses]


def fold_states() -> dict[tuple[int, int], Any]:
    """Model poses of the grid the creases' moves are learnt in (:mod:`.folds`), by index (of
    the knees that take moves)."""
    from calfexplorer.anatomy.folds import ANKLES_DEG, KNEES_DEG, MENDED_KNEES_DEG
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    return {(i, j): pose_state(Pose.from_degrees(knee=k, ankle=a))
            for i, k in enumerate(KNEES_DEG) for j, a in enumerate(ANKLES_DEG)
            if k in MENDED_KNEES_DEG}


def cache_binding(pack: Path) -> None:
    """Bind a freshly built pack's soft tissue and save the binding in it."""
    load_poser(pack)
