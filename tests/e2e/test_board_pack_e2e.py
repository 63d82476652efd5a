"""The board pack from the browser to paper: Chromium clicks the overview's one download
button, the app makes the PDF on the click, and Debian's pdftoppm (poppler-utils) renders
every page to PNG: each page is A4-shaped and not blank. Demo mode (the app acts as the sample
admin) keeps sign-in out of this test."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image
from playwright.sync_api import Page
from pypdf import PdfReader

from polku import i18n
from tests.e2e.conftest import AppServer, polku, wait_for_app

if TYPE_CHECKING:
    from tests.conftest import Backend

PDFTOPPM = "/usr/bin/pdftoppm"
A4 = 297 / 210  # height ÷ width


@pytest.fixture(scope="module")
def board_app(sqlite_backend: Backend, app_factory: Callable[..., AppServer]) -> AppServer:
    """The app in demo mode on today's sample."""
    url = sqlite_backend.prepared()
    polku("init", "--sample", database_url=url)
    return app_factory(url, demo=True)


def test_the_overview_downloads_a_board_pack_that_prints(
    board_app: AppServer, page: Page, tmp_path: Path
) -> None:
    assert Path(PDFTOPPM).exists(), "install poppler-utils (scripts/install-system-deps)"
    page.goto(f"{board_app.url}/?kunta=Lieksa")
    wait_for_app(page)
    button = page.get_by_role("button", name=i18n.t("overview.board_pack", "fi"))
    with page.expect_download(timeout=120_000) as download_info:
        button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("tilannekatsaus_422_")
    pdf = tmp_path / "pack.pdf"
    download.save_as(pdf)
    reader = PdfReader(pdf)
    assert "Tilannekatsaus – Lieksa" in reader.pages[0].extract_text()

    subprocess.run([PDFTOPPM, "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(reader.pages) >= 5
    for path in images:
        with Image.open(path) as image:
            assert abs(image.height / image.width - A4) < 0.02, path.name
            dark = sum(image.convert("L").histogram()[:128])  # pixels darker than mid-grey
            assert dark > 200, f"{path.name} is blank"
