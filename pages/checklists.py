"""Vaihelistat: the phase checklists of the municipalities and the region (placeholder)."""

from polku.ui.page import placeholder

placeholder("checklists")
