"""Asiakkaat ja tietojen syöttö: recording clients, employers and bonuses (placeholder)."""

from polku.ui.page import placeholder

placeholder("clients")
