"""Zalo Official Account: its errors and its tokens (see bot/zalo_oa.py for the lease story).

The access and refresh tokens are kept in the `app_settings` row encrypted with
DATA_ENCRYPTION_KEY (`config.crypto.TokenCipher`): a copy of the database, a backup or a
support dump no longer hands over the OA. Rows written in clear by earlier versions are read
and rewritten encrypted at start-up (`OATokenStore.encrypt_legacy`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.zalo import ZaloError, ZaloNetworkError, ZaloTimeout
from db.models import AppSetting
from db.session import SessionFactory
from timelang.clock import Clock

if TYPE_CHECKING:  # the cipher is handed in; importing cryptography costs ≈8 MiB resident
    from config.crypto import TokenCipher

logger = logging.getLogger("bot.zalo_oa")

TOKENS_KEY = "zalo_oa.tokens"
# Error codes of the OA API, as Zalo documents them and as integrators report them.
TOKEN_ERRORS = {-216, -124}  # access token invalid / expired
WINDOW_ERRORS = {-213, -230}  # the person has not written to the OA recently enough


# --- errors --------------------------------------------------------------------------------


class ZaloOAError(ZaloError):
    pass


class ZaloOAApiError(ZaloOAError):
    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"Zalo OA error {error_code}: {description}")
        self.error_code = error_code
        self.description = description

    @property
    def is_outside_window(self) -> bool:
        return self.error_code in WINDOW_ERRORS

    @property
    def is_token_error(self) -> bool:
        return self.error_code in TOKEN_ERRORS


class ZaloOAAuthError(ZaloOAError):
    """The refresh failed: the OA must be authorised again (a new ZALO_OA_REFRESH_TOKEN)."""


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OATokens:
    access_token: str
    refresh_token: str
    expires_at: datetime


@dataclass(frozen=True)
class StoredTokens:
    """The `app_settings` row as read: `version` is what a compare-and-set must match."""

    exists: bool
    version: int
    tokens: OATokens | None
    seed: str | None  # which configured refresh token this chain of tokens started from
    lease_owner: str | None
    lease_until: datetime | None


def seed_id(refresh_token: str) -> str:
    """Names the configured refresh token without storing it twice."""
    return hashlib.sha256(b"zalo-oa-seed\0" + refresh_token.encode()).hexdigest()[:16]


class OATokenStore:
    """The OA tokens in one `app_settings` row; every write is a compare-and-set on `version`."""

    def __init__(self, session_factory: SessionFactory, cipher: TokenCipher,
                 key: str = TOKENS_KEY) -> None:
        self.session_factory = session_factory
        self.cipher = cipher
        self.key = key

    def load(self) -> StoredTokens:
        with self.session_factory() as session:
            row = session.get(AppSetting, self.key)
            if row is None:
                return StoredTokens(False, 0, None, None, None, None)
            value = dict(row.value or {})
            tokens = self._tokens(value)
            lease_until = value.get("lease_until")
            return StoredTokens(
                exists=True, version=row.version, tokens=tokens, seed=value.get("seed"),
                lease_owner=value.get("lease_owner"),
                lease_until=datetime.fromisoformat(lease_until) if lease_until else None,
            )

    def claim(self, state: StoredTokens, *, owner: str, until: datetime, seed: str) -> int | None:
        """Take the refresh lease; the new version, or None when another process got there."""
        value = self._value(state.tokens if state.seed == seed else None, seed)
        value.update(lease_owner=owner, lease_until=until.isoformat())
        return self._write(state, value)

    def save(self, version: int, tokens: OATokens, seed: str, *, force: bool = False) -> bool:
        """Store fresh tokens and end the lease taken at `version`."""
        with self.session_factory() as session:
            statement = update(AppSetting).where(AppSetting.key == self.key)
            if not force:
                statement = statement.where(AppSetting.version == version)
            result = session.execute(statement.values(value=self._value(tokens, seed),
                                                      version=AppSetting.version + 1))
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, version: int) -> None:
        """End a lease without new tokens (the refresh failed)."""
        with self.session_factory() as session:
            row = session.get(AppSetting, self.key)
            if row is None or row.version != version:
                return
            value = dict(row.value or {})
            value.pop("lease_owner", None)
            value.pop("lease_until", None)
            session.execute(update(AppSetting).where(AppSetting.key == self.key,
                                                     AppSetting.version == version)
                            .values(value=value, version=version + 1))
            session.commit()

    def encrypt_legacy(self) -> bool:
        """Rewrite a row stored in clear by an earlier version; True when one was."""
        with self.session_factory() as session:
            row = session.get(AppSetting, self.key)
            if row is None or "access_token" not in (row.value or {}):
                return False
            value = dict(row.value)
            tokens = self._tokens(value)
            new = {k: v for k, v in value.items()
                   if k not in ("access_token", "refresh_token", "expires_at")}
            if tokens is not None:
                new.update(self._value(tokens, str(value.get("seed") or "")))
                new["seed"] = value.get("seed")
            result = session.execute(update(AppSetting).where(
                AppSetting.key == self.key, AppSetting.version == row.version)
                .values(value=new, version=row.version + 1))
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def _tokens(self, value: dict[str, Any]) -> OATokens | None:
        if value.get("sealed"):
            opened = json.loads(self.cipher.decrypt(value["sealed"]))
            return OATokens(opened["access_token"], opened["refresh_token"],
                            datetime.fromisoformat(value["expires_at"]))
        if value.get("access_token") and value.get("refresh_token"):  # written in clear
            return OATokens(value["access_token"], value["refresh_token"],
                            datetime.fromisoformat(value["expires_at"]))
        return None

    def _value(self, tokens: OATokens | None, seed: str) -> dict[str, Any]:
        value: dict[str, Any] = {"seed": seed}
        if tokens is not None:
            sealed = json.dumps({"access_token": tokens.access_token,
                                 "refresh_token": tokens.refresh_token})
            value.update(sealed=self.cipher.encrypt(sealed),
                         expires_at=tokens.expires_at.isoformat())
        return value

    def _write(self, state: StoredTokens, value: dict[str, Any]) -> int | None:
        with self.session_factory() as session:
            if not state.exists:
                session.add(AppSetting(key=self.key, value=value, version=1))
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    return None
                return 1
            result = session.execute(
                update(AppSetting)
                .where(AppSetting.key == self.key, AppSetting.version == state.version)
                .values(value=value, version=state.version + 1)
            )
            session.commit()
            return state.version + 1 if result.rowcount else None  # type: ignore[attr-defined]




class OATokenManager:
    """Hands out a valid access token, refreshing it when it is about to expire."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        store: OATokenStore,
        app_id: str,
        app_secret: str,
        configured_refresh_token: str,
        oauth_url: str,
        clock: Clock,
        instance_id: str | None = None,
        margin: timedelta = timedelta(minutes=10),
        lease: timedelta = timedelta(seconds=60),
        wait_step: float = 0.1,
        max_wait: float = 90.0,
    ) -> None:
        self.http = http
        self.store = store
        self.app_id = app_id
        self._app_secret = app_secret
        self._configured = configured_refresh_token
        self._seed = seed_id(configured_refresh_token)
        self.oauth_url = oauth_url
        self.clock = clock
        self.instance_id = instance_id or secrets.token_hex(6)
        self.margin = margin
        self.lease = lease
        self.wait_step = wait_step
        self.max_wait = max_wait
        self._lock = asyncio.Lock()
        self._cached: OATokens | None = None

    def __repr__(self) -> str:
        return f"OATokenManager(app_id={self.app_id!r}, tokens=***)"

    async def access_token(self) -> str:
        if self._fresh(self._cached):
            assert self._cached is not None
            return self._cached.access_token
        async with self._lock:
            if self._fresh(self._cached):
                assert self._cached is not None
                return self._cached.access_token
            return await self._obtain(stale=None)

    async def refresh_after_rejection(self, rejected: str) -> str:
        """Zalo refused `rejected` before its time: get another, unless one came meanwhile."""
        async with self._lock:
            if self._cached is not None and self._cached.access_token != rejected:
                return self._cached.access_token
            self._cached = None
            return await self._obtain(stale=rejected)

    def _fresh(self, tokens: OATokens | None, stale: str | None = None) -> bool:
        return (tokens is not None and tokens.access_token != stale
                and tokens.expires_at - self.margin > self.clock.now())

    async def _obtain(self, *, stale: str | None) -> str:
        give_up_at = time.monotonic() + self.max_wait
        while True:
            state = self.store.load()
            current = state.tokens if state.seed == self._seed else None
            if self._fresh(current, stale):
                assert current is not None
                self._cached = current
                return current.access_token
            now = self.clock.now()
            leased = (state.lease_until is not None and state.lease_until > now
                      and state.lease_owner != self.instance_id)
            if leased:
                if time.monotonic() > give_up_at:
                    raise ZaloOAAuthError("another process has been refreshing for too long")
                await asyncio.sleep(self.wait_step)
                continue
            version = self.store.claim(state, owner=self.instance_id, until=now + self.lease,
                                       seed=self._seed)
            if version is None:
                continue  # another process bumped the version first: read again
            refresh_token = current.refresh_token if current is not None else self._configured
            try:
                tokens = await self._refresh(refresh_token)
            except BaseException:
                self.store.release(version)
                raise
            if not self.store.save(version, tokens, self._seed):
                # Our lease ran out and someone claimed it; our tokens are the only valid
                # ones now (the refresh token they hold is spent), so ours must win.
                logger.warning("Zalo OA: lease hết hạn trong lúc làm mới token; ghi đè")
                self.store.save(version, tokens, self._seed, force=True)
            self._cached = tokens
            logger.info("Zalo OA: đã làm mới access token")
            return tokens.access_token

    async def _refresh(self, refresh_token: str) -> OATokens:
        try:
            response = await self.http.post(
                self.oauth_url,
                data={"refresh_token": refresh_token, "app_id": self.app_id,
                      "grant_type": "refresh_token"},
                headers={"secret_key": self._app_secret},
            )
        except httpx.TimeoutException:
            raise ZaloTimeout("OA token refresh timed out") from None
        except httpx.TransportError as error:
            raise ZaloNetworkError(f"OA token refresh failed: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict) or not body.get("access_token"):
            code = body.get("error") if isinstance(body, dict) else None
            name = body.get("error_name") if isinstance(body, dict) else None
            raise ZaloOAAuthError(f"OA token refresh refused ({code}: {name}); "
                                  "authorise the OA again and set ZALO_OA_REFRESH_TOKEN")
        try:
            lifetime = int(body.get("expires_in") or 90000)
        except (TypeError, ValueError):
            lifetime = 90000
        return OATokens(access_token=str(body["access_token"]),
                        refresh_token=str(body.get("refresh_token") or refresh_token),
                        expires_at=self.clock.now() + timedelta(seconds=lifetime))
