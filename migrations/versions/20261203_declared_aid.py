"""declared_aid: de minimis aid from other grantors that an employer declares

Counted with the project's employment bonuses in the employer's rolling three-year de minimis
total (Regulation (EU) 2023/2831; polku/rules/grants.py).

Revision ID: 20261203_declared_aid
Revises: 20261203_money
Create Date: 2026-12-03 15:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders AutoString)
from alembic import op

revision: str = "20261203_declared_aid"
down_revision: str | Sequence[str] | None = "20261203_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declared_aid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("grantor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("legal_basis", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_declared_aid_amount")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_declared_aid_employer_id_employer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declared_aid")),
        sa.UniqueConstraint(
            "employer_id",
            "grantor",
            "decision_date",
            name=op.f("uq_declared_aid_employer_id_grantor_decision_date"),
        ),
    )
    with op.batch_alter_table("declared_aid", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_declared_aid_employer_id"), ["employer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declared_aid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declared_aid_employer_id"))

    op.drop_table("declared_aid")
