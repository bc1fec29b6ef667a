"""What a selected space (the tarsal tunnel, the popliteal fossa) holds is lit only inside it.

No Qt. A few boxes fitted round the space's surface, one per slab of it, are handed to each
content's fragment shader as matrices from the content's model coordinates to the unit cube:
fragments inside any of them take a vivid colour of the content's kind (see
:data:`~calfexplorer.scene.style.SPACE_CONTENT_HEX`), the rest of the content keeps its own
(a tendon runs from the knee to the toes; the tunnel is a few centimetres of it). One box round
a bent space (the tarsal tunnel turns from behind the malleolus into the sole) reaches far
beyond it at the bend's outer corners; slabs cut across the space's length fit it closely.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor

from calfexplorer.scene import style

#: The boxes reach this far (metres) beyond the space's surface on every side: contents that
#: fill the space touch its walls.
BAND_MARGIN = 0.004
#: A space is lit in this many boxes: slabs of equal length cut across it (two fit the tarsal
#: tunnel best: with three or four, more of its tendons is lit beyond it).
BAND_PIECES = 2
#: Directions tried (degrees from the space's longest axis, in the plane of its two longest)
#: for the slabs' length, and for a slab's cross-section its rectangle's turns.
_SLAB_TURNS = np.radians(np.arange(0.0, 180.0, 7.5))
_RECT_TURNS = np.radians(np.arange(0.0, 90.0, 7.5))

#: Vertex shader code: the model position handed on to the fragment shader.
VERTEX_DEC = "//VTK::Clip::Dec\nout vec4 csPosMC;\n"
VERTEX_IMPL = "//VTK::Clip::Impl\n  csPosMC = vertexMC;\n"
#: Fragment shader code: the declaration, and the lighting inside the boxes (after the style's).
FRAGMENT_DEC = """//VTK::Clip::Dec
in vec4 csPosMC;
bool csInBox(mat4 toBox, vec4 pos) {
  vec4 inBox = toBox * pos;
  vec3 dist = abs(inBox.xyz / inBox.w);
  return max(dist.x, max(dist.y, dist.z)) <= 1.0;
}
"""
_ANY_BOX = " || ".join(f"csInBox(csBandMat{i}, csPosMC)" for i in range(BAND_PIECES))
FRAGMENT_IMPL = f"""
  if (csBandOn > 0.5 && ({_ANY_BOX})) {{
    ambientColor = csBandAmbient * csBandColor;
    diffuseColor = csDiffuse * csBandColor;
  }}
"""


def _to_box(axes: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """4x4 matrix taking world points to the unit cube of the box ``lo``..``hi`` along the
    rows of ``axes`` (3x3, orthonormal)."""
    mid, half = (lo + hi) / 2.0, np.maximum((hi - lo) / 2.0, 1e-6)
    to_box = np.eye(4)
    to_box[:3, :3] = axes / half[:, None]
    to_box[:3, 3] = -mid / half
    return to_box


def _principal_axes(pts: np.ndarray) -> np.ndarray:
    """The rows: ``pts``' principal axes, longest first (three even for under 3 points)."""
    centred = pts - pts.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    return np.ascontiguousarray(vectors.T[::-1])


def _slab_of(along: np.ndarray, pieces: int) -> np.ndarray:
    """Which of ``pieces`` slabs of equal length each position ``along`` (n, ...) lies in."""
    low, high = along.min(axis=0), along.max(axis=0)
    slab = (along - low) / np.maximum(high - low, 1e-12) * pieces
    return np.minimum(slab.astype(int), pieces - 1)


def _slabs(pts: np.ndarray, axes: np.ndarray, pieces: int, margin: float) -> list[np.ndarray]:
    """Boxes of the slabs of equal length along ``axes[0]`` that hold ``pts`` (at most
    ``pieces``), each the smallest of its cross-section's rectangles turned in steps about that
    axis."""
    along = pts @ axes[0]
    slab = _slab_of(along, pieces)
    order = np.argsort(slab, kind="stable")
    starts = np.flatnonzero(np.diff(slab[order], prepend=-1))
    cos, sin = np.cos(_RECT_TURNS), np.sin(_RECT_TURNS)
    turns = len(_RECT_TURNS)
    across = pts @ axes[1:].T  # (n, 2)
    # every point along the slabs' axis and across them in each turned frame, slab by slab
    spread = np.column_stack([along, across @ np.stack([np.r_[cos, -sin], np.r_[sin, cos]])])
    spread = spread[order]
    lo = np.minimum.reduceat(spread, starts, axis=0) - margin
    hi = np.maximum.reduceat(spread, starts, axis=0) + margin
    size = hi - lo
    best = (size[:, 1:turns + 1] * size[:, turns + 1:]).argmin(axis=1)
    boxes = []
    for j, k in enumerate(best):
        box_axes = np.stack([axes[0], cos[k] * axes[1] + sin[k] * axes[2],
                             -sin[k] * axes[1] + cos[k] * axes[2]])
        pick = [0, 1 + k, 1 + turns + k]
        boxes.append(_to_box(box_axes, lo[j, pick], hi[j, pick]))
    return boxes


