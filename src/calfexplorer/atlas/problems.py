"""Problems found while loading the knowledge base, each naming its file, entry and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AtlasProblem:
    """One problem in the data folder.

    Attributes
    ----------
    file:
        Path of the file relative to the data folder (``structures/leg_posterior.yaml``), or
        ``""`` for a problem with the folder as a whole.
    entry:
        The entry's id, or its position (``int``, counted from 0) when it has no usable id;
        ``None`` for a problem with the file as a whole.
    field:
        Dotted path of the field inside the entry, e.g. ``innervation.nerves[0]``; ``None`` when
        the problem is the entry (or file) itself.
    message:
        What is wrong, in words a data author understands.
    line:
        Line number in the file (1-based) where known, e.g. for malformed YAML.
    """

    file: str
    entry: str | int | None
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "data folder"]
        if self.line is not None:
            parts[0] += f", line {self.line}"
        where = []
        if isinstance(self.entry, int):
            where.append(f"entry #{self.entry}")
        elif self.entry is not None:
            where.append(f"entry '{self.entry}'")
        if self.field:
            where.append(f"field '{self.field}'")
        if where:
            parts.append(", ".join(where))
        parts.append(self.message)
        return ": ".join(parts)


def format_problems(problems: list[AtlasProblem]) -> str:
    """All problems as text, one per line (for the CLI and the start-up dialog)."""
    return "\n".join(str(p) for p in problems)


def dotted(loc: tuple[str | int, ...]) -> str:
    """Turn a location such as ``("innervation", "nerves", 0)`` into ``innervation.nerves[0]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
