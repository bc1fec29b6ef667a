"""Posing the BodyParts3D leg: the pack's soft tissue along the model's paths, its bones and
patches with their bodies, and the built-in meshes it keeps as the built-in model poses them.

Like :class:`calfexplorer.scene.posing.ModelPoser` it turns pose angles into a
:class:`calfexplorer.geometry.deform.PosedMeshes`; one MuJoCo evaluation serves both parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from calfexplorer.assets import AssetSet
from calfexplorer.geometry.deform import Deformer, PosedMeshes
from calfexplorer.geometry.mesh import vertex_normals

#: Kinds the pack poses as rigid parts of a body; every other kind follows the model's paths.
RIGID_KINDS = frozenset({"bone", "site"})


class PackLegPoser:
    """Pose angles (radians: knee, ankle, subtalar, toes) -> the merged leg posed.

    ``assets`` is a merged set from :func:`calfexplorer.anatomy.leg_model.load_leg` (``pack``
    set). Binding the pack's soft tissue takes about a second, done here once.
    """

    #: While a slider moves the pack's soft tissue poses its coarse twins (:meth:`coarse_twins`).
    supports_coarse = True

    def __init__(self, assets: AssetSet) -> None:
        from calfexplorer.anatomy.soft_tissue import load_poser
        from calfexplorer.geometry.source import rest_pose

        pack = assets.pack
        if pack is None or pack.path is None:
            raise ValueError("not a BodyParts3D leg: the asset set has no pack")
        rest = rest_pose()
        self._soft = {sid for sid in pack.meshes if pack.kinds.get(sid) not in RIGID_KINDS}
        # Everything but the pack's soft tissue moves as the built-in model moves it: the
        # pack's bones and patches rigidly with their bodies, the built-in sweeps (nerves,
        # small vessels) along their paths.
        rest_of_leg = AssetSet(
            meshes={s: m for s, m in assets.meshes.items() if s not in self._soft},
            kinds=assets.kinds, layers=assets.layers,
            bodies={s: b for s, b in assets.bodies.items() if s not in self._soft},
        )
        self._deformer = Deformer(rest_of_leg, rest=rest)
        self._rest_normals = {s: pack.meshes[s].normals for s in self._soft}
        self._pack = load_poser(pack.path, assets=pack, rest=rest)
        coarse = self._pack.binding.coarse
        self._thin = frozenset(s for s in coarse.ids if s in self._soft)
        self._coarse_normals = {s: vertex_normals(coarse.rest[s], coarse.faces[s])
                                .astype(np.float32) for s in self._thin}

    def prepare(self) -> None:
        """Build the built-in meshes' coarse posing plan (the binding is made in the
        constructor)."""
        self._deformer.prepare_coarse()

    def coarse_twins(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, Any]]:
        """Id -> (rest vertices, faces, rest normals, follow matrix) of each soft-tissue
        structure's coarse twin: the binding's coarse mesh, which coarse poses move; the
        follow matrix takes the full mesh's vertices to the twin's (see :mod:`.twins`)."""
        coarse = self._pack.binding.coarse
        follow = self._pack.follow_matrices()
        return {sid: (coarse.rest[sid].astype(np.float32), np.asarray(coarse.faces[sid]),
                      self._coarse_normals[sid], follow[sid]) for sid in sorted(self._thin)}

    def __call__(self, angles: Mapping[str, float], coarse: bool = False,
                 full: tuple[str, ...] = ()) -> PosedMeshes:
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        state: Any = pose_state(Pose(**dict(angles)))
        posed = self._deformer.pose(state, coarse=coarse, full=full)
        if coarse:  # the soft tissue's twins, but the ids in ``full`` (a selection)
            thin = self._thin.difference(full)
            whole, rough = self._pack.pose_many(
                state, [(False, frozenset(self._soft.difference(thin))), (True, thin)])
        else:
            thin, rough = frozenset(), {}
            whole = self._pack.pose(state)
        moved = {s: v for s, v in whole.items() if s in self._soft}
        # Rest normals stand in until the scene refines them from the faces before its full
        # frame: recomputing them for every drag step would cost more than the posing.
        normals = {**posed.normals, **{s: self._rest_normals[s] for s in moved},
                   **{s: self._coarse_normals[s] for s in rough}}
        return PosedMeshes(posed.transforms, {**posed.vertices, **moved, **rough}, normals,
                           posed.coarse | thin)
