"""Scene behaviour on the stand-in leg: actors, styling from state, picking, cameras, posing."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.scene import Scene, style
from calfexplorer.state import AppState

from .conftest import SIZE
from .toy import MUSCLES, SITES, toy_assets, toy_atlas


def colour_distance(pixel, rgb) -> float:
    return float(np.linalg.norm(np.asarray(pixel, float) - np.asarray(rgb, float) * 255))


def test_one_actor_per_mesh_and_the_actor_id_map(scene: Scene) -> None:
    expected = set(toy_assets().meshes)
    assert set(scene.ids) == expected
    for sid in expected:
        assert scene.id_of(scene.actor(sid)) == sid
    assert scene.id_of(scene.outline_actor) is None
    assert scene.unavailable == {"popliteus": "no geometry yet"}


def test_a_broken_mesh_is_listed_unavailable_and_the_rest_draws(state: AppState) -> None:
    scene = Scene(toy_assets(with_bad_mesh=True), toy_atlas(), state, size=SIZE)
    try:
        assert "plantaris" not in scene.ids
        assert "refer to vertices that do not exist" in scene.unavailable["plantaris"]
        assert scene.is_shown("soleus")
    finally:
        scene.close()


def test_kinds_and_layers_come_from_the_atlas(scene: Scene) -> None:
    assert scene.info("soleus").layer == "superficial"
    assert scene.info("tibialis_anterior").layer == "deep"
    assert scene.info("gastrocnemius_medial_head").layer == "superficial"
    assert scene.info("tibia").kind == "bone"
    site = scene.info("soleus:origin:soleal_line")
    assert (site.kind, site.layer, site.owner, site.bone) == (
        "origin_site",
        "attachments",
        "soleus",
        "tibia",
    )
    assert set(scene.ids_in_layer("superficial")) == {
        "gastrocnemius_medial_head",
        "gastrocnemius_lateral_head",
        "soleus",
    }


def test_base_colours_are_anatomical(scene: Scene) -> None:
    def colour(sid):
        return scene.drawn_style(sid).color

    assert colour("tibia") == pytest.approx(style.MATERIALS["bone"].color)
    assert colour("soleus") == pytest.approx(style.MATERIALS["muscle"].color)


def test_selected_muscle_centre_carries_the_highlight_colour(scene: Scene, state: AppState) -> None:
    state.select("soleus")
    x, y = scene.project("soleus")
    assert 0 < x < SIZE[0] and 0 < y < SIZE[1]
    pixel = scene.pixel(x, y)
    to_highlight = colour_distance(pixel, style.HIGHLIGHT.color)
    to_muscle = colour_distance(pixel, style.MATERIALS["muscle"].color)
    assert to_highlight < 90 < to_muscle, pixel
    # Magenta: red and blue well above green.
    assert pixel[0] > pixel[1] + 80 and pixel[2] > pixel[1] + 60, pixel


def test_without_selection_the_same_pixel_is_muscle_coloured(scene: Scene) -> None:
    x, y = scene.project("soleus")
    pixel = scene.pixel(x, y)
    assert colour_distance(pixel, style.MATERIALS["muscle"].color) < colour_distance(
        pixel, style.HIGHLIGHT.color
    )


def test_selection_fades_the_rest_and_draws_an_unpickable_outline(
    scene: Scene, state: AppState
) -> None:
    state.set_fade(0.3)
    state.select("soleus")
    assert scene.drawn_style("soleus").opacity == 1.0
    assert scene.drawn_style("tibia").opacity == pytest.approx(0.3)
    assert scene.outline_actor.GetVisibility()
    assert not scene.outline_actor.GetPickable()
    state.set_fade(0.0)
    assert not scene.is_shown("tibia")
    state.select(None)
    assert scene.is_shown("tibia")
    assert not scene.outline_actor.GetVisibility()


def test_xray_makes_unselected_transparent_and_unpickable(scene: Scene, state: AppState) -> None:
    state.set_xray(0.9)
    assert scene.drawn_style("tibia").opacity == pytest.approx(0.1)
    assert not scene.actor("tibia").GetPickable()


def test_muscle_selection_lights_its_origin_and_insertion_with_labels(
    scene: Scene, state: AppState
) -> None:
    state.select("soleus")
    assert scene.lit_sites == {
        "soleus:origin:soleal_line": "origin",
        "soleus:insertion:calcaneal_tuberosity": "insertion",
    }
    origin = scene.drawn_style("soleus:origin:soleal_line").color
    insertion = scene.drawn_style("soleus:insertion:calcaneal_tuberosity").color
    assert origin == pytest.approx(style.ORIGIN_COLOR)
    assert insertion == pytest.approx(style.INSERTION_COLOR)
    assert sorted(scene.labels) == [
        "Insertion: Calcaneal tuberosity (calcaneus)",
        "Origin: Soleal line (tibia)",
    ]
    state.set_labels(False)
    assert scene.labels == []


def test_lit_sites_show_even_with_the_attachment_layer_off(scene: Scene, state: AppState) -> None:
    state.set_layer_visible("attachments", False)
    assert not scene.is_shown("soleus:origin:soleal_line")
    state.select("soleus")
    assert scene.is_shown("soleus:origin:soleal_line")
    assert not scene.is_shown("tibialis_anterior:origin:lateral_surface")


def test_bone_selection_lights_every_site_on_it(scene: Scene, state: AppState) -> None:
    state.select("tibia")
    assert scene.lit_sites == {
        "soleus:origin:soleal_line": "origin",
        "tibialis_anterior:origin:lateral_surface": "origin",
    }
    assert sorted(scene.labels) == ["Soleus (origin)", "Tibialis anterior (origin)"]


def test_selecting_a_parent_highlights_its_parts(scene: Scene, state: AppState) -> None:
    state.select("gastrocnemius")
    assert scene.highlighted == {"gastrocnemius_medial_head", "gastrocnemius_lateral_head"}
    colour = scene.drawn_style("gastrocnemius_medial_head").color
    assert colour == pytest.approx(style.HIGHLIGHT.color)


def test_hover_lightens_the_hovered_structure(scene: Scene, state: AppState) -> None:
    state.hover("soleus")
    expected = style.lighten(style.MATERIALS["muscle"].color, style.HOVER_LIGHTEN)
    assert scene.drawn_style("soleus").color == pytest.approx(expected)
    state.hover(None)
    assert scene.drawn_style("soleus").color == pytest.approx(
        style.MATERIALS["muscle"].color
    )


def test_hiding_a_layer_removes_its_actors(scene: Scene, state: AppState) -> None:
    head = "gastrocnemius_medial_head"
    x, y = scene.project(head)
    assert scene.pick(x, y) == head
    state.set_layer_visible("superficial", False)
    assert not scene.is_shown(head) and not scene.is_shown("gastrocnemius_lateral_head")
    assert not scene.is_shown("soleus")
    assert scene.is_shown("tibialis_anterior") and scene.is_shown("tibia")
    assert scene.pick(x, y) != head
    state.undo()
    assert scene.is_shown(head)


def test_hiding_or_isolating_a_whole_covers_its_parts(scene: Scene, state: AppState) -> None:
    state.hide("gastrocnemius")
    assert not scene.is_shown("gastrocnemius_medial_head")
    assert not scene.is_shown("gastrocnemius_lateral_head")
    assert scene.is_shown("soleus")
    state.show_all()
    state.isolate("gastrocnemius")
    shown = {sid for sid in scene.ids if scene.is_shown(sid)}
    assert shown == {"gastrocnemius_medial_head", "gastrocnemius_lateral_head"}


def test_hide_and_isolate_follow_the_state(scene: Scene, state: AppState) -> None:
    state.hide("tibia")
    assert not scene.is_shown("tibia")
    state.isolate(["soleus"])
    assert [sid for sid in scene.ids if scene.is_shown(sid)] == ["soleus"]
    state.show_all()
    assert all(scene.is_shown(sid) for sid in scene.ids)


def test_pick_at_projected_centre_of_the_soleus_in_posterior_view(
    scene: Scene, state: AppState
) -> None:
    state.hide("gastrocnemius")  # its heads cover the soleus from behind
    assert scene.pick(*scene.project("soleus")) == "soleus"
    assert scene.pick(2, 2) is None  # background corner


def test_visible_point_finds_a_pickable_pixel_of_a_covered_structure(scene: Scene) -> None:
    point = scene.visible_point("soleus")
    assert point is not None
    assert scene.pick(*point) == "soleus"


def test_picking_keeps_few_cell_locators_and_still_finds_each_structure(
    scene: Scene, monkeypatch
) -> None:
    """A long session picks over every mesh; only the locators used last are kept (each costs
    memory per triangle), and a pick over a mesh whose locator went builds it again."""
    monkeypatch.setattr(scene._picker._locators, "size", 2)
    shown = [sid for sid in scene.ids if scene.is_shown(sid)]
    points = {sid: scene.visible_point(sid) for sid in shown}
    points = {sid: p for sid, p in points.items() if p is not None}
    assert len(points) > 4
    for _ in range(2):  # the second round finds its locators gone, and builds them again
        for sid, point in points.items():
            assert scene.pick(*point) == sid
            assert len(scene._picker._locators) <= 2


def test_pick_is_deterministic(scene: Scene) -> None:
    x, y = scene.project("tibialis_anterior")
    scene.set_view("anterior")
    x, y = scene.project("tibialis_anterior")
    assert {scene.pick(x, y) for _ in range(3)} == {"tibialis_anterior"}


@pytest.mark.parametrize(
    ("view", "left", "right"),
    [
        ("posterior", "tibia", "fibula"),  # lateral on the viewer's right
        ("anterior", "fibula", "tibia"),
        ("medial", "phalanges", "calcaneus"),  # toes point left
        ("lateral", "calcaneus", "phalanges"),
    ],
)
def test_camera_presets_for_the_right_leg(scene: Scene, view: str, left: str, right: str) -> None:
    scene.set_view(view)
    assert scene.project(left)[0] < scene.project(right)[0]
    # Knee above ankle in every side view.
    assert scene.project("tibia")[1] > scene.project("talus")[1]


def test_superior_view_has_the_toes_up_and_the_leg_in_frame(scene: Scene) -> None:
    scene.set_view("superior")
    assert scene.project("phalanges")[1] > scene.project("calcaneus")[1]
    scene.set_view("posterior")
    for bone in ("tibia", "calcaneus", "patella"):
        x, y = scene.project(bone)
        assert 0 < x < SIZE[0] and 0 < y < SIZE[1]


def test_focus_moves_smoothly_onto_the_selection(scene: Scene, state: AppState) -> None:
    state.select("soleus")
    start = scene.camera_pose()
    move = scene.focus(duration=0.3)
    assert scene.camera_pose().distance == pytest.approx(start.distance)  # not moved yet
    distances = []
    while move.advance(0.05):
        distances.append(scene.camera_pose().distance)
    assert move.done
    distances.append(scene.camera_pose().distance)
    assert len(distances) == 6
    assert all(a > b for a, b in zip(distances, distances[1:], strict=False))
    x, y = scene.project("soleus")
    assert abs(x - SIZE[0] / 2) < 3 and abs(y - SIZE[1] / 2) < 3
    scene.reset_camera()
    assert scene.camera_pose().distance == pytest.approx(start.distance)


def test_a_preset_view_stops_a_focus_move_where_it_is(scene: Scene, state: AppState) -> None:
    state.select("soleus")
    move = scene.focus(duration=0.3)
    move.advance(0.1)
    scene.set_view("anterior")
    anterior = scene.camera_pose()
    assert move.done and not move.advance(0.1)  # moves the camera no more
    assert scene.camera_pose().position == pytest.approx(anterior.position)
    first = scene.focus(duration=0.3)
    second = scene.focus("tibia", duration=0.3)  # a new move replaces the one running
    assert first.done and not second.done


def test_apply_pose_vertices_moves_meshes_in_place(scene: Scene, state: AppState) -> None:
    state.select("soleus")
    before = scene.project("soleus")
    polydata = scene.actor("soleus").GetMapper().GetInput()
    vertices = toy_assets().meshes["soleus"].vertices + np.array([0.0, 0.0, 0.05])
    scene.apply_pose_vertices({"soleus": vertices, "no_such_id": vertices})
    assert scene.actor("soleus").GetMapper().GetInput() is polydata
    after = scene.project("soleus")
    assert after[1] > before[1] + 10
    assert scene.pixel(*after)[1] < 120  # still highlighted where it now is
    with pytest.raises(ValueError, match="shape"):
        scene.apply_pose_vertices({"soleus": vertices[:10]})


def test_pose_changes_use_the_poser(scene: Scene, state: AppState) -> None:
    base = toy_assets().meshes["soleus"].vertices

    def poser(pose):
        return {"soleus": base + np.array([0.0, 0.0, pose.get("knee", 0.0) * 0.1])}

    scene.set_poser(poser)
    z0 = scene.centre("soleus")[2]
    state.update_pose(knee=0.5)
    assert scene.centre("soleus")[2] == pytest.approx(z0 + 0.05, abs=1e-4)


def test_save_png_at_a_chosen_size(scene: Scene, tmp_path) -> None:
    path = scene.save_png(tmp_path / "view.png", size=(200, 260))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (200, 260)


def test_close_stops_following_the_state(state: AppState) -> None:
    scene = Scene(toy_assets(), toy_atlas(), state, size=SIZE)
    scene.close()
    state.select("soleus")
    assert scene.highlighted == frozenset()


def test_every_toy_structure_is_known() -> None:
    assert set(MUSCLES) | set(SITES) <= set(toy_assets().meshes)


def test_muscle_bellies_and_tendons_are_coloured_per_vertex(scene: Scene, state: AppState) -> None:
    mapper = scene.actor("soleus").GetMapper()
    assert mapper.GetScalarVisibility() and scene.drawn_style("soleus").plain
    mesh = toy_assets().meshes["soleus"]
    lowest = int(np.argmin(mesh.vertices[:, 2]))
    colours = mapper.GetInput().GetPointData().GetScalars()
    assert np.allclose(
        np.array(colours.GetTuple3(lowest)) / 255, style.MATERIALS["tendon"].color, atol=0.01
    )
    state.select("soleus")
    assert not scene.drawn_style("soleus").plain  # the highlight is one colour
    state.select(None)
    assert scene.drawn_style("soleus").plain
    assert not scene.actor("tibialis_anterior").GetMapper().GetScalarVisibility()


def test_camera_pose_copies_between_scenes(scene: Scene, state: AppState) -> None:
    scene.set_view("medial")
    other = Scene(toy_assets(), toy_atlas(), AppState(), size=SIZE)
    try:
        other.set_camera_pose(scene.camera_pose(), view_angle=scene.camera.GetViewAngle())
        assert other.project("soleus") == pytest.approx(scene.project("soleus"), abs=0.5)
    finally:
        other.close()


def test_inferior_view_shows_the_sole_toes_up_with_the_big_toe_side_on_the_right(
        scene: Scene) -> None:
    scene.set_view("inferior")
    forward = np.array(scene.camera.GetDirectionOfProjection())
    assert forward[2] > 0.99  # straight up, at the sole
    assert scene.project("phalanges")[1] > scene.project("calcaneus")[1]
    assert scene.project("fibula")[0] < scene.project("tibia")[0]  # medial on the right


def test_superior_view_draws_the_whole_scene_with_nothing_clipped(scene: Scene) -> None:
    """From above nothing is left out or cut by the camera: every structure is shown and the
    clipping range holds every corner of every structure's box."""
    scene.set_view("superior")
    assert scene.is_shown("femur") and scene.is_shown("tibia") and scene.is_shown("soleus")
    cam = scene.camera
    near, far = cam.GetClippingRange()
    position = np.array(cam.GetPosition())
    forward = np.array(cam.GetDirectionOfProjection())
    for sid in scene.ids:
        x0, x1, y0, y1, z0, z1 = scene.actor(sid).GetBounds()
        corners = np.array([[x, y, z] for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)])
        depth = (corners - position) @ forward
        assert near <= depth.min() and depth.max() <= far, sid


