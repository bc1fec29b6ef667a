"""The lesion cards' pictures (the Anki export's and the study panel's): for every lesion card,
how much of its picture the leg fills and how much shows its numb skin's tint, with the seconds
each picture took. No target: a picture must hold all of its lesion's numb skin, weak muscles
and cuts (tests/scene/test_card_pictures.py), and the leg should fill as much of it as that
allows.

Run: ``.venv/bin/python benchmarks/bench_lesion_cards.py [--model builtin|bodyparts3d]
[--size 480x600] [--out DIR]`` (``--out``: the pictures, to look at). Under ``xvfb-run`` where
there is no display.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np


def _shares(png: bytes) -> tuple[float, float]:
    """The leg's share of the picture (all but the background) and the numb tint's (green and
    blue well above red), as test_card_pictures counts them."""
    from PIL import Image

    from calfexplorer.scene import style

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    leg = np.abs(rgb / 255.0 - np.array(style.BACKGROUND)).sum(axis=-1) > 30 / 255
    numb = (rgb[..., 1] - rgb[..., 0] > 50) & (rgb[..., 2] - rgb[..., 0] > 70)
    return float(leg.mean()), float(numb.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="builtin", help="builtin or bodyparts3d")
    parser.add_argument("--size", default="480x600", help="WIDTHxHEIGHT of the pictures")
    parser.add_argument("--out", type=Path, default=None, help="save the pictures here")
    args = parser.parse_args()
    from calfexplorer.atlas import load_atlas
    from calfexplorer.scene.cards import make_card_renderer
    from calfexplorer.study.facts import StudyFacts

    width, height = (int(v) for v in args.size.split("x"))
    atlas, _ = load_atlas()
    facts = StudyFacts.with_lesions(atlas)
    render, close = make_card_renderer(atlas, (width, height), facts, args.model)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
    try:
        for key in facts.lesions:
            start = time.perf_counter()
            png = render(key)
            seconds = time.perf_counter() - start
            if png is None:
                print(f"{key:58s} no picture")
                continue
            leg, numb = _shares(png)
            print(f"{key:58s} leg {100 * leg:5.1f} %  numb tint {100 * numb:5.2f} %  "
                  f"{seconds:5.2f} s", flush=True)
            if args.out is not None:
                name = key.removeprefix("lesion:").replace(":", "_").replace("@", "_at_")
                (args.out / f"{name}.png").write_bytes(png)
    finally:
        close()


if __name__ == "__main__":
    main()
