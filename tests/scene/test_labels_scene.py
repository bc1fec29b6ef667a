"""Which labels a selection gets over the real leg: many sites on one bone share one label."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene
from calfexplorer.state import AppState

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


@pytest.fixture(scope="module")
def leg(atlas):
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas, fade=0.25)
    scene = Scene(load_assets(), atlas, state, size=(808, 851))
    scene.set_view("posterior")
    yield scene, state
    scene.close()


def test_the_calcaneus_lists_its_insertions_in_one_label_pointing_at_each(leg) -> None:
    scene, state = leg
    state.select("calcaneus")
    sites = sorted(scene.lit_sites)
    # seven insertions, and the origins of the six foot muscles drawn since #15
    assert len(sites) == 14
    origins_text, text = sorted(scene.labels, key=lambda t: not t.startswith("Origins:"))
    heading, *items = text.split("\n")
    assert heading == "Insertions:"
    # the gastrocnemius once, not also each of its heads (one line each before)
    assert len(items) == 5 and all(item.startswith("\u2022 ") for item in items)
    assert "head of gastrocnemius" not in text and "\u2022 Gastrocnemius" in items
    assert "\u2022 Tibialis posterior" in items and "\u2022 Soleus" in items
    assert "\u2022 Quadratus plantae" in origins_text.split("\n")
    scene.render()
    placements = [p for p in scene._label_layer.placements if p is not None]
    assert len(placements) == 2
    # a leader to every distinct site centre in view
    centres = {tuple(round(v, 6) for v in scene.centre(s)) for s in sites}
    assert sum(len(p.leaders) for p in placements) == len(centres)


def test_a_muscle_with_few_sites_per_bone_keeps_one_label_per_site(leg) -> None:
    scene, state = leg
    state.select("soleus")
    assert sorted(scene.labels) == [
        "Insertion: Calcaneal tuberosity (calcaneus)",
        "Origin: Head of the fibula",
        "Origin: Medial border of the tibia",
        "Origin: Soleal line of the tibia",
    ]
    scene.render()
    assert all(p is not None for p in scene._label_layer.placements)


@pytest.fixture(scope="module")
def window_leg(atlas):
    """The leg in a view the size of the window's viewport (a new user's screenshot)."""
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas, fade=0.25)
    scene = Scene(load_assets(), atlas, state, size=(645, 690))
    yield scene, state
    scene.close()


@pytest.mark.parametrize("view", ["posterior", "medial"])
def test_tibialis_posterior_names_every_insertion_without_crossing_leaders(window_leg,
                                                                          view: str) -> None:
    """Its five insertions (navicular, cuneiforms, cuboid, metatarsals, sustentaculum) had a
    label each, piled up below the foot with their leaders crossing (a new user's screenshot):
    now one list names each, with a leader to each site."""
    from calfexplorer.scene.label_layout import GAP, _passes_near, segments_cross

    scene, state = window_leg
    state.select("tibialis_posterior")
    scene.set_view(view)
    scene.render()
    insertions = [s for s, role in scene.lit_sites.items() if role == "insertion"]
    assert len(insertions) == 5
    drawn = "\n".join(scene.drawn_labels)
    for sid in insertions:
        assert scene.catalog[sid].place.split(" (")[0] in drawn, (sid, drawn)
    placed = [p for p in scene._label_layer.placements if p is not None]
    assert len(placed) == len(scene.labels)
    # a leader to every distinct site centre (origins too), none crossing another
    centres = {tuple(round(v, 6) for v in scene.centre(s)) for s in scene.lit_sites}
    leaders = [leader for p in placed for leader in p.leaders]
    assert len(leaders) == len(centres)
    crossings = [(a, b) for k, a in enumerate(leaders) for b in leaders[k + 1:]
                 if segments_cross(*a, *b)]
    assert not crossings, crossings
    # nor over another label's site, where it would seem to point at that one
    over = [(leader, site) for p in placed for leader in p.leaders
            for q in placed if q is not p for site in q.anchors
            if site not in p.anchors and _passes_near(*leader, site, GAP)]
    assert not over, over
    if view == "posterior":  # the plantar slips lie behind the foot, the navicular's does not
        from calfexplorer.scene.far_side import BEHIND_FOOT

        assert "Plantar surface of the cuboid" + BEHIND_FOOT in drawn, drawn
        assert "Tuberosity of the navicular" + BEHIND_FOOT not in drawn, drawn


def test_tibialis_posterior_s_insertions_from_in_front_read_as_a_short_list(window_leg) -> None:
    """In a view the size of the window's at 1366x768 the list wrapped at 18 characters: a
    tall, narrow box, each insertion on two or three lines (a reviewer). Now each item's name
    stands on one line where the view has room, its bone in brackets on the next. Whether a
    site lies behind the foot is told per site: here the plantar slips do and the navicular
    tuberosity does not (with the pack all five do, 27-47 mm beyond its bones)."""
    from calfexplorer.scene.far_side import BEHIND_FOOT

    scene, state = window_leg
    state.select("tibialis_posterior")
    scene.set_view("anterior")
    try:
        scene.render()
        layer = scene._label_layer
        k = next(i for i, text in enumerate(scene.drawn_labels) if text.startswith("Insertions"))
        drawn = scene.drawn_labels[k]
        assert "Plantar surface of the cuboid" + BEHIND_FOOT in drawn, drawn
        assert "Tuberosity of the navicular\n" in drawn, drawn
        lines = layer._actors[k].GetInput().split("\n")
        items = [i for i, line in enumerate(lines) if line.startswith(" \u2022")]
        assert len(items) == 5, lines
        spans = [b - a for a, b in zip(items, [*items[1:], len(lines)], strict=True)]
        # (an item's far-side note may take a third line)
        assert max(spans) <= 3 and items[0] <= 2 and len(lines) <= 12, lines
        placement = layer.placements[k]
        assert placement is not None
        box = placement.box
        assert box.x1 - box.x0 > box.y1 - box.y0, box  # (wider than tall)
        assert all(p is not None for p in layer.placements)
    finally:
        scene.set_view("posterior")


def _gap_to_frame(row: np.ndarray) -> tuple[int, int] | None:
    """In one pixel row across a label: the clear pixels between the frame's inner edge and
    the nearest dark text pixel on the left and on the right (None: no text on this row)."""
    dark = np.flatnonzero(row.max(axis=1) < 110)
    frame = np.flatnonzero((row.max(axis=1) - row.min(axis=1)) > 90)  # saturated frame colour
    if not len(dark) or not len(frame):
        return None
    left = frame[frame < dark[0]]
    right = frame[frame > dark[-1]]
    if not len(left) or not len(right):
        return None
    return int(dark[0] - left.max() - 1), int(right.min() - dark[-1] - 1)


def test_label_text_keeps_clear_of_its_frame(leg) -> None:
    # Long two-line labels (tibialis posterior) wrapped at the column width: the text must
    # not touch the coloured frame on either side.
    scene, state = leg
    state.select("tibialis_posterior")
    image = scene.capture()
    placed = [p for p in scene._label_layer.placements if p is not None]
    assert placed
    h = image.shape[0]
    gaps = []
    for p in placed:
        box = p.box
        for y in range(int(box.y0) + 4, int(box.y1) - 3):
            gap = _gap_to_frame(image[h - 1 - y, int(box.x0) - 2 : int(box.x1) + 3].astype(int))
            if gap is not None:
                gaps.append(gap)
    assert gaps
    assert min(min(g) for g in gaps) >= 2, sorted(gaps)[:5]


def test_labels_keep_clear_of_a_muscle_the_bent_knee_lays_across_the_view(leg) -> None:
    """Seated calf raise, medial view: the gastrocnemius lies across the view with its
    origin near the edge; its labels stand beside it, none over it (the boxes covering it on
    screen hold its vertices as the renderer projects them)."""
    scene, state = leg
    state.set_pose({"knee": np.radians(90.0), "ankle": np.radians(-30.0)})
    try:
        state.select("gastrocnemius")
        scene.set_view("medial")
        scene.render()
        boxes = scene.selection_on_screen()
        assert len(boxes) >= 4
        data = [scene._data[sid] for sid in scene.highlighted]
        points = np.concatenate([d.world_vertices[::97] for d in data])
        xy = np.array([scene.world_to_display(p) for p in points])
        assert np.allclose(scene._picker.points_to_display(points), xy, atol=1e-6)
        assert xy[:, 0].max() - xy[:, 0].min() > 2.0 * (xy[:, 1].max() - xy[:, 1].min())
        placed = [p for p in scene._label_layer.placements if p is not None]
        assert len(placed) == len(scene.labels) == 3
        for p in placed:
            for x0, y0, x1, y1 in boxes:
                assert min(p.box.x1, x1) <= max(p.box.x0, x0) or \
                    min(p.box.y1, y1) <= max(p.box.y0, y0), (p.box, (x0, y0, x1, y1))
    finally:
        state.set_pose({})
        scene.set_view("posterior")


def test_points_behind_the_camera_have_no_place_on_screen(leg) -> None:
    scene, _state = leg
    camera = scene.renderer.GetActiveCamera()
    eye, ahead = np.array(camera.GetPosition()), np.array(camera.GetDirectionOfProjection())
    xy = scene._picker.points_to_display(np.array([eye + 0.5 * ahead, eye - 0.5 * ahead]))
    assert np.isfinite(xy[0]).all() and np.isnan(xy[1]).all()


def test_a_long_title_fits_a_narrow_view(atlas) -> None:
    """"Superficial posterior compartment of the le" and "Flexor digitorum longus: insertion
    on the dis" ran off the right edge of a narrow view."""
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas)
    scene = Scene(load_assets(), atlas, state, size=(420, 600))
    try:
        for sid in ("superficial_posterior_compartment_leg", "soleus"):
            state.select(sid)
            scene.render()
            bbox = [0.0] * 4
            scene.title_actor.GetBoundingBox(scene.overlay, bbox)
            assert bbox[0] >= 0 and bbox[1] <= 420, (sid, bbox)
            assert scene.title_actor.GetInput().replace("\n", " ") == atlas.name_of(sid)
        assert scene.title_actor.GetTextProperty().GetFontSize() == 22  # a short one: as it was
    finally:
        scene.close()


