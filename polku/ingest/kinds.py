"""The kinds of data an import takes, as the import reads their declarations (polku/records.py):
columns with their Finnish headers and accepted variants, types, ranges and natural keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import models
from models import metadata
from polku import i18n, records

# The order in which kinds depend on each other (a grant names a client and an employer)
IMPORT_ORDER = tuple(records.IMPORTED)
# As the CHECK constraints of models.Client and models.BonusGrant
BIRTH_YEARS = (models.BIRTH_YEAR_MIN, models.BIRTH_YEAR_MAX)
MAX_WEEKLY_HOURS = Decimal(models.MAX_WEEKLY_HOURS)
CLIENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Column:
    """A column of an import file. `name` is the canonical (English) name, `header` the
    Finnish header of the template; `aliases` are other headers accepted (compared without
    case, accents, spaces or punctuation). `db` names the column of the kind's table it
    fills directly, if any."""

    name: str
    header: str
    type: str  # text | client_code | date | decimal | int | bool | choice | choices | business_id
    aliases: tuple[str, ...] = ()
    required: bool = False  # a value on every row
    choices: str | None = None  # the code set of a choice: municipality, client_status, ...
    in_period: bool = False
    not_future: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: bool = False
    default: Any = None
    db: str | None = None
    help_key: str | None = None  # the catalog key of its description


@dataclass(frozen=True)
class Kind:
    """A kind of data: its table, columns and natural key (canonical column names)."""

    name: str
    table: str
    sheet: str  # the Finnish sheet name in workbooks (exports, templates)
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Columns of which at least one must be in the file (the employer: Y-tunnus or name)
    one_of: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def column_of(field: records.FieldDef) -> Column:
    """A field of a declaration as the import reads it: its Finnish header, and its English
    label and the declared variants as other accepted headers."""
    header = field.label("fi")
    aliases = (*field.spec.aliases, field.label("en"))
    return Column(
        field.name, header, field.type, aliases, field.required, field.spec.choices,
        field.spec.in_period, field.spec.not_future, field.minimum, field.maximum,
        field.exclusive_minimum, field.default, field.db, field.help_key,
    )  # fmt: skip


def kind_of(record: type[records.Record]) -> Kind:
    """The import's view of a declaration (polku/records.py)."""
    columns = tuple(column_of(f) for f in records.fields(record))
    sheet = i18n.t(f"kind.{record.kind}", "fi")
    return Kind(record.kind, record.table, sheet, columns, record.key, record.one_of)


KINDS: dict[str, Kind] = {name: kind_of(record) for name, record in records.IMPORTED.items()}


def spec_of(kind: str | Kind | type[records.Record]) -> Kind:
    """A kind by its name, itself, or from a declaration not imported (yet)."""
    if isinstance(kind, Kind):
        return kind
    return KINDS[kind] if isinstance(kind, str) else kind_of(kind)


KIND_NAMES = tuple(KINDS)


def normalise_header(text: str) -> str:
    """A header compared without case, accents, spaces or punctuation: "Y-tunnus" → "ytunnus"."""
    text = str(text).casefold().replace("€", "eur")
    text = text.translate(str.maketrans("äöåéü", "aoaeu"))
    return re.sub(r"[^a-z0-9]", "", text)


def header_names(kind: Kind) -> dict[str, str]:
    """Normalised header → canonical column name, for every accepted header of the kind."""
    names: dict[str, str] = {}
    for column in kind.columns:
        for text in (column.header, column.name, *column.aliases):
            names.setdefault(normalise_header(text), column.name)
    return names


def max_length(kind: Kind, column: Column) -> int | None:
    """The column's maximum length in the database, where it has one."""
    table = metadata.tables[kind.table]
    if column.db is None or column.db not in table.c:
        if column.type == "client_code":
            return getattr(metadata.tables["client"].c.code.type, "length", None)
        if column.name == "employer_name":
            return getattr(metadata.tables["employer"].c.name.type, "length", None)
        return None
    return getattr(table.c[column.db].type, "length", None)
