"""One VTK actor per structure: its mapper, its material, and its style of the moment handed to
the fragment shader as uniforms (so a restyle never rebuilds shaders or vertex buffers)."""

from __future__ import annotations

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

from calfexplorer.scene import style
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.region_band import FRAGMENT_IMPL as _BAND_SHADER
from calfexplorer.scene.region_band import init_band
from calfexplorer.scene.styling import DrawnStyle

#: Depth offsets (factor, units) that draw attachment patches in front of their bone; a lit
#: patch sits further forward, so other muscles' faded patches on the same spot (the calcaneal
#: tuberosity carries five) cannot blend over it.
SITE_OFFSET = (-2.0, -8.0)
LIT_SITE_OFFSET = (-3.0, -24.0)
#: A lit patch is drawn as if this much (metres) nearer the eye: the ends of its own selected
#: muscle that lie on it or sink into the bone there do not hide the origin or insertion.
#: (VTK's offset units are 1/65000 of the depth range, so they once did this by accident, as
#: far as the loose clipping range of the time stretched them; see renderers.CLIPPING_SLACK.)
LIT_SITE_PULL = 0.02

#: Vertex shader code of a patch: its depth taken from the point ``csPull`` (metres) nearer
#: the eye on the same line of sight (so it covers the same pixels). Only MCDCMatrix is sure
#: to be declared (an unlit merged actor has no MCVCMatrix): the eye is the model point that
#: it sends to w = 0 (rigid placements, and a vertex buffer shifted but not scaled: model units
#: are metres).
_PULL_SHADER = """//VTK::PositionVC::Impl
  if (csPull > 0.0) {
    vec4 pullEye = inverse(MCDCMatrix) * vec4(0.0, 0.0, 1.0, 0.0);
    if (abs(pullEye.w) > 1e-12) {
      vec3 pullFrom = pullEye.xyz / pullEye.w;
      vec3 pullTo = vertexMC.xyz / vertexMC.w - pullFrom;
      float pullD = length(pullTo);
      vec4 pullDC = MCDCMatrix * vec4(pullFrom + pullTo * max(pullD - csPull, 0.0) / pullD, 1.0);
      gl_Position.z = max(pullDC.z / pullDC.w, -0.9999) * gl_Position.w;  // (not past near)
    }
  }
"""

#: The attribute of an actor's Python object holding the style its uniforms were last given
#: (:func:`apply_uniforms`, the only code that sets them).
_LAST_STYLE = "_calfexplorer_style"
#: ... and the one holding its fragment shader's custom uniforms (asked of VTK once: two calls
#: through the wrapper each time, for ~300 actors and twins a selection restyles).
_UNIFORMS = "_calfexplorer_uniforms"

#: Appended to VTK's colour code in the fragment shader: the style of the moment, as uniforms.
_STYLE_SHADER = """//VTK::Color::Impl
  if (csOverride > 0.5) {
    ambientColor = csAmbient * csColor;
    diffuseColor = csDiffuse * csColor;
  }
  opacity = opacity * csOpacity;
""" + _BAND_SHADER


def material(info: StructureInfo) -> style.Material:
    """The material a structure's kind is drawn in."""
    return style.MATERIALS.get(info.kind, style.MATERIALS["other"])


def make_actor(data: MeshData, info: StructureInfo) -> vtkActor:
    """An actor drawing ``data`` in the plain style of the structure ``info`` describes.

    A muscle whose mesh knows its belly is painted belly to tendon (see :func:`paint_belly`).
    """
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(data.polydata)
    # No pipeline feeds the polydata (MeshData changes it in place and marks it modified):
    # skipping the pipeline check saves each actor a little per frame and per bounds query.
    mapper.StaticOn()
    mapper.ScalarVisibilityOff()
    # vertex buffers in model coordinates as they are: the band of a selected space (see
    # region_band) is given in them (metres near the origin lose nothing in float32)
    mapper.SetVBOShiftScaleMethod(vtkPolyDataMapper.DISABLE_SHIFT_SCALE)
    if info.is_site:
        # Patches lie on the bone surface: draw them in front of it.
        mapper.SetResolveCoincidentTopologyToPolygonOffset()
        mapper.SetRelativeCoincidentTopologyPolygonOffsetParameters(*SITE_OFFSET)
    if is_painted(data, info):
        paint_belly(data, mapper)
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetInterpolationToPhong()
    # Every mesh is closed (or, for patches, faces outwards from its bone), so its far side
    # is never seen: skipping it draws a frame about a third faster in software OpenGL,
    # and a see-through surface shows only its near side (no muddy double layers).
    prop.BackfaceCullingOn()
    mat = material(info)
    prop.SetAmbient(mat.ambient)
    prop.SetDiffuse(mat.diffuse)
    prop.SetSpecular(mat.specular)
    prop.SetSpecularPower(mat.specular_power)
    prop.SetColor(*mat.color)
    # Colour and opacity per state come in as uniforms (see apply_uniforms); the property
    # keeps the material and never changes.
    actor.GetShaderProperty().AddFragmentShaderReplacement(
        "//VTK::Color::Impl", True, _STYLE_SHADER, False
    )
    apply_uniforms(actor, DrawnStyle(mat.color, 1.0, mat.ambient, mat.diffuse, True))
    init_band(actor)
    if info.is_site:
        mapper.SetVBOShiftScaleMethod(vtkPolyDataMapper.AUTO_SHIFT)  # (see _PULL_SHADER)
        actor.GetShaderProperty().AddVertexShaderReplacement(
            "//VTK::PositionVC::Impl", True, _PULL_SHADER, False
        )
        set_site_offset(actor, False)
    return actor