@pytest.mark.parametrize(("view", "behind"), [
    # from below, the leg's sites lie beyond the foot (the labels pointed through it, as if
    # at something on the sole); the heel's insertion is on the foot itself
    ("inferior", {"Origin: Lateral condyle of the femur", "Origin: Medial condyle of the femur"}),
    ("posterior", set()),
    ("lateral", set()),
])
def test_a_site_behind_the_foot_is_labelled_as_on_the_far_side(leg, view: str,
                                                               behind: set[str]) -> None:
    from calfexplorer.scene.far_side import BEHIND_FOOT, FAR_SIDE, UNDER_MUSCLE

    scene, state = leg
    state.select("gastrocnemius")
    scene.set_view(view)
    try:
        scene.render()
        drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
        assert "Insertion: Calcaneal tuberosity (calcaneus)" in drawn
        assert {text for text, shown in drawn.items() if shown == text + BEHIND_FOOT} == behind
        # (from the side, the other head's origin lies beyond the femur)
        assert all(shown in (text, text + BEHIND_FOOT, text + UNDER_MUSCLE,
                             text + FAR_SIDE)
                   for text, shown in drawn.items())
    finally:
        scene.set_view("posterior")


def test_a_site_beyond_a_bone_of_the_leg_names_the_bone(leg) -> None:
    """The popliteus from the medial side: its origin in the groove of the lateral femoral
    condyle lies beyond the femur, and its leader ended on the knee's near side with no word
    of it (a student looked for the patch on the medial condyle); from behind it is in sight.
    The soleus from the side: its origin on the tibia's medial border lies beyond the tibia.
    Where the site's text names the bone already, the note says only "(far side)": "Popliteal
    groove (femur) (far side, behind the femur)" named it twice (a reviewer)."""
    scene, state = leg
    origin = "Origin: Popliteal groove (femur)"
    try:
        state.select("popliteus")
        for view, note in (("medial", " (far side)"), ("posterior", "")):
            scene.set_view(view)
            scene.render()
            drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
            assert drawn[origin] == origin + note, (view, drawn)
        state.select("soleus")
        scene.set_view("lateral")
        scene.render()
        drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
        label = "Origin: Medial border of the tibia"
        assert drawn[label] == label + " (far side)", drawn
        assert drawn["Origin: Head of the fibula"] == "Origin: Head of the fibula", drawn
    finally:
        state.select(None)
        scene.set_view("posterior")


