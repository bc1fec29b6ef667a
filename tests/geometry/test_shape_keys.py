"""Shape keys of swept structures: bend, widths, and laying nerves and vessels on tissue."""

from __future__ import annotations

import numpy as np
import trimesh

from calfexplorer.geometry import sweep
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.hug import hug_shift
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.geometry.params import SweepSpec


def _ball(radius: float = 0.05) -> BoneField:
    s = trimesh.creation.icosphere(subdivisions=5, radius=radius)
    v = np.asarray(s.vertices, dtype=np.float64)
    return BoneField({"ball": Mesh(v, np.asarray(s.faces), np.asarray(s.vertex_normals))})


def test_floating_path_is_laid_on_the_tissue() -> None:
    ball = _ball()
    z = np.linspace(-0.02, 0.02, 9)
    centres = np.stack([np.full_like(z, 0.09), np.zeros_like(z), z], axis=1)  # 4 cm off
    radius = np.full(len(z), 0.003)
    moved = centres + hug_shift(ball, centres, radius, 0.0015)
    gap = np.linalg.norm(moved, axis=1) - 0.05
    assert np.all(gap[2:-2] < 0.008) and np.all(gap > 0.0)


def test_subcutaneous_path_is_lifted_out_of_tissue_and_deep_one_stays() -> None:
    ball = _ball()
    z = np.linspace(-0.01, 0.01, 7)
    centres = np.stack([np.full_like(z, 0.04), np.zeros_like(z), z], axis=1)  # 1 cm inside
    radius = np.full(len(z), 0.003)
    assert np.allclose(hug_shift(ball, centres, radius, 0.0015), 0.0)
    lifted = centres + hug_shift(ball, centres, radius, 0.0015, subcutaneous=True)
    assert np.all(np.linalg.norm(lifted, axis=1) > 0.05)


def test_bend_and_widths_shape_the_cross_section() -> None:
    spec = SweepSpec(id="t", kind="tendon", layer="tendons", sources=(), belly=(0.0, 0.0),
                     stations=11, ring=8, bend=((0.0, 0.0, 0.0), (1.0, 0.01, 0.0)),
                     widths=((0.0, 0.03, 0.006), (0.5, 0.015, 0.006), (1.0, 0.03, 0.008)))
    width, thick, _ = sweep.profile(spec)
    assert np.argmin(width[2:-2]) + 2 == 5 and abs(width[5] - 0.015) < 1e-9
    assert abs(thick[5] - 0.006) < 1e-9
    ring = sweep.ring_local(spec).reshape(11, 8, 3)
    assert abs(ring[-1, :, 1].mean() - 0.01) < 1e-9 and abs(ring[0, :, 1].mean()) < 1e-9


def test_wrap_curves_the_belly_around_its_bed() -> None:
    spec = SweepSpec(id="m", kind="muscle", layer="deep", sources=(), belly=(0.0, 1.0),
                     stations=9, ring=8, width=0.08, thickness=0.02, wrap=0.01)
    ring = sweep.ring_local(spec).reshape(9, 8, 3)[4]  # full belly; ring[0] and [4] are edges
    assert abs(ring[0, 1] + 0.01) < 1e-9 and abs(ring[4, 1] + 0.01) < 1e-9
    assert abs(ring[2, 1] - 0.01) < 1e-9  # the outer middle stays where it was


def test_fullness_pair_tapers_one_end_more() -> None:
    base = dict(id="m", kind="muscle", layer="deep", sources=(), belly=(0.0, 1.0), peak=0.5,
                stations=41, ring=8)
    even = sweep.profile(SweepSpec(**base, fullness=0.5))[2]
    tapered = sweep.profile(SweepSpec(**base, fullness=(2.0, 0.5)))[2]
    assert np.all(tapered[1:20] < even[1:20])  # slimmer above the peak
    assert np.allclose(tapered[20:], even[20:])  # unchanged below it


def test_prepend_puts_body_frame_points_before_the_model_path() -> None:
    from calfexplorer.geometry.batch import StationBatch
    from calfexplorer.geometry.params import Source
    from calfexplorer.geometry.source import body_rt, rest_pose

    rest = rest_pose()
    point = (0.012, -0.095, 0.022)
    spec = SweepSpec(id="m", kind="muscle", layer="deep", sources=(Source(actuator="tibant_r"),),
                     prepend=(("tibia_r", *point),))
    plain = SweepSpec(id="p", kind="muscle", layer="deep", sources=(Source(actuator="tibant_r"),))
    batch = StationBatch([spec, plain], rest, ("femur_r", "tibia_r", "talus_r"))
    with_pre, without = batch.polylines(rest)
    rot, pos = body_rt(rest, "tibia_r")
    assert np.allclose(with_pre[0], np.asarray(rot) @ np.asarray(point) + np.asarray(pos))
    assert np.allclose(with_pre[1:], without)
    assert batch.rest_lengths[0] > batch.rest_lengths[1]


def test_origin_patch_stays_at_the_model_attachment_when_a_belly_is_prepended() -> None:
    from calfexplorer.geometry.params import load_params
    from calfexplorer.geometry.sites import _endpoint
    from calfexplorer.geometry.source import rest_pose

    params, rest = load_params(), rest_pose()
    spec = next(s for s in params.sweeps if s.id == "tibialis_anterior")
    assert spec.prepend
    target = _endpoint("tibialis_anterior", "origin", None, params, rest, {})
    assert np.allclose(target, np.asarray(rest.muscles["tibant_r"].points)[0])
