"""The quadriceps' insertions on the built-in patella lie where the atlas puts them: rectus
femoris and vastus intermedius on its base, the two vasti on the upper parts of their borders,
none on the articular back face (the model's paths all end at the apex, where the four patches
lay one on another)."""

from __future__ import annotations

from calfexplorer.assets import load_assets
from patella_sites import patella_faults


def test_the_quadriceps_patches_lie_on_the_base_and_borders_of_the_patella() -> None:
    assert patella_faults(load_assets(), back_face=0.3) == []
