"""``calfexplorer render``: draw a view of the leg offscreen (no display needed) to a PNG."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from calfexplorer.commands import comma_list, warn_data_problems
from calfexplorer.layers import LAYERS
from calfexplorer.output_files import parse_size
from calfexplorer.views import VIEWS

LAYER_CHOICES = LAYERS


def _size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text, 16, 8192, "800x1000")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _unit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number between 0 and 1, got {text!r}"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def register(parser: argparse.ArgumentParser) -> None:
    """Add the render options."""
    parser.add_argument(
        "--view", choices=VIEWS, default="posterior",
        help="camera preset (default posterior)",
    )
    parser.add_argument("--select", metavar="ID",
                        help="structure to highlight, by id or name, e.g. soleus")
    parser.add_argument("--out", metavar="PNG", default="render.png", help="output PNG file")
    parser.add_argument(
        "--size", type=_size, default=(800, 1000), metavar="WxH",
        help="image size in pixels (default 800x1000)",
    )
    parser.add_argument(
        "--pose", metavar="ANGLES",
        help="joint angles in degrees, e.g. knee=90,ankle=-20 (positive is knee flexion, ankle "
        "dorsiflexion, subtalar inversion, toe extension)",
    )
    parser.add_argument(
        "--layers",
        type=comma_list,
        metavar="LIST",
        help=f"comma list of layers to show (default all): {', '.join(LAYER_CHOICES)}",
    )
    parser.add_argument("--hide", type=comma_list, default=[], metavar="IDS",
                        help="ids or names to hide, comma-separated")
    parser.add_argument(
        "--fade", type=_unit, default=0.25, help="opacity of unselected structures (0..1)"
    )
    parser.add_argument(
        "--xray", type=_unit, default=0.0, help="transparency of everything not selected (0..1)"
    )
    parser.add_argument("--no-labels", action="store_true", help="leave out 3D labels")
    parser.add_argument("--focus", action="store_true", help="zoom onto the selection")
    from calfexplorer.commands.model_option import add_model_option

    add_model_option(parser)


def _fail(message: str, code: int = 2) -> int:
    print(f"calfexplorer render: error: {message}", file=sys.stderr)
    return code




def _load_assets(model: str | None) -> tuple[Any, str | None]:
    from calfexplorer.anatomy.leg_model import load_leg

    return load_leg(model)


def run(args: argparse.Namespace) -> int:
    """Render and write the PNG; returns the exit code."""
    if args.layers is not None:
        unknown = [layer for layer in args.layers if layer not in LAYER_CHOICES]
        if unknown:
            return _fail(
                f"unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYER_CHOICES)}"
            )
        if not args.layers:  # (it drew an empty picture)
            return _fail(f"--layers names no layer; choose from {', '.join(LAYER_CHOICES)}")
    from calfexplorer.output_files import output_problem, written_problem

    if problem := output_problem(args.out, "render.png"):
        return _fail(problem)
    from calfexplorer.assets import REBUILD_HINT
    from calfexplorer.atlas import load_atlas
    from calfexplorer.atlas.messages import did_you_mean, suggested
    atlas, problems = load_atlas()
    warn_data_problems("render", len(problems), "Drawing the valid entries.")
    assets, pack_note = _load_assets(args.model)
    if pack_note and args.model == "bodyparts3d":
        return _fail(pack_note, 1)
    if pack_note:
        print(f"calfexplorer render: warning: {pack_note}; drawing the built-in model",
              file=sys.stderr)
    meshes = getattr(assets, "meshes", assets)
    problem = getattr(assets, "problem", None)
    if not meshes:
        return _fail(f"no meshes to draw: {problem or 'none were built'}; {REBUILD_HINT}", 1)
    if problem:
        print(f"calfexplorer render: warning: {problem}; {REBUILD_HINT}", file=sys.stderr)

    from calfexplorer.search import closest_ids, named_id

    # names as the search box knows them ("Soleus", "peroneus longus"), as the window's --select
    if args.select:
        args.select = named_id(atlas, args.select) or args.select
    args.hide = [named_id(atlas, sid) or sid for sid in args.hide]
    if args.select and args.select in args.hide:  # (its title and labels over nothing)
        return _fail(f"{args.select!r} is both selected and hidden; leave it out of --hide")
    known = set(meshes) | set(getattr(atlas, "structures", {}) or {})
    for sid in [*([args.select] if args.select else []), *args.hide]:
        if sid in LAYER_CHOICES:  # "--hide bones": a layer, which --layers leaves out
            return _fail(f"{sid!r} is a layer, not a structure; show the others with --layers")
        if sid not in known:
            hint = suggested(closest_ids(atlas, sid, 3)) or did_you_mean(sid, known, 3, 0.6)
            return _fail(f"unknown structure id {sid!r}{hint}")

    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState

    state = AppState.from_atlas(atlas, fade=args.fade, xray=args.xray, labels=not args.no_labels)
    scene = Scene(assets, atlas, state, size=args.size)
    try:
        if args.pose:
            from calfexplorer.biomech import Pose

            try:
                pose = Pose.parse(args.pose)
            except ValueError as exc:
                return _fail(f"bad --pose: {exc}")
            scene.prepare_posing(_tell_relearning())
            state.set_pose(
                {name: getattr(pose, name) for name in ("knee", "ankle", "subtalar", "toes")}
            )
        if args.layers is not None:
            state.set_visible_layers(args.layers)
        if args.hide:
            state.hide(args.hide)
        if args.select:
            if not scene.parts(args.select):
                reason = scene.unavailable.get(args.select, "it has no mesh")
                print(f"calfexplorer render: warning: {args.select}: {reason}", file=sys.stderr)
            state.select(args.select)
        scene.set_view(args.view)
        if args.focus and args.select:
            scene.focus(duration=0).finish()
        try:
            path = scene.save_png(args.out)
        except OSError as exc:  # (a full disk: the file is left as it was)
            return _fail(exc.strerror or str(exc), 1)
    finally:
        scene.close()
    if problem := written_problem(path):
        return _fail(problem, 1)
    print(path)
    return 0


def _tell_relearning() -> Callable[[str], None]:
    """A ``say`` for the poser: work it does again after an update of the program (binding the
    pack's soft tissue, a few seconds; its kept tubes relearning their moves, ~30 s) is told on
    stderr as it goes."""
    from calfexplorer.anatomy.relearn_reason import RELEARN_OUTDATED, RELEARN_REASONS

    told: list[str] = []

    def say(line: str) -> None:
        reason = line in RELEARN_REASONS
        if not told:
            print("calfexplorer render: fitting the realistic leg to the model, then the built-in "
                  f"nerves and vessels to it ({line if reason else RELEARN_OUTDATED}; this can "
                  "take a few minutes):", file=sys.stderr)
        elif reason:
            print(f"  the nerves and vessels learn their moves again: {line}", file=sys.stderr)
        told.append(line)
        if not reason:
            print(line, file=sys.stderr, flush=True)

    return say
