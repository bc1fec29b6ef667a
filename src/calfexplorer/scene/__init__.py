"""The VTK scene (no Qt): actors per structure, picking, highlight, layers, cameras, offscreen PNG.

Public API::

    from calfexplorer.scene import Scene, VIEWS

    scene = Scene(assets, atlas, state)               # offscreen window; or render_window=...
    scene.pick(x, y) -> id | None                     # display pixels, origin bottom-left
    scene.project(id) -> (x, y)                       # screen position of a structure's centre
    scene.set_view("posterior"); scene.reset_camera()
    move = scene.focus(); while move.advance(1 / 60): ...   # smooth focus on the selection
    scene.apply_pose_vertices({id: vertices})         # deform meshes in place
    scene.save_png("soleus.png", size=(800, 1000))
"""

from calfexplorer.scene.camera import VIEWS, CameraMove, CameraPose
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.scene import PICK_MIN_OPACITY, Scene

__all__ = ["PICK_MIN_OPACITY", "VIEWS", "CameraMove", "CameraPose", "Scene", "StructureInfo"]
