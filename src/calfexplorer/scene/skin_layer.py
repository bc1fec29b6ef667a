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

from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.style import hex_rgb

SkinMode = Literal["plain", "dermatomes", "territories"]
SKIN_MODES: tuple[SkinMode, ...] = ("plain", "dermatomes", "territories")

SKIN_HEX = "#E9C8AE"
#: A lesion's numb skin: a cool grey-blue that reads as "no feeling" on warm skin.
NUMB_HEX = "#4A6FA5"
#: Okabe-Ito colours (safe for colour-blind readers), one per dermatome, root order.
DERMATOME_HEX = {"L3": "#E69F00", "L4": "#56B4E9", "L5": "#009E73", "S1": "#CC79A7",
                 "S2": "#0072B2"}
#: Territories: the Okabe-Ito set again, with black for a seventh.
TERRITORY_HEX = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
                 "#000000")
SKIN_OPACITY = 0.55


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
        self._colours = np.zeros((len(self._rest), 3), dtype=np.uint8)
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
        prop.SetOpacity(SKIN_OPACITY)
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
        self._recolour()

    @property
    def numb_count(self) -> int:
        """How many skin vertices are shaded numb."""
        return 0 if self._numb is None else int(self._numb.sum())

    def colours(self) -> np.ndarray:
        """The colour of each vertex now (n, 3), 0..255."""
        return self._colours.copy()

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
        if self._numb is not None:
            out[self._numb] = 0.35 * out[self._numb] + 0.65 * np.array(hex_rgb(NUMB_HEX))
        self._colours[:] = np.clip(np.round(out * 255), 0, 255).astype(np.uint8)
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
