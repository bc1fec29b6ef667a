"""Images out of the scene: a full-quality frame read back as pixels or written as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkIOImage import vtkPNGWriter
from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

from calfexplorer.scene.frames import Frames
from calfexplorer.scene.renderers import Renderers


def grab(frames: Frames, renderers: Renderers, exact: bool = True) -> vtkWindowToImageFilter:
    """Render at full quality and read the image back (``exact``: see
    :meth:`~calfexplorer.scene.frames.Frames.exact_frame`)."""
    with frames.exact_frame(exact):
        image = vtkWindowToImageFilter()
        image.SetInput(renderers.window)
        image.SetInputBufferTypeToRGB()
        image.ReadFrontBufferOff()
        image.ShouldRerenderOff()
        image.Update()
    return image


def to_array(image: vtkWindowToImageFilter) -> np.ndarray:
    """A grabbed image as an (height, width, 3) uint8 array, top row first."""
    data = image.GetOutput()
    w, h, _ = data.GetDimensions()
    pixels = vtk_to_numpy(data.GetPointData().GetScalars()).reshape(h, w, -1)
    return np.ascontiguousarray(pixels[::-1, :, :3])


def pixel_at(image: np.ndarray, x: float, y: float) -> np.ndarray:
    """RGB of display pixel (x, y; origin bottom-left) in a top-row-first image."""
    h = image.shape[0]
    return image[h - 1 - int(round(y)), int(round(x))].astype(int)


def write_png(image: vtkWindowToImageFilter, path: str | Path) -> Path:
    """Write a grabbed image as a PNG (folders made as needed); returns the path. Raises
    OSError when it cannot be written (a full disk): ``path`` is then left as it was."""
    from calfexplorer.output_files import disk_full, quiet_native_stderr, replaced_when_written

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replaced_when_written(path) as scratch:
        writer = vtkPNGWriter()
        writer.SetFileName(str(scratch))
        writer.SetCompressionLevel(4)
        writer.SetInputConnection(image.GetOutputPort())
        writer.AddObserver(vtkCommand.ErrorEvent, lambda *_: None)  # (said below, in one line)
        with quiet_native_stderr():  # (libpng's own complaint)
            writer.Write()
        if code := writer.GetErrorCode():
            from vtkmodules.vtkCommonMisc import vtkErrorCode

            raise OSError(f"cannot write {path}: " + (
                disk_full(path, scratch) or vtkErrorCode.GetStringFromErrorCode(code)))
    return path
