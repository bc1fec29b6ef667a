"""The skin of the leg in the 3D view: a see-through surface coloured by dermatomes, by
cutaneous nerve territories, or plain with a lesion's numb skin shaded; clicking it names the
dermatome and territory under the cursor.

VTK only (no Qt). The surface comes from :mod:`calfexplorer.geometry.skin`, the areas from
:mod:`calfexplorer.lesion.skin_map`; this module draws and picks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkRenderingCore import vtkActor, vtkCellPicker, vtkPolyDataMapper, vtkRenderer

from calfexplorer.geometry.mesh_graph import grow_by_rings
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.style import NUMB_INSIDE_HEX, NUMB_SKIN_HEX, hex_rgb

SkinMode = Literal["plain", "dermatomes", "territories"]
SKIN_MODES: tuple[SkinMode, ...] = ("plain", "dermatomes", "territories")

SKIN_HEX = "#E9C8AE"
#: A lesion's numb skin (a grey-blue at the skin's 0.45 opacity hardly showed over the muscles).
NUMB_HEX = NUMB_SKIN_HEX
#: Okabe-Ito colours (safe for colour-blind readers), one per dermatome, root order.
DERMATOME_HEX = {"L3": "#E69F00", "L4": "#56B4E9", "L5": "#009E73", "S1": "#CC79A7",
                 "S2": "#0072B2"}
#: Territories: the Okabe-Ito set again, then Paul Tol's muted colours (also safe for
#: colour-blind readers): ten areas with the thigh's and the knee's (black was the eighth).
TERRITORY_HEX = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                 "#882255", "#44AA99", "#999933", "#AA4499", "#332288")
SKIN_OPACITY = 0.45
#: The area a study question asked about, shown with its answer: a strong green (the study
#: panel's "right" colour), told apart from skin and from the numb cyan by hue and lightness.
ANSWER_HEX = "#1A7F37"
#: The skin is more opaque while an answer is shaded, so the area reads over the muscles.
ANSWER_OPACITY = 0.8
#: A lesion's plain skin: the numb areas stand out over the muscles, the skin that still
#: feels is a faint film (at SKIN_OPACITY all over, it washed out the denervated muscles).
NUMB_OPACITY = 0.85
#: Inside its rim (the numb area's outline, two rings of vertices wide, at NUMB_OPACITY) the
#: numb skin is a light tint, so that the denervated muscles beneath it keep their lesion
#: colour (all at 0.85, the common fibular nerve's numb shin hid tibialis anterior and the long
#: extensors; at 0.4 their vermilion read olive: 0.6 x #D55E00 + 0.4 x cyan is #80815A).
NUMB_INSIDE_OPACITY = 0.2  # (in NUMB_INSIDE_HEX, a pale cyan)
FELT_OPACITY = 0.15


class SkinLayer:
    """One actor for the skin, its colouring, posing and picking.

    ``labels`` is a :class:`calfexplorer.lesion.skin_map.SkinLabels` for the skin's vertices;
    ``dermatome_ids``/``territory_ids`` order its primary indices (``labels.primary_*``).
    """

    def __init__(self, renderer: vtkRenderer, skin: Any, labels: Any) -> None:
        self.renderer = renderer
        self.skin = skin
        self.labels = labels
        self.data = MeshData(skin)
        self._rest = self.data.vertices.copy()
        self.mode: SkinMode = "plain"
        self._numb: np.ndarray | None = None
        self._numb_rim: np.ndarray | None = None
        self._highlight: np.ndarray | None = None
        self._colours = np.zeros((len(self._rest), 4), dtype=np.uint8)  # RGBA
        scalars = numpy_to_vtk(self._colours, deep=False)
        scalars.SetName("SkinColours")
        self.data.polydata.GetPointData().SetScalars(scalars)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(self.data.polydata)
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
        mapper.StaticOn()
        self.actor = vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetOpacity(1.0)  # (each vertex carries its own: see _recolour)
        prop.SetAmbient(0.3)
        prop.SetDiffuse(0.75)
        prop.SetSpecular(0.05)
        self.actor.SetVisibility(False)
        renderer.AddActor(self.actor)
        self._picker = vtkCellPicker()
        self._picker.SetTolerance(0.0005)
        self._picker.PickFromListOn()
        self._picker.AddPickList(self.actor)
        self._recolour()

    # -- what it shows ---------------------------------------------------------------------
    @property
    def visible(self) -> bool:
        """Whether the skin is drawn."""
        return bool(self.actor.GetVisibility())

    def set_visible(self, on: bool) -> None:
        """Draw the skin or not."""
        self.actor.SetVisibility(bool(on))

    def set_mode(self, mode: SkinMode) -> None:
        """Colour by ``"dermatomes"``, ``"territories"`` or ``"plain"`` skin."""
        if mode not in SKIN_MODES:
            raise ValueError(f"unknown skin colouring {mode!r}; known: {', '.join(SKIN_MODES)}")
        if mode != self.mode:
            self.mode = mode
            self._recolour()

    def set_numb(self, skin_ids: list[str] | None) -> None:
        """Shade the skin a lesion leaves numb (lesion ``SkinEffect`` ids); None clears it."""
        mask = None if not skin_ids else self.labels.numb(skin_ids)
        if mask is not None and not mask.any():
            mask = None
        self._numb = mask
        # the outline: the numb vertices within two rings of skin that still feels
        self._numb_rim = None if mask is None else mask & grow_by_rings(self.data.faces, ~mask,
                                                                        2)
        self._recolour()

    def set_highlight(self, area_id: str | None) -> None:
        """Shade one area of the map (a root such as ``L5`` or a territory id) in the answer
        colour; None clears it."""
        self._highlight = None if area_id is None else self.labels.mask(area_id).copy()
        self._recolour()

    @property
    def highlight_count(self) -> int:
        """How many skin vertices the answer colour shades."""
        return 0 if self._highlight is None else int(self._highlight.sum())

    @property
    def numb_count(self) -> int:
        """How many skin vertices are shaded numb."""
        return 0 if self._numb is None else int(self._numb.sum())

    def numb_triangles(self, skin_ids: list[str] | None = None) -> np.ndarray:
        """(m, 3, 3) corners of the triangles shaded numb, as posed now; ``skin_ids``: of the
        skin these lesion ``SkinEffect`` ids would leave numb, instead."""
        mask = self._numb if skin_ids is None else self.labels.numb(skin_ids)
        if mask is None:
            return np.empty((0, 3, 3))
        faces = self.data.faces[mask[self.data.faces].all(axis=1)]
        return np.asarray(self.data.vertices, dtype=float)[faces]

    def colours(self) -> np.ndarray:
        """The colour of each vertex now (n, 3), 0..255."""
        return self._colours[:, :3].copy()

    def opacities(self) -> np.ndarray:
        """The opacity of each vertex now (n,), 0..1."""
        return self._colours[:, 3] / 255.0

    def legend(self) -> list[tuple[str, str]]:
        """(area id, hex colour) pairs for the current colouring."""
        if self.mode == "dermatomes":
            return [(d, DERMATOME_HEX.get(d, "#999999")) for d in self.labels.dermatome_ids]
        if self.mode == "territories":
            return [(t, TERRITORY_HEX[i % len(TERRITORY_HEX)])
                    for i, t in enumerate(self.labels.territory_ids)]
        return [("numb", NUMB_HEX)] if self._numb is not None else []

    def _recolour(self) -> None:
        out = np.empty((len(self._rest), 3), dtype=np.float64)
        out[:] = hex_rgb(SKIN_HEX)
        if self.mode == "dermatomes":
            self._paint(out, self.labels.primary_dermatome, [
                hex_rgb(DERMATOME_HEX.get(d, "#999999")) for d in self.labels.dermatome_ids
            ])
        elif self.mode == "territories":
            self._paint(out, self.labels.primary_territory, [
                hex_rgb(TERRITORY_HEX[i % len(TERRITORY_HEX)])
                for i in range(len(self.labels.territory_ids))
            ])
        if self._numb is not None:  # (coloured by dermatome or nerve: the rim alone, so the
            # numb area still shows whose it is)
            if self.mode == "plain":
                out[self._numb] = hex_rgb(NUMB_INSIDE_HEX)
            out[self._numb_rim] = hex_rgb(NUMB_HEX)
        if self._highlight is not None:
            out[self._highlight] = 0.15 * out[self._highlight] + 0.85 * np.array(
                hex_rgb(ANSWER_HEX)
            )
        alpha = np.full(len(out), SKIN_OPACITY)
        if self._numb is not None:
            if self.mode == "plain":
                alpha[:] = FELT_OPACITY
                alpha[self._numb] = NUMB_INSIDE_OPACITY
            alpha[self._numb_rim] = NUMB_OPACITY
        if self._highlight is not None:
            alpha[:] = ANSWER_OPACITY
        self._colours[:, :3] = np.clip(np.round(out * 255), 0, 255).astype(np.uint8)
        self._colours[:, 3] = np.round(alpha * 255).astype(np.uint8)
        self.data.polydata.GetPointData().GetScalars().Modified()
        self.data.polydata.Modified()

    @staticmethod
    def _paint(out: np.ndarray, index: np.ndarray, palette: list[tuple[float, ...]]) -> None:
        colours = np.asarray(palette, dtype=np.float64)
        has = index >= 0
        out[has] = 0.25 * out[has] + 0.75 * colours[index[has]]

    # -- posing and picking ----------------------------------------------------------------
    def pose(self, rest_bodies: Mapping[str, np.ndarray], bodies: Mapping[str, np.ndarray]) -> None:
        """Move each vertex with the body it follows (rest-pose and posed 4x4 transforms)."""
        self.data.set_vertices(self.skin.posed_vertices(rest_bodies, bodies))

    def pick(self, x: float, y: float) -> int | None:
        """The skin vertex under display pixel (x, y), or None where no skin is drawn."""
        if not self.visible or not self._picker.Pick(float(x), float(y), 0.0, self.renderer):
            return None
        cell = self._picker.GetCellId()
        if cell < 0:
            return None
        point = np.array(self._picker.GetPickPosition())
        corners = self.data.faces[cell]
        dist = np.linalg.norm(self.data.vertices[corners] - point, axis=1)
        return int(corners[int(np.argmin(dist))])

    def describe(self, vertex: int) -> tuple[list[str], list[str]]:
        """The dermatomes and nerve territories (area ids) that cover a skin vertex."""
        return self.labels.at(vertex)


class SkinView:
    """The scene's skin: built on first use from the assets' ``skin.npz`` and the skin map,
    shown or hidden with a colouring, posed with the state's pose, picked apart from the
    structures. ``reason`` says why there is no skin when there is none."""

    def __init__(self, scene: Any) -> None:
        self._scene = scene
        self.layer: SkinLayer | None = None
        self.map: Any = None  # the SkinMap the layer was classified with
        self.reason: str | None = None
        #: Why the skin cannot be coloured by its map (the map file's problems), or None.
        self.map_problem: str | None = None
        self.mode: SkinMode | None = None
        self._rest_bodies: Mapping[str, np.ndarray] | None = None
        self._numb: list[str] | None = None
        self._highlight: str | None = None

    def set_mode(self, mode: SkinMode | None) -> bool:
        """Show the skin coloured by ``mode`` (None hides it); False when there is no skin, or
        it cannot be coloured so (:meth:`why_not` says why)."""
        if mode is not None and self._ensure() is None:
            return False
        if mode in ("dermatomes", "territories") and self.map_problem:
            return False
        self.mode = mode
        if self.layer is not None:
            if mode is not None:
                self.layer.set_mode(mode)
                self.follow_pose(self._scene.state.pose)
            self.layer.set_visible(mode is not None)
            self._scene._changed()
        return True

    def set_numb(self, skin_ids: list[str] | None) -> None:
        """Shade a lesion's numb skin (``SkinEffect`` ids); None or [] clears it."""
        self._numb = list(skin_ids) if skin_ids else None
        if self.layer is not None:
            self.layer.set_numb(self._numb)
            if self.layer.visible:
                self._scene._changed()

    def shades_numb(self) -> bool:
        """Whether the numb skin set last shades any of the 3D skin (an S3 lesion's lies on
        the buttock, above it): builds the skin if it is not yet."""
        layer = self._ensure() if self._numb else None
        return layer is not None and layer.numb_count > 0

    def numb_triangles(self, skin_ids: list[str] | None = None) -> np.ndarray:
        """(m, 3, 3) corners of the drawn skin's triangles shaded numb, as posed now (none
        while the skin is hidden or nothing is numb); ``skin_ids``: of those these lesion
        ``SkinEffect`` ids would leave numb (one area of several), instead."""
        layer = self.layer
        if layer is None or not layer.visible:
            return np.empty((0, 3, 3))
        return layer.numb_triangles(skin_ids)

    def why_not(self, mode: SkinMode | None) -> str:
        """Why :meth:`set_mode` refused ``mode``, with the way on."""
        if self.reason is not None:
            return f"No skin to show: {self.reason}"
        return f"The skin cannot be coloured by {mode}: {self.map_problem}"

    def available(self) -> bool:
        """Whether there is a skin to show (built on first use; ``reason`` says why not)."""
        return self._ensure() is not None

    def set_highlight(self, area_id: str | None) -> None:
        """Shade one area of the skin map in the answer colour (None clears it)."""
        self._highlight = area_id
        if self.layer is not None:
            self.layer.set_highlight(area_id)
            if self.layer.visible:
                self._scene._changed()

    def pick(self, x: float, y: float) -> tuple[list[str], list[str]] | None:
        """The dermatomes and territories under display pixel (x, y), or None off the skin."""
        if self.layer is None or self.mode is None:
            return None
        vertex = self.layer.pick(x, y)
        return None if vertex is None else self.layer.describe(vertex)

    def _ensure(self) -> SkinLayer | None:
        if self.layer is not None or self.reason is not None:
            return self.layer
        from calfexplorer.geometry.skin import SKIN_FILE, load_skin
        from calfexplorer.geometry.source import pose_state
        from calfexplorer.lesion.skin_map import classify, load_skin_map, skin_coordinates
        from calfexplorer.paths import assets_dir

        folder = getattr(self._scene._assets, "path", None) or assets_dir()
        try:
            skin = load_skin(folder / SKIN_FILE)
        except ValueError as exc:
            self.reason = f"{exc}; run 'calfexplorer build-assets' to build it"
            return None
        drawn = _pack_skin(self._scene._assets, skin)
        skin_map, problems = load_skin_map(self._scene.atlas)
        if problems:
            n = len(problems)
            self.map_problem = (f"{n} problem{'s' if n != 1 else ''} in the skin map, the first: "
                                f"{problems[0]}; run 'calfexplorer validate'")
        self.map = skin_map
        rest = pose_state(None)
        coords = skin_coordinates(skin.vertices, skin.normals, skin.vertex_bodies(), rest.bodies)
        self._rest_bodies = rest.bodies
        # (the areas are the built-in skin's, vertex by vertex: the pack's is moved out alone)
        self.layer = SkinLayer(self._scene.renderer, drawn, classify(skin_map, coords))
        if self._numb:
            self.layer.set_numb(self._numb)
        if self._highlight:
            self.layer.set_highlight(self._highlight)
        return self.layer

    def copy_from(self, other: SkinView) -> None:
        """Show the skin as ``other`` shows it: its colouring, numb skin and highlight."""
        if other.mode is not None and self.set_mode(other.mode):
            self.set_numb(other._numb)
            self.set_highlight(other._highlight)

    def follow_pose(self, angles: Mapping[str, float]) -> None:
        """Pose the skin with the state's pose (the scene connects this, and disconnects it on
        closing)."""
        if self.layer is None or self.mode is None or self._rest_bodies is None:
            return
        from calfexplorer.biomech import Pose
        from calfexplorer.geometry.source import pose_state

        self.layer.pose(self._rest_bodies, pose_state(Pose(**dict(angles))).bodies)


def _pack_skin(assets: Any, builtin: Any) -> Any:
    """The skin to draw: on the BodyParts3D leg the pack's own skin, moved out over its
    tissue (:mod:`calfexplorer.anatomy.pack_skin`), where the pack has one made from this
    built-in skin (same vertices and faces); else ``builtin``."""
    from calfexplorer.assets import BODYPARTS3D
    from calfexplorer.geometry.skin import SKIN_FILE, load_skin

    folder = getattr(getattr(assets, "pack", None), "path", None)
    if folder is None or getattr(assets, "model", None) != BODYPARTS3D:
        return builtin
    try:
        own = load_skin(folder / SKIN_FILE)
    except (ValueError, OSError):  # (a pack built before it had its own skin)
        return builtin
    if own.faces.shape != builtin.faces.shape or not np.array_equal(own.faces, builtin.faces) \
            or not np.array_equal(own.body_of, builtin.body_of) or own.bodies != builtin.bodies:
        return builtin
    return own
