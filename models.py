"""Every table of Polku: the one picture of the data.

Alembic owns the schema (see migrations/); this module is what autogenerate compares against.
Code lists from the project plan (statuses, target groups, ...) are tables filled from
data/project.toml; code lists fixed by ESF+ reporting or by the app itself (gender, education
level, roles, decisions, ...) are CHECK constraints on the column, with labels in polku/i18n.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

# Deterministic constraint names, so SQLite batch migrations and PostgreSQL agree.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

# Fixed code sets: the database refuses anything else.
ROLES = ("admin", "coordinator", "director", "analyst")
CHECKLIST_STATUSES = ("not_started", "in_progress", "done", "not_applicable", "blocked")
GENDERS = ("female", "male", "other")
EDUCATION_LEVELS = ("isced_0_2", "isced_3_4", "isced_5_8")
LABOUR_STATUSES = ("unemployed", "long_term_unemployed", "inactive", "employed")
# A participant's situation within four weeks of leaving (ESF+ common results EECR01, 02, 04)
LEAVING_SITUATIONS = ("employed", "job_searching", "education", "inactive", "other")
EMPLOYER_TYPES = ("company", "association", "foundation", "private_person", "public")
CONTRACT_TYPES = ("fixed_term", "permanent")
DECISIONS = ("pending", "granted", "refused")
WORK_PACKAGE_SCOPES = ("municipality", "region")
INDICATOR_KINDS = ("count", "rate")
BUDGET_KINDS = ("cost", "financing")
# A follow-up report's states (Jems, DHIS2): an approved report locks its period's data
REPORT_STATES = ("draft", "submitted", "approved")
FINAL_REPORT = "final"  # the code of the final report (loppuraportti); others are period codes
# The funding decision's salary-cost model: standard side costs or the 1 720-hour unit cost
SALARY_MODELS = ("side_cost", "unit_cost")
FLAT_RATE_BASES = ("eligible_salaries",)  # what the flat rate is a share of

# Ranges the database refuses to leave; polku/records.py declares the same bounds for the
# import and the forms
BIRTH_YEAR_MIN, BIRTH_YEAR_MAX = 1940, 2015
MAX_WEEKLY_HOURS = 60
MAX_FTE = 1  # a staff member's share of full time
MAX_MONTHLY_HOURS = 250  # a month's recorded working hours of one person (full time ≈ 143)
MAX_MONTHLY_SALARY = 50000  # a month's gross salary of one person, euros


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL for `column IN (...)`, for CHECK constraints over a fixed code set."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _now_column() -> Column:
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _money(nullable: bool = False) -> Column:
    return Column(Numeric(12, 2), nullable=nullable)


def _version_field() -> Any:
    """Optimistic locking (the client card): a save names the version it read, writes add one."""
    return Field(default=1, sa_column_kwargs={"server_default": text("1")})


def _fk(target: str, *, nullable: bool = False, ondelete: str | None = None, index: bool = False):
    return Column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


# ---------------------------------------------------------------------------------------------
# The project definition (loaded from data/project.toml)


# The project itself: one row
class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (CheckConstraint("end_date > start_date", name="period"),)

    id: int = Field(default=1, primary_key=True)
    code: str = Field(max_length=20)
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    start_date: date
    end_date: date
    lead_municipality_code: str = Field(max_length=3)


# One of the project's municipalities (the project file lists them)
class Municipality(SQLModel, table=True):
    __tablename__ = "municipality"
    __table_args__ = (CheckConstraint("population >= 0", name="population"),)

    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=80, unique=True)
    population: int
    business_id: str | None = Field(default=None, max_length=9)


# A work package of the plan: WP1 per municipality, WP2 region-wide
class WorkPackage(SQLModel, table=True):
    __tablename__ = "work_package"
    __table_args__ = (CheckConstraint(_in("scope", WORK_PACKAGE_SCOPES), name="scope"),)

    code: str = Field(primary_key=True, max_length=10)
    position: int
    scope: str = Field(max_length=20)
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A phase of a work package (mapping, preparation, pilot, stabilisation, ...)
class Phase(SQLModel, table=True):
    __tablename__ = "phase"
    __table_args__ = (
        UniqueConstraint("work_package_code", "code"),
        UniqueConstraint("work_package_code", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    work_package_code: str = Field(sa_column=_fk("work_package.code"), max_length=10)
    code: str = Field(max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A checklist item of a phase as the project definition gives it (the template)
class ChecklistTemplateItem(SQLModel, table=True):
    __tablename__ = "checklist_template_item"
    __table_args__ = (UniqueConstraint("phase_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(sa_column=_fk("phase.id"))
    code: str = Field(max_length=60)
    position: int
    name_fi: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    required: bool = True


# A client status of the intermediate labour market (the plan's seven)
class ClientStatus(SQLModel, table=True):
    __tablename__ = "client_status"

    code: str = Field(primary_key=True, max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A target group (long-term unemployed, young people, ...)
class TargetGroup(SQLModel, table=True):
    __tablename__ = "target_group"

    code: str = Field(primary_key=True, max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A service developed in the coaching environments
class Service(SQLModel, table=True):
    __tablename__ = "service"

    code: str = Field(primary_key=True, max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A local operating model of a coaching environment
class OperatingModel(SQLModel, table=True):
    __tablename__ = "operating_model"

    code: str = Field(primary_key=True, max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A kind of outcome of a client's path (employment at a company, education, ...)
class OutcomeType(SQLModel, table=True):
    __tablename__ = "outcome_type"

    code: str = Field(primary_key=True, max_length=40)
    position: int
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    employment: bool = False


# An indicator of the expected results, with its region-wide target
class Indicator(SQLModel, table=True):
    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(_in("kind", INDICATOR_KINDS), name="kind"),
        CheckConstraint("target >= 0", name="target"),
    )

    code: str = Field(primary_key=True, max_length=40)
    position: int
    kind: str = Field(max_length=10)
    target: Decimal = Field(sa_column=Column(Numeric(12, 4), nullable=False))
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    note: str | None = Field(default=None, max_length=500)


# A municipality's own target for an indicator, overriding its population share
class TargetOverride(SQLModel, table=True):
    __tablename__ = "target_override"
    __table_args__ = (CheckConstraint("target >= 0", name="target"),)

    indicator_code: str = Field(
        sa_column=Column(ForeignKey("indicator.code"), primary_key=True), max_length=40
    )
    municipality_code: str = Field(
        sa_column=Column(ForeignKey("municipality.code"), primary_key=True), max_length=3
    )
    target: Decimal = Field(sa_column=Column(Numeric(12, 4), nullable=False))


# A milestone on an indicator's trajectory (the region's, or a municipality's)
class TargetMilestone(SQLModel, table=True):
    __tablename__ = "target_milestone"
    __table_args__ = (
        UniqueConstraint("indicator_code", "municipality_code", "due_date"),
        CheckConstraint("target >= 0", name="target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_code: str = Field(sa_column=_fk("indicator.code"), max_length=40)
    municipality_code: str | None = Field(
        default=None, sa_column=_fk("municipality.code", nullable=True), max_length=3
    )
    due_date: date
    target: Decimal = Field(sa_column=Column(Numeric(12, 4), nullable=False))


# A line of the budget: a cost or a source of financing
class BudgetLine(SQLModel, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (CheckConstraint(_in("kind", BUDGET_KINDS), name="kind"),)

    code: str = Field(primary_key=True, max_length=40)
    position: int
    kind: str = Field(max_length=10)
    amount: Decimal = Field(sa_column=_money())
    share: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 4), nullable=True))
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# A staff role of the plan with its full-time equivalents
class StaffRole(SQLModel, table=True):
    __tablename__ = "staff_role"
    __table_args__ = (CheckConstraint("fte >= 0", name="fte"),)

    code: str = Field(primary_key=True, max_length=40)
    position: int
    fte: Decimal = Field(sa_column=Column(Numeric(6, 2), nullable=False))
    name_fi: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


# The money rules of the funding decision ([money] of the project file): one row
class MoneyRules(SQLModel, table=True):
    __tablename__ = "money_rules"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint(_in("salary_model", SALARY_MODELS), name="salary_model"),
        CheckConstraint(
            "salary_model <> 'side_cost' OR side_cost_share IS NOT NULL", name="side_cost_share"
        ),
        CheckConstraint(
            "salary_model <> 'unit_cost' OR annual_hours IS NOT NULL", name="annual_hours"
        ),
        CheckConstraint(_in("flat_rate_base", FLAT_RATE_BASES), name="flat_rate_base"),
        CheckConstraint(
            "flat_rate_share >= 0 AND flat_rate_share <= 1 AND esf_share >= 0 AND "
            "municipal_share >= 0 AND ABS(esf_share + municipal_share - 1) < 0.00005",
            name="shares",
        ),
    )

    id: int = Field(default=1, primary_key=True)
    salary_model: str = Field(max_length=20)
    side_cost_share: Decimal | None = Field(
        default=None, sa_column=Column(Numeric(6, 4), nullable=True)
    )
    annual_hours: int | None = None
    flat_rate_share: Decimal = Field(sa_column=Column(Numeric(5, 4), nullable=False))
    flat_rate_base: str = Field(max_length=40)
    esf_share: Decimal = Field(sa_column=Column(Numeric(5, 4), nullable=False))
    municipal_share: Decimal = Field(sa_column=Column(Numeric(5, 4), nullable=False))
    salary_budget_line: str = Field(sa_column=_fk("budget_line.code"), max_length=40)
    flat_rate_budget_line: str = Field(sa_column=_fk("budget_line.code"), max_length=40)


# A payment period (maksatuskausi) of the funding decision
class PaymentPeriod(SQLModel, table=True):
    __tablename__ = "payment_period"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="end_after_start"),)

    code: str = Field(primary_key=True, max_length=20)
    position: int
    start_date: date
    end_date: date


# A municipality's share of the municipal financing, when not its population share
class FinancingShare(SQLModel, table=True):
    __tablename__ = "financing_share"
    __table_args__ = (CheckConstraint("share >= 0 AND share <= 1", name="share"),)

    municipality_code: str = Field(
        sa_column=Column(ForeignKey("municipality.code"), primary_key=True), max_length=3
    )
    share: Decimal = Field(sa_column=Column(Numeric(5, 4), nullable=False))


# ---------------------------------------------------------------------------------------------
# Users and the audit log


# A person who may use Polku; signed-in users are matched by e-mail
class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    active: bool = True
    # Opted in to the weekly digest e-mail (python -m polku digest)
    weekly_digest: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


# A municipality a user works in (coordinators edit it, directors see it)
class UserMunicipality(SQLModel, table=True):
    __tablename__ = "user_municipality"

    user_id: int = Field(
        sa_column=Column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    )
    municipality_code: str = Field(
        sa_column=Column(ForeignKey("municipality.code"), primary_key=True), max_length=3
    )


# Append-only record of sign-ins, refusals and every change of data (no personal data)
class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_municipality_at", "municipality_code", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime | None = Field(default=None, sa_column=_now_column())
    user_email: str | None = Field(default=None, max_length=254)
    action: str = Field(max_length=40)
    entity: str | None = Field(default=None, max_length=60)
    entity_id: str | None = Field(default=None, max_length=60)
    field: str | None = Field(default=None, max_length=60)
    old_value: str | None = Field(default=None, max_length=2000)
    new_value: str | None = Field(default=None, max_length=2000)
    municipality_code: str | None = Field(default=None, max_length=3)
    detail: str | None = Field(default=None, max_length=2000)


# ---------------------------------------------------------------------------------------------
# Work package 1: checklists and coaching environments per municipality


# A checklist item of one municipality (WP1) or of the region (WP2, municipality empty)
class ChecklistItem(SQLModel, table=True):
    __tablename__ = "checklist_item"
    __table_args__ = (
        CheckConstraint(_in("status", CHECKLIST_STATUSES), name="status"),
        CheckConstraint("version >= 1", name="version"),
        # One item per template item and municipality; the region's items are unique too.
        Index(
            "uq_checklist_item_template_municipality",
            "template_item_id",
            "municipality_code",
            unique=True,
            sqlite_where=text("municipality_code IS NOT NULL"),
            postgresql_where=text("municipality_code IS NOT NULL"),
        ),
        Index(
            "uq_checklist_item_template_region",
            "template_item_id",
            unique=True,
            sqlite_where=text("municipality_code IS NULL AND template_item_id IS NOT NULL"),
            postgresql_where=text("municipality_code IS NULL AND template_item_id IS NOT NULL"),
        ),
        Index("ix_checklist_item_municipality_phase", "municipality_code", "phase_id"),
        Index("ix_checklist_item_due_date", "due_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    phase_id: int = Field(sa_column=_fk("phase.id"))
    municipality_code: str | None = Field(
        default=None, sa_column=_fk("municipality.code", nullable=True), max_length=3
    )
    # Empty for items a coordinator added to the phase
    template_item_id: int | None = Field(
        default=None, sa_column=_fk("checklist_template_item.id", nullable=True)
    )
    title: str = Field(max_length=300)
    position: int = 0
    required: bool = True
    status: str = Field(default="not_started", max_length=20)
    owner: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    evidence_url: str | None = Field(default=None, max_length=500)
    # Optimistic locking: a save carries the version it read, a stale one is refused
    version: int = 1
    created_by: str | None = Field(default=None, max_length=254)
    updated_by: str | None = Field(default=None, max_length=254)
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


# The local operating model a municipality chose for its coaching environment
class MunicipalitySetup(SQLModel, table=True):
    __tablename__ = "municipality_setup"

    municipality_code: str = Field(
        sa_column=Column(ForeignKey("municipality.code"), primary_key=True), max_length=3
    )
    operating_model_code: str | None = Field(
        default=None, sa_column=_fk("operating_model.code", nullable=True), max_length=40
    )
    coaching_environment: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)
    version: int = 1
    updated_by: str | None = Field(default=None, max_length=254)
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


# A service a municipality's coaching environment offers
class MunicipalityService(SQLModel, table=True):
    __tablename__ = "municipality_service"

    municipality_code: str = Field(
        sa_column=Column(ForeignKey("municipality.code"), primary_key=True), max_length=3
    )
    service_code: str = Field(
        sa_column=Column(ForeignKey("service.code"), primary_key=True), max_length=40
    )
    started_on: date | None = None


# ---------------------------------------------------------------------------------------------
# Clients (pseudonymous: no names, no identity codes, birth year only)


# A client: a random pseudonymous code, never a name or a personal identity code
class Client(SQLModel, table=True):
    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint(
            f"birth_year BETWEEN {BIRTH_YEAR_MIN} AND {BIRTH_YEAR_MAX}", name="birth_year"
        ),
        CheckConstraint(f"gender IS NULL OR {_in('gender', GENDERS)}", name="gender"),
        CheckConstraint(
            f"education_level IS NULL OR {_in('education_level', EDUCATION_LEVELS)}",
            name="education_level",
        ),
        CheckConstraint(
            f"labour_status_at_entry IS NULL OR {_in('labour_status_at_entry', LABOUR_STATUSES)}",
            name="labour_status_at_entry",
        ),
        CheckConstraint("exit_date IS NULL OR exit_date >= entry_date", name="exit_after_entry"),
        CheckConstraint(
            "plan_goal_reached IS NULL OR exit_date IS NOT NULL", name="goal_known_at_exit"
        ),
        CheckConstraint(
            f"situation_on_leaving IS NULL OR {_in('situation_on_leaving', LEAVING_SITUATIONS)}",
            name="situation_on_leaving",
        ),
        CheckConstraint(
            "(situation_on_leaving IS NULL AND situation_date IS NULL"
            " AND qualification_gained IS NULL AND employed_6_months IS NULL)"
            " OR exit_date IS NOT NULL",
            name="leaving_known_at_exit",
        ),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_client_municipality_entry", "municipality_code", "entry_date"),
        Index("ix_client_municipality_exit", "municipality_code", "exit_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    municipality_code: str = Field(sa_column=_fk("municipality.code"), max_length=3)
    birth_year: int
    gender: str | None = Field(default=None, max_length=10)
    education_level: str | None = Field(default=None, max_length=20)
    labour_status_at_entry: str | None = Field(default=None, max_length=30)
    unemployment_months: int | None = Field(default=None, ge=0)
    entry_date: date
    exit_date: date | None = None
    plan_goal: str | None = Field(default=None, max_length=300)
    plan_goal_reached: bool | None = None
    # On leaving (EECR01–04): the situation within four weeks of the exit and the day it began,
    # and whether a qualification was gained
    situation_on_leaving: str | None = Field(default=None, max_length=20)
    situation_date: date | None = None
    qualification_gained: bool | None = None
    # The six-month follow-up (EECR05): in employment, incl. self-employment, six months after
    employed_6_months: bool | None = None
    version: int = _version_field()
    created_at: datetime | None = Field(default=None, sa_column=_now_column())
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


# A target group a client belongs to (a client may belong to several)
class ClientTargetGroup(SQLModel, table=True):
    __tablename__ = "client_target_group"
    __table_args__ = (Index("ix_client_target_group_group", "target_group_code", "client_id"),)

    client_id: int = Field(
        sa_column=Column(ForeignKey("client.id", ondelete="CASCADE"), primary_key=True)
    )
    target_group_code: str = Field(
        sa_column=Column(ForeignKey("target_group.code"), primary_key=True), max_length=40
    )


# A period a client spent in one status of the intermediate labour market
class StatusEpisode(SQLModel, table=True):
    __tablename__ = "status_episode"
    __table_args__ = (
        UniqueConstraint("client_id", "status_code", "start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_status_episode_status_dates", "status_code", "start_date", "end_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(sa_column=_fk("client.id", ondelete="CASCADE", index=True))
    status_code: str = Field(sa_column=_fk("client_status.code"), max_length=40)
    start_date: date
    end_date: date | None = None
    version: int = _version_field()


# ---------------------------------------------------------------------------------------------
# Employers, partnerships and the employment bonus (work package 2)


_PRIVATE_IN_MUNICIPALITY = "business_id IS NULL AND municipality_code IS NOT NULL"
_PRIVATE_IN_REGION = "business_id IS NULL AND municipality_code IS NULL"


# An employer: company, association, foundation, private person or public body
class Employer(SQLModel, table=True):
    __tablename__ = "employer"
    __table_args__ = (
        CheckConstraint(_in("employer_type", EMPLOYER_TYPES), name="employer_type"),
        CheckConstraint(
            "business_id IS NOT NULL OR employer_type = 'private_person'", name="business_id"
        ),
        # Without a Y-tunnus the natural key is name + municipality; NULLs differ in a unique
        # key on both backends, so partial indexes cover "no Y-tunnus" and "no municipality"
        Index(
            "uq_employer_name_municipality",
            "name",
            "municipality_code",
            unique=True,
            sqlite_where=text(_PRIVATE_IN_MUNICIPALITY),
            postgresql_where=text(_PRIVATE_IN_MUNICIPALITY),
        ),
        Index(
            "uq_employer_name_region",
            "name",
            unique=True,
            sqlite_where=text(_PRIVATE_IN_REGION),
            postgresql_where=text(_PRIVATE_IN_REGION),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Y-tunnus; a private person has none
    business_id: str | None = Field(default=None, max_length=9, unique=True)
    name: str = Field(max_length=200)
    employer_type: str = Field(max_length=20)
    municipality_code: str | None = Field(
        default=None, sa_column=_fk("municipality.code", nullable=True, index=True), max_length=3
    )
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


# A partnership agreement (kumppanuussopimus) with an employer; in force from start to end
class PartnershipAgreement(SQLModel, table=True):
    __tablename__ = "partnership_agreement"
    __table_args__ = (
        UniqueConstraint("employer_id", "start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(sa_column=_fk("employer.id", ondelete="CASCADE", index=True))
    signed_on: date | None = None
    start_date: date
    end_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)


# An outcome of a client's path, with the employer where there is one
class Outcome(SQLModel, table=True):
    __tablename__ = "outcome"
    __table_args__ = (
        UniqueConstraint("client_id", "outcome_type_code", "outcome_date"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_outcome_type_date", "outcome_type_code", "outcome_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(sa_column=_fk("client.id", ondelete="CASCADE", index=True))
    outcome_type_code: str = Field(sa_column=_fk("outcome_type.code"), max_length=40)
    outcome_date: date
    employer_id: int | None = Field(
        default=None, sa_column=_fk("employer.id", nullable=True, index=True)
    )
    note: str | None = Field(default=None, max_length=2000)
    version: int = _version_field()


# An employment-bonus (työllistämislisä) application, its decision and follow-up
class BonusGrant(SQLModel, table=True):
    __tablename__ = "bonus_grant"
    __table_args__ = (
        UniqueConstraint("employer_id", "client_id", "employment_start"),
        CheckConstraint(_in("contract_type", CONTRACT_TYPES), name="contract_type"),
        CheckConstraint(_in("decision", DECISIONS), name="decision"),
        CheckConstraint(
            "employment_end IS NULL OR employment_end >= employment_start", name="employment_period"
        ),
        CheckConstraint(
            f"weekly_hours > 0 AND weekly_hours <= {MAX_WEEKLY_HOURS}", name="weekly_hours"
        ),
        CheckConstraint("monthly_amount >= 0 AND months > 0 AND amount >= 0", name="amounts"),
        CheckConstraint(
            "decision = 'pending' OR decision_date IS NOT NULL", name="decided_has_date"
        ),
        CheckConstraint(
            "decision_date IS NULL OR decision_date >= application_date", name="decision_after_app"
        ),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_bonus_grant_decision_date", "decision", "decision_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(sa_column=_fk("employer.id", index=True))
    client_id: int = Field(sa_column=_fk("client.id", index=True))
    employment_start: date
    employment_end: date | None = None
    contract_type: str = Field(max_length=20)
    weekly_hours: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    monthly_amount: Decimal = Field(sa_column=_money())
    months: int
    # monthly_amount × months, kept so a later change of terms does not rewrite history
    amount: Decimal = Field(sa_column=_money())
    application_date: date
    decision_date: date | None = None
    decision: str = Field(default="pending", max_length=10)
    de_minimis_amount: Decimal | None = Field(default=None, sa_column=_money(nullable=True))
    employed_after_6_months: bool | None = None
    employed_after_12_months: bool | None = None
    version: int = _version_field()


# A payment of a granted bonus
class BonusPayment(SQLModel, table=True):
    __tablename__ = "bonus_payment"
    __table_args__ = (
        UniqueConstraint("grant_id", "paid_on"),
        CheckConstraint("amount > 0", name="amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    grant_id: int = Field(sa_column=_fk("bonus_grant.id", ondelete="CASCADE", index=True))
    paid_on: date
    amount: Decimal = Field(sa_column=_money())


# De minimis aid from other grantors that an employer declares (Regulation (EU) 2023/2831):
# counted with the project's bonuses in the employer's rolling three-year total
class DeclaredAid(SQLModel, table=True):
    __tablename__ = "declared_aid"
    __table_args__ = (
        UniqueConstraint("employer_id", "grantor", "decision_date"),
        CheckConstraint("amount > 0", name="amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(sa_column=_fk("employer.id", ondelete="CASCADE", index=True))
    grantor: str = Field(max_length=200)
    decision_date: date  # the day the aid was granted, whatever its payment date
    amount: Decimal = Field(sa_column=_money())
    legal_basis: str = Field(max_length=200)


# ---------------------------------------------------------------------------------------------
# Costs


# A cost booked against a budget line (for management; the funder sees salaries + flat rate)
class CostEntry(SQLModel, table=True):
    __tablename__ = "cost_entry"
    __table_args__ = (
        UniqueConstraint("budget_line_code", "municipality_code", "booked_on", "description"),
        # The key of project-wide costs (no municipality: NULLs differ in the constraint above)
        Index(
            "uq_cost_entry_project_wide",
            "budget_line_code",
            "booked_on",
            "description",
            unique=True,
            sqlite_where=text("municipality_code IS NULL"),
            postgresql_where=text("municipality_code IS NULL"),
        ),
        Index("ix_cost_entry_line_date", "budget_line_code", "booked_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    budget_line_code: str = Field(sa_column=_fk("budget_line.code"), max_length=40)
    municipality_code: str | None = Field(
        default=None, sa_column=_fk("municipality.code", nullable=True), max_length=3
    )
    booked_on: date
    amount: Decimal = Field(sa_column=_money())
    description: str = Field(max_length=300)
    created_by: str | None = Field(default=None, max_length=254)
    created_at: datetime | None = Field(default=None, sa_column=_now_column())


# ---------------------------------------------------------------------------------------------
# Staff and their salaries (admin only: polku/access.py, READ_STAFF)


# A person working in the project, in a role of the plan
class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"
    __table_args__ = (
        UniqueConstraint("name", "start_date"),
        CheckConstraint(f"fte > 0 AND fte <= {MAX_FTE}", name="fte"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    role_code: str = Field(sa_column=_fk("staff_role.code", index=True), max_length=40)
    # Share of full time (1 = full time)
    fte: Decimal = Field(sa_column=Column(Numeric(4, 3), nullable=False))
    # The municipality the person works for; NULL: the whole region
    municipality_code: str | None = Field(
        default=None, sa_column=_fk("municipality.code", nullable=True), max_length=3
    )
    start_date: date
    end_date: date | None = None


# A month's salary of a staff member: gross paid; hours and the documented annual cost under
# the unit-cost model
class SalaryRecord(SQLModel, table=True):
    __tablename__ = "salary_record"
    __table_args__ = (
        UniqueConstraint("staff_member_id", "month"),
        CheckConstraint(
            f"gross_salary >= 0 AND gross_salary <= {MAX_MONTHLY_SALARY}", name="gross_salary"
        ),
        CheckConstraint(
            f"hours IS NULL OR (hours >= 0 AND hours <= {MAX_MONTHLY_HOURS})", name="hours"
        ),
        CheckConstraint(
            "annual_gross_cost IS NULL OR annual_gross_cost > 0", name="annual_gross_cost"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_member_id: int = Field(sa_column=_fk("staff_member.id", ondelete="CASCADE", index=True))
    month: date  # the first day of the month
    gross_salary: Decimal = Field(sa_column=_money())
    hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(6, 2), nullable=True))
    # The latest documented annual gross employment cost (unit-cost model), from this month on
    annual_gross_cost: Decimal | None = Field(default=None, sa_column=_money(nullable=True))


# ---------------------------------------------------------------------------------------------
# Reporting to the funder: a follow-up report per payment period and the final report


# A report: draft → submitted → approved; approval freezes its figures and locks its period
class Report(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (
        CheckConstraint(_in("state", REPORT_STATES), name="state"),
        CheckConstraint("version >= 1", name="version"),
    )

    # A payment period's code, or FINAL_REPORT
    code: str = Field(primary_key=True, max_length=20)
    state: str = Field(default="draft", max_length=10)
    version: int = _version_field()
    updated_by: str | None = Field(default=None, max_length=254)
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


# A narrative section of a report, or the explanation of an indicator behind its expected value
class ReportText(SQLModel, table=True):
    __tablename__ = "report_text"

    report_code: str = Field(
        sa_column=Column(ForeignKey("report.code", ondelete="CASCADE"), primary_key=True),
        max_length=20,
    )
    # A narrative section's code, or "deviation:<indicator code>"
    section: str = Field(primary_key=True, max_length=60)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_by: str | None = Field(default=None, max_length=254)
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())


# A move of a report between states: who, when, and why (a reopening needs a reason)
class ReportEvent(SQLModel, table=True):
    __tablename__ = "report_event"
    __table_args__ = (CheckConstraint(_in("to_state", REPORT_STATES), name="to_state"),)

    id: int | None = Field(default=None, primary_key=True)
    report_code: str = Field(sa_column=_fk("report.code", ondelete="CASCADE", index=True))
    from_state: str = Field(max_length=10)
    to_state: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=2000)
    user_email: str = Field(max_length=254)
    at: datetime | None = Field(default=None, sa_column=_now_column())


# The figures of a report frozen when it was approved (JSON), so it reproduces later
class ReportSnapshot(SQLModel, table=True):
    __tablename__ = "report_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    report_code: str = Field(sa_column=_fk("report.code", ondelete="CASCADE", index=True))
    event_id: int = Field(sa_column=_fk("report_event.id"))
    figures: str = Field(sa_column=Column(Text, nullable=False))
    taken_at: datetime | None = Field(default=None, sa_column=_now_column())


# The participant counts the funder's system (EURA 2021) shows for a report's period
class ReportReconciliation(SQLModel, table=True):
    __tablename__ = "report_reconciliation"
    __table_args__ = (
        CheckConstraint(_in("gender", GENDERS), name="gender"),
        CheckConstraint("started >= 0 AND left_count >= 0", name="counts"),
    )

    report_code: str = Field(
        sa_column=Column(ForeignKey("report.code", ondelete="CASCADE"), primary_key=True),
        max_length=20,
    )
    gender: str = Field(primary_key=True, max_length=10)
    started: int
    left_count: int
    updated_by: str | None = Field(default=None, max_length=254)
    updated_at: datetime | None = Field(default=None, sa_column=_now_column())
