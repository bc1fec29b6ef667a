"""Pictures for study cards, drawn offscreen: a structure highlighted from the view that shows it
best, or a lesion as the Lesion mode draws it (its denervated muscles coloured, its cuts marked,
its numb skin shaded) from the side that shows them (and what tells the lesion from those most
like it). Used by the Anki export of the command line and of the study panel."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from calfexplorer.lesion.report import denervation_colours, telling_muscles
from calfexplorer.lesion.shown import lesion_shown
from calfexplorer.scene.style import hex_rgb

if TYPE_CHECKING:
    from calfexplorer.lesion.shown import LesionShown
    from calfexplorer.scene.scene import Scene
    from calfexplorer.scene.site_view import SiteView

#: The camera that shows a structure best, by compartment (default: posterior).
VIEW_BY_COMPARTMENT = {
    "anterior": "anterior",
    "lateral": "lateral",
    "thigh_anterior": "anterior",
    "thigh_medial": "medial",
    "foot_plantar": "inferior",
}


def make_card_renderer(
    atlas: Any, size: tuple[int, int], facts: Any = None, model: str | None = None,
    say: Callable[[str], None] | None = None,
) -> tuple[Callable[..., bytes | None], Callable]:
    """An offscreen ``render_image(id, answered=True) -> PNG bytes`` (the id highlighted) and
    its closer.

    ``model``: the leg drawn (see :func:`calfexplorer.anatomy.leg_model.load_leg`; None: the
    BodyParts3D pack when installed). Asked for and not usable, it raises ValueError; not
    asked for, ``say`` is told why the built-in leg is drawn instead.

    A lesion card's id (``facts.lesions``) draws its denervated muscles in the lesion colours.

    Uses the scene's offscreen window; raises ImportError/OSError/ValueError when the meshes or
    VTK are not available.
    """
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.assets import REBUILD_HINT
    from calfexplorer.scene.scene import Scene
    from calfexplorer.scene.site_view import best_site_view, compartment_side, naming_view
    from calfexplorer.state import AppState

    assets, pack_note = load_leg(model)
    if pack_note and model == BODYPARTS3D:
        raise ValueError(pack_note)
    if pack_note and say is not None:  # (a teacher shipping a deck should know)
        say(f"the pictures show the built-in leg: {pack_note}")
    if not assets.meshes:
        raise ValueError(f"no meshes to draw: {assets.problem}; {REBUILD_HINT}")
    # No labels: a label would give the answer away on name-it cards.
    state = AppState.from_atlas(atlas, labels=False)
    scene = Scene(assets, atlas, state, size=size)
    tmp = tempfile.TemporaryDirectory(prefix="calfexplorer-render-")

    lesions = getattr(facts, "lesions", {})
    by_lesion: dict[str, dict[str, str]] = {}  # each lesion's colours, when first asked
    shots: dict[str, Any] = {}  # each lesion's side and camera, when first drawn

    def render_image(structure_id: str, answered: bool = True) -> bytes | None:
        if structure_id in lesions:
            return _lesion_image(structure_id, answered)
        _clear_lesion()
        scene.set_colour_overrides({})
        if not scene.parts(structure_id):
            reason = scene.unavailable.get(structure_id, "it has no mesh")
            raise ValueError(reason)
        owner = structure_id.split(":", 1)[0]
        s = atlas.get(owner)
        view = VIEW_BY_COMPARTMENT.get(getattr(s, "compartment", None) or "", "posterior")
        info = scene.info(structure_id)
        # (a space alone, as a question lights it: the tarsal tunnel's tendons lit from
        # knee to sole looked like the deep posterior compartment)
        scene.set_sites_concealed(info is not None and info.kind == "region")
        state.select(structure_id)
        # Framed as the study panel frames its questions: a site from the side that shows it
        # best, a structure with its neighbours (a ligament was a 10-pixel dot on the whole
        # leg, an attachment site a speck).
        shot = (best_site_view(scene, structure_id) if info is not None and info.is_site
                else naming_view(scene, structure_id, view, compartment_side(atlas, owner)))
        scene.set_view(shot.view if shot is not None else view)
        if shot is not None:
            scene.set_camera_pose(shot.pose)
        out = scene.save_png(Path(tmp.name) / "card.png")
        return out.read_bytes()

    def _clear_lesion() -> None:
        scene.set_nerve_cuts((), ())
        scene.skin.set_numb(None)
        scene.skin.set_mode(None)

    def _lesion_image(lesion_id: str, answered: bool) -> bytes | None:
        if not by_lesion:
            by_lesion.update({key: denervation_colours(atlas, card.result)
                              for key, card in lesions.items()})
        result = lesions[lesion_id].result
        state.select(None)
        if lesion_id not in shots:  # (a front from its back's camera: it shows the cut)
            shown = lesion_shown(atlas, facts.lesion_model, result)
            draw_lesion(scene, shown)
            telling = telling_muscles(by_lesion, lesion_id) if shown.colours else set()
            shots[lesion_id] = lesion_shot(scene, shown, telling)
        shot = shots[lesion_id]
        if shot is None:
            return None  # (nothing of it on the 3D leg)
        shown = lesion_shown(atlas, facts.lesion_model, result, answer_hidden=not answered,
                             cut_named=True)
        if not shown:
            return None
        draw_lesion(scene, shown)
        scene.set_view(shot.view)
        scene.set_camera_pose(shot.pose)
        return scene.save_png(Path(tmp.name) / "card.png").read_bytes()

    def close() -> None:
        scene.close()
        tmp.cleanup()

    return render_image, close


def draw_lesion(scene: Scene, shown: LesionShown) -> None:
    """Draw ``shown`` on ``scene`` as the Lesion mode draws it: its denervated muscles in the
    lesion colours, its cuts marked, its numb skin shaded."""
    scene.set_colour_overrides({sid: hex_rgb(c) for sid, c in shown.colours.items()})
    scene.set_nerve_cuts(shown.marks, shown.cut_off)
    scene.skin.set_numb(list(shown.numb_skin))
    # (plain skin, shown only to shade the numb skin: an S3 lesion's lies above it)
    scene.skin.set_mode("plain" if shown.numb_skin and scene.skin.shades_numb() else None)


def lesion_shot(scene: Scene, shown: LesionShown, telling: Collection[str]) -> SiteView | None:
    """The side and camera of the pictures of the lesion ``shown`` (answered, drawn on
    ``scene`` by :func:`draw_lesion`), its card's front and back alike; None where nothing of
    it is drawn. ``telling``: the muscles that tell it from the lesions most like it."""
    from calfexplorer.scene.lesion_view import lesion_view
    from calfexplorer.scene.site_view import SiteView

    numb = scene.skin.numb_triangles()
    cuts = [p.centre for p in scene.nerve_cuts.places.values()]
    if not shown.colours and not len(numb) and not cuts:
        return None
    # From the side that shows its muscles, and those that tell it from the lesions most
    # like it (the preset of most of its muscles' compartment showed a deep fibular lesion
    # in front of the ankle from behind, with no muscle coloured, and the fibularis
    # muscles, which tell a common from a deep fibular lesion, hid behind the leg), and
    # its numb skin; framed on all of them and the cut (the whole leg, small, showed no
    # numb skin). (A skin nerve's, no muscle coloured: what tells it is its skin alone;
    # the muscles of the lesion nearest to it turned the saphenous nerve's picture to the
    # lateral leg.)
    areas = [scene.skin.numb_triangles([area]) for area in shown.numb_skin] if len(numb) else []
    shot = lesion_view(scene, shown.colours, telling, numb, np.array(cuts) if cuts else None,
                       areas)
    if shot is None:  # (a cut alone: its nerve framed with the leg, from behind)
        scene.set_view("posterior")
        scene.frame_with_leg(list(shown.cut_off) or [m.nerve for m in shown.marks])
        shot = SiteView("posterior", scene.camera_pose(), 0.0)
    return shot
