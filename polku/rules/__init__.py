"""The business rules between a record's values, one module per subject, each a function of
plain values: the import (polku/ingest/planning.py) and the forms (polku/forms.py) call them
and say the findings where the user will see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """A broken rule: the catalog `key` and its `params`, said at the first of `fields` the
    user gave (a file may lack a column), else at the last."""

    fields: tuple[str, ...]
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    warning: bool = False

    def where(self, present: set[str]) -> str:
        return next((name for name in self.fields if name in present), self.fields[-1])
