"""One declaration per kind of record people enter or import: its fields, their types, code
sets, ranges and import headers, its natural key. The import (polku/ingest/), the forms
(polku/ui/record_form.py, polku/forms.py), the exports and the data dictionary
(polku/exports.py) are derived from these models; nothing else lists a record's fields.

A field is a pydantic field: its annotation gives the type, `Field(ge=…, le=…, gt=…)` the
range, a default makes it optional, and a `Spec` marker says the rest (code set, other
accepted headers, the column it fills). Its words live in the catalogs by key:
"record.<kind>.<field>" is its header in the import templates (Finnish) and its label on a
form, "record.<kind>.<field>.help" its description (polku/catalogs/fi.toml, en.toml).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

import models
from polku import i18n

# The import accepts any of these (no case, accents, spaces or punctuation), besides the
# template's header, the English label and the field's own name
_CLIENT = ("asiakas", "asiakaskoodi", "asiakasnumero", "client", "client_code")
_BUSINESS_ID = ("ytunnus", "y_tunnus", "business_id", "employer_business_id")
_EMPLOYER = ("työnantajan nimi", "employer", "employer_name")
_MUNICIPALITY = ("kuntakoodi", "kuntanumero", "kotikunta", "municipality_code")
_NOTE = ("lisätiedot", "huomautus", "note")
_SITUATION = ("tilanne päättyessä", "tilanne lopussa", "situation on leaving", "situation")
_SITUATION_DATE = ("tilanteen alkupvm", "tilanteen alkupäivä", "situation date", "situation start")
_QUALIFICATION = ("tutkinto suoritettu", "tutkinto", "qualification gained", "qualification")


@dataclass(frozen=True)
class Spec:
    """What a field's annotation does not say. `type` refines the Python type (client_code,
    business_id; choice/choices when `choices` names a code set); `db` the column it fills
    (default: its own name; None: resolved by the import, e.g. a client code → client_id);
    `in_period` / `not_future` bound a date; `form`: drawn on the record's form; `example`
    a number a form shows in the empty field."""

    type: str | None = None
    choices: str | None = None
    aliases: tuple[str, ...] = ()
    db: str | None = ""
    in_period: bool = False
    not_future: bool = False
    form: bool = True
    example: Decimal | int | None = None  # shown in an empty number field of a form


PAST = Spec(in_period=True, not_future=True)


def spec(**options: Any) -> Spec:
    return Spec(**options)


class Record(BaseModel):
    """A kind of record; subclasses declare fields. `kind` names it in the catalogs and the
    import, `table` is the table it is stored in, `key` its natural key (field names),
    `one_of` fields of which a file must have at least one."""

    kind: ClassVar[str]
    table: ClassVar[str]
    key: ClassVar[tuple[str, ...]]
    one_of: ClassVar[tuple[str, ...]] = ()
    # The catalog family of its fields' labels; "" for "record.<kind>."
    labels: ClassVar[str] = ""
    own_only: ClassVar[tuple[str, ...]] = ()


class EmployerRecord(Record):
    kind, table = "employers", "employer"
    key, one_of = ("business_id", "name", "municipality"), ("business_id",)

    business_id: Annotated[str | None, Spec("business_id", aliases=_BUSINESS_ID)] = None
    name: Annotated[str, Spec(aliases=("työnantaja", *_EMPLOYER))]
    employer_type: Annotated[
        str, Spec(choices="employer_type", aliases=("työnantajatyyppi", "type"))
    ]
    municipality: Annotated[
        str | None, Spec(choices="municipality", aliases=_MUNICIPALITY, db="municipality_code")
    ] = None


class ClientRecord(Record):
    kind, table, key = "clients", "client", ("client_code",)

    client_code: Annotated[str, Spec("client_code", aliases=(*_CLIENT, "code"), db="code")]
    municipality: Annotated[
        str, Spec(choices="municipality", aliases=_MUNICIPALITY, db="municipality_code")
    ]
    birth_year: Annotated[
        int,
        Field(ge=models.BIRTH_YEAR_MIN, le=models.BIRTH_YEAR_MAX),
        Spec(aliases=("born",), example=1985),
    ]
    gender: Annotated[str | None, Spec(choices="gender")] = None
    education_level: Annotated[
        str | None, Spec(choices="education_level", aliases=("koulutus", "education"))
    ] = None
    labour_status_at_entry: Annotated[
        str | None,
        Spec(choices="labour_status", aliases=("työmarkkina-asema alussa", "labour_status")),
    ] = None
    unemployment_months: Annotated[
        int | None, Field(ge=0), Spec(aliases=("työttömyys kk", "työttömyyden kesto kk"))
    ] = None
    target_groups: Annotated[
        tuple[str, ...] | None,
        Spec(choices="target_group", aliases=("kohderyhmä", "target_group"), db=None),
    ] = None
    entry_date: Annotated[
        date, Spec(aliases=("aloituspvm", "aloitus", "entry"), in_period=True, not_future=True)
    ]
    exit_date: Annotated[
        date | None,
        Spec(
            aliases=("päättymispvm", "lopetuspäivä", "lopetuspvm", "exit"),
            in_period=True,
            not_future=True,
            form=False,
        ),
    ] = None
    plan_goal: Annotated[
        str | None, Spec(aliases=("tavoite", "työllistymissuunnitelman tavoite", "goal"))
    ] = None
    plan_goal_reached: Annotated[bool | None, Spec(aliases=("goal_reached",), form=False)] = None
    # On leaving (ESF+ common results EECR01–04): recorded with the exit
    situation_on_leaving: Annotated[
        str | None, Spec(choices="leaving_situation", aliases=_SITUATION, form=False)
    ] = None
    situation_date: Annotated[date | None, Spec(aliases=_SITUATION_DATE, form=False)] = None
    qualification_gained: Annotated[bool | None, Spec(aliases=_QUALIFICATION, form=False)] = None
    # The six-month follow-up (EECR05): recorded on the client card six months after the exit
    employed_6_months: Annotated[
        bool | None,
        Spec(aliases=("työssä 6 kk", "työssä 6 kk päästä", "employed after 6 months"), form=False),
    ] = None


class NewClientRecord(ClientRecord):
    """A client entered on a form: the client record and its first status, from entry."""

    status: Annotated[str, Spec(choices="client_status", db=None)]


class ExitRecord(Record):
    """A client's exit: the fields of the client record a coordinator enters when they leave."""

    kind, table, key = "clients", "client", ("client_code",)

    client_code: Annotated[str, Spec("client_code", db="code")]
    exit_date: Annotated[date, PAST]
    plan_goal_reached: bool
    situation_on_leaving: Annotated[
        str | None, Spec(choices="leaving_situation", aliases=_SITUATION)
    ] = None
    # A job or studies may begin after the exit is recorded: only its order is checked
    situation_date: Annotated[date | None, Spec(aliases=_SITUATION_DATE)] = None
    qualification_gained: Annotated[bool | None, Spec(aliases=_QUALIFICATION)] = None