def test_superior_view_looks_down_from_above(scene: Scene) -> None:
    scene.set_view("superior")
    forward = np.array(scene.camera.GetDirectionOfProjection())
    assert forward[2] < -0.8  # mostly downwards (from in front, so the thigh hides nothing)


def test_picking_follows_posed_meshes(scene: Scene, state: AppState) -> None:
    state.hide("gastrocnemius")
    x, y = scene.project("tibialis_anterior")
    scene.set_view("anterior")
    x, y = scene.project("tibialis_anterior")
    assert scene.pick(x, y) == "tibialis_anterior"  # builds the locators
    moved = toy_assets().meshes["tibialis_anterior"].vertices + np.array([0.3, 0.0, 0.0])
    scene.apply_pose_vertices({"tibialis_anterior": moved})  # far out of the way
    assert scene.pick(x, y) != "tibialis_anterior"


def test_colour_overrides_replace_the_anatomical_colour(scene: Scene, state: AppState) -> None:
    scene.set_colour_overrides({"soleus": (0.0, 0.45, 0.7), "tibialis_anterior": (0.9, 0.6, 0.0)})
    assert scene.drawn_style("soleus").color == pytest.approx((0.0, 0.45, 0.7))
    assert not scene.drawn_style("soleus").plain  # not belly-painted
    state.select("soleus")  # the selection still wins
    assert scene.drawn_style("soleus").color == pytest.approx(style.HIGHLIGHT.color)
    state.select(None)
    scene.set_colour_overrides({})
    assert scene.drawn_style("soleus").color == pytest.approx(
        style.MATERIALS["muscle"].color
    )
    assert scene.drawn_style("soleus").plain


