"""CSV and Excel import: parse office files, validate every row, upsert in one transaction.

Nine kinds of data come in (KINDS): clients, status episodes, outcomes, employers,
partnership agreements, employment-bonus grants, cost entries, and (admins only) staff members
and their monthly salaries, each declared once in
polku/records.py. Each kind has a template with Finnish column headers (English labels, names
and common variants accepted, see `Column`); `data/sample/<kind>.csv` is a valid example of
each. The rules between values are polku/rules/'s.

The flow is `import_file(...)`: read the bytes (UTF-8 with or without BOM, or Windows-1252;
comma, semicolon or tab; or an .xlsx workbook) → scan every cell for personal identity codes
→ map the headers → parse the values (decimal commas, dates as 1.3.2026 or 2026-03-01) →
check the rules (polku/forms.py checks the same rules for a form) → match each row to the
database by its natural key → write the new and changed rows, with audit rows, in ONE
transaction. Any problem and nothing is written: the preview (`dry_run=True`) is the same
run, rolled back. Importing the same file twice changes nothing.

Problems name the row as the user sees it in the file (the header is row 1, the first data
row 2), the column by its header in the file, and the reason by a key of the string catalog.
A cell's value is never echoed when it looks like a personal identity code.

The package reads in the order of that flow: `problems` (what is wrong, where), `kinds` (the
columns of each kind), `reading` (bytes → cells), `checking` (cells → values, the rules of
single values), `planning` (rows matched to the database by their natural keys), `writing`
(the one transaction, its lock and audit rows), `report` and `templates`.
"""

from polku.config import ROOT
from polku.ingest.checking import Lookups, load_lookups, parse_bool, parse_date, parse_decimal
from polku.ingest.kinds import (
    BIRTH_YEARS,
    CLIENT_CODE,
    IMPORT_ORDER,
    KIND_NAMES,
    KINDS,
    MAX_WEEKLY_HOURS,
    Column,
    Kind,
    max_length,
    normalise_header,
)
from polku.ingest.planning import Plan
from polku.ingest.problems import (
    ERROR,
    WARNING,
    Localized,
    Problem,
    Progress,
    format_param,
    problems_frame,
)
from polku.ingest.reading import (
    FileUnreadable,
    Limits,
    RawTable,
    decode,
    read_table,
    sniff_delimiter,
)
from polku.ingest.report import ImportReport, count_text, shown_value
from polku.ingest.templates import (
    SAMPLE_DIR,
    columns_frame,
    sample_path,
    template_csv,
    template_xlsx,
)
from polku.ingest.writing import (
    CHUNK,
    LOCK_TIMEOUT_SECONDS,
    FormInvalid,
    check_record,
    import_file,
    import_kinds,
    import_scope,
    is_key_conflict,
    lock_kind,
    write_plan,
)
from polku.rules.grants import (
    CENT,
    de_minimis_settings,
    de_minimis_total,
    grant_amount,
)

__all__ = [
    "BIRTH_YEARS",
    "CENT",
    "CHUNK",
    "CLIENT_CODE",
    "ERROR",
    "IMPORT_ORDER",
    "KINDS",
    "KIND_NAMES",
    "LOCK_TIMEOUT_SECONDS",
    "MAX_WEEKLY_HOURS",
    "ROOT",
    "SAMPLE_DIR",
    "WARNING",
    "Column",
    "FileUnreadable",
    "FormInvalid",
    "ImportReport",
    "Kind",
    "Limits",
    "Localized",
    "Lookups",
    "Plan",
    "Problem",
    "Progress",
    "RawTable",
    "check_record",
    "columns_frame",
    "count_text",
    "de_minimis_settings",
    "de_minimis_total",
    "decode",
    "format_param",
    "grant_amount",
    "import_file",
    "import_kinds",
    "import_scope",
    "is_key_conflict",
    "load_lookups",
    "lock_kind",
    "max_length",
    "normalise_header",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "problems_frame",
    "read_table",
    "sample_path",
    "shown_value",
    "sniff_delimiter",
    "template_csv",
    "template_xlsx",
    "write_plan",
]
