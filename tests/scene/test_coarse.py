"""Coarse twins: a quarter of a mesh's triangles, drawn for the faded rest around a selection."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.mesh import volume
from calfexplorer.geometry.mesh_graph import face_edges
from calfexplorer.geometry.sweep import coarse_faces, sweep_layout, tube_faces
from calfexplorer.scene.coarse import coarse_mesh, coarse_tube, decimated, tube_shape


def _tube(stations: int = 24, ring: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """A closed cylinder of radius 1 and height 2, built like the swept structures."""
    z = np.linspace(-1.0, 1.0, stations)
    theta = 2 * np.pi * np.arange(ring) / ring
    side = np.stack(
        [np.cos(theta)[None, :].repeat(stations, 0), np.sin(theta)[None, :].repeat(stations, 0),
         z[:, None].repeat(ring, 1)], axis=-1,
    ).reshape(-1, 3)
    vertices = np.vstack([side, [[0, 0, -1.0], [0, 0, 1.0]]]).astype(np.float32)
    return vertices, tube_faces(stations, ring)


def _edges_shared_twice(faces: np.ndarray) -> bool:
    edges = np.sort(face_edges(faces), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return bool((counts == 2).all())


def test_a_swept_tube_is_recognised_and_other_meshes_are_not():
    vertices, faces = _tube(24, 16)
    assert tube_shape(len(vertices), faces) == (24, 16)
    assert tube_shape(len(vertices), faces[::-1]) is None
    assert tube_shape(len(vertices) + 1, faces) is None


def test_a_coarse_tube_keeps_every_other_station_and_ring_vertex_and_stays_closed():
    vertices, faces = _tube(25, 16)
    normals = vertices.copy()
    belly = np.linspace(0, 1, len(vertices)).astype(np.float32)
    twin = coarse_tube(vertices, normals, belly, 25, 16)
    assert twin is not None and twin.index is not None
    assert len(twin.faces) < len(faces) / 3.5
    np.testing.assert_array_equal(twin.vertices, vertices[twin.index])
    np.testing.assert_array_equal(twin.belly, belly[twin.index])
    assert _edges_shared_twice(twin.faces)  # watertight: no holes for the see-through look
    # both ends kept: the twin is as long as the tube, and about as big (an octagon in a circle)
    assert twin.vertices[:, 2].min() == -1.0 and twin.vertices[:, 2].max() == 1.0
    assert 0.85 < volume(twin.vertices, twin.faces) / volume(vertices, faces) <= 1.0


def test_other_meshes_are_decimated_to_about_a_quarter():
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=4)
    twin = decimated(sphere.vertices.astype(np.float32), sphere.faces)
    assert twin is not None and twin.index is None
    assert 0.15 < len(twin.faces) / len(sphere.faces) < 0.35
    assert abs(volume(twin.vertices, twin.faces) / sphere.volume - 1.0) < 0.05


def test_small_meshes_get_no_twin():
    import trimesh

    small = trimesh.creation.icosphere(subdivisions=2)  # 320 triangles
    assert coarse_mesh(small.vertices, small.faces, small.vertex_normals, None) is None


def test_a_decimated_twin_shades_each_vertex_as_its_nearest_full_vertex():
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=4)
    vertices = sphere.vertices.astype(np.float32)
    belly = np.arange(len(vertices), dtype=np.float32)  # (each shade names its vertex)
    twin = decimated(vertices, sphere.faces, belly)
    assert twin is not None and twin.belly is not None
    gaps = np.linalg.norm(twin.vertices[:, None, :] - vertices[None, :, :], axis=2)
    taken = gaps[np.arange(len(gaps)), twin.belly.astype(int)]
    np.testing.assert_allclose(taken, gaps.min(axis=1), atol=1e-6)  # (ties either way)


def test_decimating_a_shaded_mesh_leaves_scipy_unimported():
    """The window decimates two muscles' twins after its first frame; SciPy imported for that
    alone held ~30 MiB for as long as the window ran (and stalled it ~0.6 s)."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from calfexplorer.geometry.sweep import tube_faces\n"
        "from calfexplorer.scene.coarse import decimated\n"
        "t = np.linspace(0, 2 * np.pi, 40, endpoint=False)\n"
        "z = np.linspace(-1, 1, 30)\n"
        "v = np.stack([np.cos(t)[None].repeat(30, 0), np.sin(t)[None].repeat(30, 0),\n"
        "              z[:, None].repeat(40, 1)], -1).reshape(-1, 3)\n"
        "v = np.vstack([v, [[0, 0, -1], [0, 0, 1]]]).astype(np.float32)\n"
        "assert decimated(v, tube_faces(30, 40), v[:, 2].copy()).belly is not None\n"
        "print('scipy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def _slipped_sheet(stations: int = 21, ring: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """A flat sheet swept like the plantar aponeurosis, splitting into three slips at its
    far end (geometry.slips' faces)."""
    from calfexplorer.geometry import slips
    from calfexplorer.geometry.params import SweepSpec

    spec = SweepSpec(id="sheet", kind="tendon", layer="deep", sources=(), stations=stations,
                     ring=ring, slips=(0.5, 0.1, (1 / 3, 2 / 3), (1.0, 0.9, 0.8)))
    z = np.linspace(0.0, 1.0, stations)
    across = slips.across(ring)
    upper = np.arange(ring) <= ring // 2
    ring_xy = np.stack([across, np.where(upper, 0.05, -0.05)], axis=1)
    side = np.concatenate([np.repeat(ring_xy[None], stations, 0),
                           np.repeat(z[:, None, None], ring, 1)], axis=2).reshape(-1, 3)
    vertices = np.vstack([side, [[0.5, 0, 0.0], [0.5, 0, 1.0]]]).astype(np.float32)
    first_cap = tube_faces(stations, ring)[2 * ring * (stations - 1):][:ring]
    return vertices, slips.slip_faces(spec, stations, ring, first_cap)


def _turned_to_least_first(faces: np.ndarray) -> set[tuple[int, ...]]:
    """The triangles, each turned to start at its least vertex (same triangle, same winding)."""
    return {tuple(int(x) for x in np.roll(f, -int(np.argmin(f)))) for f in faces}


def test_a_plain_tube_s_faces_carried_onto_its_coarse_vertices_are_the_coarse_tube_s():
    vertices, faces = _tube(25, 16)
    assert sweep_layout(len(vertices), faces) == (25, 16)
    carried = coarse_faces(faces, 25, 16)
    thinned = sweep.coarse_tube(25, 16)
    assert carried is not None and thinned is not None
    assert _turned_to_least_first(carried) == _turned_to_least_first(thinned[1])


def test_a_tube_split_into_slips_gets_a_closed_twin_that_follows_its_poses():
    vertices, faces = _slipped_sheet()
    assert tube_shape(len(vertices), faces) is None  # not a plain tube's faces
    assert sweep_layout(len(vertices), faces) == (21, 48)
    twin = coarse_mesh(vertices, faces, vertices.copy(), None)
    assert twin is not None and twin.index is not None  # it follows poses, not only rigidly
    assert len(twin.faces) < len(faces) / 3
    assert twin.faces.max() < len(twin.vertices)
    assert _edges_shared_twice(twin.faces)  # closed: no holes in the see-through look
    drawn = twin.vertices[np.unique(twin.faces)]
    assert drawn[:, 2].max() == 1.0  # as long as the sheet
    # still split: past the fork no triangle bridges a cut between two slips
    corners = twin.vertices[twin.faces]
    split = corners[:, :, 2].min(axis=1) > 0.55
    lo, hi = corners[split, :, 0].min(axis=1), corners[split, :, 0].max(axis=1)
    for cut in (1 / 3, 2 / 3):
        assert not ((lo < cut) & (hi > cut)).any()
    assert ((lo > 2 / 3) | (hi < 1 / 3)).any() and ((lo > 1 / 3) & (hi < 2 / 3)).any()