def test_labels_stay_inside_the_window_and_do_not_overlap(scene: Scene, state: AppState) -> None:
    state.select("tibia")
    scene.render()
    placed = scene._label_layer.layout()
    assert len(placed) == 2 and None not in placed
    a, b = (p.box for p in placed)
    assert not a.overlaps(b)
    for box in (a, b):
        assert 0 <= box.x0 < box.x1 <= SIZE[0] and 0 <= box.y0 < box.y1 <= SIZE[1]


def test_label_stacking_keeps_labels_apart_and_on_screen() -> None:
    from calfexplorer.scene.label_layout import GAP, stack

    ys = stack([100.0, 98.0, 97.0], [19, 38, 19], 4.0, 400.0)
    assert ys[0] == 100.0
    assert ys[0] - ys[1] >= (19 + 38) / 2 + GAP and ys[1] - ys[2] >= (38 + 19) / 2 + GAP
    low = stack([10.0, 8.0], [19, 19], 4.0, 400.0)  # would run out of the bottom
    assert min(low) - 19 / 2 >= 4
    assert stack([100.0] * 30, [19] * 30, 4.0, 400.0) is None  # too many to fit


def test_a_rigid_transform_moves_a_bone_its_outline_labels_and_picking(
    scene: Scene, state: AppState
) -> None:
    state.isolate("tibia")
    state.select("tibia")
    polydata = scene.actor("tibia").GetMapper().GetInput()
    rest_points = np.array(polydata.GetPoints().GetData()).copy()
    before = scene.project("tibia")
    shift = np.eye(4)
    shift[2, 3] = 0.05  # 5 cm up
    scene.apply_pose_vertices({}, transforms={"tibia": shift})
    # the vertices are untouched (nothing to upload); the actor carries the move
    assert np.array_equal(np.array(polydata.GetPoints().GetData()), rest_points)
    after = scene.project("tibia")
    assert after[1] > before[1] + 10
    assert scene.centre("tibia")[2] == pytest.approx(toy_centre_z(scene, "tibia") + 0.05)
    assert scene.pick(*after) == "tibia"
    assert scene.pixel(*after)[1] < 120  # drawn highlighted where it now is
    # the outline is traced around the bone where it now is: its ends lie on the moved bone
    scene.render()
    outline = np.array(scene.outline_actor.GetMapper().GetInput().GetPoints().GetData())
    assert len(outline) > 0
    assert outline[:, 2].min() == pytest.approx(float(rest_points[:, 2].min()) + 0.05, abs=0.01)
    assert outline[:, 2].max() == pytest.approx(float(rest_points[:, 2].max()) + 0.05, abs=0.01)


