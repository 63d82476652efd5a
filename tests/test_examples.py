"""Examples shown to people pass Polku's own checks (issue 13.9): every business ID (Y-tunnus)
in the messages, help texts, template guide, sample files and README has a valid check digit."""

from __future__ import annotations

import re
from pathlib import Path

from polku import i18n
from polku.validation import is_valid_business_id

ROOT = Path(__file__).resolve().parents[1]
BUSINESS_ID = re.compile(r"(?<![\d-])\d{7}-\d(?!\d)")


def _texts() -> list[tuple[str, str]]:
    found = [
        (f"i18n {lang}:{key}", text) for lang, c in i18n.CATALOGS.items() for key, text in c.items()
    ]
    files = [*sorted((ROOT / "data" / "sample").iterdir()), ROOT / "README.md"]
    found += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]
    return found


def test_every_business_id_example_passes_the_check_digit() -> None:
    bad = [
        (where, found)
        for where, text in _texts()
        for found in BUSINESS_ID.findall(text)
        if not is_valid_business_id(found)
    ]
    assert bad == []


def test_the_help_and_the_template_guide_show_an_example() -> None:
    for lang in ("fi", "en"):
        for key in ("forms.field.business_id.help", "ingest.type.business_id"):
            (example,) = BUSINESS_ID.findall(i18n.t(key, lang))
            assert is_valid_business_id(example)
