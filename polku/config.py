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


@lru_cache
def get_settings() -> Settings:
    return Settings()
