"""Vienti: Excel, CSV and Parquet export (placeholder)."""

from polku.ui.page import placeholder

placeholder("export")