class EpisodeRecord(Record):
    kind, table, key = "episodes", "status_episode", ("client_code", "status", "start_date")

    client_code: Annotated[str, Spec("client_code", aliases=_CLIENT, db=None)]
    status: Annotated[
        str, Spec(choices="client_status", aliases=("tilakoodi", "status_code"), db="status_code")
    ]
    start_date: Annotated[
        date, Spec(aliases=("alkupvm", "alkaen", "alku", "start"), in_period=True, not_future=True)
    ]
    end_date: Annotated[
        date | None,
        Spec(
            aliases=("loppupvm", "päättyen", "loppu", "end"),
            in_period=True,
            not_future=True,
            form=False,
        ),
    ] = None


class OutcomeRecord(Record):
    kind, table, key = "outcomes", "outcome", ("client_code", "outcome_type", "outcome_date")

    client_code: Annotated[str, Spec("client_code", aliases=_CLIENT, db=None)]
    outcome_type: Annotated[
        str,
        Spec(
            choices="outcome_type",
            aliases=("tulostyyppi", "tuloslaji", "outcome"),
            db="outcome_type_code",
        ),
    ]
    outcome_date: Annotated[
        date, Spec(aliases=("pvm", "päivä", "tulospäivä", "date"), in_period=True, not_future=True)
    ]
    business_id: Annotated[
        str | None, Spec("business_id", aliases=("y-tunnus", *_BUSINESS_ID), db=None)
    ] = None
    employer_name: Annotated[str | None, Spec(aliases=_EMPLOYER, db=None, form=False)] = None
    note: Annotated[str | None, Spec(aliases=_NOTE)] = None


