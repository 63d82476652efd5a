"""polku.ui.tables.plain_table's Markdown: any text reads back as itself, numbers align right."""

import pandas as pd

from polku.ui.tables import markdown_table
from tests.test_app import plain_tables


class _Drawn:
    """What AppTest holds of a page that drew one Markdown text."""

    def __init__(self, text: str) -> None:
        self.markdown = [type("Markdown", (), {"value": text})()]


def test_every_character_of_a_cell_reads_back_as_text() -> None:
    frame = pd.DataFrame(
        {
            "Kunta | alue": ["Joensuu", "a|b\\", ":red[punainen] :smile:"],
            "": ["*lihava* _kalteva_", "$5$ ja $$x$$", "<b>ei</b> ~~yli~~ `koodi`"],
            "Euroa": ["1\u00a0234\u00a0€", "< 5", "−12,5\u00a0%"],
        }
    )
    (shown,) = plain_tables(_Drawn(markdown_table(frame)))
    pd.testing.assert_frame_equal(shown, frame)


def test_a_cell_stays_on_its_row() -> None:
    frame = pd.DataFrame({"Teksti": ["yksi\nkaksi\r\nkolme"], "Luku": ["1"]})
    text = markdown_table(frame)
    assert len(text.splitlines()) == 3
    (shown,) = plain_tables(_Drawn(text))
    assert shown.loc[0, "Teksti"] == "yksi kaksi kolme"


def test_columns_of_numbers_align_right() -> None:
    frame = pd.DataFrame(
        {
            "Kuukausi": ["3/2026", "huhtikuu 2026"],
            "Euroa": ["1\u00a0234\u00a0€", "12\u00a0€"],
            "Osuus": ["70,5\u00a0%", "< 5"],
            "Tila": ["Valmis", "1 / 2"],
        }
    )
    assert markdown_table(frame).splitlines()[1] == "|---|---:|---:|---|"
    assert markdown_table(frame.head(0)).splitlines()[1] == "|---|---|---|---|"
