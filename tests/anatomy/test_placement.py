"""The pack's soft tissue lies on the bones it runs over, in the leg and in the foot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets

FOOT_BONES = ("metatarsals", "phalanges", "cuneiforms", "navicular", "cuboid")


@pytest.mark.parametrize("tendon", ["extensor_digitorum_longus", "extensor_hallucis_longus",
                                    "flexor_digitorum_longus", "flexor_hallucis_longus",
                                    "tibialis_posterior", "fibularis_longus"])
def test_tendons_in_the_foot_run_on_its_bones(built_pack: Path, tendon: str) -> None:
    pack = load_assets(built_pack)
    tree = cKDTree(np.concatenate([pack.meshes[b].vertices for b in FOOT_BONES]))
    below_ankle = pack.meshes["talus"].vertices[:, 2].min()
    v = pack.meshes[tendon].vertices
    in_foot = v[v[:, 2] < below_ankle]
    assert len(in_foot) > 50
    gap_mm = tree.query(in_foot)[0] * 1000
    # carried by the tibia's fit alone, extensor digitorum longus lay 24 mm (median) off the foot
    assert np.median(gap_mm) < 6.0, f"{tendon}: median {np.median(gap_mm):.1f} mm off the foot"
