"""Accessibility (issue 20) without a browser: colour contrast of the theme and the charts,
meaning never by colour alone, charts with a name and a data table, the accessibility statement
in both languages (before sign-in too), and the one list of known exceptions it shows.
The browser checks are tests/e2e/test_accessibility_e2e.py and test_keyboard_e2e.py."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from polku import accessibility, charts, i18n
from polku.accessibility import KNOWN_EXCEPTIONS, contrast_ratio
from polku.project import ProjectFileError
from polku.project import accessibility as contact_of_project
from tests.test_app import (
    _forget_settings_and_caches,  # noqa: F401  (autouse fixture)
    app_db,  # noqa: F401  (fixture)
    plain_tables,
    signed_in_app,
)
from tests.test_dashboards import every_tab

ROOT = Path(__file__).resolve().parents[1]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
STATEMENT = "app_pages/accessibility.py"
# Streamlit draws captions, help and placeholder text in the text colour at 60 % opacity
FADED = 0.6


def _over(colour: str, background: str, alpha: float) -> str:
    """`colour` at `alpha` opacity over `background`, as the browser paints it."""
    pairs = [(int(colour[i : i + 2], 16), int(background[i : i + 2], 16)) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(alpha * c + (1 - alpha) * b):02x}" for c, b in pairs)


def test_the_contrast_ratio_is_wcags() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    # WebAIM's reference: #767676 is the lightest grey with 4.5:1 on white
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") < accessibility.TEXT_CONTRAST
    with pytest.raises(ValueError):
        contrast_ratio("#FFF", "#000000")


@pytest.mark.parametrize("background", ["backgroundColor", "secondaryBackgroundColor"])
def test_faded_text_reaches_4_5_to_1_on_the_themes_backgrounds(background: str) -> None:
    """Captions and help text (st.caption) on the page and in the sidebar: WCAG 1.4.3."""
    faded = _over(THEME["textColor"], THEME[background], FADED)
    assert contrast_ratio(faded, THEME[background]) >= accessibility.TEXT_CONTRAST
    assert contrast_ratio(THEME["primaryColor"], "#FFFFFF") >= accessibility.TEXT_CONTRAST


def test_every_chart_colour_has_3_to_1_against_the_background() -> None:
    """Lines, bars and marks against the chart's background: WCAG 1.4.11."""
    colours = {
        *charts.OKABE_ITO,
        *charts.MEANING_COLOURS.values(),
        *THEME["chartCategoricalColors"],
        charts.CURRENT_COLOUR,
    }
    weak = {
        colour: round(contrast_ratio(colour, THEME["backgroundColor"]), 2)
        for colour in colours
        if contrast_ratio(colour, THEME["backgroundColor"]) < accessibility.GRAPHICS_CONTRAST
    }
    assert not weak
    # Streamlit's own charts and Polku's use the same palette
    assert [c.upper() for c in THEME["chartCategoricalColors"]] == charts.OKABE_ITO


def test_a_chart_is_described_by_its_title_and_its_table() -> None:
    import pandas as pd

    table = pd.DataFrame({"Kuukausi": ["3/2026", "4/2026"], "Toteuma": ["1", "< 5"]})
    fi = charts.chart_description("Asiakkaat, Koko alue", table, "fi")
    en = charts.chart_description("Clients, Whole region", table, "en")
    assert fi.startswith("Kuvaaja: Asiakkaat, Koko alue.") and "Näytä tiedot" in fi
    assert "2 riviä" in fi and "Kuukausi, Toteuma" in fi
    assert en.startswith("Chart: Clients, Whole region.") and "Show data" in en


def test_every_known_exception_is_explained_and_has_its_text_in_both_languages() -> None:
    assert len({e.key for e in KNOWN_EXCEPTIONS}) == len(KNOWN_EXCEPTIONS)
    for exception in KNOWN_EXCEPTIONS:
        assert exception.why and exception.workaround and exception.criterion
        # An axe rule is excused only where its selector says; others are proven present
        assert bool(exception.rule) == bool(exception.selector)
        for language in i18n.LANGUAGES:
            text = i18n.t(accessibility.exception_text_key(exception), language)
            assert text and "a11y.exception" not in text
        assert exception.issue is None or exception.issue.startswith("https://github.com/")


