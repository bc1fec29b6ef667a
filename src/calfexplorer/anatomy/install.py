"""Getting the anatomy pack: download the official archive (or take a given one), build the
pack, tidy up. One flow for ``calfexplorer get-anatomy`` and the window's dialog.

Cancelling: ``progress``, ``say`` or ``still`` may raise (KeyboardInterrupt on the command line,
:class:`~calfexplorer.anatomy.errors.Cancelled` from the window); a partial download stays to
resume, the previous pack stays as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from calfexplorer.anatomy import download
from calfexplorer.anatomy.download import Progress

if TYPE_CHECKING:  # (the pack builder, with scipy, is imported when a build starts: the
    # window's offer bar asks only the archive's size, and took 0.4 s of every start)
    from calfexplorer.anatomy.pack import BuildReport


def archive_size() -> int:
    """Bytes of the official archive (from ``data/bodyparts3d.yaml``)."""
    from calfexplorer.anatomy.mapping import load_mapping

    return int(load_mapping().source["size"])


def install_pack(source: Path | None = None, *, base: str | None = None,
                 sha256: str | None = None, keep: bool = False,
                 say: Callable[[str], None] | None = None,
                 progress: Progress | None = None,
                 still: Callable[[], None] | None = None) -> BuildReport:
    """Build the anatomy pack in the user's folder from ``source`` (a zip or an unpacked folder
    with the tables), or from a download of the official archive when ``source`` is None.

    ``sha256`` replaces the official checksum (the size is then taken from the server); the
    downloaded zip is removed after a successful build unless ``keep``. ``still`` is called
    several times a second while the build waits on worker processes. Raises AnatomyError
    (one line) or OSError on failure.
    """
    from calfexplorer.anatomy.mapping import load_mapping
    from calfexplorer.anatomy.pack import build_from
    from calfexplorer.anatomy.pack_folder import build_lock
    from calfexplorer.paths import anatomy_dir, anatomy_pack_dir

    pack = anatomy_pack_dir()
    with build_lock(pack):  # (a second window or command is told to wait)
        say = say or (lambda _m: None)
        zip_path: Path | None = None
        if source is None:
            mapping = load_mapping()
            folder = anatomy_dir() / "download"
            folder.mkdir(parents=True, exist_ok=True)
            url = download.base_url(base)
            say(f"downloading BodyParts3D 4.0 from {url}")
            download.fetch_tables(url, folder)
            zip_path = folder / download.ARCHIVE
            expected = sha256 or mapping.source["sha256"]
            if zip_path.is_file() and not download.matches(zip_path, expected):
                say(f"the zip kept in {folder} is not the expected archive: downloading it again")
                zip_path.unlink()
            if not zip_path.is_file():
                size = None if sha256 else int(mapping.source["size"])
                download.fetch(f"{url}/{download.ARCHIVE}", zip_path, expected, size, progress)
            source = zip_path
        report = build_from(Path(source).expanduser(), pack, say=say, still=still)
        if zip_path is not None and not keep:
            shutil.rmtree(zip_path.parent, ignore_errors=True)
        return report
