"""Privacy rules: small-count suppression for directors, and personal-identity-code
(henkilötunnus) detection in free text.

Directors see aggregates only (the product brief, "Small counts for directors"): a count of
people from 1 to 4 is hidden ("< 5"), a rate only when its cell is safe, and nothing hidden may
follow from what the same view shows. `protect` is the one entry point that decides, for every
card, chart, table and download; the metrics stay true for analysts and for the checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from stdnum.fi import hetu

from polku import i18n
from polku.access import Actor

# Counts from 1 to SMALL_COUNT_LIMIT - 1 are hidden; zero is not a small group of people
SMALL_COUNT_LIMIT = 5

Shape = Literal["counts", "rates", "cumulative", "flows", "stacked", "funnel"]


def is_small(count: float | None) -> bool:
    return count is not None and 0 < count < SMALL_COUNT_LIMIT


def suppressed_label(lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return i18n.t("privacy.small_count", lang, limit=SMALL_COUNT_LIMIT)


def hidden_label(lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A value hidden although not itself a small count ("–"): an unsafe rate, or a cell
    hidden so that no small one follows from the view (privacy.note says so)."""
    return i18n.t("privacy.hidden", lang)


def _hides(actor: Actor | None) -> bool:
    return actor is None or actor.suppresses_small_counts


def rate_is_safe(numerator: float, denominator: float) -> bool:
    """A rate may be shown to a director: at least 5 in the denominator, and neither those in
    the numerator nor the rest of the denominator between 1 and 4."""
    return (
        denominator >= SMALL_COUNT_LIMIT
        and not is_small(numerator)
        and not is_small(denominator - numerator)
    )


