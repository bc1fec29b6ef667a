"""A small, valid data folder built per test, which tests then break in one place."""

from __future__ import annotations

import shutil
from pathlib import Path
from textwrap import dedent, indent

from calfexplorer.atlas import Atlas, AtlasProblem, load_atlas
from calfexplorer.paths import data_dir

JOINTS = """\
joints:
  - id: ankle
    name: Ankle joint
    movements:
      - {id: plantarflexion, name: plantarflexion, opposite: dorsiflexion}
      - {id: dorsiflexion, name: dorsiflexion, opposite: plantarflexion}
  - id: knee
    name: Knee joint
    movements:
      - {id: flexion, name: flexion, opposite: extension}
      - {id: extension, name: extension, opposite: flexion}
"""

REFERENCES = """\
references:
  - id: book
    citation: An anatomy textbook.
  - id: paper
    citation: A journal article.
    kind: article
"""

BASE = """\
structures:
  - id: tibia
    kind: bone
    name: Tibia
    region: leg
    description: The shin bone.
  - id: calcaneus
    kind: bone
    name: Calcaneus
    region: foot
    description: The heel bone.
  - id: tibial_nerve
    kind: nerve
    name: Tibial nerve
    region: leg
    description: Supplies the calf.
    roots: [L4, L5, S1, S2, S3]
    course: Down the back of the leg.
    refs: [book]
  - id: deep_fibular_nerve
    kind: nerve
    name: Deep fibular nerve
    region: leg
    description: Supplies the front of the leg.
    roots: [L4, L5]
    course: Down the front of the leg.
    refs: [book]
  - id: posterior_tibial_artery
    kind: artery
    name: Posterior tibial artery
    region: leg
    description: Supplies the calf.
    course: Down the back of the leg.
    refs: [book]
"""


def muscle(
    mid: str = "soleus",
    name: str = "Soleus",
    nerve: str = "tibial_nerve",
    movement: str = "plantarflexion",
    extra: str = "",
) -> str:
    """One valid muscle entry, a list item under ``structures:``; ``extra`` adds fields.

    In a file that starts with ``structures:`` and holds this one entry, ``origins[0].bone``
    is on line 11, ``actions[0].movement`` on line 23, ``innervation.nerves`` on line 27 and
    ``extra`` starts on line 33.
    """
    text = f"""\
- id: {mid}
  kind: muscle
  name: {name}
  region: leg
  compartment: posterior_superficial
  layer: deep
  description: A calf muscle.
  origins:
    - site: soleal_line
      bone: tibia
      landmark: soleal line
      text: From the soleal line.
      refs: [book]
  insertions:
    - site: calcaneal_tuberosity
      bone: calcaneus
      landmark: calcaneal tuberosity
      text: Into the heel.
      refs: [book]
  actions:
    - joint: ankle
      movement: {movement}
      role: prime
      refs: [book]
  innervation:
    nerves: [{nerve}]
    roots: [S1, S2]
    refs: [book]
  blood_supply:
    arteries: [posterior_tibial_artery]
    refs: [book]
"""
    return indent(text + indent(dedent(extra).lstrip("\n"), "  "), "  ")


class DataFolder:
    """A data folder under ``tmp_path``: valid until a test writes something bad into it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.write("joints.yaml", JOINTS)
        self.write("references/core.yaml", REFERENCES)
        self.write("structures/base.yaml", BASE)
        self.write("structures/muscles.yaml", "structures:\n" + muscle())

    @classmethod
    def copy_of_app_data(cls, path: Path) -> DataFolder:
        """A copy of the app's own ``data/`` (its YAML files) under ``path``."""
        source = data_dir()
        shutil.copytree(
            source,
            path,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith(".yaml") and not (Path(folder) / n).is_dir()
            ],
        )
        folder = cls.__new__(cls)
        folder.path = path
        return folder

    def write(self, rel: str, text: str) -> Path:
        """Write a file (creating folders) and return its path."""
        file = self.path / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        return file

    def load(self) -> tuple[Atlas, list[AtlasProblem]]:
        """Load the folder."""
        return load_atlas(self.path)

    def messages(self) -> list[str]:
        """The problems, as the user reads them."""
        return [str(p) for p in self.load()[1]]
