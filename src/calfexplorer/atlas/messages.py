"""Plain-language messages for pydantic validation errors and unknown ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

_TYPE_NAMES = {
    dict: "a mapping",
    list: "a list",
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    type(None): "nothing (null)",
}

_EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping (key: value pairs)",
    "model_type": "a mapping (key: value pairs)",
    "model_attributes_type": "a mapping (key: value pairs)",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def type_name(value: Any) -> str:
    """How a YAML author would call the type of ``value`` ("text", "a list", ...)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def did_you_mean(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.75) -> str:
    """`` (did you mean 'x'?)`` for the closest choice (up to ``n`` of them: ``'x' or 'y'``),
    or ``""`` when none is close."""
    return suggested(difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff))


def suggested(choices: Sequence[str]) -> str:
    """`` (did you mean 'x', 'y' or 'z'?)`` for these choices, or ``""`` for none."""
    close = [f"'{c}'" for c in choices]
    if not close:
        return ""
    listed = close[0] if len(close) == 1 else ", ".join(close[:-1]) + " or " + close[-1]
    return f" (did you mean {listed}?)"


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _field_names(model: type[BaseModel], seen: set[type]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for sub in model.__subclasses__():
        names |= _field_names(sub, seen)
    return names


def all_field_names() -> set[str]:
    """Every field name of every record type (for "did you mean" on unknown fields)."""
    from calfexplorer.atlas.models import Record

    return _field_names(Record, set())


def pydantic_message(error: Mapping[str, Any], field_names: set[str],
                     owner: str | None = None, own_fields: set[str] | None = None) -> str:
    """A short, plain message for one entry of ``ValidationError.errors()``. ``owner`` names
    the kind of entry (a bone) and ``own_fields`` are its fields: a field unknown at the
    entry's top level is suggested from those alone (a bone's 'insertions' was offered a
    tendon's 'insertion')."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = error.get("loc") or ()
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        top = len(loc) == 1 and own_fields is not None
        # (a field of other kinds is no suggestion: "'clinical' (did you mean 'clinical'?)")
        pool = own_fields if top and own_fields is not None else field_names
        if hint := did_you_mean(name, pool - {name}):
            return f"unknown field '{name}'{hint}"
        if name in field_names:  # (a field of another kind of entry or item)
            where = _a(owner) if top and owner else "this item"
            return f"unknown field '{name}': {where} has none"
        return f"unknown field '{name}'"
    if kind == "missing":
        return "required field is missing"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {type_name(value)}"
    if kind == "literal_error":
        return f"invalid value {value!r}: expected {ctx.get('expected', '?')}"
    if kind == "too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern.startswith("^(C"):
            return f"'{value}' is not a spinal root such as L5 or S1"
        if pattern == r"\S":
            return "must not be empty (a name the user reads)"
        return f"'{value}' is not a valid id (use lower_snake_case, e.g. tibial_nerve)"
    if kind == "union_tag_invalid":
        return f"unknown kind '{ctx.get('tag')}': expected {ctx.get('expected_tags')}"
    if kind == "value_error":  # a rule of a record (models.py), without pydantic's prefix
        return str(ctx.get("error") or error.get("msg", kind)).removeprefix("Value error, ")
    return str(error.get("msg", kind))
