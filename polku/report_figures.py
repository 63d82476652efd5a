"""The figures of a follow-up report (seurantaraportti) or the final report (loppuraportti):
what `polku.reporting.build` computes, what approval freezes as JSON in `report_snapshot`, and
what the page, the workbook and the PDF show. Pydantic models, so a snapshot reads back to
the same values (money as exact decimals, to the cent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from polku import i18n


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndicatorFigure(_Frozen):
    """A project indicator (data/project.toml) at the report's end."""

    code: str
    kind: str  # "count" or "rate" (a share, 0.70 = 70 %)
    target: float
    expected: float | None  # expected by the report's end on the target's trajectory
    value: float  # cumulative to the report's end
    change: float  # during the report's period (value at its end − at the day before start)

    @property
    def behind(self) -> bool:
        """Behind its expected value: the report needs a written explanation of the deviation."""
        return self.expected is not None and self.value < self.expected


class CommonFigure(_Frozen):
    """An ESF+ common indicator (Regulation (EU) 2021/1057 Annex I), cumulative to the end."""

    code: str  # EECO01 … EECO11, EECR01 … EECR05
    female: int
    male: int
    other: int  # non-binary
    total: int


class ParticipantCount(_Frozen):
    """Participants who started and who left during the period, for one gender (or None: not
    recorded): Polku's side of the reconciliation with the funder's system."""

    gender: str | None
    started: int
    left: int


class MoneyFigures(_Frozen):
    """The period's eligible costs (polku/money.py's costs_by_period), euros to the cent."""

    eligible_salaries: Decimal
    flat_rate: Decimal
    total: Decimal
    esf: Decimal
    municipal: Decimal
    cumulative_total: Decimal  # all periods to the end of this one
    planned_total: Decimal  # the time plan's cumulative total at the end


class ReportFigures(_Frozen):
    """Everything a report states: frozen as one JSON document when it is approved."""

    report: str  # a payment period's code, or models.FINAL_REPORT
    start: date  # the period's first day (the project's start for the final report)
    end: date  # the period's last day (the project's end for the final report)
    indicators: tuple[IndicatorFigure, ...]
    common: tuple[CommonFigure, ...]
    # Participants missing a mandatory value (gender, employment status, age, education):
    # counted only in EECO01
    common_incomplete: int
    money: MoneyFigures
    participants: tuple[ParticipantCount, ...]
    # Narrative sections and deviation explanations ("deviation:<indicator>"), as approved
    texts: dict[str, str]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> ReportFigures:
        return cls.model_validate_json(text)


# The ESF+ common indicators this project's data supports, in the report's order
COMMON_CODES = (
    "EECO01",
    "EECO02",
    "EECO03",
    "EECO04",
    "EECO05",
    "EECO06",
    "EECO07",
    "EECO08",
    "EECO09",
    "EECO10",
    "EECO11",
    "EECR01",
    "EECR02",
    "EECR03",
    "EECR04",
    "EECR05",
)
# The narrative sections of a follow-up report, and those the final report adds
PERIOD_SECTIONS = (
    "activities",
    "results",
    "deviations",
    "horizontal",
    "communication",
    "cooperation",
)
FINAL_SECTIONS = (*PERIOD_SECTIONS, "overall", "continuation", "problems")
# The text that explains why an indicator is behind its expected value
DEVIATION_PREFIX = "deviation:"


def common_name(code: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The common indicator's name as the funder's system words it."""
    return i18n.t(f"common.{code}", lang)


def section_name(section: str, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t(f"report_section.{section}", lang)
