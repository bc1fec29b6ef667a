"""Keep PySide6's import hook from filling Python's line cache with whole modules' source.

Once imported, PySide6 (shiboken's ``__feature__`` support) reads the source of every Python
module imported after it, through ``inspect.getsource``, to see whether it mentions PySide6;
``linecache`` then keeps every line of it for good. The window imports its own layers before
Qt (:func:`calfexplorer.ui.app.import_before_qt`), but numpy, SciPy and the standard library
modules it imports later still left ~6.5 million characters there (~16 MiB as Python strings).
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

_MARK = "_calfexplorer_spares_line_cache"


def spare_line_cache() -> bool:
    """From now on, drop from the line cache the source PySide6's import hook reads (what it
    decides is unchanged); True where the hook was found (PySide6 imported) and wrapped."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]  # PySide6's own
    except ImportError:
        return False
    check = getattr(feature, "_mod_uses_pyside", None)
    if not callable(check):
        return False
    if not getattr(check, _MARK, False):
        feature._mod_uses_pyside = _sparing(check)
    return True


def _sparing(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def uses_pyside(module: Any) -> Any:
        before = set(linecache.cache)
        try:
            return check(module)
        finally:
            for name in set(linecache.cache) - before:
                linecache.cache.pop(name, None)

    setattr(uses_pyside, _MARK, True)
    return uses_pyside
