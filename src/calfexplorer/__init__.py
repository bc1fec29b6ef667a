"""CalfExplorer: a 3D anatomy explorer of the human lower leg."""

__version__ = "0.1.0"
