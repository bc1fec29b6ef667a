"""The restyle step: resolved styles handed to the actors, only what changed since last time.

No Qt. :func:`~calfexplorer.scene.styling.resolve_styles` decides how everything is drawn;
:class:`StyleApplier` keeps the last answer, the colour overrides and the concealed sites, and
sets visibility, picking, the site offset and the shader uniforms of the actors (and their
stand-ins) whose style differs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Set

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor, vtkFrustumCoverageCuller

from calfexplorer.scene import style
from calfexplorer.scene.actors import apply_uniforms, set_site_offset
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.region_band import band_boxes, set_band
from calfexplorer.scene.stand_ins import StandIns
from calfexplorer.scene.styling import DrawnStyle, Resolved, resolve_styles
from calfexplorer.state import AppState


class StyleApplier:
    """Applies the state's styles to the actors. ``painted`` (ids drawn with their own vertex
    colours) is shared with whoever makes the actors and may grow later."""

    def __init__(
        self,
        state: AppState,
        catalog: Mapping[str, StructureInfo],
        actors: Mapping[str, vtkActor],
        children: Mapping[str, list[str]],
        painted: Set[str],
        stand_ins: StandIns,
        culler: vtkFrustumCoverageCuller,
        quiz_children: Mapping[str, list[str]] | None = None,
        spaces: Collection[str] = (),
        world_vertices: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self._state, self._catalog, self._actors = state, catalog, actors
        self._children, self._painted = children, painted
        self._quiz_children = quiz_children
        self._stand_ins, self._culler = stand_ins, culler
        #: Spaces whose contents are lit only inside them, and how to find a space's surface.
        self._spaces, self._world_vertices = frozenset(spaces), world_vertices
        #: The selected space's contents now lit inside it (see region_band).
        self.banded: frozenset[str] = frozenset()
        #: The colour each of them is lit in there (its kind's).
        self.band_colors: Mapping[str, style.RGB] = {}
        self._space: str | None = None
        #: The boxes the banded contents are lit in ((k, 4, 4), world -> unit cube), or None.
        self.band: np.ndarray | None = None
        #: The space's surface and the boxes fitted round it (refitted only when it moved).
        self._fitted: tuple[np.ndarray, np.ndarray] | None = None
        self._resolved: Mapping[str, Resolved] = {}
        #: Id -> the style its actor is drawn with now (one dict for the scene's lifetime).
        self.drawn: dict[str, DrawnStyle] = {}
        #: Ids drawn as selected (the selection and its parts; a space's contents are lit in
        #: their kinds' colours inside it, see ``band_colors``).
        self.highlighted: frozenset[str] = frozenset()
        #: Attachment patches lit for the selection: id -> "origin" or "insertion".
        self.lit: dict[str, str] = {}
        self.overrides: dict[str, style.RGB] = {}
        self.overrides_stay = False
        self.concealed = False

    def set_overrides(self, colors: Mapping[str, style.RGB] | None, stay: bool = False) -> bool:
        """Draw these ids in these colours (0..1 RGB), kept clear under a selection when
        ``stay``; True when that changed anything."""
        new = {sid: tuple(float(c) for c in rgb) for sid, rgb in (colors or {}).items()}
        stay = bool(stay and new)
        if new == self.overrides and stay == self.overrides_stay:
            return False
        self.overrides = new  # type: ignore[assignment]
        self.overrides_stay = stay
        return True

    @property
    def children(self) -> Mapping[str, list[str]]:
        """What selecting an id lights besides itself: while a question asks, a space alone
        (the tarsal tunnel's tendons lit from knee to sole looked like the deep posterior
        compartment), else what it holds too."""
        if self.concealed and self._quiz_children is not None:
            return self._quiz_children
        return self._children

    @property
    def space(self) -> str | None:
        """The selected space whose contents are lit inside it, or None."""
        return self._space

    def set_concealed(self, concealed: bool) -> bool:
        """Light no attachment patches of the selection, nor what a space holds (a question
        asks); True when that changed anything."""
        if bool(concealed) == self.concealed:
            return False
        self.concealed = bool(concealed)
        return True

    def apply(self, selected: str | None) -> None:
        """Resolve the styles with ``selected`` as the selection and hand the actors only
        what changed since the last time."""
        styles = resolve_styles(
            self._state,
            self._catalog,
            self._actors.keys(),
            selected=selected,
            children=self.children,
            overrides=self.overrides,
            painted=self._painted,
            concealed=self.concealed,
            overrides_stay=self.overrides_stay,
            spaces=self._spaces if self._world_vertices is not None else (),
        )
        self.highlighted = styles.parts & self._actors.keys()
        self._set_bands(styles.space, styles.banded & self._actors.keys(), styles.band_colors)
        self.lit = dict(styles.lit)
        last = self._resolved
        for sid, now in styles.by_id.items():
            if last.get(sid) != now:
                self._apply(sid, now, last.get(sid))
        self._resolved = styles.by_id
        # See-through structures blend correctly drawn farthest first; with none, that order
        # only adds overdraw (about 2 ms a frame in software OpenGL), so props keep theirs.
        if any(r.visible and r.drawn.opacity < 1.0 for r in styles.by_id.values()):
            self._culler.SetSortingStyleToBackToFront()
        else:
            self._culler.SetSortingStyleToNone()

    def _set_bands(self, space: str | None, banded: frozenset[str],
                   colors: Mapping[str, style.RGB]) -> None:
        if (space == self._space and banded == self.banded and self.band is not None
                and colors == self.band_colors):
            return  # (a hover or a fade: the lit boxes stay as they are)
        for sid in self.banded - banded:
            set_band(self._actors[sid], None)
        self.banded, self._space, self.band_colors = banded, space, colors
        self.refresh_bands()

    def refresh_bands(self) -> None:
        """Fit the lit boxes of a selected space's contents to where the space is now (after
        a pose moved it or them)."""
        self.band = None
        if not self.banded or self._space is None or self._world_vertices is None:
            return
        surface = self._world_vertices(self._space)
        if self._fitted is None or not np.array_equal(surface, self._fitted[0]):
            self._fitted = (surface.copy(), band_boxes(surface))
        boxes = self.band = self._fitted[1]
        for sid in self.banded:
            set_band(self._actors[sid], boxes, self.band_colors.get(sid))

    def _apply(self, sid: str, now: Resolved, before: Resolved | None) -> None:
        actor = self._actors[sid]
        if before is None or before.visible != now.visible:
            actor.SetVisibility(now.visible)
        if before is None or before.pickable != now.pickable:
            actor.SetPickable(now.pickable)
        if (before is None or before.forward != now.forward) and self._catalog[sid].is_site:
            set_site_offset(actor, now.forward)
        # Uniforms only, and only when changed: changing the vtkProperty instead would make
        # VTK rebuild the shader source and vertex buffers of every restyled actor on the
        # next frame (most of a selection's cost).
        if self.drawn.get(sid) != now.drawn:
            self.drawn[sid] = now.drawn
            apply_uniforms(actor, now.drawn)
            self._stand_ins.restyle(sid, now.drawn)


__all__ = ["StyleApplier"]
