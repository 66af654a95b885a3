"""List rows read without pydantic's validator build: made directly, or validated by a
validator put together from the row's fields.

Building pydantic's validator for the list row costs ~90 M instructions (~25 ms: the
schema generated in Python, the plugins looked up), which the app's first page of 200
rows paid in full before anything was on screen. A row the index wrote itself
(``ProspectSummary.model_dump(mode="json")``: every field, each in its JSON form) is
made here directly (:func:`.recent.row_values` checks it); anything else — a row written
by an older qualify, edited by hand, a value of another type — returns None, and the
caller validates as before, so a broken row still gets its one-line message and a value
validation would convert or refuse is never taken as it is. Per row this costs about
what validation does: it only pays where few rows are needed (the first page).

Every row (the whole list) is validated by :func:`rows_validator`: the core schema
pydantic would generate for ``list[ProspectSummary]``, put together directly from the
model's fields (a few hundred microseconds, not ~25 ms), so validation, its errors and
the rows it makes are pydantic's own. A field of a kind it does not know returns None
and the caller builds pydantic's (tests/store compares the two).
"""

from __future__ import annotations

import types
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from pydantic_core import CoreSchema, SchemaValidator
from pydantic_core import core_schema as cs

from qualify.core.records import PartnerKind, ProspectStatus, ProspectSummary
from qualify.store.workspace.recent import FIELDS as _FIELDS
from qualify.store.workspace.recent import row_values

_KINDS = {k.value: k for k in PartnerKind}
_STATUSES = {s.value: s for s in ProspectStatus}
_set = object.__setattr__


def trusted_row(doc: Any) -> ProspectSummary | None:
    """The row ``doc`` holds when it is exactly as the index writes one, else None."""
    values = row_values(doc)
    if values is None:
        return None
    row = ProspectSummary.__new__(ProspectSummary)
    made = dict(zip(_FIELDS, values, strict=True))
    made["kind"] = _KINDS[made["kind"]]
    made["status"] = _STATUSES[made["status"]]
    # what BaseModel.model_construct sets, every field given
    _set(row, "__dict__", made)
    _set(row, "__pydantic_fields_set__", set(_FIELDS))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


def trusted_rows(docs: list[Any]) -> list[ProspectSummary] | None:
    """Every row of ``docs`` made by :func:`trusted_row`; None if any is not as written."""
    rows = []
    for doc in docs:
        row = trusted_row(doc)
        if row is None:
            return None
        rows.append(row)
    return rows


_SCHEMAS = {
    str: cs.str_schema,
    float: cs.float_schema,
    bool: cs.bool_schema,
    date: cs.date_schema,
    datetime: lambda: cs.datetime_schema(microseconds_precision="truncate"),
}


def _schema_of(annotation: Any) -> CoreSchema | None:
    """The core schema pydantic makes for a field of this type; None when not one of
    the few the list row uses."""
    if annotation in _SCHEMAS:
        return _SCHEMAS[annotation]()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        kind = "str" if issubclass(annotation, str) else None
        return cs.enum_schema(annotation, list(annotation.__members__.values()), sub_type=kind)
    if isinstance(annotation, types.UnionType) and len(annotation.__args__) == 2:
        inner = [a for a in annotation.__args__ if a is not type(None)]
        if len(inner) == 1 and (schema := _schema_of(inner[0])) is not None:
            return cs.nullable_schema(schema)
    return None


@cache
def rows_validator() -> SchemaValidator | None:
    """A validator of ``list[ProspectSummary]`` as pydantic builds it; None when the
    model has anything this does not put together (a constraint, a validator, a config)."""
    model = ProspectSummary
    if set(model.model_config) - {"extra", "defer_build"} or any(
        getattr(model.__pydantic_decorators__, kind)
        for kind in (
            "validators",
            "root_validators",
            "field_validators",
            "model_validators",
            "field_serializers",
            "model_serializers",
            "computed_fields",
        )
    ):
        return None
    fields: dict[str, cs.ModelField] = {}
    for name, field in model.model_fields.items():
        schema = _schema_of(field.annotation)
        if schema is None or field.metadata or field.alias or field.validation_alias:
            return None
        if field.default_factory is not None:
            schema = cs.with_default_schema(schema, default_factory=field.default_factory)
        elif not field.is_required():
            schema = cs.with_default_schema(schema, default=field.default)
        fields[name] = cs.model_field(schema)
    extra = model.model_config.get("extra") or "ignore"
    try:  # pydantic-core's schema API is not pydantic's: if it ever changes, build as before
        return _assembled(model, fields, extra)
    except (TypeError, ValueError, KeyError):
        return None


def _assembled(model: type[ProspectSummary], fields: dict[str, Any], extra: Any) -> Any:
    return SchemaValidator(
        cs.list_schema(
            cs.model_schema(
                model,
                cs.model_fields_schema(fields, model_name=model.__name__, extra_behavior=extra),
                custom_init=False,
                root_model=False,
                config=cs.CoreConfig(title=model.__name__, extra_fields_behavior=extra),
            )
        )
    )


__all__ = ["rows_validator", "trusted_row", "trusted_rows"]
