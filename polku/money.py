"""Money: eligible salary costs, the flat rate, financing, budget use, the forecast, staff time,
each municipality's own financing and cost per result.

The rules are the funding decision's ([money] of the project file, loaded into money_rules,
payment_period and financing_share); the costs are the staff's monthly salaries
(salary_record). Under the side-cost model a month's eligible salary is the gross salary paid ×
(1 + side-cost share); under the unit-cost model it is the hours × the hourly rate, the rate
being the person's latest documented annual gross cost ÷ (annual hours × share of full time).
The flat rate is its share of the eligible salaries; ESF+ and the municipalities finance the
total by their shares.

Euros are rounded to the cent, half up, where they arise: the hourly rate, a person's eligible
salary of a month, a month's flat rate and ESF+ share (the municipal share is the rest), so that
months add up to payment periods and these to the total exactly.

Access as in polku/metrics.py: every function reading salaries asks polku/access.py first.
Person-level rows (staff_costs) need READ_STAFF (admins); the others are aggregates of the
whole project (READ_AGGREGATES of the region), never money by role or by person.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import select

from models import metadata
from polku import metrics
from polku.access import Actor, Permission, check
from polku.metrics import Database, _connect

_rules = metadata.tables["money_rules"]
_period = metadata.tables["payment_period"]
_share = metadata.tables["financing_share"]
_staff = metadata.tables["staff_member"]
_salary = metadata.tables["salary_record"]
_budget_line = metadata.tables["budget_line"]
_project = metadata.tables["project"]
_staff_role = metadata.tables["staff_role"]

CENT = Decimal("0.01")
SIDE_COST, UNIT_COST = "side_cost", "unit_cost"
# The months whose pace the forecast carries on to the project's end
FORECAST_MONTHS = 6
# The results whose cost is followed (polku/metrics.py's indicators)
RESULTS = (
    metrics.CLIENTS,
    metrics.PLACED_AT_COMPANIES,
    metrics.PARTNER_COMPANIES,
    metrics.BONUS_EMPLOYERS,
)
AMOUNTS = ["eligible_salaries", "flat_rate", "total", "esf", "municipal"]


def cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (3 793,195 → 3 793,20)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rules:
    """The funding decision's money rules, the budget lines they are compared with and the
    project's period."""

    salary_model: str
    side_cost_share: Decimal | None
    annual_hours: int | None
    flat_rate_share: Decimal
    esf_share: Decimal
    municipal_share: Decimal
    salary_budget: Decimal
    flat_rate_budget: Decimal
    start: date
    end: date

    @property
    def total_budget(self) -> Decimal:
        return self.salary_budget + self.flat_rate_budget

    def planned_share(self, day: date) -> Decimal:
        """The straight-line time plan: the share of the period elapsed by the end of `day`."""
        elapsed = (min(max(day, self.start - timedelta(days=1)), self.end) - self.start).days + 1
        return Decimal(elapsed) / Decimal((self.end - self.start).days + 1)

    def split(self, eligible_salaries: Decimal) -> dict[str, Decimal]:
        """Eligible salaries → flat rate, total, ESF+ and municipal financing (the rest)."""
        flat = cents(eligible_salaries * self.flat_rate_share)
        total = eligible_salaries + flat
        esf = cents(total * self.esf_share)
        return {
            "eligible_salaries": eligible_salaries,
            "flat_rate": flat,
            "total": total,
            "esf": esf,
            "municipal": total - esf,
        }


class MoneyRulesMissing(LookupError):
    """The project definition with its [money] table has not been loaded."""


