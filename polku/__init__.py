"""Polku: monitoring tool of an intermediate labour market ESF+ project (see the project file)."""

__version__ = "0.1.0"
