"""Field types shared by every scenario section, and the strict base every section derives from.

A section refuses unknown keys (a misspelt setting is an error, not silently ignored, as in
FLEE's global dictionary), is frozen once validated, and its number fields refuse booleans.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _not_bool(value):
    """YAML reads yes/no/true/false as booleans; a number field must not take them as 1/0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
Whole = Annotated[int, BeforeValidator(_not_bool)]
Probability = Annotated[Number, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[Number, Field(ge=0.0)]
Positive = Annotated[Number, Field(gt=0.0)]
Day = Annotated[Whole, Field(ge=0)]
People = Annotated[Whole, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
