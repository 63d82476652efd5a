"""Polku: monitoring tool of the North Karelia intermediate labour market ESF+ project."""

__version__ = "0.1.0"
