"""What failed to load, so that what follows from it is reported once, not once per mention.

A file that does not load takes the ids it defines with it; every mention of them elsewhere would
otherwise be reported as unknown. The loader records here the ids a failed file seems to define
(or, when its text cannot be read at all, that nothing in its namespace can be checked); the
cross-checks ask :meth:`LoadFailures.unchecked` before calling an id unknown, and each cause gets
one summary line: "27 structure ids could not be checked because structures/nerves.yaml failed to
load".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from calfexplorer.atlas.problems import AtlasProblem

Namespace = Literal["joint", "reference", "structure"]
_WHAT: dict[str, tuple[str, str]] = {
    "joint": ("joint name", "joint names"),
    "reference": ("citation", "citations"),
    "structure": ("structure id", "structure ids"),
}


@dataclass(frozen=True)
class _Cause:
    file: str
    line: int | None
    because: str


class LoadFailures:
    """The ids and namespaces lost to files or folders that failed to load, and their mentions."""

    def __init__(self) -> None:
        self._lost: dict[tuple[str, str], _Cause] = {}
        self._blind: dict[str, _Cause] = {}
        self._unchecked: Counter[tuple[_Cause, str]] = Counter()

    def file_failed(
        self, namespace: Namespace, file: str, line: int | None, ids: Iterable[str] | None
    ) -> None:
        """``file`` did not load; ``ids`` it seems to define, or None when they cannot be known."""
        cause = _Cause(file, line, f"{file} failed to load")
        if ids is None:
            self._blind.setdefault(namespace, cause)
        for i in ids or ():
            self._lost.setdefault((namespace, i), cause)

    def entry_failed(self, namespace: Namespace, value: str, file: str) -> None:
        """The entry ``value`` of ``file`` has errors of its own and was skipped (they are
        reported at the entry; its mentions are counted once, not each called unknown)."""
        self._lost.setdefault(
            (namespace, value), _Cause(file, None, f"the entry '{value}' of {file} has errors")
        )

    def folder_failed(self, namespace: Namespace, folder: str, because: str) -> None:
        """Nothing in ``namespace`` can be checked: its folder is missing, unreadable or empty."""
        self._blind.setdefault(namespace, _Cause(folder, None, because))

    def unchecked(self, namespace: Namespace, value: str) -> bool:
        """True (and counted) when ``value`` may have been defined by something that failed."""
        cause = self._lost.get((namespace, value)) or self._blind.get(namespace)
        if cause is None:
            return False
        self._unchecked[(cause, namespace)] += 1
        return True

    def summaries(self) -> list[AtlasProblem]:
        """One problem per cause and namespace: how many mentions could not be checked."""
        out = []
        for (cause, namespace), n in self._unchecked.items():
            one, many = _WHAT[namespace]
            what = one if n == 1 else many
            message = f"{n:,} {what} could not be checked because {cause.because}"
            out.append(AtlasProblem(cause.file, None, None, message, cause.line))
        return out
