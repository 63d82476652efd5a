"""Alembic environment: the schema is models.py; the database is DATABASE_URL or the engine
handed over by polku.db.upgrade()."""

from logging.config import fileConfig

from alembic import context

import models
from polku.db import make_engine

config = context.config
target_metadata = models.metadata

# Only the `alembic` command line configures logging; the app and the CLI keep their own
if config.config_file_name is not None and "engine" not in config.attributes:
    fileConfig(config.config_file_name)


def run_migrations_offline() -> None:
    context.configure(
        url=str(make_engine().url),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by DROP TABLE: with foreign keys on, that deletes the
            # rows of every ON DELETE CASCADE child (or fails); the pragma only works outside
            # a transaction, and the keys are checked once the migrations are done
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,  # SQLite has no ALTER; batch mode is a no-op elsewhere
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _check_foreign_keys(connection) -> None:
    """Refuse (and roll back) a migration that left a row pointing at nothing."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"the migration broke {len(broken)} foreign keys in {tables}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
