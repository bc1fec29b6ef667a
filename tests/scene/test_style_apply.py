"""The restyle step without a window: actors get only the styles that changed."""

from __future__ import annotations

from vtkmodules.vtkRenderingCore import vtkActor, vtkFrustumCoverageCuller, vtkRenderer

from calfexplorer.scene.actors import apply_uniforms, make_actor
from calfexplorer.scene.catalog import build_catalog
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.stand_ins import StandIns
from calfexplorer.scene.style_apply import StyleApplier
from calfexplorer.scene.styling import part_of
from calfexplorer.state import AppState

from .toy import toy_assets, toy_atlas


class _CountingStandIns(StandIns):
    """Stand-ins that note which structures were handed a new style."""

    def __init__(self, renderer: vtkRenderer) -> None:
        super().__init__(renderer, lambda sid, data: vtkActor(), apply_uniforms)
        self.restyled: list[str] = []

    def restyle(self, sid: str, style) -> None:
        self.restyled.append(sid)
        super().restyle(sid, style)


def _applier() -> tuple[StyleApplier, AppState, _CountingStandIns, vtkFrustumCoverageCuller]:
    atlas, meshes = toy_atlas(), toy_assets().meshes
    catalog = build_catalog(atlas, meshes.keys())
    actors = {sid: make_actor(MeshData(mesh), catalog[sid]) for sid, mesh in meshes.items()}
    state = AppState.from_atlas(atlas, fade=0.25)
    stand_ins, culler = _CountingStandIns(vtkRenderer()), vtkFrustumCoverageCuller()
    children = part_of(catalog, atlas)
    applier = StyleApplier(state, catalog, actors, children, set(), stand_ins, culler)
    return applier, state, stand_ins, culler


def test_a_hover_restyles_only_the_hovered_structure() -> None:
    applier, state, stand_ins, _ = _applier()
    applier.apply(state.selected)
    assert len(stand_ins.restyled) == len(applier.drawn)  # the first time: every actor
    stand_ins.restyled.clear()
    applier.apply(state.selected)
    assert stand_ins.restyled == []  # nothing changed: no actor is touched
    state.hover("soleus")
    applier.apply(state.selected)
    assert stand_ins.restyled == ["soleus"]


def test_a_selection_highlights_its_parts_and_fades_the_rest_drawn_farthest_first() -> None:
    applier, state, _, culler = _applier()
    applier.apply(None)
    assert culler.GetSortingStyleAsString() == "None"  # all opaque: no sorting cost
    applier.apply("gastrocnemius")
    assert applier.highlighted == {"gastrocnemius_medial_head", "gastrocnemius_lateral_head"}
    assert applier.drawn["soleus"].opacity == 0.25
    assert culler.GetSortingStyleAsString() == "Back To Front"


def test_overrides_and_concealment_report_whether_they_changed() -> None:
    applier, _, _, _ = _applier()
    assert applier.set_overrides({"soleus": (0, 1, 0)}) is True
    assert applier.set_overrides({"soleus": (0.0, 1.0, 0.0)}) is False
    assert applier.set_concealed(True) is True and applier.set_concealed(True) is False
    applier.apply(None)
    assert applier.drawn["soleus"].color == (0.0, 1.0, 0.0)
