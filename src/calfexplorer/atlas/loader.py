"""Read the YAML knowledge base entry by entry, collecting every problem at once.

Valid entries survive: an entry with a schema error is skipped, and an entry whose reference
does not resolve is kept without that reference. Every problem is reported.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar, overload

import yaml
from pydantic import BaseModel, ValidationError

from calfexplorer.atlas.atlas import Atlas
from calfexplorer.atlas.checks import CrossChecker
from calfexplorer.atlas.failures import LoadFailures, Namespace
from calfexplorer.atlas.files import yaml_files_in
from calfexplorer.atlas.messages import all_field_names, pydantic_message, type_name
from calfexplorer.atlas.models import STRUCTURE_MODELS, Joint, Reference, Structure
from calfexplorer.atlas.problems import AtlasProblem, dotted
from calfexplorer.atlas.yaml_io import (
    DataFileError,
    Loader,
    NotUTF8,
    load_yaml,
    read_text,
    yaml_problem,
)

_KINDS = ", ".join(STRUCTURE_MODELS)
_FIELD_NAMES: set[str] | None = None

Loc = tuple[str | int, ...]
_M = TypeVar("_M", bound=BaseModel)


class _Collector:
    """Problems of one load, with the YAML location each one points at."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.items: list[tuple[AtlasProblem, str, int | str | None, Loc]] = []

    def add(
        self,
        file: str,
        entry: str | int | None,
        loc: Loc,
        message: str,
        *,
        key: str = "",
        index: int | str | None = None,
        line: int | None = None,
    ) -> None:
        """Record a problem; ``key``/``index``/``loc`` locate it in the YAML for a line number."""
        problem = AtlasProblem(file, entry, dotted(loc) or None, message, line)
        self.items.append((problem, key, index, loc))

    def problems(self) -> list[AtlasProblem]:
        """The problems, with line numbers added where the YAML location can be found."""
        out: list[AtlasProblem] = []
        trees: dict[str, Any] = {}
        for problem, key, index, loc in self.items:
            if problem.line is None and key and index is not None:
                if problem.file not in trees:
                    trees[problem.file] = _compose(self.data_dir / problem.file)
                line = _line_of(trees[problem.file], key, index, loc)
                if line is not None:
                    problem = AtlasProblem(
                        problem.file, problem.entry, problem.field, problem.message, line
                    )
            out.append(problem)
        # Top to bottom, file by file, as an author fixes them; problems without a line first.
        return sorted(out, key=lambda p: (p.file, p.line or 0))


def _compose(path: Path) -> Any:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _line_of(root: Any, key: str, index: int | str, loc: Loc) -> int | None:
    """1-based line of ``root[key][index][loc...]``, as deep as the path goes (``index`` is a
    key where the section is a mapping of ids)."""
    node = _child(root, key)
    node = _child(node, index)
    if node is None:
        return None
    best = node
    for part in loc:
        key_node = _key_node(node, part) if isinstance(part, str) else None
        node = _child(node, part)
        if node is None:
            if key_node is not None:
                best = key_node
            break
        best = key_node if key_node is not None else node
    return best.start_mark.line + 1


