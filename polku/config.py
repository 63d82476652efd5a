"""Settings from the environment, read once (DATABASE_URL, POLKU_DEMO, ...)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'polku.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # postgresql://… and postgres://… are accepted and mean psycopg 3
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    project_file: Path = Field(default=DATA_DIR / "project.toml", alias="POLKU_PROJECT_FILE")
    # Demo mode (sample users, no identity provider): only when explicitly switched on
    demo: bool = Field(default=False, alias="POLKU_DEMO")
    language: str = Field(default="fi", alias="POLKU_LANGUAGE")
    # Limits of an imported file, checked before it is parsed (the README's Import section).
    # The defaults leave room for twice the project's 50 000-row client import (~5 MB as CSV).
    import_max_bytes: int = Field(default=20_000_000, gt=0, alias="POLKU_IMPORT_MAX_BYTES")
    # A workbook's parts as its zip's central directory gives them, all together
    import_max_unpacked_bytes: int = Field(
        default=100_000_000, gt=0, alias="POLKU_IMPORT_MAX_UNPACKED_BYTES"
    )
    import_max_rows: int = Field(default=100_000, gt=0, alias="POLKU_IMPORT_MAX_ROWS")
    # Excel's own limit of a cell's text
    import_max_cell_chars: int = Field(default=32_767, gt=0, alias="POLKU_IMPORT_MAX_CELL_CHARS")
    # From this size on, the page checks and saves a file in a worker process of its own
    import_background_bytes: int = Field(
        default=100_000, ge=0, alias="POLKU_IMPORT_BACKGROUND_BYTES"
    )

    # The app's address, for links in e-mail (the weekly digest)
    app_url: str = Field(default="http://localhost:8501", alias="POLKU_APP_URL")
    # Outgoing mail (python -m polku digest); no host: nothing can be sent
    smtp_host: str | None = Field(default=None, alias="POLKU_SMTP_HOST")
    smtp_port: int = Field(default=587, gt=0, alias="POLKU_SMTP_PORT")
    smtp_starttls: bool = Field(default=True, alias="POLKU_SMTP_STARTTLS")
    smtp_user: str | None = Field(default=None, alias="POLKU_SMTP_USER")
    smtp_password: str | None = Field(default=None, alias="POLKU_SMTP_PASSWORD")
    smtp_sender: str = Field(default="polku@localhost", alias="POLKU_SMTP_SENDER")


@lru_cache
def get_settings() -> Settings:
    return Settings()
