"""The knee x ankle grids of poses the pack learns moves in (the kept tubes', the creases'):
where a pose falls between the grid's poses."""

from __future__ import annotations

import numpy as np


def grid_cell(grid: np.ndarray, x: float) -> tuple[int, float]:
    """The cell of a grid (two or more ascending values) holding ``x``: its lower index and
    how far along it ``x`` lies (0..1, held at the grid's edges)."""
    i = int(np.clip(np.searchsorted(grid, x) - 1, 0, len(grid) - 2))
    return i, float(np.clip((x - grid[i]) / (grid[i + 1] - grid[i]), 0.0, 1.0))
