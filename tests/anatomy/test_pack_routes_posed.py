"""The nerves and vessels the BodyParts3D leg keeps from the built-in one (BodyParts3D lacks
them), routed beside the pack's muscles at build time, checked where the window draws them: in
every preset pose, posed as the window poses the leg (the pack's soft tissue by its binding,
the kept tubes by the built-in deformer).

At rest every route runs under 2 % of its length inside a pack muscle, tendon or bone it is not
meant to run inside (``within``). In the presets it does not (#12, not met): the built-in
deformer moves the tubes along the built-in model's paths, not with the pack's muscles.
Measured (share of length inside): tibial nerve 5-53 % (deep squat 53 %: soleus, tibia,
gastrocnemius), common fibular nerve 22-71 % (bent-knee calf stretch 71 %: biceps femoris),
saphenous nerve 9-31 %, soleal veins 7-61 %, fibular artery 26-47 %.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.mapping import load_mapping
from calfexplorer.anatomy.routing import Tube, inside_share, solids
from calfexplorer.geometry.mesh import Mesh, vertex_normals
from calfexplorer.geometry.params import load_params
from calfexplorer.motion.presets import PRESETS

#: Share of a route's length that may run inside the pack's tissue.
INSIDE_SHARE = 0.02
TISSUE = ("muscle", "tendon", "bone")


@pytest.fixture(scope="module")
def shares(built_pack: Path) -> dict[str, dict[str, float]]:
    """Preset -> route -> share of its length inside pack tissue it should not run inside."""
    from calfexplorer.anatomy.leg_poser import PackLegPoser

    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    pack = leg.pack
    routes = pack.manifest["routes"]
    specs = {s.id: s for s in load_params().sweeps}
    mapping = load_mapping()
    poser = PackLegPoser(leg)
    out: dict[str, dict[str, float]] = {}
    for preset in PRESETS:
        posed = poser({j: getattr(preset.pose, j) for j in ("knee", "ankle", "subtalar",
                                                            "toes")})
        tissue = {}
        for sid, m in pack.meshes.items():
            if pack.kinds.get(sid) not in TISSUE:
                continue
            if sid in posed.vertices:
                v = np.asarray(posed.vertices[sid])
            else:
                t = posed.transforms[sid]
                v = (m.vertices @ t[:3, :3].T + t[:3, 3]).astype(np.float32)
            tissue[sid] = Mesh(v, m.faces, vertex_normals(v, m.faces))
        inside = solids(tissue)
        out[preset.id] = {}
        for sid in routes:
            spec, mesh = specs.get(sid), leg.meshes.get(sid)
            if spec is None or mesh is None or sid not in posed.vertices:
                continue
            tube = Tube.of(Mesh(np.asarray(posed.vertices[sid]), mesh.faces, mesh.normals),
                           spec.stations, spec.ring)
            if tube is None:
                continue
            s = mapping.structures.get(sid)
            within = set(s.within) if s else set()
            out[preset.id][sid] = sum(inside_share(
                tube.centres, {i: x for i, x in inside.items() if i not in within}).values())
    return out


def test_routes_run_beside_the_pack_at_rest(shares: dict[str, dict[str, float]]) -> None:
    rest = shares["anatomical"]
    assert {"tibial_nerve", "common_fibular_nerve", "deep_fibular_nerve"} <= set(rest)
    assert all(v < INSIDE_SHARE for v in rest.values()), rest


@pytest.mark.xfail(strict=True, reason="kept tubes follow the built-in model's paths, not the "
                   "pack's muscles (#12): up to 71 % inside in the presets")
@pytest.mark.parametrize("preset", [p.id for p in PRESETS if p.id != "anatomical"])
def test_routes_run_beside_the_pack_in_every_preset(shares: dict[str, dict[str, float]],
                                                     preset: str) -> None:
    worst = {k: round(v, 3) for k, v in shares[preset].items() if v >= INSIDE_SHARE}
    assert not worst, f"{preset}: share of length inside pack tissue {worst}"
