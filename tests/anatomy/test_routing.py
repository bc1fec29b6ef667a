"""Routing kept tubes at pack build time (anatomy.routing), on made-up input."""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.routing import Tube, _cheapest, route


def test_a_tube_with_nothing_around_it_is_not_moved() -> None:
    z = np.linspace(0.0, 0.2, 12)
    tube = Tube(np.stack([np.zeros_like(z), np.zeros_like(z), z], 1), np.full(12, 0.002), 12, 8)
    assert np.array_equal(route(tube, {}, []), np.zeros((12, 3)))


def test_the_cheapest_sequence_trades_closeness_for_smoothness() -> None:
    """Three stations, each with two places; the middle one's nearer place (cost 0) makes a
    jump both ways that costs more than taking its farther place."""
    unary = [np.array([0.0, 5.0]), np.array([0.0, 1.0]), np.array([0.0, 5.0])]
    jump = np.array([[0.0, 3.0], [3.0, 0.0]])
    step_to_first = np.array([[3.0, 0.0], [0.0, 3.0]])  # place 1 of the middle is beside 0s
    assert _cheapest(unary, [step_to_first, step_to_first.T]) == [0, 1, 0]
    assert _cheapest(unary, [jump, jump]) == [0, 0, 0]
    unary[1] = np.array([np.inf, 1.0])  # a place ruled out is never taken
    assert _cheapest(unary, [jump, jump])[1] == 1