def is_painted(data: MeshData, info: StructureInfo) -> bool:
    """Whether :func:`make_actor` paints this mesh belly to tendon."""
    return info.kind == "muscle" and data.belly is not None


def paint_belly(data: MeshData, mapper: vtkPolyDataMapper) -> None:
    """Per-vertex colour from fleshy belly (muscle red) to tendon (silver-white)."""
    if data.belly is None:  # (not painted: see is_painted)
        return
    belly = np.clip(data.belly, 0.0, 1.0)[:, None]
    muscle = np.asarray(style.MATERIALS["muscle"].color)
    tendon = np.asarray(style.MATERIALS["tendon"].color)
    # four bytes a vertex (opaque): VTK draws them as they are, where it copies three into four
    rgba = np.full((len(belly), 4), 255, np.uint8)
    rgba[:, :3] = np.round((tendon + (muscle - tendon) * belly) * 255)
    colors = numpy_to_vtk(rgba, deep=True)
    colors.SetName("tissue")
    data.polydata.GetPointData().SetScalars(colors)
    mapper.SetScalarModeToUsePointData()
    mapper.SetColorModeToDirectScalars()
    mapper.ScalarVisibilityOn()


def apply_uniforms(actor: vtkActor, drawn: DrawnStyle) -> None:
    """Hand a style to an actor's shader: only the values that differ from the style it was
    last handed (a selection fades ~200 actors and their twins, mostly changing only their
    opacity; each value set is a call into VTK)."""
    last: DrawnStyle | None = getattr(actor, _LAST_STYLE, None)
    if last == drawn:
        return
    uniforms = getattr(actor, _UNIFORMS, None)
    if uniforms is None:
        uniforms = actor.GetShaderProperty().GetFragmentCustomUniforms()
        setattr(actor, _UNIFORMS, uniforms)
    if last is None or last.color != drawn.color:
        uniforms.SetUniform3f("csColor", list(drawn.color))
    if last is None or last.plain != drawn.plain:
        uniforms.SetUniformf("csOverride", 0.0 if drawn.plain else 1.0)
    if last is None or last.ambient != drawn.ambient:
        uniforms.SetUniformf("csAmbient", drawn.ambient)
    if last is None or last.diffuse != drawn.diffuse:
        uniforms.SetUniformf("csDiffuse", drawn.diffuse)
    if last is None or last.opacity != drawn.opacity:
        uniforms.SetUniformf("csOpacity", drawn.opacity)
        actor.SetForceTranslucent(drawn.opacity < 1.0)
    setattr(actor, _LAST_STYLE, drawn)


def place_actor(actor: vtkActor, transform: np.ndarray | None) -> None:
    """Give an actor its own copy of a 4x4 placement (None: leave it where it is)."""
    if transform is None:
        return
    matrix = actor.GetUserMatrix() or vtkMatrix4x4()
    matrix.DeepCopy(np.asarray(transform, dtype=np.float64).ravel().tolist())
    actor.SetUserMatrix(matrix)


def set_site_offset(actor: vtkActor, forward: bool) -> None:
    """Draw a patch in front of its bone; ``forward`` (a lit patch): further forward,
    :data:`LIT_SITE_PULL` nearer the eye, and from behind too (seen through its faded bone,
    as from the far side of the leg)."""
    offset = LIT_SITE_OFFSET if forward else SITE_OFFSET
    actor.GetMapper().SetRelativeCoincidentTopologyPolygonOffsetParameters(*offset)
    pull = LIT_SITE_PULL if forward else 0.0
    actor.GetShaderProperty().GetVertexCustomUniforms().SetUniformf("csPull", pull)
    actor.GetProperty().SetBackfaceCulling(not forward)


