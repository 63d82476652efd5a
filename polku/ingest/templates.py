"""The import templates (CSV and workbook) and the example files."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from polku import i18n, records
from polku.config import ROOT
from polku.ingest.kinds import Kind, spec_of

SAMPLE_DIR = ROOT / "data" / "sample"


Template = str | Kind | type[records.Record]


def template_csv(kind: Template) -> bytes:
    """The kind's template: the Finnish headers, semicolon-separated, UTF-8 with BOM (Excel)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(spec_of(kind).headers)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def columns_frame(kind: Template, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The kind's columns for people: header, English name, required, what goes in (its
    description, then the form of its values)."""
    spec = spec_of(kind)
    rows = []
    for column in spec.columns:
        required = column.required or (column.name in spec.one_of)
        content = i18n.t(f"ingest.type.{column.type}", lang)
        if column.choices:
            codes = i18n.t(f"ingest.set.{column.choices}", lang)
            content = f"{content} {i18n.t('ingest.type.codes', lang, set=codes)}"
        if column.help_key:
            content = f"{i18n.t(column.help_key, lang)} — {content}"
        rows.append(
            {
                "header": column.header,
                "name": column.name,
                "required": i18n.t("ingest.yes" if required else "ingest.no", lang),
                "content": content,
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["header", "name", "required", "content"])


def template_xlsx(kind: Template, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The template as a workbook: the kind's sheet with headers, and a sheet of instructions."""
    spec = spec_of(kind)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spec.sheet
    sheet.append(spec.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(spec.headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(header) + 4)
    guide = book.create_sheet(i18n.t("ingest.template.guide", lang))
    frame = columns_frame(kind, lang)
    guide.append([i18n.t(f"ingest.template.col.{c}", lang) for c in frame.columns])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        guide.append(list(values))
    for letter, width in zip("ABCD", (26, 26, 10, 70), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sample_path(kind: str) -> Path:
    """The example file of the kind (valid, synthetic)."""
    return SAMPLE_DIR / f"{kind}.csv"
