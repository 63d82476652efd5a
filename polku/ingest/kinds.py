"""The kinds of data an import takes: their columns, headers and natural keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models import metadata
from polku.config import ROOT

SAMPLE_DIR = ROOT / "data" / "sample"
# The order in which kinds depend on each other (a grant names a client and an employer)
IMPORT_ORDER = ("employers", "clients", "episodes", "outcomes", "partnerships", "grants", "costs")
# As the CHECK constraints of models.Client and models.BonusGrant
BIRTH_YEARS = (1940, 2015)
MAX_WEEKLY_HOURS = Decimal(60)
CLIENT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CENT = Decimal("0.01")


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


def _col(name: str, header: str, type_: str, aliases: str = "", **options: Any) -> Column:
    """A column; `aliases` are other accepted headers separated by "|"."""
    options.setdefault("db", name)
    return Column(name, header, type_, tuple(a for a in aliases.split("|") if a), **options)


_CLIENT = "asiakas|asiakaskoodi|asiakasnumero|client|client_code"
_BUSINESS_ID = "ytunnus|y_tunnus|business_id|employer_business_id"
_EMPLOYER = "työnantajan nimi|employer|employer_name"
_MUNICIPALITY = "kuntakoodi|kuntanumero|kotikunta|municipality_code"
_NOTE = "lisätiedot|huomautus|note"
_PAST = {"in_period": True, "not_future": True}

# Table-like declarations: one column per line or two, not one argument per line
# fmt: off
KINDS: dict[str, Kind] = {
    "employers": Kind(
        "employers",
        "employer",
        "Työnantajat",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID),
            _col("name", "Nimi", "text", "työnantaja|" + _EMPLOYER, required=True),
            _col(
                "employer_type", "Tyyppi", "choice", "työnantajatyyppi|type",
                required=True, choices="employer_type",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                choices="municipality", db="municipality_code",
            ),
        ),
        key=("business_id", "name", "municipality"),
        one_of=("business_id",),
    ),
    "clients": Kind(
        "clients",
        "client",
        "Asiakkaat",
        (
            _col(
                "client_code", "Asiakastunnus", "client_code", _CLIENT + "|code",
                required=True, db="code",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                required=True, choices="municipality", db="municipality_code",
            ),
            _col(
                "birth_year", "Syntymävuosi", "int", "born", required=True,
                minimum=Decimal(BIRTH_YEARS[0]), maximum=Decimal(BIRTH_YEARS[1]),
            ),
            _col("gender", "Sukupuoli", "choice", choices="gender"),
            _col(
                "education_level", "Koulutustaso", "choice", "koulutus|education",
                choices="education_level",
            ),
            _col(
                "labour_status_at_entry", "Työmarkkina-asema", "choice",
                "työmarkkina-asema alussa|labour_status", choices="labour_status",
            ),
            _col(
                "unemployment_months", "Työttömyyskuukaudet", "int",
                "työttömyys kk|työttömyyden kesto kk", minimum=Decimal(0),
            ),
            _col(
                "target_groups", "Kohderyhmät", "choices", "kohderyhmä|target_group",
                choices="target_group", db=None,
            ),
            _col(
                "entry_date", "Aloituspäivä", "date", "aloituspvm|aloitus|entry",
                required=True, **_PAST,
            ),
            _col(
                "exit_date", "Päättymispäivä", "date",
                "päättymispvm|lopetuspäivä|lopetuspvm|exit", **_PAST,
            ),
            _col(
                "plan_goal", "Suunnitelman tavoite", "text",
                "tavoite|työllistymissuunnitelman tavoite|goal",
            ),
            _col("plan_goal_reached", "Tavoite saavutettu", "bool", "goal_reached"),
        ),
        key=("client_code",),
    ),
    "episodes": Kind(
        "episodes",
        "status_episode",
        "Tilajaksot",
        (
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            _col(
                "status", "Tila", "choice", "tilakoodi|status_code",
                required=True, choices="client_status", db="status_code",
            ),
            _col(
                "start_date", "Alkupäivä", "date", "alkupvm|alkaen|alku|start",
                required=True, **_PAST,
            ),
            _col("end_date", "Loppupäivä", "date", "loppupvm|päättyen|loppu|end", **_PAST),
        ),
        key=("client_code", "status", "start_date"),
    ),
    "outcomes": Kind(
        "outcomes",
        "outcome",
        "Tulokset",
        (
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            _col(
                "outcome_type", "Tulos", "choice", "tulostyyppi|tuloslaji|outcome",
                required=True, choices="outcome_type", db="outcome_type_code",
            ),
            _col(
                "outcome_date", "Päivämäärä", "date", "pvm|päivä|tulospäivä|date",
                required=True, **_PAST,
            ),
            _col(
                "business_id", "Työnantajan Y-tunnus", "business_id", "y-tunnus|" + _BUSINESS_ID,
                db=None,
            ),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("note", "Lisätieto", "text", _NOTE),
        ),
        key=("client_code", "outcome_type", "outcome_date"),
    ),
    "partnerships": Kind(
        "partnerships",
        "partnership_agreement",
        "Kumppanuussopimukset",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID, db=None),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("signed_on", "Allekirjoituspäivä", "date", "allekirjoitettu|signed", **_PAST),
            _col(
                "start_date", "Alkupäivä", "date", "alkupvm|voimassa alkaen|start",
                required=True, **_PAST,
            ),
            # A planned end may lie ahead and past the project: only its order is checked
            _col("end_date", "Loppupäivä", "date", "loppupvm|voimassa asti|end"),
            _col("note", "Lisätieto", "text", _NOTE),
        ),
        key=("business_id", "employer_name", "start_date"),
        one_of=("business_id", "employer_name"),
    ),
    "grants": Kind(
        "grants",
        "bonus_grant",
        "Työllistämislisät",
        (
            _col("business_id", "Y-tunnus", "business_id", _BUSINESS_ID, db=None),
            _col("employer_name", "Työnantaja", "text", _EMPLOYER, db=None),
            _col("client_code", "Asiakastunnus", "client_code", _CLIENT, required=True, db=None),
            # Employment may start after the application: in the project, possibly ahead
            _col(
                "employment_start", "Työsuhde alkaa", "date", "työsuhteen alku",
                required=True, in_period=True,
            ),
            _col("employment_end", "Työsuhde päättyy", "date", "työsuhteen loppu"),
            _col(
                "contract_type", "Sopimustyyppi", "choice", "työsopimus|sopimus|contract",
                required=True, choices="contract_type",
            ),
            _col(
                "weekly_hours", "Viikkotunnit", "decimal", "tuntia viikossa|h/vko|hours",
                required=True, minimum=Decimal(0), exclusive_minimum=True,
                maximum=MAX_WEEKLY_HOURS,
            ),
            _col(
                "monthly_amount", "Euroa kuukaudessa", "decimal", "€/kk|eur/kk|kuukausisumma",
                required=True, minimum=Decimal(0),
            ),
            _col("months", "Kuukaudet", "int", "kk|kuukausia", required=True, minimum=Decimal(1)),
            _col("amount", "Summa", "decimal", "yhteensä|total", minimum=Decimal(0)),
            _col(
                "application_date", "Hakemuspäivä", "date", "hakemuspvm|haettu",
                required=True, **_PAST,
            ),
            _col("decision_date", "Päätöspäivä", "date", "päätöspvm", **_PAST),
            _col("decision", "Päätös", "choice", choices="decision", default="pending"),
            _col(
                "de_minimis_amount", "De minimis -tuki", "decimal", "de minimis",
                minimum=Decimal(0),
            ),
            _col(
                "employed_after_6_months", "Työssä 6 kk jälkeen", "bool",
                "työssä 6 kk|employed_6_months",
            ),
            _col(
                "employed_after_12_months", "Työssä 12 kk jälkeen", "bool",
                "työssä 12 kk|employed_12_months",
            ),
        ),
        key=("business_id", "employer_name", "client_code", "employment_start"),
        one_of=("business_id", "employer_name"),
    ),
    "costs": Kind(
        "costs",
        "cost_entry",
        "Kustannukset",
        (
            _col(
                "budget_line", "Budjettirivi", "choice", "budjetti|kustannuslaji|budget_line_code",
                required=True, choices="budget_line", db="budget_line_code",
            ),
            _col(
                "municipality", "Kunta", "choice", _MUNICIPALITY,
                choices="municipality", db="municipality_code",
            ),
            _col(
                "booked_on", "Kirjauspäivä", "date", "kirjauspvm|päivämäärä|pvm|date",
                required=True, **_PAST,
            ),
            _col("amount", "Summa", "decimal", "euroa|määrä", required=True),
            _col("description", "Kuvaus", "text", "selite", required=True),
        ),
        key=("budget_line", "municipality", "booked_on", "description"),
    ),
}
# fmt: on

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
