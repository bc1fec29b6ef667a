"""A mesh's vertices as a graph (:mod:`calfexplorer.geometry.mesh_graph`): its edges, a mask
grown by rings of neighbours, and free vertices fitted to wanted edges, the rest held."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.mesh_graph import (
    EdgeFit,
    components,
    edge_divergence,
    graph_laplacian,
    grow_by_rings,
    mesh_edges,
    neighbour_average,
    neighbour_mean,
    piece_labels,
    unique_edges,
)
from calfexplorer.geometry.rotations import nearest_rotations

SIDE = 9


def _sheet(side: int = SIDE) -> tuple[np.ndarray, np.ndarray]:
    """A flat square sheet of ``side`` x ``side`` vertices, each square cut along the same
    diagonal: every inner vertex has six neighbours, as on a hexagonal lattice."""
    y, x = np.divmod(np.arange(side * side), side)
    vertices = np.stack([x, y, np.zeros_like(x)], axis=1).astype(np.float64) * 0.01
    faces = []
    for r in range(side - 1):
        for c in range(side - 1):
            a = r * side + c
            faces += [(a, a + 1, a + side + 1), (a, a + side + 1, a + side)]
    return vertices, np.array(faces)


def test_a_tetrahedrons_six_edges_once_and_both_ways() -> None:
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    once = unique_edges(faces)
    assert once.tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    both = mesh_edges(faces)
    assert len(both) == 12 and {tuple(e) for e in both} == \
        {tuple(e) for e in once} | {(j, i) for i, j in once}


def test_two_tetrahedra_and_a_lone_vertex_are_three_pieces() -> None:
    tet = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    faces = np.concatenate([tet + 5, tet])  # vertex 4 in no face
    labels = piece_labels(faces, 9)
    assert len(set(labels[:4])) == 1 and len(set(labels[5:])) == 1
    assert len({labels[0], labels[4], labels[5]}) == 3
    pieces = components(np.zeros((9, 3)), faces)
    assert sorted(p.tolist() for p in pieces) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_the_neighbour_mean_of_the_sheet_is_its_neighbours_mean() -> None:
    """The skin fit's neighbour mean and the smoothing's operator are one mean: on the sheet
    a vertex's value becomes its neighbours' mean (an inner vertex's six, a corner's two or
    three), for one column or several, the same for the edges given either way round."""
    vertices, faces = _sheet()
    edges = mesh_edges(faces)
    values = np.column_stack([vertices[:, 0], vertices[:, 1] ** 2])
    inner = (SIDE // 2) * SIDE + SIDE // 2
    corner = SIDE * SIDE - 1  # (its neighbours: the one before it and the one below)
    mean = neighbour_mean(edges, values, len(vertices))
    for v, around in ((inner, [inner - 1, inner + 1, inner - SIDE, inner + SIDE,
                               inner - SIDE - 1, inner + SIDE + 1]),
                      (corner, [corner - 1, corner - SIDE - 1, corner - SIDE])):
        assert np.allclose(mean[v], values[around].mean(axis=0), rtol=0, atol=1e-15)
    assert np.array_equal(neighbour_mean(edges, values[:, 0], len(vertices)), mean[:, 0])
    once = neighbour_average(unique_edges(faces), len(vertices)) @ values
    assert np.allclose(mean, once, rtol=0, atol=1e-15)


def test_a_mask_grows_a_ring_of_neighbours_at_a_time() -> None:
    """From the sheet's middle vertex: 1, 7, 19, 37 vertices (the hexagonal numbers), and the
    mask given is left as it was."""
    _, faces = _sheet()
    middle = np.zeros(SIDE * SIDE, bool)
    middle[(SIDE // 2) * SIDE + SIDE // 2] = True
    counts = [int(grow_by_rings(faces, middle, rings).sum()) for rings in range(4)]
    assert counts == [1, 7, 19, 37]
    assert middle.sum() == 1
    # a rim: the vertices of a region within two rings of those outside it
    inside = grow_by_rings(faces, middle, 3)
    rim = inside & grow_by_rings(faces, ~inside, 2)
    assert rim.sum() == 37 - 7 and not rim[middle].any()


def test_free_vertices_fitted_to_turned_edges_follow_the_turn() -> None:
    """The sheet's inner vertices crumpled, its border turned and held: asked for the rest
    edges turned the same way, the inner vertices come back to the turned sheet."""
    rest, faces = _sheet()
    turn = nearest_rotations(np.array([[[1.0, 0.3, 0.1], [-0.2, 1.0, 0.4], [0.0, -0.3, 1.0]]]))[0]
    turned = rest @ turn.T + [0.1, -0.2, 0.05]
    y, x = np.divmod(np.arange(len(rest)), SIDE)
    free = (x > 0) & (x < SIDE - 1) & (y > 0) & (y < SIDE - 1)
    posed = turned.copy()
    posed[free] += np.random.default_rng(0).normal(scale=0.004, size=(free.sum(), 3))
    edges = unique_edges(faces)
    fit = EdgeFit(graph_laplacian(edges, len(rest)), free, posed)
    wanted = (rest[edges[:, 0]] - rest[edges[:, 1]]) @ turn.T
    placed = fit.solve(edge_divergence(edges, wanted, len(rest)))
    assert np.array_equal(fit.at, np.flatnonzero(free))
    assert np.abs(posed[free] - turned[free]).max() > 0.005
    np.testing.assert_allclose(placed, turned[free], rtol=0, atol=1e-12)


def test_free_vertices_asked_for_shorter_edges_pull_in_between_held_ends() -> None:
    """A line of vertices held at its ends and asked for edges half their length: the
    least-squares answer spaces the free ones evenly between the held ends."""
    n = 6
    rest = np.stack([np.arange(n) * 0.01, np.zeros(n), np.zeros(n)], axis=1)
    edges = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    free = np.ones(n, bool)
    free[[0, -1]] = False
    fit = EdgeFit(graph_laplacian(edges, n), free, rest)
    wanted = 0.5 * (rest[edges[:, 0]] - rest[edges[:, 1]])
    placed = fit.solve(edge_divergence(edges, wanted, n))
    np.testing.assert_allclose(placed[:, 0], rest[1:-1, 0], rtol=0, atol=1e-12)