class PartnershipRecord(Record):
    kind, table = "partnerships", "partnership_agreement"
    key, one_of = ("business_id", "employer_name", "start_date"), ("business_id", "employer_name")

    business_id: Annotated[
        str | None, Spec("business_id", aliases=_BUSINESS_ID, db=None, form=False)
    ] = None
    employer_name: Annotated[str | None, Spec(aliases=_EMPLOYER, db=None, form=False)] = None
    signed_on: Annotated[
        date | None, Spec(aliases=("allekirjoitettu", "signed"), in_period=True, not_future=True)
    ] = None
    start_date: Annotated[
        date, Spec(aliases=("alkupvm", "voimassa alkaen", "start"), in_period=True, not_future=True)
    ]
    # A planned end may lie ahead and past the project: only its order is checked
    end_date: Annotated[date | None, Spec(aliases=("loppupvm", "voimassa asti", "end"))] = None
    note: Annotated[str | None, Spec(aliases=_NOTE)] = None


class GrantRecord(Record):
    kind, table = "grants", "bonus_grant"
    key = ("business_id", "employer_name", "client_code", "employment_start")
    one_of = ("business_id", "employer_name")

    business_id: Annotated[str | None, Spec("business_id", aliases=_BUSINESS_ID, db=None)] = None
    employer_name: Annotated[str | None, Spec(aliases=_EMPLOYER, db=None, form=False)] = None
    client_code: Annotated[str, Spec("client_code", aliases=_CLIENT, db=None)]
    # Employment may start after the application: in the project, possibly ahead
    employment_start: Annotated[date, Spec(aliases=("työsuhteen alku",), in_period=True)]
    employment_end: Annotated[date | None, Spec(aliases=("työsuhteen loppu",))] = None
    contract_type: Annotated[
        str, Spec(choices="contract_type", aliases=("työsopimus", "sopimus", "contract"))
    ]
    weekly_hours: Annotated[
        Decimal,
        Field(gt=0, le=models.MAX_WEEKLY_HOURS),
        Spec(aliases=("tuntia viikossa", "h/vko", "hours"), example=Decimal("37.5")),
    ]
    monthly_amount: Annotated[
        Decimal,
        Field(ge=0),
        Spec(aliases=("€/kk", "eur/kk", "kuukausisumma"), example=Decimal("800.50")),
    ]
    months: Annotated[int, Field(ge=1), Spec(aliases=("kk", "kuukausia"), example=6)]
    # €/month × months (polku/rules/grants.py); a file may give it, a form never does
    amount: Annotated[
        Decimal | None, Field(ge=0), Spec(aliases=("yhteensä", "total"), form=False)
    ] = None
    application_date: Annotated[
        date, Spec(aliases=("hakemuspvm", "haettu"), in_period=True, not_future=True)
    ]
    decision_date: Annotated[
        date | None, Spec(aliases=("päätöspvm",), in_period=True, not_future=True)
    ] = None
    decision: Annotated[str, Spec(choices="decision")] = "pending"
    # A form asks only whether the bonus is de minimis aid: its amount is the bonus's
    de_minimis_amount: Annotated[
        Decimal | None, Field(ge=0), Spec(aliases=("de minimis",), form=False)
    ] = None
    employed_after_6_months: Annotated[
        bool | None, Spec(aliases=("työssä 6 kk", "employed_6_months"))
    ] = None
    employed_after_12_months: Annotated[
        bool | None, Spec(aliases=("työssä 12 kk", "employed_12_months"))
    ] = None


class DeclaredAidRecord(Record):
    """De minimis aid from another grantor that an employer declares (Regulation (EU)
    2023/2831): counted with the project's bonuses in the employer's rolling total."""

    kind, table = "declared_aid", "declared_aid"
    key = ("business_id", "grantor", "decision_date")

    # The single undertaking is known by its Y-tunnus
    business_id: Annotated[str, Spec("business_id", aliases=_BUSINESS_ID, db=None)]
    grantor: Annotated[str, Spec(aliases=("tuen myöntäjä", "myöntäjä", "granted by"))]
    # Aid counts from its decision, whatever its payment date; it may predate the project
    decision_date: Annotated[
        date, Spec(aliases=("päätöspvm", "myöntämispäivä", "granted on"), not_future=True)
    ]
    amount: Annotated[
        Decimal,
        Field(gt=0),
        Spec(aliases=("euroa", "tuen määrä", "määrä"), example=Decimal("20000.00")),
    ]
    legal_basis: Annotated[str, Spec(aliases=("oikeusperusta", "säädösperusta", "basis"))]


