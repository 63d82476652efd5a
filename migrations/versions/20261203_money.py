"""money: the funding decision's money rules, payment periods, municipal financing shares,
staff members and their monthly salaries

The rules ([money] of the project file) are loaded by polku/project.py; polku/money.py computes
eligible costs, the flat rate, financing, budget use and forecast from them. Staff rows are
read by admins only (polku/access.py, READ_STAFF).

Revision ID: 20261203_money
Revises: 20261203_record_versions
Create Date: 2026-12-03 12:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (autogenerate renders AutoString)
from alembic import op

revision: str = "20261203_money"
down_revision: str | Sequence[str] | None = "20261203_record_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payment_period",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_payment_period_end_after_start")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_payment_period")),
    )
    op.create_table(
        "financing_share",
        sa.Column("municipality_code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.CheckConstraint("share >= 0 AND share <= 1", name=op.f("ck_financing_share_share")),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_financing_share_municipality_code_municipality"),
        ),
        sa.PrimaryKeyConstraint("municipality_code", name=op.f("pk_financing_share")),
    )
    op.create_table(
        "money_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("salary_model", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("side_cost_share", sa.Numeric(precision=6, scale=4), nullable=True),
        sa.Column("annual_hours", sa.Integer(), nullable=True),
        sa.Column("flat_rate_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("flat_rate_base", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("esf_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("municipal_share", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column(
            "salary_budget_line", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column(
            "flat_rate_budget_line", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.CheckConstraint(
            "flat_rate_base IN ('eligible_salaries')", name=op.f("ck_money_rules_flat_rate_base")
        ),
        sa.CheckConstraint(
            "salary_model <> 'side_cost' OR side_cost_share IS NOT NULL",
            name=op.f("ck_money_rules_side_cost_share"),
        ),
        sa.CheckConstraint(
            "salary_model <> 'unit_cost' OR annual_hours IS NOT NULL",
            name=op.f("ck_money_rules_annual_hours"),
        ),
        sa.CheckConstraint(
            "salary_model IN ('side_cost', 'unit_cost')", name=op.f("ck_money_rules_salary_model")
        ),
        sa.CheckConstraint(
            "flat_rate_share >= 0 AND flat_rate_share <= 1 AND esf_share >= 0 AND municipal_share >= 0 AND ABS(esf_share + municipal_share - 1) < 0.00005",
            name=op.f("ck_money_rules_shares"),
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_money_rules_one_row")),
        sa.ForeignKeyConstraint(
            ["flat_rate_budget_line"],
            ["budget_line.code"],
            name=op.f("fk_money_rules_flat_rate_budget_line_budget_line"),
        ),
        sa.ForeignKeyConstraint(
            ["salary_budget_line"],
            ["budget_line.code"],
            name=op.f("fk_money_rules_salary_budget_line_budget_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_rules")),
    )
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("fte", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column("municipality_code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_staff_member_end_after_start"),
        ),
        sa.CheckConstraint("fte > 0 AND fte <= 1", name=op.f("ck_staff_member_fte")),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.code"],
            name=op.f("fk_staff_member_municipality_code_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["role_code"], ["staff_role.code"], name=op.f("fk_staff_member_role_code_staff_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
        sa.UniqueConstraint("name", "start_date", name=op.f("uq_staff_member_name_start_date")),
    )
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_member_role_code"), ["role_code"], unique=False)

    op.create_table(
        "salary_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_member_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("gross_salary", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("annual_gross_cost", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.CheckConstraint(
            "annual_gross_cost IS NULL OR annual_gross_cost > 0",
            name=op.f("ck_salary_record_annual_gross_cost"),
        ),
        sa.CheckConstraint(
            "gross_salary >= 0 AND gross_salary <= 50000",
            name=op.f("ck_salary_record_gross_salary"),
        ),
        sa.CheckConstraint(
            "hours IS NULL OR (hours >= 0 AND hours <= 250)", name=op.f("ck_salary_record_hours")
        ),
        sa.ForeignKeyConstraint(
            ["staff_member_id"],
            ["staff_member.id"],
            name=op.f("fk_salary_record_staff_member_id_staff_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_record")),
        sa.UniqueConstraint(
            "staff_member_id", "month", name=op.f("uq_salary_record_staff_member_id_month")
        ),
    )
    with op.batch_alter_table("salary_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_salary_record_staff_member_id"), ["staff_member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("salary_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_salary_record_staff_member_id"))

    op.drop_table("salary_record")
    with op.batch_alter_table("staff_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_member_role_code"))

    op.drop_table("staff_member")
    op.drop_table("money_rules")
    op.drop_table("financing_share")
    op.drop_table("payment_period")