def test_an_origin_under_the_selected_muscle_s_belly_says_so(leg) -> None:
    """The soleus from behind: its origins on the soleal line and the tibia's medial border lie
    under its belly, and their leaders ended on the belly with no word of it (a new user
    looked for orange patches there); its insertion on the heel is in plain sight."""
    from calfexplorer.scene.far_side import UNDER_MUSCLE

    scene, state = leg
    state.select("soleus")
    scene.set_view("posterior")
    try:
        scene.render()
        drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
        under = {text for text, shown in drawn.items() if shown == text + UNDER_MUSCLE}
        assert "Origin: Soleal line of the tibia" in under, drawn
        assert not any("Insertion" in text for text in under), drawn
        state.select("gastrocnemius")  # (a head's origin from behind: under it too)
        scene.render()
        drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
        assert drawn["Insertion: Calcaneal tuberosity (calcaneus)"] == (
            "Insertion: Calcaneal tuberosity (calcaneus)")
        state.select("tarsal_tunnel")  # (a space's contents are not a muscle's sites)
        scene.render()
        assert not any(UNDER_MUSCLE in shown for shown in scene.drawn_labels)
    finally:
        state.select(None)


def test_a_site_on_the_toes_seen_from_behind_is_on_the_far_side_and_reads_plainly(leg) -> None:
    """Flexor hallucis longus from behind: its great-toe insertion's leader ended at the heel
    (the toe lies straight beyond it) with no note, and it read "Distal phalanx of the great
    toe (plantar), phalanges of the foot"."""
    from calfexplorer.scene.far_side import BEHIND_FOOT

    scene, state = leg
    state.select("flexor_hallucis_longus")
    scene.set_view("posterior")
    scene.render()
    drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
    toe = "Insertion: Distal phalanx of the great toe, plantar side"
    assert drawn.get(toe) == toe + BEHIND_FOOT, drawn
    scene.set_view("medial")  # (seen from the great toe's side it is in plain sight)
    try:
        scene.render()
        drawn = dict(zip(scene.labels, scene.drawn_labels, strict=True))
        assert drawn.get(toe) == toe, drawn
    finally:
        scene.set_view("posterior")