def toy_centre_z(scene: Scene, sid: str) -> float:
    mesh = toy_assets().meshes[sid]
    tri = np.asarray(mesh.vertices, float)[np.asarray(mesh.faces)]
    areas = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    return float((tri.mean(axis=1)[:, 2] * areas).sum() / areas.sum())


def test_approximate_normals_are_recomputed_before_a_saved_image(
    scene: Scene, tmp_path
) -> None:
    mesh = toy_assets().meshes["soleus"]
    wrong = np.tile(np.array([[1.0, 0.0, 0.0]], dtype=np.float32), (len(mesh.vertices), 1))
    scene.apply_pose_vertices({"soleus": mesh.vertices}, {"soleus": wrong}, exact_normals=False)
    normals = np.array(scene.actor("soleus").GetMapper().GetInput().GetPointData().GetNormals())
    assert np.allclose(normals, wrong)  # quick frames may use them as given
    scene.save_png(tmp_path / "view.png")
    normals = np.array(scene.actor("soleus").GetMapper().GetInput().GetPointData().GetNormals())
    assert not np.allclose(normals, wrong)
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-3)


def test_warm_up_draws_hidden_frames_and_leaves_the_picture_as_it_was(
    scene: Scene, state: AppState
) -> None:
    before = scene.capture()
    steps = 1
    while scene.warm_up_step():  # coarse twins, a quick frame, then a full-quality one
        steps += 1
        assert steps < 50
    assert steps >= 3
    assert scene.warmed_up and scene.warm_up_step() is False
    assert scene.highlighted == frozenset() and scene.labels == []
    assert np.array_equal(scene.capture(), before)
    state.select("soleus")
    assert scene.highlighted == {"soleus"}


