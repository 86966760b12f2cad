"""Settings from environment variables prefixed ``MADOGUCHI_`` (documented in the README).

Unknown ``MADOGUCHI_`` variables are rejected, so a misspelt setting is an error rather
than a silently ignored one.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.definitions.errors import did_you_mean

PREFIX = "MADOGUCHI_"
DEFAULT_ORG_CODE = "132152"  # 国立市 (Kunitachi, Tokyo): the demo municipality

KNOWN = {
    "DATA_DIR": "folder for the database, uploads and keys (default: instance/)",
    "DATABASE_URL": "SQLAlchemy URL (default: SQLite file in the data dir)",
    "PROCEDURES_DIR": "folder of procedure definitions (default: the procedures package)",
    "ORG_CODE": "local government code of this deployment (default 132152)",
    "ORG_NAME": "name of the organisation (default 国立市)",
    "WORKER": "run the outbox worker thread inside the web process: 1 or 0 (default 1)",
    "OUTBOX_MAX_ATTEMPTS": "deliveries tried before a row is marked failed (default 8)",
    "ADAPTERS": "partner implementations, e.g. 'resident_registry=mock,core_system.jidou-teate=x'"
    " (default: every capability mock)",
    "PUBLIC_URL": "the address residents and staff reach this deployment at"
    " (default http://127.0.0.1:5000); mock login providers are served under it",
    "SESSION_IDLE_MINUTES": "minutes of inactivity before a login expires (default 15)",
    "DRAFT_DAYS": "days an unsubmitted draft is kept (default 30; a warning 3 days before)",
    "SECURE_COOKIES": "send cookies over HTTPS only: 1 or 0 (default 1; browsers exempt localhost)",
    "TEST_POSTGRES_URL": "tests only: PostgreSQL URL; PostgreSQL tests are skipped without it",
    "RATE_LIMIT_STORAGE": "where API rate-limit counters live: memory:// (per process, default)"
    " or a storage URI of the limits library shared by every process",
    "API_PUBLIC_RATE_LIMIT": "API calls an address may make without a token (default 300/minute)",
}
# The embedded default talks to the in-process mocks of every partner system.
DEFAULT_ADAPTERS = {
    "resident_registry": "mock",
    "jpki_verifier": "mock",
    "public_funds_accounts": "mock",
    "pittari_intake": "mock",
    "oss_intake": "mock",
    "core_system": "mock",
    "resident_login": "mock",
    "staff_login": "mock",
}


class ConfigError(ValueError):
    """A setting is unknown or malformed."""


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one process."""

    data_dir: Path
    database_url: str
    procedures_dir: Path
    org_code: str = DEFAULT_ORG_CODE
    org_name: str = "国立市"
    worker: bool = True
    outbox_max_attempts: int = 8
    adapters: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ADAPTERS))
    public_url: str = "http://127.0.0.1:5000"
    session_idle_minutes: int = 15
    draft_days: int = 30
    secure_cookies: bool = True
    rate_limit_storage: str = "memory://"
    api_public_rate_limit: str = "300/minute"

    @property
    def keys_dir(self) -> Path:
        """Where generated secrets live (never in the repository)."""
        return self.data_dir / "keys"

    @property
    def files_dir(self) -> Path:
        """Where uploaded and generated files are stored, content-addressed."""
        return self.data_dir / "files"

    def secret(self, name: str, nbytes: int = 32) -> bytes:
        """A secret generated on first use into the data dir and kept there."""
        path = self.keys_dir / name
        if not path.exists():
            self.keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(nbytes))
        return path.read_bytes()


def default_procedures_dir() -> Path:
    """The ``procedures`` folder shipped with the code."""
    import procedures

    return Path(procedures.__file__).parent


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``environ`` (default ``os.environ``); keyword overrides win."""
    env = os.environ if environ is None else environ
    values = {k[len(PREFIX) :]: v for k, v in env.items() if k.startswith(PREFIX)}
    unknown = sorted(set(values) - set(KNOWN))
    if unknown:
        known = [PREFIX + x for x in KNOWN]
        raise ConfigError(
            "; ".join(
                f"unknown setting {PREFIX}{k}{did_you_mean(PREFIX + k, known)}" for k in unknown
            )
        )
    data_dir = Path(values.get("DATA_DIR", "instance")).resolve()
    db_url = values.get("DATABASE_URL") or f"sqlite:///{data_dir / 'madoguchi.sqlite3'}"
    attempts = _whole(values, "OUTBOX_MAX_ATTEMPTS", 8)
    worker = _flag(values, "WORKER")
    secure_cookies = _flag(values, "SECURE_COOKIES")
    adapters = dict(DEFAULT_ADAPTERS)
    for item in filter(None, (p.strip() for p in values.get("ADAPTERS", "").split(","))):
        key, sep, impl = item.partition("=")
        if not sep or not key.strip() or not impl.strip():
            raise ConfigError(f"{PREFIX}ADAPTERS: '{item}' is not capability=implementation")
        adapters[key.strip()] = impl.strip()
    settings = Settings(
        data_dir=data_dir,
        database_url=db_url,
        procedures_dir=Path(values["PROCEDURES_DIR"]).resolve()
        if "PROCEDURES_DIR" in values
        else default_procedures_dir(),
        org_code=values.get("ORG_CODE", DEFAULT_ORG_CODE),
        org_name=values.get("ORG_NAME", "国立市"),
        worker=worker,
        outbox_max_attempts=attempts,
        adapters=adapters,
        public_url=values.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        session_idle_minutes=_whole(values, "SESSION_IDLE_MINUTES", 15),
        draft_days=_whole(values, "DRAFT_DAYS", 30),
        secure_cookies=secure_cookies,
        rate_limit_storage=values.get("RATE_LIMIT_STORAGE", "memory://"),
        api_public_rate_limit=_rate(values, "API_PUBLIC_RATE_LIMIT", "300/minute"),
    )
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]  # keys checked by replace
    return settings


def _flag(values: Mapping[str, str], key: str, default: str = "1") -> bool:
    value = values.get(key, default)
    if value not in ("0", "1"):
        raise ConfigError(f"{PREFIX}{key} must be 1 or 0, not {value!r}")
    return value == "1"


def _rate(values: Mapping[str, str], key: str, default: str) -> str:
    value = values.get(key, default).strip()
    if not re.fullmatch(r"[1-9][0-9]{0,6}/(second|minute|hour|day)", value):
        raise ConfigError(f"{PREFIX}{key} must look like 300/minute, not {value!r}")
    return value


def _whole(values: Mapping[str, str], key: str, default: int) -> int:
    raw = values.get(key)
    if raw is None:
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{key} must be a whole number, not {raw!r}") from None
    if number < 1:
        raise ConfigError(f"{PREFIX}{key} must be at least 1, not {number}")
    return number
