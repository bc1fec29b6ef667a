"""The three BodyParts3D mapping tables (tab-separated, one header line)."""

from __future__ import annotations

from dataclasses import dataclass

from calfexplorer.anatomy.errors import AnatomyError

ELEMENT_PARTS = "isa_element_parts.txt"
PARTS_LIST = "isa_parts_list_e.txt"
INCLUSION = "isa_inclusion_relation_list.txt"
TABLES = (ELEMENT_PARTS, PARTS_LIST, INCLUSION)
_COLUMNS = {ELEMENT_PARTS: 3, PARTS_LIST: 3, INCLUSION: 4}


@dataclass(frozen=True)
class Tables:
    """What the tables say: concept -> element files, concept -> English name, IS-A edges."""

    elements: dict[str, tuple[str, ...]]
    names: dict[str, str]
    parents: dict[str, tuple[str, ...]]

    def concept_name(self, concept: str) -> str:
        """The English name of a concept (its id when the tables do not name it)."""
        return self.names.get(concept, concept)


def _rows(name: str, raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AnatomyError(f"{name} is not a text table (not UTF-8)") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines or "\t" not in lines[0] or not lines[0].lower().startswith("concept id") and \
            not lines[0].lower().startswith("parent id"):
        raise AnatomyError(f"{name} does not start with the BodyParts3D header line")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cols = line.split("\t")
        if len(cols) < _COLUMNS[name] or not cols[0].strip():
            raise AnatomyError(
                f"{name} line {number} has {len(cols)} columns, expected {_COLUMNS[name]}"
            )
        rows.append([c.strip() for c in cols])
    if not rows:
        raise AnatomyError(f"{name} has a header but no rows")
    return rows


def parse_tables(raw: dict[str, bytes], looked_in: str = "") -> Tables:
    """Parse the three tables given as bytes by file name; raises AnatomyError if one is bad.
    ``looked_in`` says where a missing table was looked for."""
    missing = [n for n in TABLES if n not in raw]
    if missing:
        where = f" (looked in {looked_in})" if looked_in else ""
        raise AnatomyError(f"the mapping table {missing[0]} is missing{where}")
    elements: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for concept, name, fj, *_ in _rows(ELEMENT_PARTS, raw[ELEMENT_PARTS]):
        if not fj.startswith("FJ"):
            raise AnatomyError(f"{ELEMENT_PARTS} lists {fj!r}, which is not an element file id")
        elements.setdefault(concept, []).append(fj)
        names.setdefault(concept, name)
    for concept, _rep, en, *_ in _rows(PARTS_LIST, raw[PARTS_LIST]):
        names[concept] = en
    parents: dict[str, list[str]] = {}
    for parent, _pname, child, *_ in _rows(INCLUSION, raw[INCLUSION]):
        parents.setdefault(child, []).append(parent)
    return Tables(
        {k: tuple(dict.fromkeys(v)) for k, v in elements.items()},
        names,
        {k: tuple(v) for k, v in parents.items()},
    )
