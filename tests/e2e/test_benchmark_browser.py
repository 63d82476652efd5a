"""The browser benchmark (benchmarks/browser.py) times what a user would wait for: a returning
visit takes Streamlit's files from the browser's cache, a first visit fetches them all."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Playwright

from benchmarks import browser

PAGE = 'import streamlit as st\n\nst.title("Polku")\nst.metric("Asiakkaita", 12)\n'


def test_a_returning_visit_is_served_from_the_cache_and_a_first_visit_is_not(
    playwright: Playwright, tmp_path: Path
) -> None:
    script = tmp_path / "page.py"
    script.write_text(PAGE, encoding="utf-8")
    chromium = playwright.chromium.launch(
        executable_path=str(browser.CHROMIUM), args=browser.CHROMIUM_ARGS, headless=True
    )
    try:
        with browser.server(script, f"sqlite:///{tmp_path / 'none.db'}", tmp_path) as url:
            context = browser.new_context(chromium)
            filled = browser.load_time(chromium, url, context)
            again = browser.load_time(chromium, url, context)
            first = browser.load_time(chromium, url)
            context.close()
    finally:
        chromium.close()

    # Both drew the title and the metric
    assert filled.elements == again.elements == first.elements == 2
    # Streamlit's JavaScript is hundreds of kilobytes; a returning visit fetches none of it
    assert filled.static_bytes > 100_000 and first.static_bytes > 100_000
    assert again.static_bytes == 0
    assert 0 < again.seconds < 30
