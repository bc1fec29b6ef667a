"""Style resolution without OpenGL: the pure function the scene draws from."""

from __future__ import annotations

from calfexplorer.scene import style
from calfexplorer.scene.catalog import StructureInfo, build_catalog
from calfexplorer.scene.styling import part_of, resolve_styles, selection_parts
from calfexplorer.state import AppState

from .toy import BONE_MESHES, MUSCLES, SITES, toy_atlas

IDS = [*BONE_MESHES.values(), *MUSCLES, *SITES]
CATALOG = build_catalog(toy_atlas(), IDS)
CHILDREN = part_of(CATALOG, toy_atlas())


def _resolve(state: AppState, overrides=None, concealed: bool = False):
    return resolve_styles(
        state,
        CATALOG,
        IDS,
        selected=state.selected,
        children=CHILDREN,
        overrides=overrides or {},
        concealed=concealed,
    ).by_id


def test_the_selection_highlight_wins_over_a_colour_override() -> None:
    state = AppState()
    state.select("soleus")
    styles = _resolve(state, overrides={"soleus": (0, 1, 0), "tibialis_anterior": (0, 1, 0)})
    assert styles["soleus"].drawn.color == style.HIGHLIGHT.color
    assert styles["tibialis_anterior"].drawn.color == (0, 1, 0)


def test_overrides_that_stay_keep_clear_of_the_fade_but_not_of_xray() -> None:
    """A lesion's weak muscles stay clear while another structure is selected; X-ray still
    sees through them (the floor had held them at 55 % with X-ray full, hiding the deep
    muscles), and with nothing selected they are drawn as any structure is."""
    from calfexplorer.scene.styling import OVERRIDE_MIN_OPACITY

    weak = {"tibialis_anterior": (1, 0.5, 0)}

    def opacity(state: AppState) -> float:
        return resolve_styles(state, CATALOG, IDS, selected=state.selected, children=CHILDREN,
                              overrides=weak, overrides_stay=True).by_id[
                                  "tibialis_anterior"].drawn.opacity

    state = AppState(fade=0.25)
    assert opacity(state) == 1.0
    state.select("soleus")
    assert opacity(state) == OVERRIDE_MIN_OPACITY
    state.set_xray(1.0)
    assert opacity(state) == 0.0
    state.select(None)
    assert opacity(state) == 0.0


def test_fade_and_xray_set_the_opacity_of_the_rest() -> None:
    state = AppState(fade=0.3, xray=0.5)
    assert _resolve(state)["tibia"].drawn.opacity == 0.5
    state.select("gastrocnemius")
    styles = _resolve(state)
    assert styles["tibia"].drawn.opacity == 0.3
    assert styles["gastrocnemius_medial_head"].drawn.opacity == 1.0  # a part of the selection
    state.set_fade(0.1)
    assert not _resolve(state)["tibia"].pickable  # too faint to click


def test_a_hidden_structure_is_neither_shown_nor_pickable() -> None:
    state = AppState()
    state.hide("tibialis_anterior")
    resolved = _resolve(state)["tibialis_anterior"]
    assert not resolved.visible and not resolved.pickable
    assert _resolve(state)["soleus"].visible


def test_a_selected_muscle_lights_its_sites_unless_a_quiz_conceals_them() -> None:
    state = AppState()
    state.select("soleus")
    styles = _resolve(state)
    assert styles["soleus:origin:soleal_line"].drawn.color == style.ORIGIN_COLOR
    assert styles["soleus:insertion:calcaneal_tuberosity"].drawn.color == style.INSERTION_COLOR
    assert styles["soleus:origin:soleal_line"].forward
    assert styles["tibialis_anterior:origin:lateral_surface"].drawn.color != style.ORIGIN_COLOR
    concealed = _resolve(state, concealed=True)
    assert concealed["soleus:origin:soleal_line"].drawn.color != style.ORIGIN_COLOR
    assert not concealed["soleus:origin:soleal_line"].forward


