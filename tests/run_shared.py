"""What the test processes of one run share, and what each keeps to itself.

With pytest-xdist (``scripts/dev.sh test`` runs the suite in several worker processes) each
worker has its own X display and user folders; work as slow as a pack build is done once per
run, in the run's shared temporary folder, whichever worker needs it first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def xdist_worker() -> str | None:
    """This process's pytest-xdist worker name (``gw0``...), or None outside a worker."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def start_own_display() -> None:
    """Set ``DISPLAY`` to an Xvfb display of this worker's own (nothing outside a worker, or
    without Linux and Xvfb): on one display two workers' windows could take each other's
    keyboard focus, which window tests wait for and press keys into. The display stops once
    this process has gone: stopped at exit, it went before Qt's and VTK's connections to it,
    and both said the X connection broke."""
    if xdist_worker() is None or not sys.platform.startswith("linux") or not shutil.which("Xvfb"):
        return
    number_r, number_w = os.pipe()
    alive_r, _alive_w = os.pipe()  # (never closed here: the kernel closes it at the very end)
    subprocess.Popen(
        ["sh", "-c", 'Xvfb -displayfd "$1" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1'
         ' & x=$!; cat >/dev/null; kill $x; wait $x', "sh", str(number_w)],
        stdin=alive_r, pass_fds=(number_w,),
    )
    os.close(number_w)
    os.close(alive_r)
    with os.fdopen(number_r) as told:  # (Xvfb writes its number once it takes connections)
        number = told.readline().strip()
    if number:
        os.environ["DISPLAY"] = f":{number}"
        os.environ.pop("WAYLAND_DISPLAY", None)


def made_once(factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """A folder ``make`` fills once per run, and what ``make`` returned (kept as JSON).

    Outside xdist the folder is this session's; in a worker it lies in the run's shared
    temporary folder, made by the first worker that asks while the others wait on a lock.
    Treat it as read-only: copy it to change it.
    """
    if xdist_worker() is None:
        folder = factory.mktemp(name)
        return folder, make(folder)
    from filelock import FileLock

    root = factory.getbasetemp().parent  # (pytest-N: this run's, shared by its workers)
    folder, record = root / name, root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not record.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # (a worker that failed making it)
            folder.mkdir()
            record.write_text(json.dumps(make(folder)), encoding="utf-8")
    return folder, json.loads(record.read_text(encoding="utf-8"))