def test_the_far_side_is_worked_out_again_after_the_camera_or_the_pose_moves(leg) -> None:
    """Layouts while nothing moved reuse the far side's answer (a ray-cast per foot site each
    frame before); a camera turned by hand (no preset) or a new pose asks again, and the
    labels read as they should from there."""
    from calfexplorer.scene.far_side import BEHIND_FOOT

    scene, state = leg
    toe = "Insertion: Distal phalanx of the great toe, plantar side"
    camera = scene.renderer.GetActiveCamera()
    scene.set_view("medial")
    medial = (camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp())
    scene.set_view("posterior")
    state.select("flexor_hallucis_longus")
    casts = []
    run_behind = scene._picker.run_behind

    def counted(*args):
        casts.append(args)
        return run_behind(*args)

    scene._picker.run_behind = counted
    try:
        scene.render()
        assert dict(zip(scene.labels, scene.drawn_labels, strict=True))[toe] == toe + BEHIND_FOOT
        assert casts
        casts.clear()
        scene.render()  # nothing moved: nothing cast again
        assert not casts
        position, focal, up = medial  # the user turns the camera round to the great toe's side
        camera.SetPosition(position)
        camera.SetFocalPoint(focal)
        camera.SetViewUp(up)
        scene.render()
        assert dict(zip(scene.labels, scene.drawn_labels, strict=True))[toe] == toe
        casts.clear()
        state.set_pose({"ankle": 0.5})
        scene.render()
        assert casts  # the foot moved: asked again
        notes = scene._far_side([scene._site_point(s) for s in scene.lit_sites])
        scene._far_notes = (None, {})  # what a fresh look answers
        assert notes == scene._far_side([scene._site_point(s) for s in scene.lit_sites])
    finally:
        del scene._picker.run_behind
        state.set_pose({})
        scene.set_view("posterior")


def test_a_list_label_on_the_far_side_says_so_in_its_heading(leg) -> None:
    """A bone's label lists the muscles at a site: the note follows the heading (after the
    last muscle it read as if only that one lay behind the foot)."""
    from calfexplorer.scene.far_side import BEHIND_FOOT

    scene, state = leg
    state.select("tibia")
    scene.set_view("inferior")
    try:
        scene.render()
        noted = [shown for shown in scene.drawn_labels if BEHIND_FOOT in shown]
        lists = [shown for shown in noted if "\n" in shown]
        assert lists, scene.drawn_labels
        for shown in lists:
            # (before the heading's colon: "Insertions: (far side, ...)" read oddly)
            assert shown.split("\n")[0].endswith(BEHIND_FOOT + ":"), shown
            assert shown.count(BEHIND_FOOT) == 1
    finally:
        scene.set_view("posterior")


