"""A selected space teaches what it holds, on both legs: each content lit inside it in its
kind's colour (arteries red, veins blue, nerves yellow, the tendons their own) and labelled
(a new user could not tell the posterior tibial artery from its veins, the nerve or the tendons:
all were lit in the one magenta)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from vtkmodules.vtkCommonCore import reference

from calfexplorer.anatomy.leg_model import BODYPARTS3D, BUILTIN, load_leg
from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene
from calfexplorer.state import AppState

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


@pytest.fixture(params=[BUILTIN, BODYPARTS3D])
def leg_scene(request: pytest.FixtureRequest, atlas: Any) -> Iterator[Scene]:
    """A scene of the built-in leg, or of the session's pack (built once for the session)."""
    if request.param == BUILTIN:
        assets, problem = load_leg(BUILTIN)
    else:
        assets, problem = load_leg(BODYPARTS3D, pack=request.getfixturevalue("built_pack"))
    assert problem is None
    scene = Scene(assets, atlas, AppState.from_atlas(atlas), size=(800, 900))
    scene.set_view("medial")
    yield scene
    scene.close()


def _lit_in(scene: Scene, structure_id: str) -> tuple[float, ...]:
    """The colour an actor is lit in inside the selected space (its shader's uniforms)."""
    uniforms = scene._actors[structure_id].GetShaderProperty().GetFragmentCustomUniforms()
    on = reference(0.0)
    uniforms.GetUniformf("csBandOn", on)
    assert float(on) == 1.0, f"{structure_id} is not lit inside the space"
    colour = [0.0, 0.0, 0.0]
    uniforms.GetUniform3f("csBandColor", colour)
    return tuple(round(c, 3) for c in colour)


#: What each kind's colour must look like: (red, green, blue) as "high" / "low".
_LOOKS = {
    "artery": lambda r, g, b: r > 0.8 and g < 0.35 and b < 0.35,
    "vein": lambda r, g, b: b > 0.8 and r < 0.4 and g < 0.6,
    "nerve": lambda r, g, b: r > 0.8 and g > 0.7 and b < 0.3,
}


@pytest.mark.parametrize("space", ["tarsal_tunnel", "popliteal_fossa"])
def test_a_selected_spaces_contents_are_lit_in_their_kinds_colours_and_named(
    leg_scene: Scene, atlas: Any, space: str
) -> None:
    scene, state = leg_scene, leg_scene.state
    state.select(space)
    held = [h for h in atlas.get(space).held() if scene.parts(h)]
    kinds = {h: atlas.get(h).kind for h in held}
    by_kind: dict[str, set[tuple[float, ...]]] = {}
    for h in held:
        for part in scene.parts(h):
            by_kind.setdefault(kinds[h], set()).add(_lit_in(scene, part))
    assert {"artery", "vein", "nerve"} <= by_kind.keys()
    assert all(len(colours) == 1 for colours in by_kind.values()), by_kind  # one per kind
    colour = {kind: np.array(next(iter(c))) for kind, c in by_kind.items()}
    for kind, looks in _LOOKS.items():
        assert looks(*colour[kind]), (kind, colour[kind])
    for a in colour:
        for b in colour:
            if a < b:  # (kinds told apart at a glance: far apart in RGB)
                assert np.abs(colour[a] - colour[b]).sum() > 0.6, (a, b)
    names = {atlas.get(h).name for h in held}
    assert names <= set(scene.labels), (names, scene.labels)
    placed = scene._label_layer.layout()
    assert None not in placed, "every content's label has a place on screen"
    state.select(None)
    assert not names & set(scene.labels)
    state.select(space)
    state.set_labels(False)
    assert not names & set(scene.labels)


def test_the_tarsal_tunnels_tendons_take_their_own_colour(leg_scene: Scene) -> None:
    scene = leg_scene
    scene.state.select("tarsal_tunnel")
    tendons = {_lit_in(scene, m) for m in ("tibialis_posterior", "flexor_digitorum_longus",
                                           "flexor_hallucis_longus")}
    others = {_lit_in(scene, s) for s in ("posterior_tibial_artery", "posterior_tibial_veins",
                                          "tibial_nerve")}
    assert len(tendons) == 1 and not tendons & others
    assert {"Tibialis posterior", "Flexor digitorum longus", "Flexor hallucis longus"} <= set(
        scene.labels)