def fmt_count(count: int, actor: Actor | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The count as the viewer may see it: "< 5" for a director's small count."""
    if _hides(actor) and is_small(int(count)):
        return suppressed_label(lang)
    return i18n.fmt_int(count, lang)


def fmt_rate(
    numerator: float, denominator: float, actor: Actor | None, lang: str = i18n.DEFAULT_LANGUAGE
) -> str | None:
    """The rate numerator ÷ denominator as the viewer may see it; None when it is hidden."""
    if _hides(actor) and not rate_is_safe(numerator, denominator):
        return None
    return i18n.fmt_percent(numerator / denominator if denominator else 0.0, 1, lang)


def _hidden_sum_is_safe(values: Sequence[float], hidden: Sequence[bool]) -> bool:
    return not is_small(sum(v for v, h in zip(values, hidden, strict=True) if h))


def _secondary(values: Sequence[float], total_shown: bool) -> list[bool]:
    """Which of the cells of a whole to hide: the small ones (primary), and while the whole is
    shown and the hidden cells add up to 1–4 (so the whole less the shown cells gives a small
    count), the next-smallest shown cell too (secondary)."""
    hidden = [is_small(v) for v in values]
    while total_shown and not _hidden_sum_is_safe(values, hidden):
        shown = [(v, i) for i, (v, h) in enumerate(zip(values, hidden, strict=True)) if not h and v]
        if not shown:
            break
        hidden[min(shown)[1]] = True
    return hidden


def _cumulative(parts: list[list[float]], safe: list[bool]) -> list[bool]:
    """Which points of a cumulative series to show: from the last (today's, which the cards
    show) backwards, a point whose own cell is safe and whose step to the next shown point is
    0 or 5+ in every part (e.g. those who reached the goal and those who did not)."""
    shown = [False] * len(safe)
    later: list[float] | None = None
    for i in range(len(safe) - 1, -1, -1):
        steps_safe = later is None or not any(
            is_small(after - now) for after, now in zip(later, parts[i], strict=True)
        )
        if safe[i] and steps_safe:
            shown[i], later = True, parts[i]
    return shown


def protect(
    frame: pd.DataFrame,
    actor: Actor | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
    *,
    shape: Shape = "counts",
    value: str = "value",
    total: float | None = None,
    cumulative: pd.DataFrame | None = None,
    by: str = "month_end",
    category: str = "status",
    other: str = "",
    rate: bool = False,
) -> pd.DataFrame:
    """What the viewer may see of `frame`: a copy whose `value` column is empty where hidden,
    with `<value>_label` the text to show ("< 5", "–" or the number in the viewer's format) and
    no `numerator`/`denominator` columns. Non-directors get every true value.

    shape
      counts: independent counts of people; `total`, when the view shows the whole these cells
        add up to, hides the next-smallest cells until no hidden one follows from it.
      rates: `numerator` ÷ `denominator` per row; `value` becomes the rate, shown when safe.
      cumulative: one series in month order (counts in `value`, or with `rate` a rate's
        `numerator` and `denominator`); a point is shown when its cell and its step to the next
        shown point are safe, so no month's change of 1–4 follows from two shown months.
      flows: counts per month whose running total is `cumulative` (that series as protected):
        a month is shown only where its step is shown by the series, and safe itself.
      stacked: counts per `by` and `category`; a month's small cells are merged into `other`
        (with the next-smallest ones until it is 5+, or shown as "< 5"), so every month stays.
      funnel: `clients` per `target_group` and `stage` (metrics.outcome_funnel): small counts
        hidden; those who left hidden where those who entered less them (still in) is 1–4, and
        those who reached the goal where those who left less them is 1–4.
    """
    hides = _hides(actor)
    out = frame.drop(columns=["numerator", "denominator"], errors="ignore").reset_index(drop=True)
    label = f"{value}_label"
    if shape == "stacked":
        return _stacked(out, hides, lang, value, by, category, other)
    if shape == "funnel":
        return _funnel(out, hides, lang)
    if shape == "rates" or (shape == "cumulative" and rate):
        nums = [float(n or 0) for n in frame["numerator"]]
        dens = [float(d or 0) for d in frame["denominator"]]
        rates = [n / d if d else 0.0 for n, d in zip(nums, dens, strict=True)]
        safe = [rate_is_safe(n, d) for n, d in zip(nums, dens, strict=True)]
        if shape == "cumulative":
            safe = _cumulative([[n, d - n] for n, d in zip(nums, dens, strict=True)], safe)
        shown = [s or not hides for s in safe]
        out[value] = [r if s else None for r, s in zip(rates, shown, strict=True)]
        out[label] = [
            i18n.fmt_percent(r, 1, lang)
            if s
            else (suppressed_label(lang) if is_small(d) else hidden_label(lang))
            for r, s, d in zip(rates, shown, dens, strict=True)
        ]
        return out
    counts = [float(v) for v in frame[value].fillna(0)]
    if shape == "cumulative":
        hidden = [
            not s for s in _cumulative([[v] for v in counts], [not is_small(v) for v in counts])
        ]
    elif shape == "flows":
        hidden = _flows(counts, cumulative, value)
    else:
        hidden = _secondary(counts, total is not None and not is_small(total))
    hidden = [h and hides for h in hidden]
    out[value] = [None if h else int(v) for v, h in zip(counts, hidden, strict=True)]
    out[label] = [_count_label(v, h, lang) for v, h in zip(counts, hidden, strict=True)]
    return out


def _count_label(count: float, hidden: bool, lang: str) -> str:
    if not hidden:
        return i18n.fmt_int(count, lang)
    return suppressed_label(lang) if is_small(count) else hidden_label(lang)


def _flows(counts: list[float], cumulative: pd.DataFrame | None, value: str) -> list[bool]:
    """Hidden flows: small, or where the protected running total hides this month or the one
    before (else the flow would give a hidden step); the first month also hides a flow whose
    difference to the running total (those before the period) is 1–4."""
    if cumulative is None:
        return [is_small(v) for v in counts]
    totals = list(cumulative[value])
    hidden = []
    for i, flow in enumerate(counts):
        now = totals[i]
        if i == 0:
            before_safe = now is not None and not is_small(float(now) - flow)
        else:
            before_safe = totals[i - 1] is not None
        hidden.append(is_small(flow) or now is None or not before_safe)
    return hidden


def _stacked(
    frame: pd.DataFrame, hides: bool, lang: str, value: str, by: str, category: str, other: str
) -> pd.DataFrame:
    label = f"{value}_label"
    if not hides:
        return frame.assign(**{label: [i18n.fmt_int(v, lang) for v in frame[value]]})
    rows: list[dict[str, Any]] = []
    for key, month in frame.groupby(by, sort=True):
        cells = sorted(
            ((int(v), str(c)) for v, c in zip(month[value], month[category], strict=True) if v),
            reverse=True,
        )
        merged = 0
        # Merge the smallest cells into "other statuses" until it is 0 or 5+
        while cells and (is_small(cells[-1][0]) or is_small(merged)):
            merged += cells.pop()[0]
        rows += [{by: key, category: c, value: v, label: i18n.fmt_int(v, lang)} for v, c in cells]
        if merged:
            small = is_small(merged)
            rows.append(
                {
                    by: key,
                    category: other,
                    value: None if small else merged,
                    label: suppressed_label(lang) if small else i18n.fmt_int(merged, lang),
                }
            )
    return pd.DataFrame(rows, columns=[by, category, value, label])


def _funnel(frame: pd.DataFrame, hides: bool, lang: str) -> pd.DataFrame:
    counts = [int(v) for v in frame["clients"]]
    hidden = [hides and is_small(v) for v in counts]
    for _, group in frame.groupby("target_group", sort=False):
        stages = {str(s): int(i) for s, i in zip(group["stage"], group.index, strict=True)}
        entered, left = counts[stages["entered"]], counts[stages["left"]]
        reached = counts[stages["plan_goal_reached"]]
        # entered = left + those still in (the status chart's month total): a few still in
        # would follow from two shown stages, so "left" hides with them
        if hides and _secondary([left, entered - left], total_shown=not is_small(entered))[0]:
            hidden[stages["left"]] = True
        # left = reached + the rest: a part of a shown whole hides with its small complement
        parts_hidden = _secondary([reached, left - reached], total_shown=not is_small(left))
        if hides and parts_hidden[0]:
            hidden[stages["plan_goal_reached"]] = True
    out = frame.copy()
    out["clients"] = pd.array([None if h else v for v, h in zip(counts, hidden, strict=True)])
    out["clients_label"] = [_count_label(v, h, lang) for v, h in zip(counts, hidden, strict=True)]
    return out


def label_counts(
    frame: pd.DataFrame,
    column: str,
    actor: Actor | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """A copy for a chart of independent counts: `column` empty where hidden, and
    `<column>_label` the text to show (protect(shape="counts") on `column`)."""
    return protect(frame, actor, lang, shape="counts", value=column)


def suppress_frame(
    frame: pd.DataFrame,
    columns: Iterable[str],
    actor: Actor | None,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> pd.DataFrame:
    """A copy with the count `columns` as text, small counts as "< 5" for a director."""
    out = frame.copy()
    for column in columns:
        out[column] = [fmt_count(int(value), actor, lang) for value in out[column]]
    return out


# ---------------------------------------------------------------------------------------------
# Personal identity codes (henkilötunnus) in free text (domain-research.md §5)

# Dashes people paste instead of the hyphen-minus (hyphen, non-breaking hyphen, en/em dash, minus)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Letters may touch a code ("HETU010594Y9021"); digits may not, so longer numbers stay numbers
HETU_PATTERN = re.compile(
    r"(?<![0-9])"
    r"(?P<day>0[1-9]|[12]\d|3[01])(?P<month>0[1-9]|1[0-2])(?P<year>\d{2})"
    rf"\s?(?P<sign>[-+A-FU-Y{_DASHES}]|\s)\s?"
    r"(?P<number>\d{3})(?P<check>[0-9A-FHJ-NPR-Y])"
    r"(?![0-9])",
    re.IGNORECASE,
)
# What the audit log holds instead of a code
HETU_MASK = "[hetu]"


@dataclass(frozen=True)
class HetuMatch:
    """Where text looks like a henkilötunnus, and whether it is a valid one (check character,
    real date, individual number 002–999) or only has its shape (a typo, or not one at all)."""

    start: int
    end: int
    valid: bool


def _is_valid(match: re.Match[str]) -> bool:
    sign = match["sign"].upper()
    sign = "-" if sign in _DASHES or sign.isspace() else sign
    code = f"{match['day']}{match['month']}{match['year']}{sign}{match['number']}{match['check']}"
    # Temporary codes (individual number 900–999) are personal data too
    return hetu.is_valid(code.upper(), allow_temporary=True)


def find_hetus(text: str | None) -> list[HetuMatch]:
    """Every place in `text` shaped like a henkilötunnus, with its validity."""
    if not text:
        return []
    return [HetuMatch(m.start(), m.end(), _is_valid(m)) for m in HETU_PATTERN.finditer(text)]


def is_valid_hetu(code: str) -> bool:
    """Whether `code` is exactly one valid henkilötunnus (surrounding spaces ignored)."""
    found = find_hetus(code.strip())
    return len(found) == 1 and found[0].valid and found[0].end - found[0].start == len(code.strip())


def hetu_verdict(text: str | None) -> str | None:
    """ "refuse" when `text` holds a valid henkilötunnus, "warn" when something only has its
    shape, None when nothing looks like one."""
    found = find_hetus(text)
    if any(m.valid for m in found):
        return "refuse"
    return "warn" if found else None


def has_hetu(text: str | None) -> bool:
    """Whether `text` holds a valid henkilötunnus."""
    return hetu_verdict(text) == "refuse"


def mask_hetus(text: str) -> str:
    """`text` with every valid henkilötunnus replaced by HETU_MASK (look-alikes stay)."""
    for found in reversed(find_hetus(text)):
        if found.valid:
            text = text[: found.start] + HETU_MASK + text[found.end :]
    return text
