"""PDF documents: a typst template (polku/templates/) compiled with its data as JSON.

The template reads every value from `sys.inputs.data` and sets it as text, so user text is
data, never typst markup. Charts arrive as SVG text rendered by vl-convert (no browser). Only
typst's embedded fonts are used, so the same data give the same bytes on any machine. Used by
the report to the funder (polku/report_documents.py) and the board pack (polku/board_pack.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typst
import vl_convert

TEMPLATES = Path(__file__).parent / "templates"


def compile_template(template: Path, data: dict[str, Any]) -> bytes:
    """`template` typeset with `data` (JSON-ready: formatted text, lists, SVG strings)."""
    return bytes(
        typst.compile(
            str(template),
            root=str(template.parent),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            ignore_system_fonts=True,
        )
    )


def svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as SVG, rendered by vl-convert."""
    return vl_convert.vegalite_to_svg(spec)
