"""Tuonti: CSV and Excel import (placeholder)."""

from polku.ui.page import placeholder

placeholder("import")
