"""Quick frames draw the faded rest around a selection as a few merged actors (one per look):
the same picture, following a pose; saved images and picking keep every structure's own."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from calfexplorer.scene import Scene, faded_groups
from calfexplorer.scene.faded_groups import DISABLE_ENV
from calfexplorer.state import AppState

from .real import NEEDS_REAL_ASSETS

SIZE = (360, 480)

pytestmark = NEEDS_REAL_ASSETS


def _leg(real_assets, atlas) -> tuple[Scene, AppState]:
    state = AppState.from_atlas(atlas, fade=0.25)
    state.set_layer_visible("regions", False)
    scene = Scene(real_assets, atlas, state, size=SIZE)
    scene.set_view("posterior")
    while scene.build_twins_step():
        pass
    return scene, state


@pytest.fixture
def leg(real_assets, atlas):
    scene, state = _leg(real_assets, atlas)
    yield scene, state
    scene.close()


@pytest.fixture
def unmerged_leg(real_assets, atlas, monkeypatch):
    """The same leg drawing the faded rest one actor per structure in quick frames too."""
    monkeypatch.setenv(DISABLE_ENV, "1")
    scene, state = _leg(real_assets, atlas)
    yield scene, state
    scene.close()


def _quick(scene: Scene) -> np.ndarray:
    """The quick frame a change draws (no anti-aliasing, stand-ins), as an image."""
    scene.set_fast_rendering(True)
    try:
        return scene.capture(exact=False).astype(int)
    finally:
        scene.set_fast_rendering(False)


def _merged_quick(scene: Scene) -> np.ndarray:
    """The quick frame once the merged meshes it needs are built (a frame builds a few)."""
    image, props = _quick(scene), scene.renderer.GetNumberOfPropsRendered()
    for _ in range(12):
        again = _quick(scene)
        if scene.renderer.GetNumberOfPropsRendered() == props:
            return again
        image, props = again, scene.renderer.GetNumberOfPropsRendered()
    return image


def _drawn_box(image: np.ndarray) -> np.ndarray:
    """Rows and columns (first, last) of the pixels that are not background."""
    background = image[0, -1]  # the top right corner: no label, no title
    rows, cols = np.nonzero(np.abs(image - background).max(axis=2) > 12)
    return np.array([rows.min(), rows.max(), cols.min(), cols.max()])


def test_a_quick_frame_draws_the_faded_rest_with_a_few_actors(leg) -> None:
    scene, state = leg
    state.select("soleus")
    faded = [sid for sid in scene.ids if scene.is_shown(sid) and sid not in scene.highlighted]
    assert len(faded) > 100
    _merged_quick(scene)
    quick = scene.renderer.GetNumberOfPropsRendered()
    # the selection, its lit patches and outline, and one actor per look of the faded rest
    assert quick < 25, quick
    scene.capture()  # a saved image draws every structure with its own actor
    assert scene.renderer.GetNumberOfPropsRendered() > 100
    _quick(scene)
    # picking still sees each faded structure (the gastrocnemius lies over the soleus)
    head = "gastrocnemius_medial_head"
    assert scene.pick(*scene.project(head)) == head


@pytest.mark.parametrize(
    ("view", "selected", "fade"),
    [("posterior", "soleus", 0.25), ("lateral", "fibularis_longus", 0.4)],
)
def test_the_merged_faded_rest_looks_like_the_actors_it_stands_for(
    leg, unmerged_leg, view, selected, fade
) -> None:
    pictures = []
    for scene, state in (leg, unmerged_leg):
        state.set_labels(False)  # (they keep clear of the selection: where they stand, both
        # pictures draw them alike, and they hid more or less of the faded rest)
        scene.set_view(view)
        state.select(selected)
        _merged_quick(scene)
        state.set_fade(fade)  # the fade slider: the same merged meshes, another opacity
        pictures.append(_merged_quick(scene))
    off = np.abs(pictures[0] - pictures[1]).max(axis=2)
    # measured 0.3-0.55 mean, 0.3-1 % of pixels off by more than 16 (Phong per pixel against
    # shading per vertex, without the faint specular highlights); the lateral view at fade 0.4
    # 1.66 mean, 0.54 % off by more than 40 (bone edges and patches, where see-through pieces
    # overlap and blend in another order; with the labels drawn over the leg 1.41 and 0.44 %)
    assert off.mean() < 2.0, off.mean()
    assert (off > 40).mean() < 0.007, (off > 40).mean()


def test_the_merged_faded_rest_follows_a_pose(leg, unmerged_leg) -> None:
    pictures = []
    for scene, state in (leg, unmerged_leg):
        state.set_labels(False)
        state.select("soleus")
        before = _merged_quick(scene)
        state.update_pose(knee=np.radians(90), ankle=np.radians(-20))
        after = _merged_quick(scene)
        pictures.append((before, after))
    (merged_before, merged_after), (own_before, own_after) = pictures
    # the bent knee swings the shank and foot: the drawn leg changes its outline
    assert np.abs(_drawn_box(merged_after) - _drawn_box(merged_before)).max() > 30
    assert np.abs(_drawn_box(merged_after) - _drawn_box(own_after)).max() <= 2
    off = np.abs(merged_after - own_after).max(axis=2)
    assert off.mean() < 1.5 and (off > 40).mean() < 0.005, off.mean()


def test_the_hidden_warm_up_frame_builds_what_a_first_selection_draws_merged(
    leg, monkeypatch
) -> None:
    scene, state = leg
    monkeypatch.setattr(faded_groups, "BUILD_BUDGET", 0.0)  # a frame shown builds one at most
    scene.warm_up()
    state.select("soleus")  # not the muscle the warm-up draws as selected
    _quick(scene)
    assert scene.renderer.GetNumberOfPropsRendered() < 25


def test_the_merged_pieces_are_sorted_by_their_posed_bounds(leg) -> None:
    """The depth order of a merged mesh's pieces comes from their bounds' centres, found for
    all of them at once from the merged vertices: each as its own mesh lies once posed."""
    scene, state = leg
    state.select("soleus")
    _merged_quick(scene)
    state.update_pose(knee=np.radians(90), ankle=np.radians(-20))
    _merged_quick(scene)
    checked = 0
    for group in scene._stand_ins.faded._groups.values():
        for data in group.keep:
            slot = group.slots[id(data)]
            if slot.version[0] != faded_groups._version(data):
                continue  # not drawn since it moved: copied again when it is
            copied = data.world_vertices[: slot.count]  # a patch: its outer surface only
            low, high = copied.min(axis=0), copied.max(axis=0)
            np.testing.assert_allclose(group.centres[slot.row], (low + high) / 2.0, atol=1e-6)
            checked += 1
    assert checked > 100, checked


def test_the_merged_faded_rest_draws_only_the_outer_surface_of_patches(leg) -> None:
    """A faded attachment patch lies on its faded bone: of its shell only the outer surface
    shows, so a merged mesh copies and draws that alone (patch groups draw the same)."""
    scene, state = leg
    state.select("soleus")
    _merged_quick(scene)
    sites = {id(scene._data[sid]) for sid in scene.ids if scene.catalog[sid].is_site}
    patches = 0
    for group in scene._stand_ins.faded._groups.values():
        for data in group.keep:
            slot = group.slots[id(data)]
            if id(data) not in sites:  # (patch groups hold outer surfaces already)
                continue
            patches += 1
            n = len(data.vertices) // 2  # a shell: outer vertices, then the inner ones
            outer = data.faces[(data.faces < n).all(axis=1)]
            assert slot.count == n
            # (the scene keeps a patch's outer surface alone: see test_patch_look.py)
            assert len(slot.faces) == len(outer) == len(data.faces)
            np.testing.assert_array_equal(slot.faces, outer)  # (numbered as the patch's)
    assert patches > 20, patches


def test_the_merged_meshes_hold_each_piece_once_and_compactly(leg) -> None:
    """What a merged mesh keeps is what it draws: each piece copied into one merged mesh only
    (painted muscles, drawn faded in their own colours, into a mesh of their own, not also
    into the one-colour muscles' mesh, where they are never drawn), its faces shared with the
    piece rather than copied, one colour for a one-colour mesh, belly colours as bytes, and
    no normals handed to VTK (the merged actors are drawn unlit). The BodyParts3D leg started
    with 12.9 thousand muscle vertices copied twice."""
    scene, state = leg
    state.select("soleus")
    _merged_quick(scene)
    groups = list(scene._stand_ins.faded._groups.values())
    owner = {id(d): sid for sid, d in scene._data.items()}
    owner.update({id(t.data): sid for sid, t in scene._stand_ins.twins.items()})
    held = [id(data) for group in groups for data in group.keep]
    assert len(held) == len(set(held)) > 100
    painted_groups = 0
    for group in groups:
        painted = {owner[id(d)] in scene._painted for d in group.keep if id(d) in owner}
        assert len(painted) <= 1, group.drawn
        assert group.data.polydata.GetPointData().GetNormals() is None
        if group.drawn.plain and painted == {True}:
            painted_groups += 1
            assert group.base.dtype == np.uint8 and len(group.base) == len(group.data.vertices)
        else:
            assert group.base.shape == (3,)
        for data in group.keep:
            slot = group.slots[id(data)]
            if slot.count == len(data.vertices):  # (a patch keeps its outer surface's faces)
                assert slot.faces is data.faces
    assert painted_groups == 1


def test_stand_ins_copy_no_vertex_they_do_not_draw(leg) -> None:
    """A patch group copies each patch's outer surface and the vertices it uses (a shell's
    inner half was copied, used by no drawn triangle); a merged mesh copies a bone in full
    only where a patch lies on it (the one place a faded bone is drawn in full), and hands VTK
    four colour bytes a vertex, drawn as they are (three it copied into four)."""
    from calfexplorer.geometry.patches import outer_surface

    scene, state = leg
    stand_ins = scene._stand_ins
    assert stand_ins.groups
    for group in stand_ins.groups:
        datas = [scene._data[m] for m in group.members]
        outer = [outer_surface(d.vertices, d.faces) for d in datas]
        assert len(group.data.vertices) == sum(count for count, _ in outer)
        assert len(np.unique(group.data.faces)) == len(group.data.vertices)
    state.select("soleus")
    _merged_quick(scene)
    full = {id(data): sid for sid, data in scene._data.items()}
    bones = {sid for sid in scene.ids if scene.catalog[sid].kind == "bone"}
    site_bones = {scene.catalog[sid].bone for sid in scene.ids if scene.catalog[sid].is_site}
    copied = set()
    for group in stand_ins.faded._groups.values():
        assert group.rgb.shape == (len(group.data.vertices), 4)
        copied |= {full[id(d)] for d in group.keep if id(d) in full} & bones
    assert copied and copied <= site_bones


def _triangles_drawn(scene: Scene, draw: Callable[[], np.ndarray]) -> tuple[np.ndarray, int]:
    """What ``draw()`` returns, and the triangles its last frame drew (visible props)."""
    counted = [0]

    def count(*_: object) -> None:  # (after the frame's stand-ins are swapped in)
        props = scene.renderer.GetViewProps()
        props.InitTraversal()
        counted[0] = 0
        for _ in range(props.GetNumberOfItems()):
            prop = props.GetNextProp()
            mapper = prop.GetMapper() if hasattr(prop, "GetMapper") else None
            if prop.GetVisibility() and mapper is not None and mapper.GetInput() is not None:
                counted[0] += mapper.GetInput().GetNumberOfPolys()

    tag = scene.renderer.AddObserver("StartEvent", count, -10.0)
    try:
        return draw(), counted[0]
    finally:
        scene.renderer.RemoveObserver(tag)


def test_a_moving_pose_draws_the_faded_rest_thinner_and_alike(leg) -> None:
    scene, state = leg
    state.set_labels(False)
    state.select("soleus")
    state.update_pose(knee=np.radians(60))
    still, still_triangles = _triangles_drawn(scene, lambda: _merged_quick(scene))
    scene.set_moving(True)  # a slider held: its quick frames
    try:
        moving, moving_triangles = _triangles_drawn(scene, lambda: _merged_quick(scene))
    finally:
        scene.set_moving(False)
    assert moving_triangles < 0.4 * still_triangles, (moving_triangles, still_triangles)
    # the same leg: its outline where it was, its look near the still frame's
    assert np.abs(_drawn_box(moving) - _drawn_box(still)).max() <= 3
    off = np.abs(moving - still).max(axis=2)
    # measured 3.9 mean, 3.4 % of pixels off by more than 40 (68.7k -> 21.7k triangles)
    assert off.mean() < 6.0 and (off > 40).mean() < 0.06, (off.mean(), (off > 40).mean())
    # and a still frame after it draws the faded rest as before
    _, again = _triangles_drawn(scene, lambda: _merged_quick(scene))
    assert again == still_triangles