def test_a_region_is_drawn_see_through_and_never_takes_a_click() -> None:
    region = StructureInfo("lateral_compartment_leg", "region", "regions", "Lateral compartment")
    catalog = {**CATALOG, region.id: region}
    ids = [*IDS, region.id]
    state = AppState()
    assert not state.layers["regions"]  # the volumes start hidden
    state.set_layer_visible("regions", True)

    def resolve():
        return resolve_styles(state, catalog, ids, selected=state.selected, children=CHILDREN,
                              overrides={}).by_id

    plain = resolve()[region.id]
    assert plain.visible and plain.drawn.opacity == style.MATERIALS["region"].opacity < 0.3
    assert not plain.pickable  # the muscles inside stay clickable
    assert resolve()["soleus"].drawn.opacity == 1.0
    state.hover(region.id)
    assert resolve()[region.id].drawn.opacity < 0.3  # hovering does not make it hide them
    state.select(region.id)
    chosen = resolve()[region.id]
    assert chosen.drawn.color == style.HIGHLIGHT.color and chosen.drawn.opacity < 0.5


def test_selecting_a_whole_lights_its_parts_from_the_atlas_hierarchy() -> None:
    heads = {"gastrocnemius_medial_head", "gastrocnemius_lateral_head"}
    assert selection_parts("gastrocnemius", CHILDREN) == {"gastrocnemius", *heads}
    assert selection_parts("soleus", CHILDREN) == {"soleus"}
    assert set(part_of(CATALOG, None)["gastrocnemius"]) == heads  # no atlas: parts only


def test_a_question_lights_a_space_alone_and_a_compartment_with_its_muscles() -> None:
    """Named in a quiz, the tarsal tunnel lit its tendons, nerve and vessels from the knee to
    the sole and looked like the deep posterior compartment, offered beside it."""
    from calfexplorer.atlas import load_atlas

    atlas = load_atlas()[0]
    ids = [s.id for s in atlas]
    catalog = build_catalog(atlas, ids)
    children = part_of(catalog, atlas)
    quiz = part_of(catalog, atlas, spaces=False)
    state = AppState()

    def lit(sid: str, concealed: bool) -> frozenset[str]:
        state.select(sid)
        # (what the scene's styles hand over: the question's own while one asks)
        return resolve_styles(state, catalog, ids, selected=sid,
                              children=quiz if concealed else children,
                              overrides={}, concealed=concealed).parts

    assert "flexor_hallucis_longus" in lit("tarsal_tunnel", concealed=False)  # exploring
    assert lit("tarsal_tunnel", concealed=True) == {"tarsal_tunnel"}
    assert lit("popliteal_fossa", concealed=True) == {"popliteal_fossa"}
    deep = lit("deep_posterior_compartment_leg", concealed=True)
    assert {"tibialis_posterior", "flexor_hallucis_longus"} <= deep


def test_a_selected_site_is_drawn_on_its_bone_in_full() -> None:
    """"Which muscle originates from the highlighted site on the tibia?" showed the patch in a
    fog: the tibia was faded with everything else, behind the faded muscles of the realistic
    leg, so the bone the question names could not be made out. The site's bone is drawn as
    without a selection (X-ray still sees through it); the other bones fade."""
    state = AppState(fade=0.25)
    state.select("soleus:origin:soleal_line")
    styles = _resolve(state)
    assert styles["tibia"].drawn.opacity == 1.0 and styles["tibia"].pickable
    assert styles["fibula"].drawn.opacity == 0.25
    assert styles["soleus"].drawn.opacity == 0.25
    state.set_xray(0.5)
    assert _resolve(state)["tibia"].drawn.opacity == 0.5
    state.select("soleus")  # a muscle's bones fade with the rest, as before
    assert _resolve(state)["tibia"].drawn.opacity == 0.25


