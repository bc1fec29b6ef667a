"""The crural fascia: the deep fascia of the leg as a see-through sleeve around its muscles,
tendons and bones between the knee joint and the ankle (the envelope the regions are built with,
so it lies just outside the four compartments it encloses). It moves rigidly with the tibia."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from calfexplorer.geometry.regions import BODY_BONE, LEG_MARGIN, Landmarks, RegionParams, envelope

#: A little outside the compartments (their surface lies 4 mm out), grooves between the
#: muscles bridged as the fascia bridges them.
SLEEVE = RegionParams(inflate=0.006, closing=0.02, band=(0.0, 0.0), triangles=4000)
#: What the sleeve wraps (not the subcutaneous nerves and veins that run on it).
WRAPPED_KINDS = ("muscle", "tendon", "bone")


def build_crural_fascia(built: Sequence[Any]) -> Any:
    """The crural fascia's :class:`~calfexplorer.geometry.build.Built` (kind "fascia", layer
    "regions") around the built structures; ``ValueError`` without the femur, tibia and talus."""
    from calfexplorer.geometry.build import Built

    marks = Landmarks.of({b.id: b.mesh for b in built})
    wrapped = [b.mesh for b in built if b.kind in WRAPPED_KINDS]
    mesh = envelope(wrapped, marks.ankle + LEG_MARGIN, marks.knee - LEG_MARGIN, SLEEVE)
    body = next((b.body for b in built if b.id == BODY_BONE), None)
    return Built("crural_fascia", "fascia", "regions", mesh, body=body)
