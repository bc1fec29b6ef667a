"""``calfexplorer export-anki DECK.apkg``: export study cards to Anki, no display needed."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The camera that shows a structure best, by compartment (default: posterior).
_VIEW_BY_COMPARTMENT = {
    "anterior": "anterior",
    "lateral": "lateral",
    "thigh_anterior": "anterior",
    "thigh_medial": "medial",
}


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size must be WIDTHxHEIGHT, e.g. 480x600: {text!r}"
        ) from None
    if not (64 <= w <= 4096 and 64 <= h <= 4096):
        raise argparse.ArgumentTypeError(f"size must be 64..4096 pixels each way: {text!r}")
    return w, h


def register(parser: argparse.ArgumentParser) -> None:
    """Add the export options."""
    from calfexplorer.study.kinds import ALL_KINDS

    parser.add_argument("deck", metavar="DECK.apkg", help="the Anki package to write")
    parser.add_argument(
        "--compartment",
        type=_list,
        action="extend",
        metavar="LIST",
        help="only muscles of these compartments (comma list, repeatable), e.g. posterior_deep",
    )
    parser.add_argument(
        "--kinds",
        type=_list,
        action="extend",
        metavar="LIST",
        help=f"question kinds (default all): {', '.join(ALL_KINDS)}",
    )
    parser.add_argument(
        "--structure-kinds",
        type=_list,
        action="extend",
        metavar="LIST",
        help="structure kinds (default all): muscle, bone, tendon, nerve, artery, vein",
    )
    parser.add_argument(
        "--no-images",
        action="store_true",
        help="no rendered images (notes that need one, like name-it, are left out)",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=(480, 600),
        metavar="WxH",
        help="image size in pixels (default 480x600)",
    )
    parser.add_argument("--name", default=None, help="deck name shown in Anki")


def _fail(message: str) -> int:
    print(f"calfexplorer export-anki: error: {message}", file=sys.stderr)
    return 2


def make_renderer(
    atlas: Any, size: tuple[int, int], facts: Any = None
) -> tuple[Callable[[str], bytes], Callable]:
    """An offscreen ``render_image(id) -> PNG bytes`` (the id highlighted) and its closer.

    A lesion card's id (``facts.lesions``) draws its denervated muscles in the lesion colours.

    Uses the scene's offscreen window; raises ImportError/OSError/ValueError when the meshes or
    VTK are not available.
    """
    from calfexplorer.assets import REBUILD_HINT, load_assets
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState

    assets = load_assets()
    if not assets.meshes:
        raise ValueError(f"no meshes to draw: {assets.problem}; {REBUILD_HINT}")
    state = AppState(labels=False)  # a label would give the answer away on name-it cards
    scene = Scene(assets, atlas, state, size=size)
    tmp = tempfile.TemporaryDirectory(prefix="calfexplorer-render-")

    def render_image(structure_id: str) -> bytes:
        lesion = getattr(facts, "lesions", {}).get(structure_id)
        if lesion is not None:
            return _lesion_image(lesion.result)
        scene.set_color_overrides({})
        if not scene.parts(structure_id):
            reason = scene.unavailable.get(structure_id, "it has no mesh")
            raise ValueError(reason)
        owner = structure_id.split(":", 1)[0]
        s = atlas.get(owner)
        view = _VIEW_BY_COMPARTMENT.get(getattr(s, "compartment", None) or "", "posterior")
        state.select(structure_id)
        scene.set_view(view)
        out = scene.save_png(Path(tmp.name) / "card.png")
        return out.read_bytes()

    def _lesion_image(result: Any) -> bytes:
        from calfexplorer.lesion.report import denervation_colours
        from calfexplorer.scene.style import hex_rgb

        colours = denervation_colours(atlas, result)
        if not colours:
            raise ValueError("the lesion denervates no muscle of the leg")
        scene.set_color_overrides({sid: hex_rgb(c) for sid, c in colours.items()})
        state.select(None)
        compartments = [getattr(atlas.get(sid), "compartment", "") for sid in colours]
        common = max(set(compartments), key=compartments.count)
        scene.set_view(_VIEW_BY_COMPARTMENT.get(common or "", "posterior"))
        return scene.save_png(Path(tmp.name) / "card.png").read_bytes()

    def close() -> None:
        scene.close()
        tmp.cleanup()

    return render_image, close


def run(args: argparse.Namespace) -> int:
    """Export the deck; returns the exit code."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.commands.output import output_problem, written_problem
    from calfexplorer.study.anki import DECK_NAME, export_deck
    from calfexplorer.study.facts import StudyFacts
    from calfexplorer.study.scope import Scope

    try:
        scope = Scope.of(args.compartment, args.kinds, args.structure_kinds)
    except ValueError as exc:
        return _fail(str(exc))
    if problem := output_problem(args.deck, "calf.apkg"):
        return _fail(problem)
    atlas, problems = load_atlas()
    if problems:
        print(
            f"calfexplorer export-anki: warning: the atlas has {len(problems)} problem(s); "
            "run 'calfexplorer validate'. Exporting the valid entries.",
            file=sys.stderr,
        )
    facts = StudyFacts.with_lesions(atlas)
    if not scope.cards(facts):
        return _fail("nothing to export: the scope matches no cards")
    render, close = None, None
    if not args.no_images:
        try:
            render, close = make_renderer(atlas, args.size, facts)
        except (ImportError, OSError, ValueError, RuntimeError) as exc:
            return _fail(f"cannot render images ({exc}); use --no-images for a deck without them")

    def progress(done: int, total: int) -> None:
        print(f"\rrendering images {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        report = export_deck(
            facts,
            args.deck,
            scope,
            render,
            args.name or DECK_NAME,
            progress=progress if render else None,
        )
    finally:
        if close:
            close()
    if render:
        print(file=sys.stderr)
    if problem := written_problem(report.path):
        return _fail(problem)
    for sid, why in sorted(report.image_problems.items()):
        print(f"calfexplorer export-anki: no image for {sid}: {why}", file=sys.stderr)
    print(
        f"{report.path}: {report.notes} notes on {len(report.structures)} structures, "
        f"{report.images} images"
        + (f"; {report.skipped} notes left out (no image)" if report.skipped else "")
    )
    return 0
