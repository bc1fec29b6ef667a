"""Build hook: bundle the top-level data/ and assets/meshes/ into the wheel.

In a checkout the app reads them in place (calfexplorer.paths); an installed wheel finds them
under calfexplorer/_bundled/ through importlib.resources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
BUNDLES = {"data": ROOT / "data", "meshes": ROOT / "assets" / "meshes"}


class BuildWithData(build_py):
    """Copies the knowledge base and meshes into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "calfexplorer" / "_bundled"
        for name, source in BUNDLES.items():
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
