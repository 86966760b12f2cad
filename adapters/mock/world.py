"""The demo world: one population with its registry, PKI, card reader, accounts and core systems.

The mocks must agree with each other (a certificate serial from the PKI must resolve to a
resident in the registry), so they are built together from one :class:`DemoWorld`.
:func:`shared_world` keeps one world per (seed, today, size) for the process; the mock
factories registered in the default registry use it.

Configuration keys read by the mocks:

====================== ============================================== =================
key                    meaning                                         default
====================== ============================================== =================
``mock_seed``          seed of the demo population                     ``132152``
``mock_today``         the demo's "today" (ISO date)                   today's date
``mock_population``    minimum number of generated residents           ``1000``
====================== ============================================== =================

The core-system mock (capability ``core_system``, id ``mock``) also reads
``core_system_business``, the business to serve (``jidou-teate``, ...), which
:func:`adapters.service.core_system` sets; all callers of one world share each business's
store, as they would share the real system. Faults are switched at run time on
``world.core_systems[business].faults``.

The Pittari mock (capability ``pittari_intake``, id ``mock``) is ``world.pittari``: residents
file into it with :func:`adapters.mock.pittari_filing.file_application` and every caller of
the world pulls from the same portal; its faults are on ``world.pittari.faults``.

The OSS mock (capability ``oss_intake``, id ``mock``) is ``world.oss``: vehicle filings
are made with :func:`adapters.mock.oss_filing.file_vehicle_application`, one copy per
recipient organisation; its faults are on ``world.oss.faults``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from adapters.base import (
    CoreSystem,
    JpkiVerifier,
    OssIntake,
    PittariIntake,
    PublicFundsAccounts,
    ResidentRegistry,
)
from adapters.capabilities import (
    CORE_BUSINESS_KEY,
    CORE_SYSTEM,
    JPKI_VERIFIER,
    OSS_INTAKE,
    PITTARI_INTAKE,
    PUBLIC_FUNDS_ACCOUNTS,
    RESIDENT_REGISTRY,
)
from adapters.jpki_profile import JST
from adapters.jpki_verify import SignatureVerifier
from adapters.mock.card_reader import MockCardReader
from adapters.mock.core_seeds import seeded_core_systems
from adapters.mock.core_systems import MockCoreSystem, core_system_for
from adapters.mock.faults import FaultPlan
from adapters.mock.jpki_authority import MockJpkiAuthority
from adapters.mock.oss import MockOss
from adapters.mock.pittari import MockPittari
from adapters.mock.population import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    Population,
    generate_population,
)
from adapters.mock.public_funds import MockPublicFundsAccounts, generate_accounts
from adapters.mock.resident_registry import MockResidentRegistry
from adapters.registry import default_registry
from adapters.signatures import CertificateKind


@dataclass(frozen=True)
class DemoWorld:
    """Everything the mocks share, built from one population."""

    population: Population
    resident_registry: MockResidentRegistry
    authority: MockJpkiAuthority
    card_reader: MockCardReader
    verifier: SignatureVerifier
    public_funds_accounts: MockPublicFundsAccounts
    core_systems: Mapping[str, MockCoreSystem]
    pittari: MockPittari
    oss: MockOss
    # The CRL distribution point the verifier fetches revocation lists from: it can be
    # slow or down like any partner, so verification can fail transiently.
    crl_faults: FaultPlan

    @classmethod
    def build(
        cls, seed: int = DEFAULT_SEED, today: date | None = None, size: int = DEFAULT_SIZE
    ) -> DemoWorld:
        """A new world: population, registry, PKI (certificates made lazily), accounts, cores."""
        return cls.from_population(generate_population(seed, today, size))

    @classmethod
    def from_population(cls, population: Population) -> DemoWorld:
        """A new world over an existing population (fresh PKI keys, PINs, stores, Pittari)."""
        registry = MockResidentRegistry(population)
        authority = MockJpkiAuthority(population)

        def resolve(serial: int) -> str | None:
            resident = registry.by_certificate_serial(serial)
            return None if resident is None else resident.resident_number

        crl_faults = FaultPlan(seed="jpki_crl")
        verifier = SignatureVerifier(
            authority.trust_anchor(CertificateKind.SIGNING),
            lambda: crl_faults.run(
                "crl", lambda: authority.revocation_list(CertificateKind.SIGNING)
            ),
            resolve,
        )
        return cls(
            population=population,
            resident_registry=registry,
            authority=authority,
            card_reader=MockCardReader(population, authority),
            verifier=verifier,
            public_funds_accounts=MockPublicFundsAccounts(generate_accounts(population)),
            core_systems=seeded_core_systems(population),
            pittari=MockPittari(registry, clock=demo_clock(population.today)),
            oss=MockOss(registry, clock=demo_clock(population.today)),
            crl_faults=crl_faults,
        )


def demo_clock(today: date) -> Callable[[], datetime]:
    """A clock on the demo's ``today`` at the real time of day in Japan.

    Filings are stamped on the day the demo population lives in, so certificates are
    valid or revoked as the personas describe.
    """

    def now() -> datetime:
        return datetime.combine(today, datetime.now(JST).timetz())

    return now


_worlds: dict[tuple[int, date, int], DemoWorld] = {}
_worlds_lock = threading.Lock()


def shared_world(
    seed: int = DEFAULT_SEED, today: date | None = None, size: int = DEFAULT_SIZE
) -> DemoWorld:
    """The process-wide world for these settings, built on first use."""
    key = (seed, date.today() if today is None else today, size)
    with _worlds_lock:
        world = _worlds.get(key)
        if world is None:
            world = DemoWorld.build(*key)
            _worlds[key] = world
        return world


def world_from_config(config: Mapping[str, str]) -> DemoWorld:
    """The shared world named by the ``mock_*`` settings (``ValueError`` when malformed)."""
    seed = int(config.get("mock_seed", str(DEFAULT_SEED)))
    today_text = config.get("mock_today")
    today = None if today_text is None else date.fromisoformat(today_text)
    size = int(config.get("mock_population", str(DEFAULT_SIZE)))
    return shared_world(seed, today, size)


@default_registry.register(RESIDENT_REGISTRY, "mock")
def mock_resident_registry(config: Mapping[str, str]) -> ResidentRegistry:
    """The demo population's resident registry."""
    return world_from_config(config).resident_registry


@default_registry.register(JPKI_VERIFIER, "mock")
def mock_jpki_verifier(config: Mapping[str, str]) -> JpkiVerifier:
    """A signature verifier trusting the mock JPKI signing CA."""
    return world_from_config(config).verifier


@default_registry.register(PUBLIC_FUNDS_ACCOUNTS, "mock")
def mock_public_funds_accounts(config: Mapping[str, str]) -> PublicFundsAccounts:
    """The demo public-funds accounts."""
    return world_from_config(config).public_funds_accounts


@default_registry.register(CORE_SYSTEM, "mock")
def mock_core_system(config: Mapping[str, str]) -> CoreSystem:
    """The demo world's core system of ``config["core_system_business"]``."""
    return core_system_for(world_from_config(config).core_systems, config.get(CORE_BUSINESS_KEY))


@default_registry.register(PITTARI_INTAKE, "mock")
def mock_pittari_intake(config: Mapping[str, str]) -> PittariIntake:
    """The demo world's Mynaportal ぴったりサービス, shared by every caller of the world."""
    return world_from_config(config).pittari


@default_registry.register(OSS_INTAKE, "mock")
def mock_oss_intake(config: Mapping[str, str]) -> OssIntake:
    """The demo world's OSS, shared by every caller of the world (police and prefecture)."""
    return world_from_config(config).oss