def _slab_volumes(pts: np.ndarray, frames: np.ndarray, pieces: int, margin: float) -> np.ndarray:
    """For each frame (d, 3, 3; rows its axes) the room taken by the boxes, along its axes, of
    the ``pieces`` slabs of equal length along its first axis that hold ``pts``."""
    local = np.einsum("nk,dak->nda", pts, frames)  # (n, d, 3)
    slab = _slab_of(local[:, :, 0], pieces)
    volume = np.zeros(len(frames))
    for j in range(pieces):
        mine = (slab == j)[:, :, None]
        lo = np.where(mine, local, np.inf).min(axis=0)
        hi = np.where(mine, local, -np.inf).max(axis=0)
        size = np.where(np.isfinite(lo), hi - lo + 2 * margin, 0.0)
        volume += size.prod(axis=1)
    return volume


def band_boxes(
    vertices: np.ndarray, pieces: int = BAND_PIECES, margin: float = BAND_MARGIN
) -> np.ndarray:
    """(pieces, 4, 4) matrices taking world points to the unit cubes of boxes that together
    hold ``vertices`` (n, 3), a space's surface, ``margin`` wider on every side: slabs of equal
    length cut across the direction (in the plane of the space's two longest axes) whose slabs'
    boxes take the least room, so a bent space (the tarsal tunnel) is fitted arm by arm."""
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    if len(pts) == 0:
        raise ValueError("a space with no vertices has no band")
    axes = _principal_axes(pts)
    c, s = np.cos(_SLAB_TURNS)[:, None], np.sin(_SLAB_TURNS)[:, None]
    frames = np.stack([c * axes[0] + s * axes[1], -s * axes[0] + c * axes[1],
                       np.broadcast_to(axes[2], (len(_SLAB_TURNS), 3))], axis=1)
    best = frames[int(np.argmin(_slab_volumes(pts, frames, pieces, margin)))]
    boxes = _slabs(pts, best, pieces, margin)
    # (a slab with no vertex leaves its place to another's box: the shader tests all of them)
    return np.stack([boxes[i % len(boxes)] for i in range(pieces)])


def inside(to_box: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Which world ``points`` (n, 3) lie in the box of ``to_box`` (4x4), or in any of the
    boxes of a stack of them (k, 4, 4), as the shader decides."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    out = np.zeros(len(pts), dtype=bool)
    for box in np.asarray(to_box, dtype=np.float64).reshape(-1, 4, 4):
        local = pts @ box[:3, :3].T + box[:3, 3]
        out |= np.abs(local).max(axis=1) <= 1.0
    return out


def init_band(actor: vtkActor) -> None:
    """Give a new actor's shaders the band code, switched off."""
    prop = actor.GetShaderProperty()
    prop.AddVertexShaderReplacement("//VTK::Clip::Dec", True, VERTEX_DEC, False)
    prop.AddVertexShaderReplacement("//VTK::Clip::Impl", True, VERTEX_IMPL, False)
    prop.AddFragmentShaderReplacement("//VTK::Clip::Dec", True, FRAGMENT_DEC, False)
    uniforms = prop.GetFragmentCustomUniforms()
    uniforms.SetUniform3f("csBandColor", list(style.HIGHLIGHT.color))
    uniforms.SetUniformf("csBandAmbient", style.HIGHLIGHT.ambient)
    for i in range(BAND_PIECES):
        uniforms.SetUniformMatrix4x4(f"csBandMat{i}", np.eye(4).ravel().tolist())
    uniforms.SetUniformf("csBandOn", 0.0)


def set_band(actor: vtkActor, boxes: np.ndarray | None,
             color: style.RGB | None = None) -> None:
    """Light ``actor`` inside the boxes of ``boxes`` ((k, 4, 4), world -> unit cube; see
    :func:`band_boxes`; the first :data:`BAND_PIECES`, repeated where fewer) in ``color``
    (the highlight's when None), or nowhere (``boxes`` None). The actor's own placement is
    folded in: the shader sees model coordinates."""
    uniforms = actor.GetShaderProperty().GetFragmentCustomUniforms()
    if boxes is None:
        uniforms.SetUniformf("csBandOn", 0.0)
        return
    if color is None:
        uniforms.SetUniform3f("csBandColor", list(style.HIGHLIGHT.color))
        uniforms.SetUniformf("csBandAmbient", style.HIGHLIGHT.ambient)
    else:
        uniforms.SetUniform3f("csBandColor", list(color))
        uniforms.SetUniformf("csBandAmbient", style.SPACE_CONTENT_AMBIENT)
    placed = actor.GetUserMatrix()
    model_to_world = np.eye(4)
    if placed is not None:
        model_to_world = np.array([placed.GetElement(r, c) for r in range(4) for c in range(4)])
        model_to_world = model_to_world.reshape(4, 4)
    stack = np.asarray(boxes, dtype=np.float64).reshape(-1, 4, 4)
    for i in range(BAND_PIECES):
        # GLSL reads a mat4 column by column: hand it the transpose of the row-major product
        matrix = (stack[i % len(stack)] @ model_to_world).T
        uniforms.SetUniformMatrix4x4(f"csBandMat{i}", matrix.ravel().tolist())
    uniforms.SetUniformf("csBandOn", 1.0)


__all__ = ["BAND_MARGIN", "BAND_PIECES", "band_boxes", "init_band", "inside", "set_band"]