def _key_node(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k
    return None


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for k, v in node.value:
            if getattr(k, "value", None) == part:
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*([a-z][a-z0-9_]*)\s*(?:#.*)?$", re.MULTILINE)


def _read_list(
    path: Path,
    rel: str,
    key: str,
    out: _Collector,
    failures: LoadFailures,
    namespace: Namespace,
    cache: bool,
) -> list[Any]:
    """The list under ``key`` in one YAML file, or ``[]`` with a problem recorded.

    A file that fails as a whole is recorded in ``failures`` with the ids it seems to define, so
    that mentions of them elsewhere are not reported once more each (its own problem covers
    them); for ``joints.yaml``, the only file of joints, every joint mention is covered.
    ``cache``: remember the parsed file (only for the app's own data folder).
    """
    text: str | None = None

    def failed(message: str, line: int | None = None) -> list[Any]:
        out.add(rel, None, (), message, line=line)
        known = text is not None and namespace != "joint"
        failures.file_failed(namespace, rel, line, _ID_LINE.findall(text or "") if known else None)
        return []

    try:
        text = read_text(path)
    except OSError as exc:
        return failed(f"cannot read file: {exc.strerror or exc}")
    except DataFileError as exc:
        if isinstance(exc, NotUTF8):
            with suppress(OSError):  # only to find the ids it defines
                text = path.read_bytes().decode("utf-8", errors="replace")
        return failed(str(exc), exc.line)
    try:
        doc = load_yaml(text, rel if cache else None)
    except yaml.YAMLError as exc:
        return failed(*yaml_problem(exc, text))
    if doc is None:
        return failed(f"file is empty (expected '{key}:' followed by a list)")
    if not isinstance(doc, dict):
        return failed(f"expected a mapping with the key '{key}', got {type_name(doc)}")
    for other in doc:
        if other != key:
            out.add(rel, None, (), f"unknown top-level key '{other}' (expected only '{key}')")
    if key not in doc:
        return failed(f"missing top-level key '{key}'")
    items = doc[key]
    if items is None:
        return []
    if not isinstance(items, list):
        return failed(f"'{key}' must be a list, got {type_name(items)}")
    return items


def _yaml_files(
    root: Path, sub: str, noun: str, out: _Collector, failures: LoadFailures, namespace: Namespace
) -> list[Path]:
    """The YAML files of ``root/sub``; a missing, unreadable or empty folder is reported
    once and leaves ``namespace`` unchecked (its ids would have been defined there)."""
    folder = root / sub
    try:
        os.scandir(folder).close()
    except FileNotFoundError:
        message, because = f"folder is missing (expected {sub}/*.yaml)", f"{sub}/ is missing"
    except OSError as exc:
        message, because = f"cannot read folder: {exc.strerror or exc}", f"{sub}/ cannot be read"
    else:
        files = yaml_files_in(folder)
        if files:
            return files
        message = f"no {noun} files found (expected {sub}/*.yaml)"
        because = f"{sub}/ holds no {noun} files"
    out.add(sub, None, (), message)
    failures.folder_failed(namespace, sub, because)
    return []


class _EntryReader:
    """Validates raw entries one by one into records, skipping duplicates and invalid ones."""

    def __init__(self, out: _Collector) -> None:
        self.out = out
        self.first_seen: dict[str, str] = {}  # id -> file
        self.invalid: set[str] = set()

    @overload
    def read(self, rel: str, key: str, index: int, raw: Any, model: type[_M]) -> _M | None: ...

    @overload
    def read(self, rel: str, key: str, index: int, raw: Any, model: None) -> Structure | None: ...

    def read(
        self, rel: str, key: str, index: int, raw: Any, model: type[BaseModel] | None
    ) -> BaseModel | None:
        global _FIELD_NAMES
        if not isinstance(raw, dict):
            self.out.add(
                rel,
                index,
                (),
                f"expected a mapping (key: value pairs), got {type_name(raw)}",
                key=key,
                index=index,
            )
            return None
        raw_id = raw.get("id")
        entry: str | int = raw_id if isinstance(raw_id, str) and raw_id else index
        if isinstance(raw_id, str) and raw_id:
            if raw_id in self.first_seen:
                self.out.add(
                    rel,
                    entry,
                    ("id",),
                    f"duplicate id '{raw_id}' (first defined in {self.first_seen[raw_id]})",
                    key=key,
                    index=index,
                )
                return None
            self.first_seen[raw_id] = rel
        owner = None  # (the kind of structure, for messages)
        if model is None:  # a structure: the model depends on its kind
            kind = raw.get("kind")
            if kind is None:
                self.out.add(
                    rel,
                    entry,
                    ("kind",),
                    f"required field is missing (one of {_KINDS})",
                    key=key,
                    index=index,
                )
                self._mark_invalid(raw_id)
                return None
            model = STRUCTURE_MODELS.get(kind) if isinstance(kind, str) else None
            owner = kind
            if model is None:
                self.out.add(
                    rel,
                    entry,
                    ("kind",),
                    f"unknown kind '{kind}' (expected one of {_KINDS})",
                    key=key,
                    index=index,
                )
                self._mark_invalid(raw_id)
                return None
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            if _FIELD_NAMES is None:
                _FIELD_NAMES = all_field_names()
            for err in exc.errors(include_url=False):
                loc = tuple(err["loc"])
                message = pydantic_message(err, _FIELD_NAMES, owner, set(model.model_fields))
                self.out.add(rel, entry, loc, message, key=key, index=index)
            self._mark_invalid(raw_id)
            return None

    def _mark_invalid(self, raw_id: Any) -> None:
        if isinstance(raw_id, str):
            self.invalid.add(raw_id)


def load_atlas(path: Path | str | None = None) -> tuple[Atlas, list[AtlasProblem]]:
    """:func:`calfexplorer.atlas.load_atlas` (served from the validated-atlas cache if current)."""
    from calfexplorer.atlas.cache import load_atlas as load

    return load(path)


def no_data_in(root: Path) -> str | None:
    """Why the folder ``root`` holds no data to load, or None when it holds YAML files."""
    if yaml_files_in(root) or any(yaml_files_in(sub) for sub in root.iterdir() if sub.is_dir()):
        return None
    return f"no data found in {root} (expected joints.yaml, references/*.yaml and " \
        "structures/*.yaml)"


def validate_folder(path: Path | str | None = None) -> tuple[Atlas, list[AtlasProblem]]:
    """Load and validate a data folder (default: the app's ``data/``), without the atlas cache.

    Never raises for bad data: returns the atlas of every valid entry and the list of every
    problem found (empty when the folder is clean).
    """
    from calfexplorer.paths import data_dir

    root = Path(path) if path is not None else data_dir()
    cache = root.resolve() == data_dir().resolve()
    out = _Collector(root)
    if not root.is_dir():
        out.add("", None, (), f"{root} not found" if not root.exists() else f"{root} is a file")
        return Atlas({}, {}, {}), out.problems()

    if (empty := no_data_in(root)) is not None:
        out.add("", None, (), empty)
        return Atlas({}, {}, {}), out.problems()

    reader = _EntryReader(out)
    failures = LoadFailures()
    joints: dict[str, Joint] = {}
    joint_index: dict[str, int] = {}
    joints_file = root / "joints.yaml"
    if joints_file.is_file():
        listed = _read_list(joints_file, "joints.yaml", "joints", out, failures, "joint", cache)
        for i, raw in enumerate(listed):
            if (j := reader.read("joints.yaml", "joints", i, raw, Joint)) is not None:
                joints[j.id] = j
                joint_index[j.id] = i
    else:
        out.add("joints.yaml", None, (), "file is missing (it lists the joints and movements)")
        failures.folder_failed("joint", "joints.yaml", "joints.yaml is missing")
    skipped = set(reader.invalid)
    for jid in reader.invalid:
        failures.entry_failed("joint", jid, "joints.yaml")

    reader.first_seen.clear()  # joint ids live in their own namespace
    reader.invalid.clear()
    references: dict[str, Reference] = {}
    for file in _yaml_files(root, "references", "reference", out, failures, "reference"):
        rel = file.relative_to(root).as_posix()
        for i, raw in enumerate(
            _read_list(file, rel, "references", out, failures, "reference", cache)
        ):
            if (r := reader.read(rel, "references", i, raw, Reference)) is not None:
                references[r.id] = r
            elif isinstance(raw, dict) and isinstance(raw.get("id"), str) and \
                    raw["id"] in reader.invalid:
                failures.entry_failed("reference", raw["id"], rel)

    reader.invalid.clear()

    reader.first_seen.clear()  # reference ids and structure ids are separate namespaces
    structures: dict[str, Any] = {}
    origin: dict[str, tuple[str, int]] = {}
    files = _yaml_files(root, "structures", "structure", out, failures, "structure")
    for file in files:
        rel = file.relative_to(root).as_posix()
        for i, raw in enumerate(
            _read_list(file, rel, "structures", out, failures, "structure", cache)
        ):
            if (s := reader.read(rel, "structures", i, raw, None)) is not None:
                structures[s.id] = s
                origin[s.id] = (rel, i)

    if files and not structures and not out.items:
        out.add("structures", None, (), "no structures defined")

    checker = CrossChecker(structures, joints, references, reader.invalid, failures)
    checked: dict[str, Any] = {}
    for sid, s in structures.items():
        rel, i = origin[sid]
        cleaned = checker.check(s)
        for loc, message in checker.take():
            out.add(rel, sid, loc, message, key="structures", index=i)
        if cleaned is not None:
            checked[sid] = cleaned
        else:
            skipped.add(sid)
    for jid, j in joints.items():
        for loc, message in checker.check_joint(j):
            out.add("joints.yaml", jid, loc, message, key="joints", index=joint_index[jid])
    for summary in failures.summaries():
        out.add(summary.file, None, (), summary.message, line=summary.line)
    return Atlas(checked, joints, references, skipped | reader.invalid), out.problems()