class CostRecord(Record):
    kind, table = "costs", "cost_entry"
    key = ("budget_line", "municipality", "booked_on", "description")

    budget_line: Annotated[
        str,
        Spec(
            choices="budget_line",
            aliases=("budjetti", "kustannuslaji", "budget_line_code"),
            db="budget_line_code",
        ),
    ]
    municipality: Annotated[
        str | None, Spec(choices="municipality", aliases=_MUNICIPALITY, db="municipality_code")
    ] = None
    booked_on: Annotated[
        date,
        Spec(aliases=("kirjauspvm", "päivämäärä", "pvm", "date"), in_period=True, not_future=True),
    ]
    amount: Annotated[Decimal, Spec(aliases=("euroa", "määrä"), example=Decimal("1234.50"))]
    description: Annotated[str, Spec(aliases=("selite",))]


class StaffRecord(Record):
    """A person's spell of work in the project (admins only); natural key name + role + start."""

    kind, table, key = "staff", "staff_member", ("name", "role", "start_date")

    name: Annotated[str, Spec(aliases=("nimi", "henkilö", "työntekijä"))]
    role: Annotated[
        str, Spec(choices="staff_role", aliases=("rooli", "tehtävä", "role_code"), db="role_code")
    ]
    fte: Annotated[
        Decimal,
        Field(gt=0, le=models.MAX_FTE),
        Spec(aliases=("työaikaosuus", "htv", "share of full time"), example=Decimal("1.0")),
    ]
    municipality: Annotated[
        str | None, Spec(choices="municipality", aliases=_MUNICIPALITY, db="municipality_code")
    ] = None
    start_date: Annotated[date, Spec(aliases=("alkupvm", "alkaen", "start"), in_period=True)]
    end_date: Annotated[date | None, Spec(aliases=("loppupvm", "päättyen", "end"))] = None


class SalaryRecord(Record):
    """A staff member's salary of a month: gross paid; hours and the documented annual gross
    cost under the unit-cost model (admins only)."""

    kind, table, key = "salaries", "salary_record", ("name", "month")

    # The person's name (and role, if two spells could cover the month) gives the staff
    # member whose employment covers the month
    name: Annotated[str, Spec(aliases=("nimi", "henkilö", "työntekijä"), db=None)]
    role: Annotated[
        str | None, Spec(choices="staff_role", aliases=("rooli", "tehtävä", "role_code"), db=None)
    ] = None
    month: Annotated[
        date, Spec(aliases=("kuukausi", "palkkakuukausi"), in_period=True, not_future=True)
    ]
    gross_salary: Annotated[
        Decimal,
        Field(ge=0, le=models.MAX_MONTHLY_SALARY),
        Spec(aliases=("bruttopalkka", "maksettu palkka", "gross"), example=Decimal("3000.00")),
    ]
    hours: Annotated[
        Decimal | None,
        Field(ge=0, le=models.MAX_MONTHLY_HOURS),
        Spec(aliases=("tunnit", "työtunnit"), example=Decimal("143.5")),
    ] = None
    annual_gross_cost: Annotated[
        Decimal | None,
        Field(gt=0),
        Spec(aliases=("vuosikustannus", "vuoden bruttokustannus", "annual cost")),
    ] = None


def _length(table: str, column: str) -> int:
    """A text column's length in the database (models.py)."""
    length: int = models.metadata.tables[table].c[column].type.length  # type: ignore[attr-defined]
    return length


# A status is one of the database's codes (its CHECK constraint, models.py)
if typing.TYPE_CHECKING:
    ChecklistStatus = str
else:
    ChecklistStatus = Literal[models.CHECKLIST_STATUSES]