def rules(db: Database) -> Rules:
    """The money rules of the loaded project definition."""
    r, b, p = _rules.c, _budget_line.c, _project.c
    with _connect(db) as conn:
        row = conn.execute(select(_rules).where(r.id == 1)).mappings().first()
        period = conn.execute(select(p.start_date, p.end_date).where(p.id == 1)).first()
        if row is None or period is None:
            raise MoneyRulesMissing("the project's [money] rules are not loaded: run init")
        amounts = {str(row.code): row.amount for row in conn.execute(select(b.code, b.amount))}
    return Rules(
        salary_model=row["salary_model"],
        side_cost_share=_dec(row["side_cost_share"]),
        annual_hours=row["annual_hours"],
        flat_rate_share=Decimal(str(row["flat_rate_share"])),
        esf_share=Decimal(str(row["esf_share"])),
        municipal_share=Decimal(str(row["municipal_share"])),
        salary_budget=Decimal(str(amounts[row["salary_budget_line"]])),
        flat_rate_budget=Decimal(str(amounts[row["flat_rate_budget_line"]])),
        start=period[0],
        end=period[1],
    )


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def payment_periods(db: Database) -> pd.DataFrame:
    """The payment periods (maksatuskaudet) in order: code, start, end."""
    p = _period.c
    stmt = select(p.code, p.start_date, p.end_date).order_by(p.position)
    with _connect(db) as conn:
        rows = conn.execute(stmt).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["code", "start", "end"])


# ---------------------------------------------------------------------------------------------
# Eligible salaries of each person and month (read here, shown only as aggregates)


