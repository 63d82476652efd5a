"""Polku's performance benchmark (`make bench`): the app at ten times the project's expected
size, on SQLite and PostgreSQL, against floors measured in the same run. See run.py."""
