"""Atlas records as plain JSON data and back, without building pydantic's validators.

The validated-atlas cache (``atlas/cache.py``) stores records this way. JSON cannot name code, so
a planted cache file can at worst hold wrong data. Records are rebuilt the way pydantic's own
pickle support (``__setstate__``) rebuilds them, without validation: that skips the validator
build (~30 ms) a start-up from the cache would otherwise pay, and is faster than
``model_construct``. Their shape is still checked: no unknown fields, every required field
present, nested records are mappings, lists are lists, leaves are text and a ``Literal`` field
holds one of its values.
Patterns (id and root syntax) are not checked again: the records were validated when stored.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from calfexplorer.atlas.models import STRUCTURE_MODELS

#: How one field's value is stored: (may be None, is a list, leaf). A leaf is a record class,
#: ``int`` for a whole number, ``float`` for a number, ``None`` for any text, or the set of
#: texts a ``Literal`` allows.
_Leaf = type[BaseModel] | type[int] | type[float] | frozenset[str] | None
_FieldPlan = tuple[bool, bool, _Leaf]
_MISSING = object()


class _Plan:
    """What :func:`load_record` needs to know about one record class."""

    def __init__(self, cls: type[BaseModel]) -> None:
        infos = cls.model_fields
        self.fields = {name: _field_plan(info.annotation) for name, info in infos.items()}
        self.required = frozenset(n for n, info in infos.items() if info.is_required())
        #: field -> default, in field order (``_MISSING`` for required fields)
        self.defaults = {
            n: _MISSING if info.is_required() else info.get_default(call_default_factory=True)
            for n, info in infos.items()
        }


_PLANS: dict[type[BaseModel], _Plan] = {}


class ShapeError(ValueError):
    """Plain data that is not the shape of the record it should become."""


def dump(record: BaseModel) -> dict[str, Any]:
    """The record as JSON-ready data: the fields it was given, recursively."""
    return record.model_dump(mode="json", exclude_unset=True)


def load_record(cls: type[BaseModel], data: Any) -> BaseModel:
    """The record of class ``cls`` that :func:`dump` gave ``data``; raises :class:`ShapeError`."""
    if not isinstance(data, dict):
        raise ShapeError(f"{cls.__name__}: expected a mapping")
    plan = _plan(cls)
    if not data.keys() <= plan.fields.keys() or not plan.required <= data.keys():
        raise ShapeError(f"{cls.__name__}: unknown or missing fields")
    values: dict[str, Any] = {}
    for name, default in plan.defaults.items():
        value = data.get(name, _MISSING)
        if value is _MISSING:  # not given: the default (a fresh list where it is one)
            values[name] = list(default) if isinstance(default, list) else default
            continue
        optional, many, leaf = plan.fields[name]
        if value is None:
            if not optional:
                raise ShapeError(f"{cls.__name__}.{name}: must not be null")
            values[name] = None
        elif many:
            if not isinstance(value, list):
                raise ShapeError(f"{cls.__name__}.{name}: expected a list")
            values[name] = [_leaf_value(leaf, v) for v in value]
        else:
            values[name] = _leaf_value(leaf, value)
    record = cls.__new__(cls)
    record.__setstate__(
        {
            "__dict__": values,
            "__pydantic_fields_set__": set(data),
            "__pydantic_extra__": None,
            "__pydantic_private__": None,
        }
    )
    return record


def load_structure(data: Any) -> BaseModel:
    """A structure record of the class its ``kind`` names; raises :class:`ShapeError`."""
    kind = data.get("kind") if isinstance(data, dict) else None
    cls = STRUCTURE_MODELS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ShapeError(f"unknown structure kind {kind!r}")
    return load_record(cls, data)


def _leaf_value(leaf: _Leaf, value: Any) -> Any:
    if leaf is int:
        if type(value) is not int:
            raise ShapeError(f"unexpected value {value!r}")
        return value
    if leaf is float:  # (a joint's normal range: JSON may write 20.0 as 20)
        if type(value) not in (int, float):
            raise ShapeError(f"unexpected value {value!r}")
        return float(value)
    if isinstance(leaf, type) and issubclass(leaf, BaseModel):
        return load_record(leaf, value)
    if not isinstance(value, str) or (isinstance(leaf, frozenset) and value not in leaf):
        raise ShapeError(f"unexpected value {value!r}")
    return value


def _plan(cls: type[BaseModel]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


def _field_plan(annotation: Any) -> _FieldPlan:
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"no plain form for {annotation!r}")
        optional, annotation = True, args[0]
    annotation = _unwrap(annotation)
    if get_origin(annotation) is list:
        return optional, True, _leaf(get_args(annotation)[0])
    return optional, False, _leaf(annotation)


def _leaf(annotation: Any) -> _Leaf:
    annotation = _unwrap(annotation)
    if annotation is str:
        return None
    if annotation is int:
        return int
    if annotation is float:
        return float
    if get_origin(annotation) is Literal and all(isinstance(a, str) for a in get_args(annotation)):
        return frozenset(get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    # A new kind of field (a number, a union of records) needs a plan of its own here.
    raise TypeError(f"no plain form for {annotation!r}")


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation
