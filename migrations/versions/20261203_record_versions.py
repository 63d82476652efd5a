"""record versions: clients, status episodes, outcomes and bonus grants carry a version

The client card (polku/client_card.py) corrects wrongly recorded rows; like checklist items,
a save names the version it read and a stale one is refused. Every write that changes one of
these rows (the card, the forms, the import) adds one to its version.

Revision ID: 20261203_record_versions
Revises: 20261203_natural_keys
Create Date: 2026-12-03 12:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261203_record_versions"
down_revision: str | Sequence[str] | None = "20261203_natural_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("client", "status_episode", "outcome", "bonus_grant")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
            )
            batch_op.create_check_constraint(op.f(f"ck_{table}_version"), "version >= 1")


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_version"), type_="check")
            batch_op.drop_column("version")
