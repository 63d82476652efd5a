"""natural keys with no NULL gaps: private-person employers and project-wide costs

A unique key treats NULLs as different on SQLite and PostgreSQL alike, so the existing keys
let two imports at the same moment store a private person (no Y-tunnus) or a project-wide
cost (no municipality) twice. Partial unique indexes close those gaps on both backends.

Revision ID: 20261203_natural_keys
Revises: 20261203_audit_lock
Create Date: 2026-12-03 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_natural_keys"
down_revision: str | Sequence[str] | None = "20261203_audit_lock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIVATE_IN_MUNICIPALITY = "business_id IS NULL AND municipality_code IS NOT NULL"
PRIVATE_IN_REGION = "business_id IS NULL AND municipality_code IS NULL"
PROJECT_WIDE = "municipality_code IS NULL"

# What each new key covers, to say in words what blocks it
DUPLICATES = {
    "employers without a Y-tunnus (name, municipality)": (
        "SELECT name, municipality_code FROM employer WHERE business_id IS NULL"
        " GROUP BY name, municipality_code HAVING COUNT(*) > 1"
    ),
    "project-wide costs (budget line, date, description)": (
        "SELECT budget_line_code, booked_on, description FROM cost_entry"
        " WHERE municipality_code IS NULL"
        " GROUP BY budget_line_code, booked_on, description HAVING COUNT(*) > 1"
    ),
}


def _refuse_duplicates() -> None:
    """Stop with a clear message when rows stored before the keys already break them."""
    bind = op.get_bind()
    for what, query in DUPLICATES.items():
        count = len(bind.execute(sa.text(query)).all())
        if count:
            raise RuntimeError(
                f"cannot add the natural key of {what}: {count} keys are stored more than once;"
                " merge the duplicates, then run the migration again"
            )


def upgrade() -> None:
    _refuse_duplicates()
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(
            "uq_employer_name_municipality",
            ["name", "municipality_code"],
            unique=True,
            sqlite_where=sa.text(PRIVATE_IN_MUNICIPALITY),
            postgresql_where=sa.text(PRIVATE_IN_MUNICIPALITY),
        )
        batch_op.create_index(
            "uq_employer_name_region",
            ["name"],
            unique=True,
            sqlite_where=sa.text(PRIVATE_IN_REGION),
            postgresql_where=sa.text(PRIVATE_IN_REGION),
        )
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.create_index(
            "uq_cost_entry_project_wide",
            ["budget_line_code", "booked_on", "description"],
            unique=True,
            sqlite_where=sa.text(PROJECT_WIDE),
            postgresql_where=sa.text(PROJECT_WIDE),
        )


def downgrade() -> None:
    with op.batch_alter_table("cost_entry", schema=None) as batch_op:
        batch_op.drop_index("uq_cost_entry_project_wide")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index("uq_employer_name_region")
        batch_op.drop_index("uq_employer_name_municipality")
