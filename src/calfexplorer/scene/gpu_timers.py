"""Turn off VTK's per-mapper GPU timers, which make software OpenGL stall and hoard memory.

VTK times a mapper's draw with an OpenGL timestamp query about once every 100 draws and asks for
the result in the same frame. To answer, Mesa's llvmpipe has to hand over the part of the frame
drawn so far. The actors made together reach that draw together (about 100 frames after start,
all in one frame), so that frame is cut into one piece per actor, and llvmpipe keeps the
frame-data blocks the pile-up needed: about 15 MiB of this scene's heap that never comes back.

The timings only steer VTK's level-of-detail actors, which this app does not use. So
:func:`silence_gpu_timers` points VTK's ``glQueryCounter`` at a function that does nothing: the
query is never issued, VTK's poll finds no result (OpenGL calls the query invalid; VTK ignores
that) and nothing is flushed. Other queries, such as depth peeling's occlusion counts, use
other entry points and are untouched.

VTK keeps OpenGL entry points in global pointers (its glad loader) and reloads them whenever a
new OpenGL context starts, so the scene calls this before every frame: when nothing was
reloaded it costs one comparison. Where VTK's loader cannot be found (other systems or builds)
it does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from pathlib import Path

_QueryCounter = ctypes.CFUNCTYPE(None, ctypes.c_uint, ctypes.c_uint)


def _skip_query(_query: int, _target: int) -> None:
    """Stands in for ``glQueryCounter``: records nothing, so nothing waits for it."""


_SKIP = _QueryCounter(_skip_query)  # kept alive: VTK holds a raw pointer to it
_SKIP_ADDRESS = ctypes.cast(_SKIP, ctypes.c_void_p).value


@cache
def _query_counter_pointer() -> ctypes.c_void_p | None:
    """VTK's global ``glQueryCounter`` pointer, or None where it cannot be found."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import vtkmodules

        found = sorted(Path(vtkmodules.__file__).parent.glob("libvtkglad*.so*"))
        if not found:
            return None
        return ctypes.c_void_p.in_dll(ctypes.CDLL(str(found[0])), "vtk_glad_glQueryCounter")
    except (OSError, ValueError, ImportError):
        return None


def silence_gpu_timers() -> bool:
    """Make VTK's timestamp queries do nothing (again, after a new context reloaded them).

    Returns whether they are silenced now; False before the first OpenGL context starts (the
    pointer is still empty) and where VTK's loader cannot be found.
    """
    pointer = _query_counter_pointer()
    if pointer is None or not pointer.value:
        return False
    if pointer.value != _SKIP_ADDRESS:
        pointer.value = _SKIP_ADDRESS
    return True
