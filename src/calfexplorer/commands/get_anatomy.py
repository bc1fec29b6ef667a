"""``calfexplorer get-anatomy``: download BodyParts3D and build the anatomy pack."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from calfexplorer.commands.status_line import StatusLine


def register(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--from", dest="source", type=Path, metavar="PATH",
                        help="build from this isa_BP3D_4.0_obj_99.zip (the mapping tables beside "
                             "it or inside it) or from an unpacked folder with the tables, "
                             "instead of downloading")
    parser.add_argument("--base-url", metavar="URL",
                        help="folder to download from (default: the official BodyParts3D "
                             "archive; also CALFEXPLORER_ANATOMY_URL)")
    parser.add_argument("--sha256", metavar="HEX", type=_sha256_hex,
                        help="expected SHA-256 of the zip (default: that of the official 4.0 "
                             "release); the size is then taken from the server")
    parser.add_argument("--keep", action="store_true",
                        help="keep the downloaded zip after a successful build")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def _sha256_hex(text: str) -> str:
    """argparse type: 64 hexadecimal digits (a leading "sha256:" is allowed), lower case."""
    digest = text.strip().lower().removeprefix("sha256:").strip()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a SHA-256: give its 64 hexadecimal digits")
    return digest


class ProgressLine:
    """The download's progress: size, share and rate (see :class:`StatusLine`)."""

    def __init__(self, name: str, stream: TextIO | None = None) -> None:
        self.name = name
        self.line = StatusLine(stream)
        self.t0 = time.perf_counter()
        self.start: int | None = None

    def __call__(self, done: int, total: int | None) -> None:
        """Show ``done`` of ``total`` bytes."""
        if self.start is None:
            self.start = done
        rate = (done - self.start) / max(time.perf_counter() - self.t0, 1e-6) / 1e6
        size = f"{done / 1e6:.1f} / {total / 1e6:.1f} MB ({100 * done / total:.0f} %)" if total \
            else f"{done / 1e6:.1f} MB"
        self.line.show(f"{self.name}: {size}, {rate:.1f} MB/s", final=done == total)

    def end(self) -> None:
        """End the line where the download stopped short (an error or Ctrl+C follows)."""
        self.line.end()


def run(args: argparse.Namespace) -> int:
    """Download (or take --from) the archive, build the pack, print the registration errors."""
    from calfexplorer.anatomy.errors import AnatomyError

    download_only = [o for o, v in (("--base-url", args.base_url), ("--sha256", args.sha256),
                                    ("--keep", args.keep)) if v]
    if args.source is not None and download_only:  # (they were ignored without a word)
        *rest, last = download_only
        named = f"{', '.join(rest)} and {last}" if rest else last
        print(f"calfexplorer get-anatomy: error: {named} "
              f"{'is' if len(download_only) == 1 else 'are'} for a download; --from builds "
              "from the given file or folder as it is", file=sys.stderr)
        return 2
    try:
        return _run(args)
    except AnatomyError as exc:
        print(f"calfexplorer get-anatomy: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        kept = "" if getattr(args, "source", None) else (
            " and a partial download is kept to resume")
        print("calfexplorer get-anatomy: cancelled; the previous anatomy pack (if any) is "
              f"unchanged{kept}", file=sys.stderr)
        return 130
    except OSError as exc:
        from calfexplorer.anatomy.disk import is_disk_full

        what = "the disk is full" if is_disk_full(exc) else (exc.strerror or str(exc))
        where = f": {exc.filename}" if exc.filename else ""
        print(f"calfexplorer get-anatomy: error: {what}{where}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    from calfexplorer.anatomy import download
    from calfexplorer.anatomy.install import install_pack
    from calfexplorer.paths import anatomy_pack_dir

    say = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    progress = None if args.quiet else ProgressLine(download.ARCHIVE)
    try:
        report = install_pack(args.source, base=args.base_url, sha256=args.sha256,
                              keep=args.keep, say=say, progress=progress)
    finally:
        if progress is not None:
            progress.end()
    pack = anatomy_pack_dir()
    print(f"built {report.meshes} meshes into {pack} in {report.seconds:.1f} s")
    for name, fit in report.fits.items():
        print(f"  {name:<13} scale {fit.scale * 1000:.3f}  surface error {fit.mean_mm:4.1f} mm "
              f"mean, {fit.p95_mm:4.1f} mm p95")
    for bone, why in report.unmatched_pieces.items():
        print(f"  {bone}: its pieces do not match the built-in bone's ({why}); its attachment "
              "sites were projected to the nearest point of the pack bone")
    for r in report.refused:
        print(f"  refused {r.fj} (listed for {r.structure}): {r.reason}")
    print(f"  {len(report.without_mesh)} atlas structures have no BodyParts3D mesh and keep the "
          "built-in one")
    if report.projected:
        print(f"  {len(report.projected)} of {report.sites} attachment patches are only projected "
              "onto the pack bone (no BodyParts3D tissue meets it there):")
        for sid, why in report.projected.items():
            print(f"    {sid}: {why}")
    return 0