def _month(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _person_months(db: Database, money: Rules, as_of: date) -> pd.DataFrame:
    """Every salary record of a month up to `as_of`'s, with its eligible salary (Decimal)."""
    s, m = _salary.c, _staff.c
    stmt = (
        select(
            s.staff_member_id,
            m.role_code,
            m.fte,
            s.month,
            s.gross_salary,
            s.hours,
            s.annual_gross_cost,
        )
        .join(_staff, m.id == s.staff_member_id)
        .where(s.month <= as_of)
        .order_by(s.staff_member_id, s.month)
    )
    with _connect(db) as conn:
        rows = conn.execute(stmt).all()
    columns = ["staff_member_id", "role", "fte", "month", "gross_salary", "hours", "annual_cost"]
    frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
    frame["eligible_salaries"] = pd.Series(_eligible(frame, money), index=frame.index, dtype=object)
    return frame


def _eligible(frame: pd.DataFrame, money: Rules) -> list[Decimal]:
    """A person's eligible salary of each month by the salary-cost model."""
    if money.salary_model == SIDE_COST:
        factor = 1 + (money.side_cost_share or Decimal(0))
        return [cents(Decimal(str(g)) * factor) for g in frame["gross_salary"]]
    # Unit cost: the latest documented annual cost so far, ÷ the person's share of the hours
    latest = frame.groupby("staff_member_id")["annual_cost"].ffill()
    eligible = []
    for hours, annual, fte in zip(frame["hours"], latest, frame["fte"], strict=True):
        if hours is None or pd.isna(hours) or pd.isna(annual):
            eligible.append(Decimal(0))  # no time record or no documented cost: nothing eligible
            continue
        rate = hourly_rate(money, Decimal(str(annual)), Decimal(str(fte)))
        eligible.append(cents(Decimal(str(hours)) * rate))
    return eligible


def hourly_rate(money: Rules, annual_gross_cost: Decimal, fte: Decimal) -> Decimal:
    """The unit-cost model's hourly rate: annual gross cost ÷ (annual hours × share of time)."""
    return cents(annual_gross_cost / (Decimal(money.annual_hours or 1) * fte))


def salary_months(db: Database, actor: Actor | None, start: date, end: date) -> pd.DataFrame:
    """Each staff member's salary records of the months from `start` to `end` (admins only):
    staff_member_id, month, gross_salary, hours, eligible_salaries (Decimal), by person and
    month; the same eligible salaries the totals are sums of."""
    check(actor, Permission.READ_STAFF, None)
    with _connect(db) as conn:
        people = _person_months(conn, rules(conn), end)
    frame = people[people["month"] >= _month(start)]
    columns = ["staff_member_id", "month", "gross_salary", "hours", "eligible_salaries"]
    return frame[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Costs by month and by payment period


def _months(start: date, last: date) -> list[date]:
    return [p.start_time.date() for p in pd.period_range(start, last, freq="M")]


def costs_by_month(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """One row per month from the project's start to `as_of`'s month: month (its first day),
    payment_period, the euros of the month (eligible_salaries, flat_rate, total, esf,
    municipal), their running totals (cumulative_*), and planned_total, the straight-line time
    plan's cumulative total at the month's end (or `as_of`)."""
    check(actor, Permission.READ_AGGREGATES, None)
    with _connect(db) as conn:
        money = rules(conn)
        people = _person_months(conn, money, as_of)
        periods = payment_periods(conn)
    by_month: dict[date, Decimal] = {}
    for month, eligible in zip(people["month"], people["eligible_salaries"], strict=True):
        by_month[_month(month)] = by_month.get(_month(month), Decimal(0)) + eligible
    rows = []
    running = dict.fromkeys(AMOUNTS, Decimal(0))
    for month in _months(money.start, min(max(as_of, money.start), money.end)):
        amounts = money.split(by_month.get(month, Decimal(0)))
        running = {k: running[k] + amounts[k] for k in AMOUNTS}
        period = periods[(periods["start"] <= month) & (periods["end"] >= month)]["code"]
        planned = money.total_budget * money.planned_share(min(_month_end(month), as_of))
        rows.append(
            {
                "month": month,
                "payment_period": period.iloc[0] if len(period) else None,
                **{k: float(v) for k, v in amounts.items()},
                **{f"cumulative_{k}": float(v) for k, v in running.items()},
                "planned_total": float(cents(planned)),
            }
        )
    columns = ["month", "payment_period", *AMOUNTS, *(f"cumulative_{k}" for k in AMOUNTS)]
    return pd.DataFrame(rows, columns=[*columns, "planned_total"])


def costs_by_period(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """One row per payment period: code, start, end, status (closed: ended by `as_of`; open;
    future), its months' euros to `as_of` (eligible_salaries, flat_rate, total, esf,
    municipal), cumulative_total to its end, and planned_total, the straight-line time plan's
    cumulative total at its end."""
    months = costs_by_month(db, actor, as_of)
    with _connect(db) as conn:
        money = rules(conn)
        periods = payment_periods(conn)
    sums = months.groupby("payment_period")[AMOUNTS].sum() if len(months) else None
    rows = []
    running = 0.0
    for code, start, end in periods.itertuples(index=False):
        amounts = {
            k: round(float(sums.loc[code, k]), 2)
            if sums is not None and code in sums.index
            else 0.0
            for k in AMOUNTS
        }
        running = round(running + amounts["total"], 2)
        status = "closed" if end <= as_of else "open" if start <= as_of else "future"
        planned = cents(money.total_budget * money.planned_share(end))
        rows.append(
            {
                "code": code,
                "start": start,
                "end": end,
                "status": status,
                **amounts,
                "cumulative_total": running,
                "planned_total": float(planned),
            }
        )
    columns = ["code", "start", "end", "status", *AMOUNTS, "cumulative_total", "planned_total"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------------------------------------
# Budget use and forecast


@dataclass(frozen=True)
class BudgetUse:
    """Costs to `as_of` against the budget and the straight-line time plan (euros)."""

    as_of: date
    salary_budget: float
    flat_rate_budget: float
    total_budget: float
    eligible_salaries: float
    flat_rate: float
    total: float
    esf: float
    municipal: float
    used_share: float  # total ÷ total budget
    planned_share: float  # the share of the project's period elapsed
    planned_total: float  # total budget × planned share
    ahead_of_plan: float  # total − planned total (above zero: spending faster than planned)


def budget_use(db: Database, actor: Actor | None, as_of: date) -> BudgetUse:
    """The costs to `as_of` against the budget lines and the straight-line time plan."""
    months = costs_by_month(db, actor, as_of)
    with _connect(db) as conn:
        money = rules(conn)
    last = months.iloc[-1] if len(months) else None
    spent = {k: float(last[f"cumulative_{k}"]) if last is not None else 0.0 for k in AMOUNTS}
    planned_share = money.planned_share(as_of)
    planned = float(cents(money.total_budget * planned_share))
    total_budget = float(money.total_budget)
    return BudgetUse(
        as_of=as_of,
        salary_budget=float(money.salary_budget),
        flat_rate_budget=float(money.flat_rate_budget),
        total_budget=total_budget,
        **spent,
        used_share=spent["total"] / total_budget if total_budget else 0.0,
        planned_share=float(planned_share),
        planned_total=planned,
        ahead_of_plan=round(spent["total"] - planned, 2),
    )


@dataclass(frozen=True)
class Forecast:
    """The total to the project's end at the pace of the last complete months (euros)."""

    as_of: date
    pace_months: list[date]  # the complete months whose average is the pace
    monthly_pace: float  # average total costs of those months
    spent: float  # total costs of the complete months to the last of them
    remaining_months: int  # months after the last complete one, to the project's end
    forecast_total: float  # spent + pace × remaining months
    total_budget: float
    difference: float  # forecast − budget: above zero an overspend, below an underspend


def forecast(db: Database, actor: Actor | None, as_of: date) -> Forecast | None:
    """The forecast to the project's end at the pace of the last FORECAST_MONTHS complete months
    (a month is complete once its last day is on or before `as_of`); None before the first
    complete month."""
    months = costs_by_month(db, actor, as_of)
    with _connect(db) as conn:
        money = rules(conn)
    complete = months[[_month_end(m) <= as_of for m in months["month"]]]
    if complete.empty:
        return None
    recent = complete.tail(FORECAST_MONTHS)
    pace = sum((Decimal(str(v)) for v in recent["total"]), Decimal(0)) / len(recent)
    last = complete["month"].iloc[-1]
    remaining = len(_months(last, money.end)) - 1
    spent = Decimal(str(complete["cumulative_total"].iloc[-1]))
    predicted = cents(spent + pace * remaining)
    return Forecast(
        as_of=as_of,
        pace_months=list(recent["month"]),
        monthly_pace=float(cents(pace)),
        spent=float(spent),
        remaining_months=remaining,
        forecast_total=float(predicted),
        total_budget=float(money.total_budget),
        difference=float(predicted - money.total_budget),
    )


# ---------------------------------------------------------------------------------------------
# Staff time, municipal financing, cost per result, staff rows


def fte_by_role(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """Full-time equivalents in use by role and month, from the project's start to `as_of`'s
    month, against the plan's staffing: month, role, fte (a person counts by their share of
    full time × the share of the month's days they were employed), planned_fte, difference."""
    check(actor, Permission.READ_AGGREGATES, None)
    m, r = _staff.c, _staff_role.c
    with _connect(db) as conn:
        money = rules(conn)
        staff = conn.execute(select(m.role_code, m.fte, m.start_date, m.end_date)).all()
        roles = conn.execute(select(r.code, r.fte).order_by(r.position)).all()
    rows = []
    for month in _months(money.start, min(max(as_of, money.start), money.end)):
        end = _month_end(month)
        days = (end - month).days + 1
        for role, planned in roles:
            fte = sum(
                float(share) * max(0, (min(end, last or end) - max(month, first)).days + 1) / days
                for code, share, first, last in staff
                if code == role
            )
            rows.append(
                {
                    "month": month,
                    "role": role,
                    "fte": round(fte, 3),
                    "planned_fte": float(planned),
                    "difference": round(fte - float(planned), 3),
                }
            )
    return pd.DataFrame(rows, columns=["month", "role", "fte", "planned_fte", "difference"])


def municipal_financing(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """Each municipality's part of the own financing to `as_of`: code, name, share (its fixed
    share, else the rest by population), fixed (bool), amount (€; the rounding cents go to the
    biggest share, so the amounts add up to the municipal financing)."""
    use = budget_use(db, actor, as_of)
    with _connect(db) as conn:
        places = metrics.municipalities(conn)
        fixed = {code for (code,) in conn.execute(select(_share.c.municipality_code))}
        shares = _shares(conn)
    total = Decimal(str(use.municipal))
    amounts = {code: cents(total * share) for code, share in shares.items()}
    if amounts:
        biggest = max(shares, key=lambda code: shares[code])
        amounts[biggest] += total - sum(amounts.values(), Decimal(0))
    frame = places[["code", "name"]].copy()
    frame["share"] = [float(shares[c]) for c in frame["code"]]
    frame["fixed"] = [c in fixed for c in frame["code"]]
    frame["amount"] = [float(amounts[c]) for c in frame["code"]]
    return frame.reset_index(drop=True)


def _shares(db: Database) -> dict[str, Decimal]:
    """Each municipality's share of the own financing: its fixed share, else the rest by
    population."""
    with _connect(db) as conn:
        places = metrics.municipalities(conn)
        fixed = {
            code: Decimal(str(share))
            for code, share in conn.execute(select(_share.c.municipality_code, _share.c.share))
        }
    rest = 1 - sum(fixed.values(), Decimal(0))
    by_population = places[~places["code"].isin(list(fixed))]
    population = int(by_population["population"].sum())
    return {
        code: fixed.get(code, rest * Decimal(int(pop)) / population if population else Decimal(0))
        for code, pop in zip(places["code"], places["population"], strict=True)
    }


def cost_per_result(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """Total eligible costs to `as_of` per result: indicator, results (polku/metrics.py's
    indicator values on the day), total_costs, cost_per_result (None without results). An
    indicator the project file does not have is left out."""
    use = budget_use(db, actor, as_of)
    actuals = metrics.indicator_actuals(db, actor, None, as_of)
    rows = [
        {
            "indicator": code,
            "results": int(actuals[code].value),
            "total_costs": use.total,
            "cost_per_result": (
                float(cents(Decimal(str(use.total)) / int(actuals[code].value)))
                if actuals[code].value
                else None
            ),
        }
        for code in RESULTS
        if code in actuals
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "results", "total_costs", "cost_per_result"])
    per = frame["cost_per_result"].astype(object)
    frame["cost_per_result"] = per.where(per.notna(), None)  # None, not NaN: valid JSON too
    return frame


def staff_costs(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """Each staff member's costs to `as_of` (admins only): staff_member_id, name, role, fte,
    municipality, start, end, gross_salary, hours, eligible_salaries (€ and hours summed)."""
    check(actor, Permission.READ_STAFF, None)
    m = _staff.c
    stmt = select(
        m.id, m.name, m.role_code, m.fte, m.municipality_code, m.start_date, m.end_date
    ).order_by(m.name, m.start_date)
    with _connect(db) as conn:
        money = rules(conn)
        people = _person_months(conn, money, as_of)
        staff = conn.execute(stmt).all()
    columns = ["staff_member_id", "name", "role", "fte", "municipality", "start", "end"]
    frame = pd.DataFrame([tuple(r) for r in staff], columns=columns)
    frame["fte"] = frame["fte"].astype(float)
    sums: dict[int, dict[str, Decimal]] = {}
    for person, gross, hours, eligible in zip(
        people["staff_member_id"],
        people["gross_salary"],
        people["hours"],
        people["eligible_salaries"],
        strict=True,
    ):
        total = sums.setdefault(
            int(person), dict.fromkeys(("gross", "hours", "eligible"), Decimal(0))
        )
        total["gross"] += Decimal(str(gross))
        total["hours"] += Decimal(str(hours)) if hours is not None else Decimal(0)
        total["eligible"] += eligible
    empty = dict.fromkeys(("gross", "hours", "eligible"), Decimal(0))
    for column, key in (
        ("gross_salary", "gross"),
        ("hours", "hours"),
        ("eligible_salaries", "eligible"),
    ):
        frame[column] = [float(sums.get(int(p), empty)[key]) for p in frame["staff_member_id"]]
    return frame


# ---------------------------------------------------------------------------------------------
# What a viewer sees: the municipality's share, and no one's pay but to admins

# A euro sum of one or two persons' pay is their pay: such a sum is shown to admins only
MIN_PAID_PEOPLE = 3


def sees_pay(actor: Actor | None) -> bool:
    """Whether the actor may see sums that stand for one or two persons' pay (admins)."""
    return actor is not None and actor.may(Permission.READ_STAFF, None)


def _paid_sets(db: Database, as_of: date) -> dict[date, set[int]]:
    """Month -> the staff members with a salary of that month, to `as_of`'s month."""
    s = _salary.c
    with _connect(db) as conn:
        rows = conn.execute(
            select(s.month, s.staff_member_id).where(s.month <= as_of).distinct()
        ).all()
    paid: dict[date, set[int]] = {}
    for month, person in rows:
        paid.setdefault(_month(month), set()).add(int(person))
    return paid


def paid_people(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """month, people (staff members paid in the month) and people_to_date (distinct, from the
    project's start to the month), for the months of costs_by_month."""
    check(actor, Permission.READ_AGGREGATES, None)
    with _connect(db) as conn:
        money = rules(conn)
        paid = _paid_sets(conn, as_of)
    rows, seen = [], set()
    for month in _months(money.start, min(max(as_of, money.start), money.end)):
        seen |= paid.get(month, set())
        rows.append(
            {"month": month, "people": len(paid.get(month, ())), "people_to_date": len(seen)}
        )
    return pd.DataFrame(rows, columns=["month", "people", "people_to_date"])


def _merge_small(frame: pd.DataFrame, groups: list[set[int]], label: str) -> pd.DataFrame:
    """Rows whose people are one or two merged into the next (the last ones into the one
    before), until each row stands for at least MIN_PAID_PEOPLE persons' pay: a merged row
    sums AMOUNTS, keeps the last row's other columns (running totals) and names its first row in
    `<label>_from`. Nothing is left when all the rows together stand for fewer."""
    if len(set().union(*groups) if groups else set()) < MIN_PAID_PEOPLE:
        return frame.iloc[0:0].assign(**{f"{label}_from": []})
    spans: list[list[int]] = []
    people: set[int] = set()
    current: list[int] = []
    for index, group in enumerate(groups):
        current.append(index)
        people |= group
        if len(people) >= MIN_PAID_PEOPLE or not people and not group:
            spans.append(current)
            current, people = [], set()
    if current:  # the last rows stand for too few: into the span before
        spans[-1].extend(current)
    rows = []
    for span in spans:
        first, last = frame.iloc[span[0]], frame.iloc[span[-1]]
        row = last.to_dict()
        row.update({k: round(float(frame.iloc[span][k].sum()), 2) for k in AMOUNTS})
        row[f"{label}_from"] = first[label]
        rows.append(row)
    return pd.DataFrame(rows, columns=[*frame.columns, f"{label}_from"])


def months_shown(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """costs_by_month as the actor may see it, with month_from (the first month of the row):
    admins see every month; to others a month paying one or two persons is merged into the
    next (else its sum, and the cumulative step, would be their pay)."""
    months = costs_by_month(db, actor, as_of)
    if sees_pay(actor):
        return months.assign(month_from=months["month"])
    paid = _paid_sets(db, as_of)
    groups = [paid.get(m, set()) for m in months["month"]]
    # An empty month (nobody paid, nothing spent) is a row of its own: it shows no one's pay
    return _merge_small(months, groups, "month")


def periods_shown(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """costs_by_period as the actor may see it, with code_from: to others than admins a period
    paying one or two persons is merged into the next, as in months_shown."""
    periods = costs_by_period(db, actor, as_of)
    if sees_pay(actor):
        return periods.assign(code_from=periods["code"])
    paid = _paid_sets(db, as_of)
    groups = [
        set().union(*(people for month, people in paid.items() if start <= month <= end))
        for start, end in zip(periods["start"], periods["end"], strict=True)
    ]
    return _merge_small(periods, groups, "code")


def totals_shown(db: Database, actor: Actor | None, as_of: date) -> bool:
    """Whether the actor may see the totals to `as_of` (budget use, forecast, financing, cost
    per result): admins always, others once they stand for MIN_PAID_PEOPLE persons' pay."""
    check(actor, Permission.READ_AGGREGATES, None)
    if sees_pay(actor):
        return True
    return len(set().union(*_paid_sets(db, as_of).values())) >= MIN_PAID_PEOPLE


def municipality_share(db: Database, actor: Actor | None, municipality: str | None) -> float:
    """The part of the project a view covers: 1 for the region, a municipality's share of the
    own financing (municipal_financing's share) for the municipality."""
    check(actor, Permission.READ_AGGREGATES, municipality)
    if municipality is None:
        return 1.0
    with _connect(db) as conn:
        shares = _shares(conn)
    return float(shares.get(municipality, Decimal(0)))


def share_of(frame: pd.DataFrame, share: float, columns: list[str]) -> pd.DataFrame:
    """`frame` with its euro `columns` × `share` (a municipality's part), to the cent."""
    scaled = frame.copy()
    for column in columns:
        scaled[column] = [
            None if pd.isna(v) else float(cents(Decimal(str(v)) * Decimal(str(share))))
            for v in frame[column]
        ]
    return scaled


def cost_per_result_by_municipality(
    db: Database, actor: Actor | None, as_of: date, municipalities: list[str]
) -> pd.DataFrame:
    """Each of `municipalities`' share of the total eligible costs to `as_of` per its result:
    code, name, indicator, results, total_costs (its share of the total), cost_per_result
    (None without results)."""
    use = budget_use(db, actor, as_of)
    with _connect(db) as conn:
        places = metrics.municipalities(conn)
        shares = _shares(conn)
    names = dict(zip(places["code"], places["name"], strict=True))
    rows = []
    by_municipality = metrics.indicator_actuals_by_municipality(db, actor, municipalities, as_of)
    for code in municipalities:
        actuals = by_municipality[code]
        costs = cents(Decimal(str(use.total)) * shares.get(code, Decimal(0)))
        for indicator in RESULTS:
            if indicator not in actuals:
                continue
            results = int(actuals[indicator].value)
            rows.append(
                {
                    "code": code,
                    "name": names.get(code, code),
                    "indicator": indicator,
                    "results": results,
                    "total_costs": float(costs),
                    "cost_per_result": float(cents(costs / results)) if results else None,
                }
            )
    columns = ["code", "name", "indicator", "results", "total_costs", "cost_per_result"]
    return pd.DataFrame(rows, columns=columns)


def budget_table(db: Database, actor: Actor | None, as_of: date) -> pd.DataFrame:
    """Each amount (AMOUNTS) to `as_of` against its budget and the straight-line time plan:
    amount, actual, budget (ESF+ and the municipalities: their shares of the total budget),
    planned (budget × the elapsed share), used_share (actual ÷ budget), ahead_of_plan
    (actual − planned)."""
    use = budget_use(db, actor, as_of)
    with _connect(db) as conn:
        money = rules(conn)
    esf = cents(money.total_budget * money.esf_share)
    budgets = {
        "eligible_salaries": money.salary_budget,
        "flat_rate": money.flat_rate_budget,
        "total": money.total_budget,
        "esf": esf,
        "municipal": money.total_budget - esf,
    }
    share = money.planned_share(as_of)
    rows = []
    for amount in AMOUNTS:
        actual, budget = getattr(use, amount), budgets[amount]
        planned = float(cents(budget * share))
        rows.append(
            {
                "amount": amount,
                "actual": actual,
                "budget": float(budget),
                "planned": planned,
                "used_share": actual / float(budget) if budget else 0.0,
                "ahead_of_plan": round(actual - planned, 2),
            }
        )
    columns = ["amount", "actual", "budget", "planned", "used_share", "ahead_of_plan"]
    return pd.DataFrame(rows, columns=columns)


def time_plan(db: Database, actor: Actor | None) -> pd.DataFrame:
    """The straight-line time plan of the total eligible costs to the project's end: month_end,
    planned_total (cumulative, €)."""
    check(actor, Permission.READ_AGGREGATES, None)
    with _connect(db) as conn:
        money = rules(conn)
    ends = [_month_end(m) for m in _months(money.start, money.end)]
    planned = [float(cents(money.total_budget * money.planned_share(e))) for e in ends]
    return pd.DataFrame({"month_end": ends, "planned_total": planned})


def month_end(month: date) -> date:
    """The last day of `month`'s month."""
    return _month_end(month)
