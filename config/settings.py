"""The one place configuration is read: environment variables and an optional `.env` file."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = ""
    data_dir: Path = Path("./data")
    timezone: str = "Asia/Ho_Chi_Minh"
    admins: str = ""

    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"

    zalo_bot_token: str = ""
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"

    webhook_base_url: str = ""
    webhook_secret: str = ""
    port: int = 8080

    remind_at: str = "08:00"
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"

    max_file_bytes: int = 20 * 1024 * 1024
    page_size: int = Field(default=10, ge=1, le=50)

    @field_validator("remind_at", "quiet_start", "quiet_end")
    @classmethod
    def _check_clock_time(cls, value: str) -> str:
        time.fromisoformat(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        ZoneInfo(value)
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def remind_time(self) -> time:
        return time.fromisoformat(self.remind_at)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            # Operators paste libpq URLs; SQLAlchemy needs the driver named to pick psycopg 3.
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{(self.data_dir / 'nhacviec.db').resolve()}"

    @property
    def admin_identities(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for item in self.admins.split(","):
            item = item.strip()
            if not item:
                continue
            platform, _, user_id = item.partition(":")
            if platform and user_id:
                pairs.append((platform.strip().lower(), user_id.strip()))
        return pairs

    @property
    def secrets(self) -> list[str]:
        """Values that must never appear in a log line or a chat."""
        return [s for s in (self.telegram_bot_token, self.zalo_bot_token, self.webhook_secret) if s]


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
