"""The built-in foot muscles the pack keeps lie on the pack's foot bones (anatomy/foot_carry)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.anatomy.carried_file import apply_carried
from calfexplorer.anatomy.leg_model import merge_pack
from calfexplorer.assets import AssetSet, load_assets
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.geometry.mesh_graph import components

#: The kept muscles with insertion patches on the pack's foot bones.
WITH_INSERTIONS = ("flexor_digitorum_brevis", "abductor_hallucis",
                   "abductor_digiti_minimi_foot", "extensor_hallucis_brevis")


@pytest.fixture(scope="module")
def leg(pack_dir: Path) -> dict[str, Any]:
    """The pack built from the shared subset, merged over the built-in meshes."""
    builtin = load_assets()
    pack = load_assets(pack_dir)
    return {"builtin": builtin, "pack": pack, "leg": merge_pack(builtin, pack)}


@pytest.mark.parametrize("sid", WITH_INSERTIONS)
def test_kept_foot_muscles_tendons_end_on_their_pack_insertions(leg: dict[str, Any],
                                                                sid: str) -> None:
    """Each piece of the muscle's insertion patches on the pack's toes meets the muscle drawn
    (before, flexor digitorum brevis' tendons ended 7 to 14 mm from its four patches on the
    middle phalanges and extensor hallucis brevis' 18 mm from its patch)."""
    pack, drawn = leg["pack"], leg["leg"].meshes[sid]
    tree = cKDTree(drawn.vertices.astype(np.float64))
    patches = [m for i, m in pack.meshes.items() if i.startswith(f"{sid}:insertion:")]
    assert patches, sid
    for m in patches:
        for f in components(m.vertices, m.faces):
            centre = m.vertices[np.unique(m.faces[f])].astype(np.float64).mean(0)
            assert tree.query(centre)[0] < 0.003, (sid, tree.query(centre)[0])


def test_flexor_digitorum_brevis_stops_short_of_the_toe_tips(leg: dict[str, Any]) -> None:
    """No part of flexor digitorum brevis runs past the pack's toe tips (before: 12 mm past
    the farthest, its tendons drawn for MyoLeg's longer toes)."""
    toes = leg["pack"].meshes["phalanges"].vertices
    drawn = leg["leg"].meshes["flexor_digitorum_brevis"].vertices
    assert drawn[:, 1].min() > toes[:, 1].min()  # y grows backwards


def test_carried_muscles_keep_the_built_in_faces_and_are_drawn(leg: dict[str, Any]) -> None:
    """The pack carries the six kept foot muscles; each is drawn with its built-in faces."""
    builtin, drawn = leg["builtin"], leg["leg"]
    carried = leg["pack"].manifest["carried_muscles"]["ids"]
    assert set(WITH_INSERTIONS) | {"extensor_digitorum_brevis", "quadratus_plantae"} \
        <= set(carried)
    for sid in carried:
        assert np.array_equal(drawn.meshes[sid].faces, builtin.meshes[sid].faces)
        assert not np.allclose(drawn.meshes[sid].vertices, builtin.meshes[sid].vertices)


def test_carried_vertices_made_for_another_built_in_mesh_are_not_used(
        leg: dict[str, Any], pack_dir: Path) -> None:
    """A built-in mesh rebuilt since the pack was made is drawn as built in."""
    builtin = leg["builtin"]
    sid = "flexor_digitorum_brevis"
    old = builtin.meshes[sid]
    changed = AssetSet(meshes={**builtin.meshes, sid: Mesh(old.vertices + 0.001, old.faces,
                                                            belly=old.belly)})
    assert sid in apply_carried(builtin, pack_dir)
    assert sid not in apply_carried(changed, pack_dir)


@pytest.mark.parametrize("sid", [*WITH_INSERTIONS, "extensor_digitorum_brevis",
                                 "quadratus_plantae"])
def test_carried_bellies_keep_their_built_in_shape(leg: dict[str, Any], sid: str) -> None:
    """A carried muscle's fleshy part is its built-in one turned, scaled and moved, bent by
    no more than a few millimetres (before, abductor hallucis rose in a hump along the arch,
    7 mm off, and flexor digitorum brevis' belly waved, 10 mm off)."""
    from calfexplorer.anatomy.register import umeyama
    from calfexplorer.geometry.params import load_params

    spec = next(s for s in load_params().sweeps if s.id == sid)
    built_in = leg["builtin"].meshes[sid]
    n = spec.stations * spec.ring

    def centres(v: np.ndarray) -> np.ndarray:
        return v[:n].astype(np.float64).reshape(spec.stations, spec.ring, 3).mean(1)

    fleshy = built_in.belly[:n].reshape(spec.stations, spec.ring).mean(1) >= 0.5
    rest = centres(built_in.vertices)[fleshy]
    drawn = centres(leg["leg"].meshes[sid].vertices)[fleshy]
    scale, rot, shift = umeyama(rest, drawn)
    assert np.linalg.norm(drawn - (scale * rest @ rot.T + shift), axis=1).max() < 0.006


@pytest.mark.parametrize("sid", [*WITH_INSERTIONS, "extensor_digitorum_brevis",
                                 "quadratus_plantae"])
def test_carried_muscles_lie_outside_the_pack_bones(leg: dict[str, Any], sid: str) -> None:
    """Under 1 % of a carried muscle's drawn vertices lie inside the pack's foot bones (winding
    number): its tendons end on the bones they insert on, not in them (before, the tendon ends
    lay inside the phalanges: flexor digitorum brevis 8.5 %, abductor hallucis 2.7 %,
    abductor digiti minimi 2.6 %)."""
    from calfexplorer.anatomy.foot_carry import FOOT_BONES
    from calfexplorer.geometry.implicit import winding_number

    mesh = leg["leg"].meshes[sid]
    drawn = mesh.vertices[np.unique(mesh.faces)].astype(np.float64)
    inside = np.zeros(len(drawn), dtype=bool)
    for bone in FOOT_BONES:
        b = leg["pack"].meshes[bone]
        inside |= winding_number(drawn, b.vertices, b.faces) > 0.5
    assert inside.mean() < 0.01, f"{inside.mean():.1%}"
