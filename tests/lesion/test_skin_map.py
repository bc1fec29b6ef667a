"""Dermatome and nerve-territory maps on the skin of the built-in leg (data/skin_map.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.atlas import load_atlas
from calfexplorer.geometry.skin import SkinParams, build_skin
from calfexplorer.geometry.source import rest_pose
from calfexplorer.lesion import Lesion, open_lesion_model
from calfexplorer.lesion.skin_map import (
    SkinCoordinates,
    SkinLabels,
    classify,
    load_skin_map,
    skin_coordinates,
)
from calfexplorer.paths import data_dir


@pytest.fixture(scope="module")
def atlas():
    atlas, problems = load_atlas()
    assert problems == []
    return atlas


@pytest.fixture(scope="module")
def skin_map(atlas):
    skin_map, problems = load_skin_map(atlas)
    assert [str(p) for p in problems] == []
    return skin_map


@pytest.fixture(scope="module")
def rest():
    return rest_pose()


@pytest.fixture(scope="module")
def skin():
    return build_skin(load_assets(), SkinParams(spacing=0.004))


@pytest.fixture(scope="module")
def coords(skin, rest) -> SkinCoordinates:
    return skin_coordinates(skin.vertices, skin.normals, skin.vertex_bodies(), rest.bodies)


@pytest.fixture(scope="module")
def labels(skin_map, coords) -> SkinLabels:
    return classify(skin_map, coords)


def _foot_local(rest, points: np.ndarray) -> np.ndarray:
    cal = np.asarray(rest.bodies["calcn_r"])
    return (np.asarray(points, np.float64) - cal[:3, 3]) @ cal[:3, :3]  # x fwd, y up, z lat


def test_the_map_has_every_dermatome_and_territory(skin_map) -> None:
    assert [d.id for d in skin_map.dermatomes] == ["S2", "S1", "L5", "L4", "L2", "L3"]
    assert {t.id for t in skin_map.territories} >= {
        "first_web_space", "dorsum_of_foot", "sole", "medial_heel", "lateral_foot",
        "upper_lateral_leg", "saphenous",
    }
    assert skin_map.note is not None and "Lee" in skin_map.note.dermatomes
    assert "Keegan" in skin_map.note.dermatomes
    # the differences between published maps are recorded where they apply, with sources
    assert any("Keegan" in alt.text for alt in skin_map.area("L4").disputed)


def test_every_skin_area_the_lesion_model_names_is_drawn(atlas, skin_map) -> None:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    drawn = {t.id for t in skin_map.territories}
    assert set(model.data.skin_names()) <= drawn
    on_skin = {root for root, d in model.data.dermatomes.items() if d.on_skin}
    assert on_skin <= {d.id for d in skin_map.dermatomes}
    assert set(model.data.dermatomes) - on_skin == {"S3"}  # (on the buttock)


def test_every_area_covers_part_of_the_real_skin(labels: SkinLabels) -> None:
    counts = dict(zip(labels.ids(), [int(labels.mask(i).sum()) for i in labels.ids()],
                      strict=True))
    print(counts)
    assert min(counts.values()) >= 40, counts
    assert (labels.primary_dermatome >= 0).mean() > 0.75


def test_the_first_web_space_lies_between_the_great_and_second_toes(rest, skin, labels) -> None:
    from calfexplorer.geometry.mesh_graph import components

    web = _foot_local(rest, skin.vertices[labels.mask("first_web_space")])
    foot = _foot_local(rest, skin.vertices[np.isin(skin.vertex_bodies(), ["calcn_r", "toes_r"])])
    forefoot = foot[foot[:, 0] > np.percentile(foot[:, 0], 75)]
    # beyond the metatarsal heads (not beyond a share of the skin's vertices: the skin's
    # vertices crowd the toes where it wraps the toe tendons)
    metatarsals = load_assets().meshes["metatarsals"]
    heads = max(_foot_local(rest, metatarsals.vertices[np.unique(metatarsals.faces[c])])[:, 0].max()
                for c in components(metatarsals.vertices, metatarsals.faces))
    assert web[:, 0].mean() > heads
    assert web[:, 1].mean() > np.median(forefoot[:, 1])  # on the dorsum
    phal = load_assets().meshes["phalanges"]
    toes = [_foot_local(rest, phal.vertices[np.unique(phal.faces[c])])
            for c in components(phal.vertices, phal.faces)]
    tips = sorted(toes, key=lambda t: -t[:, 0].max())
    great = tips[0][:, 2].mean()  # the longest toe is the great toe, medial (-z)
    second = np.mean([t[:, 2].mean() for t in toes if abs(t[:, 2].mean() - great) > 0.015
                      and t[:, 2].mean() < great + 0.04])
    assert great < web[:, 2].mean() < second


def test_the_sole_faces_down_and_the_dorsum_up(coords, labels) -> None:
    assert np.median(coords.up[labels.mask("sole")]) < -0.7
    assert np.median(coords.up[labels.mask("dorsum_of_foot") & coords.foot]) > 0.5


def test_the_saphenous_area_is_medial_and_the_sural_area_lateral(rest, skin, labels) -> None:
    # world +x is medial on the right leg
    tibia_x = np.asarray(rest.bodies["tibia_r"])[0, 3]
    saph = skin.vertices[labels.mask("saphenous")]
    sural = skin.vertices[labels.mask("lateral_foot")]
    assert saph[:, 0].mean() > tibia_x > sural[:, 0].mean()
    assert np.mean(labels.mask("upper_lateral_leg")) > 0
    assert skin.vertices[labels.mask("upper_lateral_leg")][:, 0].mean() < tibia_x


def test_the_isncsci_key_points_fall_in_their_dermatomes(rest, skin, labels) -> None:
    from calfexplorer.assets import load_assets

    assets = load_assets()
    tree = _tree(skin.vertices)

    def at(point: np.ndarray) -> list[str]:
        return labels.at(int(tree.query(point)[1]))[0]

    tibia = assets.meshes["tibia"].vertices
    medial_malleolus = tibia[np.argmax(tibia[:, 0] - 5 * (tibia[:, 2] - tibia[:, 2].min()))]
    calc = assets.meshes["calcaneus"].vertices
    lateral_heel = calc[np.argmin(calc[:, 0] - 0.5 * (calc[:, 1] - calc[:, 1].max()))]
    assert "L4" in at(medial_malleolus)
    assert "S1" in at(lateral_heel)
    # S2: the middle of the popliteal fossa, behind the knee joint centre
    knee = np.asarray(rest.bodies["tibia_r"])[:3, 3]
    assert "S2" in at(knee + [0.0, 0.08, 0.0])
    # L5: the dorsum of the foot at the third metatarsophalangeal joint
    toes = np.asarray(rest.bodies["toes_r"])[:3, 3]
    assert "L5" in at(toes + [0.0, 0.0, 0.03])


def test_a_click_names_every_area_under_it_in_the_order_of_the_file(labels) -> None:
    both = np.flatnonzero(labels.mask("first_web_space") & labels.mask("L5"))
    assert len(both)
    dermatomes, territories = labels.at(int(both[0]))
    assert "L5" in dermatomes
    assert territories[0] == "first_web_space"  # listed before the broad dorsum area


def test_numb_skin_for_a_lesion_is_its_territories_and_dermatomes(atlas, labels) -> None:
    model, _ = open_lesion_model(atlas)
    result = model.compute(Lesion(cuts=(model.cut("deep_fibular_nerve", "upper_leg"),)))
    numb = labels.numb([s.id for s in result.skin])
    assert numb.sum() == labels.mask("first_web_space").sum() > 0
    root = model.compute(Lesion(roots=("L5",)))
    assert np.array_equal(labels.numb([s.id for s in root.skin]), labels.mask("L5"))
    assert not labels.numb(["first_web_spac"]).any()  # (validate names it; no crash)
    with pytest.raises(KeyError, match="first_web_space"):
        labels.mask("first_web_spac")


# --- the loader: problems named by file, entry and field -------------------------------------


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("geometry"))
    return target


def _problems(folder: Path, old: str, new: str) -> list[str]:
    path = folder / "skin_map.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    atlas, _ = load_atlas(folder)
    skin_map, problems = load_skin_map(atlas, folder)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("refs: [lesion_statpearls_atts,", "refs: [no_such_ref,",
         "entry 'first_web_space', field 'refs[0]': unknown reference 'no_such_ref'"),
        ("nerves: [deep_fibular_nerve]", "nerves: [deep_fibular]",
         "entry 'first_web_space', field 'nerves[0]': unknown nerve 'deep_fibular'"),
        ("{part: foot, along: [0.9, 1.25],", "{part: leg, along: [0.9, 1.25],",
         "field 'patches[0]': a leg patch cannot use along, across, up"),
        ("along: [0.9, 1.25]", "along: [1.25, 0.9]", "give the smaller first"),
        ("  - id: L3\n", "  - id: L9\n", "entry 'L9', field 'id': 'L9' is not a spinal root"),
        ("territories:\n", "territorys:\n", "unknown section 'territorys'"),
        # accepted before: a NaN (S2 then covered 4,747 vertices instead of 907), an angle
        # beyond 360, an area with no patch (its find-on-skin card could not be answered)
        ("angle: [150, 210]", "angle: [.nan, 210]", "entry 'S2', field 'patches[0].angle"),
        ("angle: [150, 210]", "angle: [150, 99999]", "give degrees from 0 to 360"),
        ("      - {part: leg, height: [-0.6, 0.45], angle: [150, 210]}\n", "      []\n",
         "entry 'S2', field 'patches'"),
    ],
)
def test_a_broken_entry_is_named_and_the_rest_kept(folder, old, new, expected) -> None:
    problems = _problems(folder, old, new)
    assert any(expected in p and "skin_map.yaml" in p for p in problems), problems


def test_a_broken_area_is_dropped_and_the_others_kept(folder) -> None:
    _problems(folder, "nerves: [sural_nerve]", "nerves: sural_nerve")
    skin_map, problems = load_skin_map(load_atlas(folder)[0], folder)
    assert skin_map.area("lateral_foot") is None
    assert skin_map.area("first_web_space") is not None
    assert any("lateral_foot" in str(p) and "nerves" in str(p) for p in problems)


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    skin_map, problems = load_skin_map(None, tmp_path)
    assert skin_map.dermatomes == ()
    assert any("skin_map.yaml" in str(p) and "missing" in str(p) for p in problems)


def _tree(points: np.ndarray):
    from scipy.spatial import cKDTree

    return cKDTree(np.asarray(points, np.float64))


def test_a_dermatome_the_map_does_not_draw_is_reported_and_shades_nothing(
    tmp_path: Path, labels: SkinLabels, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dermatome the map has no area for (S3 once, here S4) passed 'validate', then the
    lesion view's numb skin raised KeyError("no skin area 'S3'") in a Qt slot."""
    from calfexplorer.cli import main

    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    lesions = data / "lesions.yaml"
    text = lesions.read_text(encoding="utf-8")
    lesions.write_text(text.replace("dermatomes:\n", "dermatomes:\n  - root: S4\n    area: The "
                                    "skin around the anus.\n    refs: [asia_isncsci2019]\n", 1),
                       encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "lesions.yaml: entry 'S4': the dermatome S4 has no area in skin_map.yaml"]
    assert not labels.numb(["dermatome_s4"]).any()
    assert labels.numb(["dermatome_s4", "dermatome_l5"]).sum() == labels.numb(
        ["dermatome_l5"]).sum() > 0


def test_an_angle_from_0_to_360_is_the_whole_turn(coords: SkinCoordinates) -> None:
    """[0, 360] covered one degree of the leg (360 read as 0), [0, 359] all of it."""
    from calfexplorer.lesion.skin_map import Patch, patch_mask

    whole = patch_mask(Patch(part="leg", height=(0, 1)), coords)
    assert np.array_equal(patch_mask(Patch(part="leg", height=(0, 1), angle=(0, 360)), coords),
                          whole)
    half = patch_mask(Patch(part="leg", height=(0, 1), angle=(0, 180)), coords)
    assert 0.3 < half.sum() / whole.sum() < 0.7
