"""``--model``: which leg a command draws (the BodyParts3D pack when installed, by default)."""

from __future__ import annotations

import argparse

MODEL_CHOICES = ("bodyparts3d", "builtin")


def add_model_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--model {bodyparts3d,builtin}``."""
    parser.add_argument(
        "--model", choices=MODEL_CHOICES, default=None,
        help="the leg to draw: bodyparts3d (the realistic anatomy pack: 'calfexplorer "
             "get-anatomy') or builtin (default: the pack when it is installed)",
    )

