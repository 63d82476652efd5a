"""audit log: refuse INSERT OR REPLACE of an existing row (SQLite) and TRUNCATE (PostgreSQL)

The initial schema refuses UPDATE and DELETE. SQLite's `INSERT OR REPLACE` deletes the row it
replaces without firing DELETE triggers, and PostgreSQL's TRUNCATE fires no row or UPDATE/DELETE
trigger: both could still rewrite history.

Revision ID: 20261203_audit_lock
Revises: 892e263675e5
Create Date: 2026-12-03 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261203_audit_lock"
down_revision: str | Sequence[str] | None = "892e263675e5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # BEFORE INSERT fires before the REPLACE conflict resolution deletes the old row
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