def test_behind_a_box_is_seen_through_it() -> None:
    from calfexplorer.scene.far_side import behind_box

    lo, hi = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    assert behind_box((0.5, 0.5, -5.0), (0.5, 0.5, 3.0), lo, hi)  # straight through
    assert not behind_box((5.0, 0.5, 3.0), (-2.0, 0.5, 3.0), lo, hi)  # passes above it
    assert not behind_box((0.5, 0.5, -5.0), (0.5, 0.5, 0.5), lo, hi)  # on the box itself
    assert not behind_box((0.5, 0.5, 5.0), (0.5, 0.5, 3.0), lo, hi)  # the box is behind it


@pytest.mark.parametrize(("selected", "view"), [("popliteal_fossa", "posterior"),
                                                ("tarsal_tunnel", "medial"),
                                                ("soleus", "posterior")])
def test_every_label_s_frame_is_seen_against_the_label_and_the_background(
        leg, selected: str, view: str) -> None:
    """A nerve's label had a pale yellow frame, 1.2:1 against the white label and the pale
    background (the origins' orange 2.0:1, the muscles' green 2.1:1): WCAG 1.4.11 asks 3:1
    of a graphic's edge. Measured on the drawn frame's pixels, for every role shown."""
    from calfexplorer.scene import style

    scene, state = leg
    state.select(selected)
    scene.set_view(view)
    image = scene.capture().astype(float) / 255.0
    layer = scene._label_layer
    h = image.shape[0]
    roles = set()
    for label, placement in zip(layer._labels, layer.placements, strict=True):
        if placement is None:
            continue
        box = placement.box
        y = h - 1 - int((box.y0 + box.y1) / 2)
        edge = image[y, int(box.x0) + 3:int(box.x0) + 5, :3]  # (the frame's two pixels)
        saturated = edge[(edge.max(axis=1) - edge.min(axis=1)) > 0.2]
        if label.role == "cut" or not len(saturated):  # (black: its own test)
            continue
        frame = tuple(max(saturated, key=lambda p: style.contrast(tuple(p), (1.0, 1.0, 1.0))))
        roles.add(label.role)
        for behind in ((1.0, 1.0, 1.0), style.BACKGROUND):
            assert style.contrast(frame, behind) >= 3.0, (label.text, label.role, frame)
    assert roles, "no label frame found"
    state.select(None)
    scene.set_view("posterior")


def test_quick_frames_keep_the_far_side_notes_until_the_pose_stops(leg) -> None:
    """While a pose moves (a slider held) the quick frames keep each label's far-side note
    from the last full frame (casting the sites again against the moved selection cost ~4 ms
    of a drag step); the full frame once the pose stops gives the new pose's notes."""
    from calfexplorer.scene.far_side import BEHIND_FOOT

    scene, state = leg
    toe = "Insertion: Distal phalanx of the great toe, plantar side"
    scene.set_view("posterior")
    state.select("flexor_hallucis_longus")
    scene.render()
    assert dict(zip(scene.labels, scene.drawn_labels, strict=True))[toe] == toe + BEHIND_FOOT
    pending: list = []
    auto = scene.auto_render
    scene.auto_render = True
    scene.set_idle_scheduler(pending.append)  # as in the window: quick frames, then a full one
    try:
        state.set_pose({"ankle": -0.65})  # plantarflexed: the toe comes out from behind the foot
        assert dict(zip(scene.labels, scene.drawn_labels, strict=True))[toe] == toe + BEHIND_FOOT
        pending[-1]()  # the pose stopped: the full frame
        assert dict(zip(scene.labels, scene.drawn_labels, strict=True))[toe] == toe
    finally:
        scene.set_idle_scheduler(None)
        scene.auto_render = auto
        state.set_pose({})
        scene.render()


def test_a_far_side_note_names_the_bone_only_where_the_text_does_not() -> None:
    from calfexplorer.scene.far_side import BEHIND_BONE, BEHIND_FOOT, FAR_SIDE, note_after

    femur = BEHIND_BONE.format(bone="femur")
    assert note_after("Origin: Popliteal groove (femur)", femur) == FAR_SIDE
    assert note_after("Origin: Popliteal groove", femur) == femur
    assert note_after("Origin: Groove of the femoral condyle", femur) == femur  # (a word)
    assert note_after("\u2022 Tuberosity of the navicular", BEHIND_FOOT) == BEHIND_FOOT
    assert note_after("Origin: Popliteal groove (femur)", "") == ""
