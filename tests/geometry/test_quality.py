"""The committed meshes pass every quality check issue 3 sets."""

from __future__ import annotations

import pytest

from calfexplorer.assets import load_assets
from calfexplorer.geometry.params import load_params
from calfexplorer.geometry.quality import MAX_INSIDE_BONE, check_assets, expected_ids


@pytest.fixture(scope="module")
def report(atlas):
    return check_assets(load_assets(), atlas, load_params().no_geometry)


def test_every_surface_is_closed_and_oriented(report) -> None:
    bad = [s.id for s in report.structures if s.open_edges or s.misoriented_edges]
    assert bad == []


def test_muscles_stay_out_of_bone(report) -> None:
    shares = {s.id: s.inside_bone for s in report.structures if s.kind == "muscle"}
    assert len(shares) >= 25
    assert {k: v for k, v in shares.items() if v > MAX_INSIDE_BONE} == {}


def test_patches_lie_on_the_bone_the_atlas_names(report, atlas) -> None:
    sites = [s for s in report.structures if s.kind == "site"]
    assert len(sites) >= 60
    for s in sites:
        assert s.on_bone == atlas.attachment(s.id).attachment.bone, s.id
        assert not s.problems, (s.id, s.problems)


def test_every_atlas_structure_with_geometry_has_one_mesh(report, atlas) -> None:
    assert report.coverage == []
    want = expected_ids(atlas, load_params().no_geometry)
    assert {"plantaris", "popliteus", "fibularis_tertius", "tibial_nerve",
            "popliteal_artery", "soleal_veins", "calcaneal_tendon"} <= set(want)


def test_no_geometry_is_explained() -> None:
    for sid, reason in load_params().no_geometry.items():
        assert reason.strip(), sid
