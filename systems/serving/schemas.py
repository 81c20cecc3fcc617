"""Request and response models, generated from the schema saved with the model.

    numeric column      float | None, strict (a JSON string "12" is a 422, not a 12), finite
                        (NaN/Infinity literals are a 422), |x| <= schema.max_abs
    categorical column  str | None; with ``unknown="reject"`` a Literal of the training
                        categories, else any string (an unseen value is encoded as all zeros
                        and counted in /metrics)
    datetime column     str (the pipeline parses the formats it knows)
    id column           optional; ignored columns (dropped at training) optional, unused

Every feature key is required (null is a missing value the pipeline imputes): a typo'd
or forgotten key is a 422 naming it, not a silent imputation. Unknown keys are a 422 too.
Field names are ``f0, f1, ...`` with the column name as alias, so any CSV header works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from systems.core.artifact import Column, FeatureSchema


def _field(col: Column, max_abs: float) -> tuple[Any, Any]:
    if col.kind == "numeric":
        return (
            float | None,
            Field(..., alias=col.name, strict=True, allow_inf_nan=False, ge=-max_abs, le=max_abs),
        )
    if col.kind == "categorical" and col.unknown == "reject" and col.categories:
        return (Literal[tuple(col.categories)] | None, Field(..., alias=col.name))  # type: ignore[valid-type]
    return (str | None, Field(..., alias=col.name, strict=True))


@dataclass(frozen=True)
class Models:
    """The generated row model and the column order a DataFrame is built in."""

    row: type[BaseModel]
    columns: tuple[str, ...]
    id_column: str | None


def build(schema: FeatureSchema) -> Models:
    fields: dict[str, Any] = {}
    for i, col in enumerate(schema.columns):
        fields[f"f{i}"] = _field(col, schema.max_abs)
    extra = [c for c in (schema.id_column, *schema.ignored) if c]
    for j, name in enumerate(extra):
        fields[f"x{j}"] = (str | int | float | None, Field(None, alias=name))
    row = create_model(
        "PredictRequest", __config__=ConfigDict(extra="forbid", populate_by_name=False), **fields
    )
    return Models(row, tuple(schema.names), schema.id_column)


class Prediction(BaseModel):
    probability: float
    flag: bool
    threshold: float
    model_version: str
    id: str | None = None


class BatchResponse(BaseModel):
    predictions: list[Prediction]
    model_version: str
