"""Lists of names as a sentence says them."""

from __future__ import annotations

from collections.abc import Sequence


def listed(names: Sequence[str], most: int | None = None) -> str:
    """``names`` joined as "A, B and C" (one: itself; none: ""); with ``most``, the first
    ``most`` of a longer list and how many more ("A, B, C and 2 more")."""
    names = list(names)
    if most is not None and len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""
