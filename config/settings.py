"""The one place configuration is read: environment variables and an optional `.env` file."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from config.crypto import TokenCipher

NO_SECRET = SecretStr("")


class ConfigError(ValueError):
    """The configuration cannot work as given; the message names the variable to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Secrets are SecretStr: repr, str and model dumps show "**********", never the value.
    database_url: SecretStr = NO_SECRET  # may hold the database password
    data_dir: Path = Path("./data")
    timezone: str = "Asia/Ho_Chi_Minh"
    admins: str = ""

    telegram_bot_token: SecretStr = NO_SECRET
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    # The bot's username (without @), for invitation deep links https://t.me/<name>?start=…
    telegram_bot_username: str = ""

    zalo_bot_token: SecretStr = NO_SECRET
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"

    webhook_base_url: str = ""
    webhook_secret: SecretStr = NO_SECRET
    port: int = 8080
    # The webhook server faces the internet: a request must arrive whole within these times,
    # bodies are small JSON, and a flood of connections is turned away with 503.
    webhook_header_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_body_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_keepalive_seconds: float = Field(default=15.0, gt=0)
    webhook_max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    webhook_max_json_depth: int = Field(default=32, ge=4, le=200)
    webhook_max_connections: int = Field(default=200, ge=1)
    # Rejected calls (bad secret, bad payload, …) are summed up in one log line per interval.
    webhook_reject_log_interval_seconds: float = Field(default=60.0, gt=0)
    # Every update is kept in the inbox (db.inbox) this long after it was handled, so that a
    # redelivery (by its update id, else a content hash) is handled once, also after a restart.
    inbox_retention_days: float = Field(default=3.0, gt=0)
    # Fernet key(s) for secrets kept in the database (the Zalo OA tokens); comma-separated,
    # the first encrypts, all decrypt (key rotation).
    data_encryption_key: SecretStr = NO_SECRET

    # --- deployment: how Telegram updates arrive, start-up that waits (bot.startup) ---
    # Polling needs no public address; webhook needs WEBHOOK_BASE_URL and WEBHOOK_SECRET.
    telegram_mode: Literal["polling", "webhook"] = "polling"
    # Network calls at start (getMe, setWebhook …) are retried, doubling up to this ceiling.
    startup_retry_max_seconds: float = Field(default=60.0, ge=1)

    remind_at: str = "08:00"
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"

    max_file_bytes: int = 20 * 1024 * 1024
    page_size: int = Field(default=10, ge=1, le=50)

    # --- zalo ---
    # Zalo publishes no rate limits for bots: conservative pacing until a real account says more.
    zalo_max_text_length: int = Field(default=2000, ge=200, le=2000)
    zalo_poll_timeout_seconds: int = Field(default=30, ge=1, le=60)
    zalo_messages_per_second: float = Field(default=3.0, gt=0)
    zalo_chat_interval_seconds: float = Field(default=1.0, ge=0)
    zalo_retry_after_seconds: float = Field(default=30.0, ge=1)
    zalo_max_concurrent_updates: int = Field(default=8, ge=1, le=100)
    # Outgoing files reach Zalo users as signed links served under WEBHOOK_BASE_URL.
    file_link_lifetime_minutes: int = Field(default=24 * 60, ge=1)
    file_link_secret: SecretStr = NO_SECRET  # empty: a random key kept in DATA_DIR
    # Zalo users send documents through a one-person, one-use upload page (bot.upload_page).
    upload_link_lifetime_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    upload_timeout_seconds: float = Field(default=300.0, gt=0)
    # Zalo Official Account mode, for units that run an OA.
    zalo_oa_app_id: str = ""
    zalo_oa_app_secret: SecretStr = NO_SECRET  # the app's secret key, for the token refresh
    zalo_oa_secret_key: SecretStr = NO_SECRET  # signs webhook events; the app secret if empty
    zalo_oa_refresh_token: SecretStr = NO_SECRET  # the first one; later ones live in the database
    zalo_oa_api_base_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    zalo_oa_window_hours: float = Field(default=48, gt=0)
    # OA events older or newer than this (their signed `timestamp`) are refused as replays.
    zalo_oa_event_window_minutes: float = Field(default=10.0, gt=0)

    # --- reminders and the outbox sender (scheduler) ---
    # Telegram's published limits; Zalo's pacing comes from the zalo_* fields above.
    telegram_rate_global_per_sec: float = Field(default=30.0, gt=0)
    telegram_rate_per_chat_per_sec: float = Field(default=1.0, gt=0)
    telegram_rate_per_group_per_min: float = Field(default=20.0, gt=0)
    zalo_rate_per_group_per_min: float = Field(default=10.0, gt=0)
    # Windows are stretched by this fraction: the platform counts arrivals, which jitter by
    # tens of milliseconds (a busy event loop, the network); 5 % keeps 429s rare at 28.5/s.
    rate_limit_margin: float = Field(default=0.05, ge=0, lt=0.5)
    # Reminders whose time passed longer ago than this (bot down) expire and are reported.
    reminder_catchup_hours: float = Field(default=12.0, gt=0)
    # Downtime longer than this is reported as a gap instead of planned day by day.
    reminder_catchup_max_days: int = Field(default=7, ge=1, le=60)
    sender_concurrency: int = Field(default=8, ge=1, le=64)
    sender_lease_seconds: int = Field(default=120, ge=10)
    sender_max_attempts: int = Field(default=6, ge=1, le=50)

    # --- reading uploaded plans (plans/limits.py, plans/isolated.py) ---
    # Unset: the defaults in plans.limits.ReadLimits. A refused file's message names the
    # limit it hit; raise the matching PLAN_READ_* only for a legitimate file that needs it.
    plan_read_zip_max_parts: int | None = Field(default=None, ge=1)
    plan_read_zip_max_part_bytes: int | None = Field(default=None, ge=1)
    plan_read_zip_max_total_bytes: int | None = Field(default=None, ge=1)
    plan_read_zip_max_ratio: float | None = Field(default=None, gt=1)
    plan_read_xlsx_max_sheet_cells: int | None = Field(default=None, ge=1)
    plan_read_xlsx_max_merged_cells: int | None = Field(default=None, ge=0)
    plan_read_xlsx_max_cells: int | None = Field(default=None, ge=1)
    plan_read_xlsx_max_table_cells: int | None = Field(default=None, ge=1)
    plan_read_pdf_max_pages: int | None = Field(default=None, ge=1)
    plan_read_pdf_max_stream_bytes: int | None = Field(default=None, ge=1)
    plan_read_pdf_max_total_bytes: int | None = Field(default=None, ge=1)
    plan_read_pdf_max_ratio: float | None = Field(default=None, gt=1)
    plan_read_pdf_max_page_chars: int | None = Field(default=None, ge=1)
    plan_read_max_text_chars: int | None = Field(default=None, ge=1)
    plan_read_max_seconds: float | None = Field(default=None, gt=0)
    # Each chat upload is read in a child process killed past the time limit and capped at
    # this much address space (0: no cap); off only where processes cannot be started.
    plan_read_memory_mb: int = Field(default=1024, ge=0)
    plan_read_in_child: bool = True

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
        if self.database_url.get_secret_value():
            url = self.database_url.get_secret_value()
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
        values = (self.telegram_bot_token, self.zalo_bot_token, self.webhook_secret,
                  self.file_link_secret, self.zalo_oa_app_secret, self.zalo_oa_secret_key,
                  self.zalo_oa_refresh_token, self.data_encryption_key)
        return [v for v in (s.get_secret_value() for s in values) if v]

    @property
    def zalo_oa_enabled(self) -> bool:
        return bool(self.zalo_oa_app_id and self.zalo_oa_app_secret.get_secret_value()
                    and self.zalo_oa_refresh_token.get_secret_value())

    @property
    def zalo_oa_webhook_key(self) -> str:
        return (self.zalo_oa_secret_key.get_secret_value()
                or self.zalo_oa_app_secret.get_secret_value())

    def token_cipher(self) -> TokenCipher:
        """The cipher for secrets at rest; ConfigError naming DATA_ENCRYPTION_KEY if unusable."""
        # cryptography loads only when the Zalo OA's tokens are read or written.
        from config.crypto import TokenCipher

        return TokenCipher.from_setting(self.data_encryption_key.get_secret_value())

    @property
    def webhook_mode(self) -> bool:
        """Webhooks need both a public address and a secret to check each call against."""
        return bool(self.webhook_base_url and self.webhook_secret.get_secret_value())


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
