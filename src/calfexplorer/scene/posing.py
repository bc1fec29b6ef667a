"""The default poser: AppState's pose -> every mesh posed, via biomech and geometry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from calfexplorer.geometry.deform import PosedMeshes


def poser_for(assets: Any, say: Callable[[str], None] | None = None,
              still: Callable[[], None] | None = None) -> Any:
    """The poser of a leg: :class:`ModelPoser` for the built-in meshes, the pack's own for the
    BodyParts3D leg (:mod:`calfexplorer.anatomy.leg_poser`; ``say`` is told each step of
    work it has to do again, e.g. after an update of the program, ``still`` called meanwhile:
    see ``PackLegPoser``)."""
    from calfexplorer.assets import BODYPARTS3D

    if getattr(assets, "model", None) == BODYPARTS3D:
        from calfexplorer.anatomy.leg_poser import PackLegPoser
        from calfexplorer.anatomy.relearn_reason import telling_why

        pack = getattr(getattr(assets, "pack", None), "path", None)
        if say is not None and pack is not None:
            say = telling_why(say, pack)  # (a damaged file was told as an update)
        return PackLegPoser(assets, say=say, still=still)
    return ModelPoser(assets)


class ModelPoser:
    """Turns pose angles (radians: knee, ankle, subtalar, toes) into posed meshes.

    Evaluates the MyoLeg model (:mod:`calfexplorer.biomech`) and poses the rest-pose meshes
    with :class:`calfexplorer.geometry.deform.Deformer`: bones and patches as rigid
    transforms, muscles, nerves and vessels as new vertices with approximate normals.
    ``coarse=True`` poses only the coarse tube inside each swept mesh (except ``full`` ids),
    for the frames drawn while a slider moves.
    """

    supports_coarse = True

    def __init__(self, assets: Any) -> None:
        from calfexplorer.geometry.deform import Deformer

        self._deformer = Deformer(assets)

    def prepare(self) -> None:
        """Build the coarse posing plan now rather than on the first pose."""
        self._deformer.prepare_coarse()

    def __call__(
        self, angles: Mapping[str, float], coarse: bool = False, full: tuple[str, ...] = ()
    ) -> PosedMeshes:
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        return self._deformer.pose(pose_state(Pose(**dict(angles))), coarse=coarse, full=full)

