"""Every indicator query of polku/metrics.py: each public function that takes the acting user
(the data queries), for the whole region and for one municipality."""

from __future__ import annotations

import inspect
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from polku import metrics
from polku.users import SYSTEM


@dataclass
class QueryTime:
    function: str
    scope: str
    seconds: float


def indicator_queries() -> dict[str, Callable[..., Any]]:
    """metrics.<name> for every public function with an `actor` parameter."""
    return {
        name: function
        for name, function in inspect.getmembers(metrics, inspect.isfunction)
        if function.__module__ == metrics.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    }


def _arguments(
    function: Callable[..., Any], engine: Engine, municipality: str | None, start: date, end: date
) -> dict[str, Any] | None:
    """Keyword arguments by parameter name; None when the function has no municipality but
    one is asked for (it is a region-only query)."""
    values: dict[str, Any] = {
        "db": engine,
        "actor": SYSTEM,
        "municipality": municipality,
        "as_of": end,
        "start": start,
        "end": end,
        "target_group": None,
        "since": (start,),
        "codes": [municipality] if municipality else [],
    }
    parameters = inspect.signature(function).parameters
    if municipality is not None and "municipality" not in parameters:
        return None
    return {
        name: values[name]
        for name, p in parameters.items()
        if name in values and (p.default is inspect.Parameter.empty or name == "target_group")
    }


def measure(engine: Engine, municipality: str, repeat: int) -> list[QueryTime]:
    """The median time of each indicator query, region-wide and for `municipality`."""
    project = metrics.project_info(engine)
    assert project is not None
    end = min(metrics.today(), project.end_date)
    results = []
    for name, function in sorted(indicator_queries().items()):
        for scope in (None, municipality):
            kwargs = _arguments(function, engine, scope, project.start_date, end)
            if kwargs is None:
                continue
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                function(**kwargs)
                times.append(time.perf_counter() - started)
            results.append(QueryTime(name, scope or "region", statistics.median(times)))
    return results
