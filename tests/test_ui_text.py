"""polku/ui/text.py: text people typed reads as typed where Streamlit renders Markdown, and
never becomes a link, an image, a tag or a format (issue 12.8)."""

from __future__ import annotations

import html

import mistune
import pytest

from polku.ui.text import plain

TYPED = [
    "![seuranta](https://evil.example/pixel.png?u=1)",
    "[Avaa liite](javascript:alert(1))",
    "<img src=https://evil.example/x.png>",
    "**lihava** _kursiivi_ ~~yliviivattu~~ `koodi`",
    "# Otsikko | taulukko | $x^2$",
    r"C:\polku\tiedosto \*valmis\*",
    "Kuntakierros 2.–3.10. klo 9:30, vastaava matti.m@joensuu.fi",
]


@pytest.mark.parametrize("text", TYPED)
def test_escaped_text_renders_as_typed_without_markup(text: str) -> None:
    rendered = mistune.html(plain(text))
    assert not any(tag in rendered for tag in ("<img", "<a ", "<strong", "<em", "<del", "<code"))
    assert not any(tag in rendered for tag in ("<h1", "<table"))
    body = rendered.strip().removeprefix("<p>").removesuffix("</p>")
    assert html.unescape(body) == text


def test_ordinary_text_is_untouched() -> None:
    text = "Tehtävä ”Kuntakierros” lisätty: 1.10.2026, koordinaattori@joensuu.fi"
    assert plain(text) == text
