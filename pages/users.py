"""Käyttäjät: users, roles and municipalities (placeholder)."""

from polku.ui.page import placeholder

placeholder("users")
