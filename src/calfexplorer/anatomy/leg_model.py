"""Which leg the app draws: the built-in MyoLeg meshes, or the BodyParts3D pack laid over them.

With the pack, its meshes replace the built-in ones of the same id; what BodyParts3D lacks (the
limb nerves, several small vessels, the regions) keeps its built-in mesh. The result is one
:class:`calfexplorer.assets.AssetSet` whose ``model`` says which leg it is, so every place that
draws (the window, ``render``, study cards) treats both alike.

>>> assets, note = load_leg()           # the pack when installed, else the built-in meshes
>>> assets, _ = load_leg(BUILTIN)       # always the built-in meshes
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.anatomy.pack_folder import tidy_interrupted
from calfexplorer.anatomy.pack_format import newer_pack, older_pack, pack_manifest_problem
from calfexplorer.assets import BODYPARTS3D, BUILTIN, AssetSet, load_assets
from calfexplorer.assets.manifest import MANIFEST, parsed_manifest

__all__ = ["BODYPARTS3D", "BUILTIN", "MODEL_NAMES", "load_leg", "load_pack", "merge_pack",
           "not_drawn", "pack_installed", "pack_update"]

#: What the menus call each model.
MODEL_NAMES = {BODYPARTS3D: "BodyParts3D (realistic)", BUILTIN: "Built-in (MyoLeg)"}


def pack_installed(pack: Path | None = None) -> bool:
    """Whether an anatomy pack is in ``pack`` (default: the user's pack folder): its manifest
    or a mesh file. A pack missing one of them, or whose folder cannot be read, is installed
    but damaged: loading it says why."""
    if pack is None:
        from calfexplorer.paths import anatomy_pack_dir

        pack = anatomy_pack_dir()
    folder = Path(pack)
    try:
        return (folder / MANIFEST).is_file() or any(folder.glob("*.glb"))
    except OSError:  # (a folder without read or search permission)
        return True


def load_leg(model: str | None = None, builtin: AssetSet | None = None,
             pack: Path | None = None) -> tuple[AssetSet, str | None]:
    """The meshes to draw, and why the pack is not among them when it was asked for or is
    installed but cannot be used (None otherwise).

    ``model``: :data:`BUILTIN`, :data:`BODYPARTS3D`, or None for the pack when one is installed.
    Without a usable pack the built-in meshes are returned; nothing raises.
    """
    if model not in (None, BUILTIN, BODYPARTS3D):
        raise ValueError(f"unknown model {model!r}; choose {BUILTIN} or {BODYPARTS3D}")
    builtin = builtin if builtin is not None else load_assets()
    if model == BUILTIN:
        return builtin, None
    if pack is None:
        from calfexplorer.paths import anatomy_pack_dir

        pack = anatomy_pack_dir()
    tidy_interrupted(Path(pack))  # (a pack a stopped swap left aside comes back)
    if not pack_installed(pack):
        if model == BODYPARTS3D:
            return builtin, ("the BodyParts3D anatomy pack is not installed (File > Get "
                             "realistic anatomy, or 'calfexplorer get-anatomy')")
        return builtin, None
    loaded, problem = load_pack(pack)
    if problem:
        return builtin, problem
    return merge_pack(builtin, loaded), None


#: How a user gets the pack again.
GET_AGAIN = "File > Get realistic anatomy or 'calfexplorer get-anatomy'"


def load_pack(pack: Path) -> tuple[AssetSet, str | None]:
    """The pack's own meshes, and why they cannot be used with the way on (one line naming the
    file and the field), or None when they can."""
    loaded = load_assets(pack)
    where = f"the BodyParts3D anatomy pack in {pack} cannot be used"
    # (whatever else it changed: also the part any mesh folder's manifest shares)
    if newer := newer_pack(loaded.manifest or parsed_manifest(pack)):
        return loaded, (f"{where}: {newer}; update CalfExplorer, or get the pack again for "
                        f"this version with {GET_AGAIN}")
    # (a manifest that cannot be used is the whole reason: its meshes are not loaded unchecked)
    problem = (loaded.manifest_problem or loaded.problem
               or ("it holds no mesh" if not loaded.meshes else None))
    if problem:
        return loaded, f"{where}: {problem}; get it again with {GET_AGAIN}"
    if shape := pack_manifest_problem(loaded.manifest):
        return loaded, (f"{where}: in {Path(pack) / MANIFEST}, {shape}; get it again with "
                        f"{GET_AGAIN}")
    return loaded, None


def pack_update(assets: AssetSet) -> str | None:
    """When ``assets`` is the realistic leg from a pack an earlier CalfExplorer built: what
    building it again gives (else None)."""
    pack = assets.pack if assets.model == BODYPARTS3D else None
    return older_pack(pack.manifest) if pack is not None else None


def not_drawn(assets: AssetSet, ids: Iterable[str], pack: Path | None = None) -> dict[str, str]:
    """Why each of ``ids`` that ``assets`` has no mesh for (and no reason yet) is not drawn:
    on the built-in leg, whether the installed pack (``pack``, default the user's) draws it."""
    missing = [sid for sid in ids if sid not in assets.meshes and sid not in assets.unavailable]
    if not missing:
        return {}
    in_pack: set[str] = set()
    if assets.model == BUILTIN:
        if pack is None:
            from calfexplorer.paths import anatomy_pack_dir

            pack = anatomy_pack_dir()
        if pack_installed(pack):
            meshes = parsed_manifest(Path(pack)).get("meshes")  # ({} for a damaged pack, which
            in_pack = set(meshes) if isinstance(meshes, dict) else set()  # says so if chosen)
    own = ("not drawn in the built-in model" if assets.model == BUILTIN
           else "not drawn in the BodyParts3D model")
    realistic = f"{own}; View > Model > {MODEL_NAMES[BODYPARTS3D]} draws it"
    return {sid: realistic if sid in in_pack else own for sid in missing}


def merge_pack(builtin: AssetSet, pack: AssetSet) -> AssetSet:
    """The pack's meshes over the built-in ones (same id: the pack's wins); the built-in
    nerves and vessels it keeps, routed as the pack says (:mod:`.route_apply`)."""
    from calfexplorer.anatomy.carried_file import apply_carried
    from calfexplorer.anatomy.route_apply import apply_routes, drawn_routes

    def merged(own: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
        out = {sid: v for sid, v in own.items() if sid not in pack.meshes}
        out.update(theirs)
        return out

    unavailable = {sid: why for sid, why in builtin.unavailable.items()
                   if sid not in pack.meshes}
    # What neither leg draws (the coccyx) says why, as the pack's manifest has it.
    unavailable.update({sid: str(why) for sid, why in
                        (pack.manifest.get("without_mesh") or {}).items()
                        if sid not in builtin.meshes and sid not in pack.meshes})
    routed = apply_routes(builtin, pack.manifest)
    carried = apply_carried(builtin, pack.path)  # the foot muscles it keeps, on its foot bones
    # read-only, as loaded meshes are: drawn without a copy
    for mesh in (*routed.values(), *carried.values()):
        for arr in (mesh.vertices, mesh.normals, mesh.belly):
            if isinstance(arr, np.ndarray):
                arr.flags.writeable = False
    extras = merged(builtin.extras, pack.extras)
    for sid in routed:  # drawn as the pack routes it (a route may not fit: then as built in)
        extras[sid] = {**extras.get(sid, {}), "routed": True}
    # Of the pack's manifest the leg keeps who made it (:func:`pack_update`) and, of its
    # routes, what its poser reads later (:func:`.route_apply.drawn_routes`): the rest (~0.6 MiB
    # as Python objects) was kept idle.
    kept: dict[str, Any] = {key: pack.manifest[key] for key in ("generator",)
                            if key in pack.manifest}
    if "routes" in pack.manifest:
        kept["routes"] = drawn_routes(pack.manifest["routes"], routed)
    return AssetSet(
        meshes=merged({**builtin.meshes, **routed, **carried}, pack.meshes),
        kinds=merged(builtin.kinds, pack.kinds),
        layers=merged(builtin.layers, pack.layers),
        bodies=merged(builtin.bodies, pack.bodies),
        extras=extras,
        unavailable=unavailable,
        manifest=builtin.manifest,
        path=builtin.path,
        problem=builtin.problem,
        model=BODYPARTS3D,
        pack=replace(pack, manifest=kept),
    )
