"""Accessibility (WCAG 2.1 AA): the statement's facts and its one list of known exceptions.

The accessibility statement page (app_pages/accessibility.py) shows this list, and the browser
test (tests/e2e/test_accessibility_e2e.py) excuses exactly the axe-core findings it names, and
fails when one of them no longer occurs, so the statement stays true. The users' text of each
exception is in the catalogs under "a11y.exception.<key>".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The last assessment: axe-core on every page for every role in both languages, the keyboard
# test, and a manual review of names a screen reader speaks
ASSESSED = date(2026, 12, 3)
# WCAG 2.1 AA in full, except for the exceptions below
CONFORMANCE = "partial"
# The supervisory authority since 1.1.2025 (HE 71/2024: moved from Etelä-Suomen AVI to Traficom)
AUTHORITY_URL = "https://www.saavutettavuusvaatimukset.fi"
# The axe-core rule sets of WCAG 2.0 and 2.1, levels A and AA
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# WCAG 1.4.11: graphics (chart lines, bars, marks) against their background
GRAPHICS_CONTRAST = 3.0
TEXT_CONTRAST = 4.5


@dataclass(frozen=True)
class KnownException:
    """Something Streamlit does that Polku cannot change, as the statement lists it."""

    key: str
    criterion: str  # the WCAG 2.1 success criterion, e.g. "1.3.1"
    why: str  # for developers: what Streamlit renders and why Polku cannot change it
    workaround: str  # what Polku tried or does instead
    issue: str | None = None  # Streamlit's issue, where one exists
    # An axe-core rule the browser test excuses, on elements matching (or inside) `selector`
    rule: str | None = None
    selector: str | None = None
    # Otherwise: CSS selectors the browser test must each find on some page (proof it holds)
    present: tuple[str, ...] = ()


STREAMLIT_ISSUE = "https://github.com/streamlit/streamlit/issues/8399"

KNOWN_EXCEPTIONS: tuple[KnownException, ...] = (
    KnownException(
        key="nav_list",
        criterion="1.3.1",
        why="The sidebar navigation with sections is <ul><div><header/><li>…</li></div></ul>: a "
        "<div> inside the list, and list items whose parent is that <div>, not a list.",
        workaround="A navigation without sections gives valid list markup, but loses the "
        "section headings that group a dozen pages; top navigation hides the sections in menus. "
        "Kept the sections.",
        issue=STREAMLIT_ISSUE,
        rule="list",
        selector='[data-testid="stSidebarNavItems"]',
    ),
    KnownException(
        key="nav_listitem",
        criterion="1.3.1",
        why="The same markup: each page link's <li> has the section's <div> as its parent.",
        workaround="As for nav_list.",
        issue=STREAMLIT_ISSUE,
        rule="listitem",
        selector='[data-testid="stSidebarNavItems"]',
    ),
    KnownException(
        key="english_labels",
        criterion="3.1.2",
        why='Streamlit names some of its controls in English whatever the page language: "Help '
        'for …" on help icons, "Choose date", "Clear value", "Skip to main content", "Upload", '
        '"Select all", "Collapse sidebar", "Download as CSV", the parts of a date field '
        '("day", "month", "year"), and "Choose an option" as the placeholder of drop-down '
        "lists that always hold a value. They take no label argument.",
        workaround="Every label Streamlit takes (widget labels, help texts, placeholders of "
        "the sidebar's and the forms' drop-down lists, date formats) is in the user's "
        "language; the English names are listed here.",
        issue=STREAMLIT_ISSUE,
        present=(
            '[data-testid="stSkipToContent"]',
            '[aria-label^="Help for"]',
            '[aria-label="Choose date"]',
            '[aria-label="Collapse sidebar"]',
        ),
    ),
    KnownException(
        key="chart_canvas",
        criterion="1.1.1",
        why="A Vega-Lite chart is a picture; its marks cannot be read one by one by a screen "
        "reader.",
        workaround="Each chart has an accessible name from its title, and its data is in a "
        "plain HTML table beside it (Näytä tiedot / Show data: polku.ui.tables.plain_table) "
        "and as CSV.",
        present=('[data-testid="stVegaLiteChart"] svg',),
    ),
    KnownException(
        key="focus_after_submit",
        criterion="2.4.3",
        why="After a form is sent, Streamlit redraws the page and the keyboard focus returns to "
        "the start of the page, not to the form or its message.",
        workaround="The result message is shown on the same tab next to the form; the tab stays "
        "selected.",
        issue=STREAMLIT_ISSUE,
    ),
)


def exception_text_key(exception: KnownException) -> str:
    """The catalog key of an exception's text for users."""
    return f"a11y.exception.{exception.key}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #RRGGBB colour (0 black … 1 white)."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) != 6:
        raise ValueError(f"{colour!r} is not a #RRGGBB colour")
    red, green, blue = (int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