def test_a_selected_spaces_contents_keep_a_lesions_colour_beyond_it() -> None:
    """With a lesion shown, selecting the tarsal tunnel drew flexor hallucis longus in its
    plain material colour outside the tunnel, its weakness no longer shown (found by review)."""
    catalog = {
        "tarsal_tunnel": StructureInfo("tarsal_tunnel", "region", "regions", "Tarsal tunnel"),
        "flexor_hallucis_longus": StructureInfo("flexor_hallucis_longus", "muscle", "deep",
                                                "Flexor hallucis longus"),
    }
    weak = (0.9, 0.6, 0.1)
    styles = resolve_styles(AppState(), catalog, catalog.keys(), selected="tarsal_tunnel",
                            children={"tarsal_tunnel": ["flexor_hallucis_longus"]},
                            overrides={"flexor_hallucis_longus": weak}, overrides_stay=True,
                            spaces={"tarsal_tunnel"})
    assert styles.banded == {"flexor_hallucis_longus"}
    assert styles.by_id["flexor_hallucis_longus"].drawn.color == weak


def test_a_selected_space_is_tinted_fainter_while_its_contents_are_lit_in_their_colours() -> None:
    # through the 0.35 magenta tint the tibial nerve's yellow read orange; a question's space,
    # lit alone, keeps its tint
    from calfexplorer.scene.styling import SEE_THROUGH_SELECTED_OPACITY, SPACE_SELECTED_OPACITY

    catalog = {
        "tarsal_tunnel": StructureInfo("tarsal_tunnel", "region", "regions", "Tarsal tunnel"),
        "tibial_nerve": StructureInfo("tibial_nerve", "nerve", "nerves", "Tibial nerve"),
    }

    def drawn(children: dict[str, list[str]]):
        return resolve_styles(AppState(), catalog, catalog.keys(), selected="tarsal_tunnel",
                              children=children, overrides={}, spaces={"tarsal_tunnel"})

    lit = drawn({"tarsal_tunnel": ["tibial_nerve"]})
    assert lit.band_colors == {"tibial_nerve": style.space_content_color("nerve")}
    assert lit.by_id["tarsal_tunnel"].drawn.opacity == SPACE_SELECTED_OPACITY
    asked = drawn({})
    assert asked.by_id["tarsal_tunnel"].drawn.opacity == SEE_THROUGH_SELECTED_OPACITY


def _lab(color: tuple[float, float, float]) -> tuple[float, float, float]:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in color]
    xyz = [sum(m * c for m, c in zip(row, lin, strict=True)) for row in (
        (0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))]
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_a_space_s_nerve_and_vessels_change_colour_plainly_where_they_enter_it() -> None:
    """Lit inside the space in their kind's vivid colour, drawn beyond it in their own: CIELAB
    distance 15 (nerve), 17 (artery) and 28 (vein) apart, so where they enter the space read
    mainly from its tint. Beyond it now a quieter shade of their own colour, near their own."""
    import math

    kinds = {"tibial_nerve": "nerve", "posterior_tibial_artery": "artery",
             "posterior_tibial_veins": "vein"}
    catalog = {"tarsal_tunnel": StructureInfo("tarsal_tunnel", "region", "regions", "Tunnel")}
    catalog.update({sid: StructureInfo(sid, kind, kind + "s", sid) for sid, kind in kinds.items()})
    styles = resolve_styles(AppState(), catalog, catalog.keys(), selected="tarsal_tunnel",
                            children={"tarsal_tunnel": list(kinds)}, overrides={},
                            spaces={"tarsal_tunnel"})
    for sid, kind in kinds.items():
        inside = _lab(styles.band_colors[sid])
        beyond = _lab(styles.by_id[sid].drawn.color)
        own = _lab(style.MATERIALS[kind].color)
        assert math.dist(inside, beyond) >= 30, f"{kind}: {math.dist(inside, beyond):.0f}"
        assert math.dist(beyond, own) < 25, f"{kind} beyond the space is still its kind's colour"