def test_label_text_actors_are_reused_but_their_number_is_bounded(scene: Scene) -> None:
    from calfexplorer.scene.labels import POOL_SIZE, Label

    layer = scene._label_layer
    first = [Label("Origin: kept", "origin", (0.0, 0.0, 0.0))]
    layer.set_labels(first)
    scene.render()
    kept = layer._actors[0]
    for i in range(POOL_SIZE + 10):
        layer.set_labels([Label(f"Insertion: site {i}", "insertion", (0.0, 0.0, 0.0))])
    shown = layer._actors[0]
    text_actors = scene.overlay.GetActors()
    assert len(layer._pool) == POOL_SIZE
    assert text_actors.GetNumberOfItems() <= POOL_SIZE
    assert shown in layer._pool.values()  # never the one on screen
    layer.set_labels(first)  # evicted long ago: made again, and shown
    assert layer._actors[0] is not kept and layer._actors[0].GetVisibility()
    assert layer.texts == ["Origin: kept"]


def test_labels_keep_clear_of_the_title_and_skip_sites_out_of_view(scene: Scene) -> None:
    from calfexplorer.scene.labels import TOP_MARGIN, Label

    layer = scene._label_layer
    width, height = SIZE
    cam = scene.camera
    # a world point at the very top edge of the view, and one far outside it
    top = np.array(cam.GetFocalPoint()) + np.array(cam.GetViewUp()) * 10.0
    edge = None
    for t in np.linspace(0.0, 1.0, 400):
        p = np.array(cam.GetFocalPoint()) + (top - np.array(cam.GetFocalPoint())) * t / 10.0
        if scene.world_to_display(p)[1] >= height - 2:
            edge = p
            break
    assert edge is not None
    layer.set_labels(
        [
            Label("Origin: near the top", "origin", tuple(edge)),
            Label("Insertion: out of view", "insertion", tuple(top)),
        ]
    )
    scene.render()
    placed = layer.layout()
    assert placed[1] is None  # the out-of-view site gets no label
    assert not layer._actors[1].GetVisibility() and layer._actors[0].GetVisibility()
    assert placed[0].box.y1 <= height - TOP_MARGIN + 1


def test_the_scene_module_leaves_yaml_and_pydantic_off_the_start_up_path() -> None:
    import subprocess
    import sys

    code = (
        "import sys, calfexplorer.scene.scene;"
        "print([m for m in ('yaml', 'pydantic') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # each costs tens of ms before the first frame
