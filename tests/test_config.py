"""Polku's Streamlit settings (.streamlit/config.toml) that its speed depends on."""

import tomllib
from pathlib import Path

from streamlit import config

SETTINGS = tomllib.loads(
    (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text("utf-8")
)


def test_no_full_garbage_collection_after_every_run() -> None:
    # Streamlit's default gc.collect(2) after each run holds Python's lock for about 0,2 s in
    # Polku's process; the setting must be one Streamlit still reads, under this name
    assert "runner.postScriptGC" in config.get_config_options()
    assert SETTINGS["runner"]["postScriptGC"] is False
