"""``calfexplorer export-anki DECK.apkg``: export study cards to Anki, no display needed."""

from __future__ import annotations

import argparse
import signal
import sys

from calfexplorer.commands import comma_list, warn_data_problems
from calfexplorer.commands.status_line import StatusLine
from calfexplorer.output_files import parse_size

#: The atlas's kinds of structure (``atlas.models.StructureKind``, not imported here: it loads
#: pydantic for every command's --help).
STRUCTURE_KINDS = (
    "muscle", "bone", "tendon", "nerve", "artery", "vein", "region", "retinaculum", "fascia",
    "ligament",
)


def _size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text, 64, 4096, "480x600")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(parser: argparse.ArgumentParser) -> None:
    """Add the export options."""
    from calfexplorer.study.kinds import ALL_KINDS

    parser.add_argument("deck", metavar="DECK.apkg", help="the Anki package to write")
    parser.add_argument(
        "--compartment",
        type=comma_list,
        action="extend",
        metavar="LIST",
        help="only muscles of these compartments (comma list, repeatable), e.g. posterior_deep",
    )
    parser.add_argument(
        "--kinds",
        type=comma_list,
        action="extend",
        metavar="LIST",
        help=f"question kinds (default all): {', '.join(ALL_KINDS)}",
    )
    parser.add_argument(
        "--structure-kinds",
        type=comma_list,
        action="extend",
        metavar="LIST",
        help=f"structure kinds (default all): {', '.join(STRUCTURE_KINDS)}",
    )
    from calfexplorer.commands.model_option import add_model_option

    add_model_option(parser)
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
    parser.add_argument("--name", default=None, type=_deck_name, help="deck name shown in Anki")


def _deck_name(text: str) -> str:
    """argparse type: a deck name with something in it (an empty one made a nameless deck)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the deck name is empty")
    return text.strip()


def _fail(message: str) -> int:
    print(f"calfexplorer export-anki: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Export the deck; returns the exit code."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.output_files import output_problem, written_problem
    from calfexplorer.study.anki import DECK_NAME, EmptyDeck, export_deck
    from calfexplorer.study.facts import StudyFacts
    from calfexplorer.study.scope import Scope

    try:
        scope = Scope.of(args.compartment, args.kinds, args.structure_kinds)
    except ValueError as exc:
        return _fail(str(exc))
    if problem := output_problem(args.deck, "calf.apkg"):
        return _fail(problem)
    atlas, problems = load_atlas()
    warn_data_problems("export-anki", len(problems), "Exporting the valid entries.")
    facts = StudyFacts.with_lesions(atlas)
    for why in facts.left_out:
        print(f"calfexplorer export-anki: warning: {why}", file=sys.stderr)
    if not scope.cards(facts):
        return _fail("nothing to export: the scope matches no cards")
    render, close = None, None
    if not args.no_images:
        try:
            from calfexplorer.scene.cards import make_card_renderer

            render, close = make_card_renderer(
                atlas, args.size, facts, args.model,
                say=lambda note: print(f"calfexplorer export-anki: warning: {note}",
                                       file=sys.stderr))
        except (ImportError, OSError, ValueError, RuntimeError) as exc:
            return _fail(f"cannot render images ({exc}); use --no-images for a deck without them")

    # Ctrl+C (or a kill, or a closed terminal, which stop a command as Ctrl+C does) while VTK
    # draws lands in a ctypes callback, which only prints it: the render loop went on and
    # wrote the deck, and said success. It is noted here and acted on between images.
    interrupted: list[bool] = []
    stops = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(n, lambda *_: interrupted.append(True)) for n in stops}

    line = StatusLine()

    def progress(done: int, total: int) -> None:
        if interrupted:
            line.end()
            raise KeyboardInterrupt
        line.show(f"rendering images {done}/{total}", final=done == total)

    try:
        report = export_deck(
            facts,
            args.deck,
            scope,
            render,
            args.name or DECK_NAME,
            progress=progress if render else None,
        )
    except EmptyDeck as exc:
        line.end()
        how = "no image could be drawn" if render else "leave out --no-images"
        return _fail(f"nothing written: {exc} ({how})")
    except OSError as exc:  # (a full disk: a deck already there is left as it was)
        line.end()
        where = f" writing {args.deck}" if not exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}" if exc.strerror else str(exc))
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if close:
            close()
    line.end()
    if problem := written_problem(report.path):
        return _fail(problem)
    for sid, why in sorted(report.image_problems.items()):
        print(f"calfexplorer export-anki: no image for {sid}: {why}", file=sys.stderr)
    print(
        f"{report.path}: {report.notes} notes on {len(report.structures)} structures, "
        f"{report.images} images"
        + (f"; {report.skipped} notes left out (no image)" if report.skipped else "")
        + (f"; {len(report.unaskable)} cards left out that the data cannot make a question of "
           f"(first: {next(iter(report.unaskable.values()))}; run 'calfexplorer validate')"
           if report.unaskable else "")
    )
    return 0
