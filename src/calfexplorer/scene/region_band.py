"""What a selected space (the tarsal tunnel, the popliteal fossa) holds is lit only inside it.

No Qt. A box fitted round the space's surface is handed to each content's fragment shader as
a matrix from the content's model coordinates to the unit cube: fragments inside it take the
highlight colour, the rest of the content keeps its own (a tendon runs from the knee to the
toes; the tunnel is a few centimetres of it).
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingCore import vtkActor

from calfexplorer.scene import style

#: The box reaches this far (metres) beyond the space's surface on every side: contents that
#: fill the space touch its walls.
BAND_MARGIN = 0.004

#: Vertex shader code: the model position handed on to the fragment shader.
VERTEX_DEC = "//VTK::Clip::Dec\nout vec4 csPosMC;\n"
VERTEX_IMPL = "//VTK::Clip::Impl\n  csPosMC = vertexMC;\n"
#: Fragment shader code: the declaration, and the lighting inside the box (after the style's).
FRAGMENT_DEC = "//VTK::Clip::Dec\nin vec4 csPosMC;\n"
FRAGMENT_IMPL = """
  if (csBandOn > 0.5) {
    vec4 csInBand = csBandMat * csPosMC;
    vec3 csDist = abs(csInBand.xyz / csInBand.w);
    if (max(csDist.x, max(csDist.y, csDist.z)) <= 1.0) {
      ambientColor = csBandAmbient * csBandColor;
      diffuseColor = csDiffuse * csBandColor;
    }
  }
"""


def band_box(vertices: np.ndarray, margin: float = BAND_MARGIN) -> np.ndarray:
    """4x4 matrix taking world points to the unit cube of a box round ``vertices`` (n, 3),
    along their principal axes (a tunnel runs obliquely), ``margin`` wider on every side."""
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    centre = pts.mean(axis=0)
    _, _, axes = np.linalg.svd(pts - centre)  # (full: three axes even for under 3 points)
    local = (pts - centre) @ axes.T
    lo, hi = local.min(axis=0) - margin, local.max(axis=0) + margin
    mid, half = (lo + hi) / 2.0, np.maximum((hi - lo) / 2.0, 1e-6)
    to_box = np.eye(4)
    to_box[:3, :3] = axes / half[:, None]
    to_box[:3, 3] = -(axes @ centre + mid) / half
    return to_box


def inside(to_box: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Which world ``points`` (n, 3) lie in the box of ``to_box`` (as the shader decides)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    local = pts @ to_box[:3, :3].T + to_box[:3, 3]
    return np.asarray(np.abs(local).max(axis=1) <= 1.0)


def init_band(actor: vtkActor) -> None:
    """Give a new actor's shaders the band code, switched off."""
    prop = actor.GetShaderProperty()
    prop.AddVertexShaderReplacement("//VTK::Clip::Dec", True, VERTEX_DEC, False)
    prop.AddVertexShaderReplacement("//VTK::Clip::Impl", True, VERTEX_IMPL, False)
    prop.AddFragmentShaderReplacement("//VTK::Clip::Dec", True, FRAGMENT_DEC, False)
    uniforms = prop.GetFragmentCustomUniforms()
    uniforms.SetUniform3f("csBandColor", list(style.HIGHLIGHT.color))
    uniforms.SetUniformf("csBandAmbient", style.HIGHLIGHT.ambient)
    uniforms.SetUniformMatrix4x4("csBandMat", np.eye(4).ravel().tolist())
    uniforms.SetUniformf("csBandOn", 0.0)


def set_band(actor: vtkActor, to_box: np.ndarray | None) -> None:
    """Light ``actor`` inside the box of ``to_box`` (world -> unit cube), or nowhere (None).
    The actor's own placement is folded in: the shader sees model coordinates."""
    uniforms = actor.GetShaderProperty().GetFragmentCustomUniforms()
    if to_box is None:
        uniforms.SetUniformf("csBandOn", 0.0)
        return
    placed = actor.GetUserMatrix()
    model_to_world = np.eye(4)
    if placed is not None:
        model_to_world = np.array([placed.GetElement(r, c) for r in range(4) for c in range(4)])
        model_to_world = model_to_world.reshape(4, 4)
    # GLSL reads a mat4 column by column: hand it the transpose of the row-major product
    matrix = (np.asarray(to_box) @ model_to_world).T
    uniforms.SetUniformMatrix4x4("csBandMat", matrix.ravel().tolist())
    uniforms.SetUniformf("csBandOn", 1.0)


__all__ = ["BAND_MARGIN", "band_box", "init_band", "inside", "set_band"]
