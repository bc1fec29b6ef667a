"""The pack's soleus opened over the tibial nerve's way under its tendinous arch
(:mod:`calfexplorer.anatomy.soleal_arch`): the nerve can reach the posterior tibial vessels
without running through the muscle, and the soleus still covers it from behind (#12)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.routing import solids
from calfexplorer.anatomy.soleal_arch import MUSCLE, SPAN, WAY_M
from calfexplorer.geometry.mesh import edge_report

#: The tibial nerve's radius there (m), and its room beyond that.
NERVE_M = 0.0032
ROOM_M = 0.001


@pytest.fixture(scope="module")
def soleus(built_pack: Path) -> object:
    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    return leg.pack.meshes[MUSCLE]


def _way(count: int = 41, start: float = SPAN[0]) -> np.ndarray:
    t = np.linspace(start, SPAN[1], count)
    return WAY_M[0] + t[:, None] * (WAY_M[1] - WAY_M[0])


def test_the_nerve_s_way_under_the_arch_runs_clear_of_the_soleus(soleus: object) -> None:
    # before: 40 % of this stretch lay inside the soleus, up to 8 mm deep
    solid = solids({MUSCLE: soleus})[MUSCLE]
    way = _way()
    along = (WAY_M[1] - WAY_M[0]) / np.linalg.norm(WAY_M[1] - WAY_M[0])
    across = np.linalg.svd(np.eye(3) - np.outer(along, along))[0][:, :2]
    turns = np.linspace(0.0, 2.0 * np.pi, 12, endpoint=False)
    ring = (NERVE_M + ROOM_M) * (np.cos(turns)[:, None] * across[:, 0]
                                 + np.sin(turns)[:, None] * across[:, 1])
    nerve = (way[:, None, :] + ring[None]).reshape(-1, 3)  # the nerve's surface, with room
    assert not solid.inside(way).any()
    assert not solid.inside(nerve).any()


def test_the_soleus_still_covers_the_way_from_behind(soleus: object) -> None:
    solid = solids({MUSCLE: soleus})[MUSCLE]
    way = _way(9, start=0.75)  # under the arch (medially the way enters it from the fossa)
    behind = np.linspace(0.0, 0.03, 31)  # a line of sight from behind (+y) down to the way
    for p in way:
        sight = p + np.outer(behind, [0.0, 1.0, 0.0])
        assert solid.inside(sight).any(), p


def test_the_opened_soleus_is_closed_and_keeps_its_volume(built_pack: Path,
                                                           soleus: object) -> None:
    assert edge_report(soleus.faces) == (0, 0)
    entry = json.loads((built_pack / "manifest.json").read_text())["meshes"][MUSCLE]
    assert -0.03 < entry["arch_opened"]["volume_change"] < 0.0
