"""The runtime: settings, database, loaded definitions, machines and keys, built once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import engine.effects
import engine.guards
import engine.kosodate  # registers the childcare guards and effects
from engine.config import Settings
from engine.definitions.errors import DefinitionErrors
from engine.definitions.loader import Catalog, load_catalog, procedure_from_json
from engine.definitions.models import Procedure
from engine.hooks import effects, guards
from engine.machine import MachineCache
from engine.models import DefinitionVersion, Organisation
from engine.pii import SecretBox
from forms.checkdigits import is_valid_lg_code

_ = engine.effects  # the import registers the built-in effects


MOCK_PROVIDER_MOUNTS = {
    "resident_login_issuer": "/mock/digital-auth",
    "staff_login_issuer": "/mock/staff-idp",
}
"""Where the web app mounts the mock login providers, under ``settings.public_url``."""


def adapter_config(settings: Settings) -> dict[str, str]:
    """The configuration the adapters are built from: ``settings.adapters`` with defaults.

    The mock login providers are served by the web app itself (mounted at
    :data:`MOCK_PROVIDER_MOUNTS`), so their issuers follow ``public_url`` unless
    ``MADOGUCHI_ADAPTERS`` names them.
    """
    config = dict(settings.adapters)
    for key, mount in MOCK_PROVIDER_MOUNTS.items():
        config.setdefault(key, settings.public_url.rstrip("/") + mount)
    return config


def load_procedures(settings: Settings, strict: bool = True) -> Catalog:
    """The catalog of ``settings.procedures_dir`` with the registered guards and effects."""
    return load_catalog(settings.procedures_dir, guards=guards, effects=effects, strict=strict)


@dataclass
class Runtime:
    """Everything a request, a worker or a CLI command needs, shared by threads."""

    settings: Settings
    db: Engine
    catalog: Catalog
    machines: MachineCache = field(default_factory=MachineCache)
    box: SecretBox | None = None
    _versions: dict[str, Procedure] = field(default_factory=dict)
    _stored: set[str] = field(default_factory=set)
    _org_id: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.box is None:
            self.box = SecretBox(self.settings.secret("data.key"))
        for proc in self.catalog:
            self._versions[proc.version] = proc

    @property
    def adapter_config(self) -> dict[str, str]:
        """The adapters' configuration (see :func:`adapter_config`)."""
        return adapter_config(self.settings)

    @property
    def secrets(self) -> SecretBox:
        """The box that encrypts personal numbers at rest."""
        if self.box is None:  # set in __post_init__; kept optional so tests can inject one
            raise RuntimeError("runtime has no secret box")
        return self.box

    def procedure_for(self, session: Session, version: str) -> Procedure:
        """The procedure as it was at ``version``: current, or rebuilt from the database."""
        proc = self._versions.get(version)
        if proc is None:
            row = session.get(DefinitionVersion, version)
            if row is None:
                raise KeyError(f"definition version {version} is not stored")
            proc = procedure_from_json(row.content)
            with self._lock:
                self._versions[version] = proc
        return proc

    def version_stored(self, version: str) -> bool:
        """Whether this process knows ``version`` is in ``definition_versions`` already."""
        return version in self._stored

    def mark_stored(self, version: str) -> None:
        """Remember that ``version`` is stored (it never leaves the table)."""
        self._stored.add(version)

    def sync_definitions(self) -> int:
        """Store every loaded definition version; returns how many were new.

        Several processes start at once (gunicorn workers, hosts): another may store the
        same version, or create the organisation, at the same moment, which is fine.
        """
        added = 0
        with Session(self.db) as session:
            for proc in self.catalog:
                if session.get(DefinitionVersion, proc.version) is not None:
                    continue
                try:
                    with session.begin_nested():
                        session.add(
                            DefinitionVersion(
                                version=proc.version,
                                procedure_id=proc.id,
                                content=proc.model_dump(mode="json"),
                            )
                        )
                    added += 1
                except IntegrityError:
                    pass  # stored by another process meanwhile
            self.organisation(session)
            session.commit()
        self._stored.update(proc.version for proc in self.catalog)
        return added

    def organisation_id(self, session: Session) -> int:
        """The id of this deployment's organisation (looked up once per process)."""
        if self._org_id is None:
            self._org_id = self.organisation(session).id or 0
        return self._org_id

    def organisation(self, session: Session) -> Organisation:
        """This deployment's organisation, created on first use from the settings."""
        code = self.settings.org_code
        org = session.exec(select(Organisation).where(Organisation.code == code)).first()
        if org is None:
            if not is_valid_lg_code(code):
                raise ValueError(
                    f"MADOGUCHI_ORG_CODE {code!r} is not a valid 6-digit local "
                    "government code (check digit)"
                )
            try:
                with session.begin_nested():
                    org = Organisation(code=code, name=self.settings.org_name)
                    session.add(org)
            except IntegrityError:  # another process created it at the same moment
                org = session.exec(select(Organisation).where(Organisation.code == code)).one()
        return org


def build_runtime(settings: Settings, db: Engine) -> Runtime:
    """A runtime for ``settings``; raises DefinitionErrors listing every definition mistake."""
    catalog = load_procedures(settings)
    return Runtime(settings=settings, db=db, catalog=catalog)


__all__ = [
    "DefinitionErrors",
    "Runtime",
    "adapter_config",
    "build_runtime",
    "load_procedures",
]