class ChecklistItemRecord(Record):
    """What people change on a checklist item (app_pages/checklists.py); not imported. The table
    editor, the own-item form and the validation of a save (polku/checklists.py) derive from it;
    `own_only` fields exist on a municipality's own items only. Its labels are the checklist's
    ("checklists.field.<field>"), shared with its history and export."""

    kind, table, key = "checklist_items", "checklist_item", ("id",)
    labels = "checklists.field."
    own_only = ("title", "required")

    status: Annotated[ChecklistStatus, Spec(choices="checklist_status")]
    owner: Annotated[str | None, Field(max_length=_length("checklist_item", "owner"))] = None
    due_date: date | None = None
    note: Annotated[str | None, Field(max_length=_length("checklist_item", "note"))] = None
    # http(s), a host, no spaces; the editor's link column checks the same pattern
    evidence_url: Annotated[
        str | None,
        Field(
            max_length=_length("checklist_item", "evidence_url"),
            pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$",
        ),
    ] = None
    title: Annotated[str, Field(max_length=_length("checklist_item", "title"))]
    required: bool = False


# The kinds a file imports, in the order they depend on each other (a grant names a client
# and an employer, a salary a staff member)
IMPORTED: dict[str, type[Record]] = {
    r.kind: r
    for r in (
        EmployerRecord,
        ClientRecord,
        EpisodeRecord,
        OutcomeRecord,
        PartnershipRecord,
        GrantRecord,
        DeclaredAidRecord,
        CostRecord,
        StaffRecord,
        SalaryRecord,
    )
}
# The kinds only admins import and export (polku/access.py, READ_STAFF)
STAFF_KINDS = (StaffRecord.kind, SalaryRecord.kind)
# Every declaration, for the data dictionary
ALL: tuple[type[Record], ...] = (*IMPORTED.values(), ExitRecord, ChecklistItemRecord)


# ---------------------------------------------------------------------------------------------
# Reading a declaration


@dataclass(frozen=True)
class FieldDef:
    """A field of a declaration, read once: what the import, the forms and the dictionary need."""

    kind: str
    name: str
    type: str  # text | client_code | date | decimal | int | bool | choice | choices | business_id
    required: bool
    default: Any
    spec: Spec
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: bool = False
    labels: str = ""

    @property
    def label_key(self) -> str:
        return f"{self.labels or f'record.{self.kind}.'}{self.name}"

    @property
    def help_key(self) -> str:
        return f"record.{self.kind}.{self.name}.help"

    def label(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.label_key, lang)

    def description(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(self.help_key, lang)

    @property
    def db(self) -> str | None:
        """The column of the record's table this field fills, if any."""
        return self.name if self.spec.db == "" else self.spec.db


_PYTHON_TYPES = {int: "int", Decimal: "decimal", date: "date", bool: "bool", str: "text"}


def _base_type(annotation: Any) -> Any:
    """int for `int | None`; tuple for `tuple[str, ...] | None`."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return typing.get_origin(annotation) or annotation


def _field(kind: str, name: str, info: FieldInfo, labels: str = "") -> FieldDef:
    marker = next((m for m in info.metadata if isinstance(m, Spec)), Spec())
    base = _base_type(info.annotation)
    type_ = marker.type or (
        ("choices" if base is tuple else "choice") if marker.choices else _PYTHON_TYPES[base]
    )
    low = high = None
    exclusive = False
    # pydantic keeps Field(ge=…, gt=…, le=…) as annotated-types markers with those attributes
    for bound in info.metadata:
        if getattr(bound, "ge", None) is not None:
            low = Decimal(str(bound.ge))
        elif getattr(bound, "gt", None) is not None:
            low, exclusive = Decimal(str(bound.gt)), True
        elif getattr(bound, "le", None) is not None:
            high = Decimal(str(bound.le))
    required = info.is_required()
    default = None if required or info.default is None else info.default
    return FieldDef(kind, name, type_, required, default, marker, low, high, exclusive, labels)


def fields(record: type[Record]) -> list[FieldDef]:
    """The record's fields in their declared order."""
    return [
        _field(record.kind, name, info, record.labels) for name, info in record.model_fields.items()
    ]


def form_fields(record: type[Record]) -> list[FieldDef]:
    """The fields a form draws for the record."""
    return [f for f in fields(record) if f.spec.form]