def test_the_feedback_contact_comes_from_the_project_file(tmp_path: Path) -> None:
    contact = contact_of_project(ROOT / "data" / "project.toml")
    assert "@" in contact.feedback_email and contact.feedback_url
    lakeside = contact_of_project(ROOT / "tests" / "projects" / "lakeside.toml")
    assert lakeside.feedback_email.endswith("lakeside.example") and lakeside.feedback_url is None
    text = (ROOT / "tests" / "projects" / "lakeside.toml").read_text(encoding="utf-8")
    without = tmp_path / "project.toml"
    without.write_text(text.replace("[accessibility]", "[not_accessibility]"), encoding="utf-8")
    with pytest.raises(ProjectFileError, match=r"\[accessibility\] feedback_email"):
        contact_of_project(without)


def _statement_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_statement_in_both_languages(app_db: str, language: str) -> None:  # noqa: F811
    at = signed_in_app()
    if language == "en":
        at.query_params["kieli"] = "English"
    at.run()
    at.switch_page(STATEMENT).run()
    assert not at.exception, at.exception

    def t(key: str, **values: str) -> str:
        return i18n.t(key, language, **values)

    assert at.title[0].value == t("page.accessibility")
    assert [h.value for h in at.header] == [
        t("a11y.status.title"),
        t("a11y.exceptions.title"),
        t("a11y.assessed.title"),
        t("a11y.feedback.title"),
        t("a11y.authority.title"),
    ]
    text = _statement_text(at)
    assert t("a11y.status.partial") in text
    for exception in KNOWN_EXCEPTIONS:
        assert t(accessibility.exception_text_key(exception)) in text
    assert i18n.fmt_date(accessibility.ASSESSED, language) in text
    contact = contact_of_project()
    assert f"mailto:{contact.feedback_email}" in text
    assert accessibility.AUTHORITY_URL in text and "Traficom" in text


def test_the_statement_opens_before_sign_in(app_db: str) -> None:  # noqa: F811
    """The law wants the statement public: the sign-in page links to it, and it opens."""
    at = signed_in_app(None).run()
    assert at.title[0].value == i18n.t("auth.sign_in.title", "fi")
    at.switch_page(STATEMENT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == i18n.t("page.accessibility", "fi")
    # Nothing else is: a data page stays out of reach
    with pytest.raises(ValueError):
        at.switch_page("app_pages/overview.py").run()


def test_ahead_or_behind_is_said_in_words_and_an_arrow_not_by_colour(
    app_db: str,  # noqa: F811
) -> None:
    at = signed_in_app().run()
    # The arrow each word comes with (Metric.direction: 0 down, 1 up, 2 none)
    arrows = {i18n.t("kpi.ahead", "fi"): 1, i18n.t("kpi.behind", "fi"): 0}
    cards = [m for m in at.metric if m.proto.delta]
    assert cards
    for card in cards:
        assert arrows[card.proto.delta] == card.proto.direction, card.proto


def test_every_chart_has_a_name_and_a_data_table_beside_it(app_db: str) -> None:  # noqa: F811
    at = signed_in_app().run()
    at.switch_page("app_pages/indicators.py").run()
    assert not at.exception
    drawn = 0
    for _ in every_tab(at):  # each section of the page and each indicator's tab
        chart_protos = [c.proto for c in at.get("vega_lite_chart")]
        assert chart_protos
        drawn += len(chart_protos)
        show_data = [e for e in at.expander if e.label == i18n.t("chart.show_data", "fi")]
        assert len(show_data) == len(chart_protos)
        for expander in show_data:
            assert plain_tables(expander)
        for proto in chart_protos:
            assert proto.alt.startswith("Kuvaaja: ")
    assert drawn >= 13
