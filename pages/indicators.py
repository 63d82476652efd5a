"""Mittarit: the project's indicators against targets (placeholder until the indicators issue)."""

from polku.ui.page import placeholder

placeholder("indicators")
