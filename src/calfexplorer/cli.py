"""The ``calfexplorer`` command: opens the window, or runs a subcommand.

Each subcommand lives in ``calfexplorer.commands.<name>`` and exposes
``register(subparsers)``; the module is imported only when that command runs,
so ``calfexplorer --help`` and the window start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from pathlib import Path
from typing import NoReturn

from calfexplorer.views import VIEWS

#: Set to let unexpected errors end in a full traceback instead of one line.
DEBUG_ENV = "CALFEXPLORER_DEBUG"

# name -> (module, one-line help). Keep sorted.
COMMANDS: dict[str, tuple[str, str]] = {
    "build-assets": ("calfexplorer.commands.build_assets", "rebuild assets/meshes from MyoLeg"),
    "check-geometry": ("calfexplorer.commands.check_geometry", "report mesh quality per structure"),
    "export-anki": ("calfexplorer.commands.export_anki", "export a study deck as an Anki .apkg"),
    "facts": ("calfexplorer.commands.facts", "print the atlas as JSON or Markdown"),
    "get-anatomy": ("calfexplorer.commands.get_anatomy", "download BodyParts3D, build the pack"),
    "lesion": ("calfexplorer.commands.lesion", "what a nerve or root lesion takes away"),
    "lengths": ("calfexplorer.commands.lengths", "muscle-tendon lengths and moment arms"),
    "render": ("calfexplorer.commands.render", "render a view offscreen to PNG"),
    "validate": ("calfexplorer.commands.validate", "check a data folder and list every problem"),
}


class _Parser(argparse.ArgumentParser):
    """A parser whose usage errors are one line with the way on (argparse prints the whole
    usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _window_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="calfexplorer",
        description="3D anatomy explorer of the lower leg. Without a subcommand, opens the window.",
        epilog="Subcommands: "
        + "; ".join(f"{name}: {text}" for name, (_, text) in COMMANDS.items())
        + ". Run 'calfexplorer SUBCOMMAND --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"calfexplorer {_version()}")
    parser.add_argument(
        "--select", metavar="ID", help="structure to select at start, by id or name (soleus)"
    )
    parser.add_argument(
        "--view", choices=VIEWS,
        help="camera preset at start (default: the one last used, at first posterior)",
    )
    parser.add_argument("--screenshot", metavar="PNG", help="save a window screenshot and exit")
    parser.add_argument("--study", action="store_true", help="open in study mode")
    parser.add_argument("--motion", action="store_true", help="open with the motion lab shown")
    return parser


def _version() -> str:
    from calfexplorer import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    An unexpected error ends the run with one line naming it and exit status 1, never a
    traceback; ``CALFEXPLORER_DEBUG=1`` lets the traceback through for developers.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = f"calfexplorer {argv[0]}" if argv and argv[0] in COMMANDS else "calfexplorer"
    if sys.stdout is None:  # (started with stdout closed: `calfexplorer facts >&-`)
        print(f"{prog}: error: the output is closed; send it to a file or a pipe",
              file=sys.stderr)
        return 1
    _replace_unwritable_characters()
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        _silence_stdout()
        return 0
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"{prog}: error: {_describe(exc)} (set {DEBUG_ENV}=1 for details)", file=sys.stderr)
        return 1


def _replace_unwritable_characters() -> None:
    """A character the terminal's encoding lacks prints as '?' instead of failing the command
    (`lengths` on a latin-1 terminal stopped at the first '\u2020')."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


def _run(argv: list[str]) -> int:
    if argv and argv[0] in COMMANDS:
        name = argv.pop(0)
        module = importlib.import_module(COMMANDS[name][0])
        parser = _Parser(prog=f"calfexplorer {name}", description=COMMANDS[name][1])
        module.register(parser)
        args = parser.parse_args(argv)
        from calfexplorer.commands import data_folder_problem
        from calfexplorer.paths import forget_unusable_folders, unusable_folders

        if problem := data_folder_problem(os.environ.get("CALFEXPLORER_DATA_DIR") or None):
            # (check-geometry said only that 200 meshes had no structure; lengths that soleus
            # had no model path)
            print(f"calfexplorer {name}: error: CALFEXPLORER_DATA_DIR: {problem}",
                  file=sys.stderr)
            return 2

        forget_unusable_folders()  # (what this command finds, not an earlier one in-process)
        _stop_like_ctrl_c()
        code = int(module.run(args) or 0)
        for note in unusable_folders():  # (the command did without it: said once, at the end)
            print(f"calfexplorer {name}: warning: {note}", file=sys.stderr)
        return code
    if argv and not argv[0].startswith("-"):  # ("unrecognized arguments: bogus" before)
        from calfexplorer.atlas.messages import did_you_mean

        near = did_you_mean(argv[0], sorted(COMMANDS))
        print(f"calfexplorer: error: unknown command '{argv[0]}'{near}; commands: "
              f"{', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    args = _window_parser().parse_args(argv)
    _leave_at_once_on_ctrl_c("calfexplorer")
    from calfexplorer.ui.app import run_app

    return run_app(args, argv)


def _stop_like_ctrl_c() -> None:
    """A kill (SIGTERM) or a closed terminal (SIGHUP) stops a command as Ctrl+C does, so its
    clean-up runs: killed, get-anatomy left its worker processes running for minutes and a
    half-built pack folder behind."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.default_int_handler)


def _leave_at_once_on_ctrl_c(prog: str) -> None:
    """Ctrl+C ends the process at once with one line and status 130.

    For the window's start only: a KeyboardInterrupt raised inside PySide6's own start-up code
    (its signature loader) printed a traceback and aborted, or left Qt half-imported so that
    the start failed with an unrelated AttributeError. The window has nothing to clean up yet.
    """
    import signal

    def leave(_number: int, _frame: object) -> None:
        sys.stderr.write(f"{prog}: interrupted\n")
        sys.stderr.flush()
        os._exit(130)

    signal.signal(signal.SIGINT, leave)


def _describe(exc: BaseException) -> str:
    """One line: the error's text (and kind where the text alone would be unclear)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, FileExistsError | NotADirectoryError) and exc.filename:
        from calfexplorer.paths import folder_problem

        return f"{exc.filename} cannot be made a folder: {folder_problem(Path(exc.filename), exc)}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
