"""Settings from environment variables prefixed ``MADOGUCHI_`` (documented in the README).

Unknown ``MADOGUCHI_`` variables are rejected, so a misspelt setting is an error rather
than a silently ignored one.
"""

from __future__ import annotations

import os
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
    "TEST_POSTGRES_URL": "tests only: PostgreSQL URL; PostgreSQL tests are skipped without it",
}
# The embedded default talks to the in-process mocks of every partner system.
DEFAULT_ADAPTERS = {
    "resident_registry": "mock",
    "jpki_verifier": "mock",
    "public_funds_accounts": "mock",
    "pittari_intake": "mock",
    "core_system": "mock",
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
    try:
        attempts = int(values.get("OUTBOX_MAX_ATTEMPTS", "8"))
    except ValueError:
        raise ConfigError(f"{PREFIX}OUTBOX_MAX_ATTEMPTS must be a whole number") from None
    worker = values.get("WORKER", "1")
    if worker not in ("0", "1"):
        raise ConfigError(f"{PREFIX}WORKER must be 1 or 0, not {worker!r}")
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
        worker=worker == "1",
        outbox_max_attempts=attempts,
        adapters=adapters,
    )
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]  # keys checked by replace
    return settings
