"""What an anatomy pack's manifest holds beyond any mesh folder's (:mod:`calfexplorer.assets`
checks that part): the version of the program that wrote it, and the pack's own sections in
the shape the build writes them. Checked when the pack is loaded, so that a hand-edited or
foreign manifest is refused naming the field, instead of failing later in what reads it."""

from __future__ import annotations

from typing import Any

#: The pack format this program writes; a pack of a later major version is refused.
PACK_VERSION = "1.0.0"

#: The pack's own sections and what each must be.
_SECTIONS: dict[str, type] = {
    "without_mesh": dict,
    "attachment_sites": dict,
    "routes": dict,
    "registration": dict,
    "attribution": dict,
    "refused": list,
}


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return str(value).lower()
    return "null" if value is None else "a number"


def _major(version: str) -> int | None:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def pack_manifest_problem(doc: dict[str, Any]) -> str | None:
    """What about a pack's parsed manifest (already of a mesh folder's shape) this program
    cannot use, naming the field (None: fine)."""
    generator = doc.get("generator", {})
    version = generator.get("version") if isinstance(generator, dict) else None
    if not isinstance(version, str) or _major(version) is None:
        return f"'generator.version' must be a version number, not {version!r}"
    if _major(version) > _major(PACK_VERSION):  # type: ignore[operator]
        return (f"it was made by a newer CalfExplorer (pack version {version}; this one "
                f"reads version {PACK_VERSION.split('.')[0]} packs)")
    for key, kind in _SECTIONS.items():
        if key in doc and not isinstance(doc[key], kind):
            return f"'{key}' must be {_json_kind(kind())}, not {_json_kind(doc[key])}"
    for sid, why in doc.get("without_mesh", {}).items():
        if not isinstance(why, str):
            return f"'without_mesh.{sid}' must be text, not {_json_kind(why)}"
    for sid, route in doc.get("routes", {}).items():
        if not isinstance(route, dict):
            return f"'routes.{sid}' must be an object, not {_json_kind(route)}"
    without_patch = doc.get("attachment_sites", {}).get("without_patch", {})
    if not isinstance(without_patch, dict):
        return ("'attachment_sites.without_patch' must be an object, not "
                f"{_json_kind(without_patch)}")
    return None
