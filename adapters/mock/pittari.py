"""Mock Mynaportal ぴったりサービス: the municipality pulls packages, acknowledges, reports.

:class:`MockPittari` implements :class:`adapters.base.PittariIntake` in memory with the
machinery shared with the OSS mock (:mod:`adapters.mock.portal`, which explains how to
pull reliably), for packages of format ``pittari-package/1``. Residents file through
:func:`adapters.mock.pittari_filing.file_application`, which builds a package and hands it
to :meth:`MockPittari.submit` (the resident's side of Mynaportal: no faults).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.base import ResidentRegistry
from adapters.mock.faults import FaultPlan
from adapters.mock.portal import InboxNotice, MockPortal, StatusPost
from adapters.pittari_package import PittariPackage, parse_package

CHANNEL = "pittari"

__all__ = ["CHANNEL", "InboxNotice", "MockPittari", "StatusPost"]


class MockPittari(MockPortal[PittariPackage]):
    """A :class:`adapters.base.PittariIntake` in memory, thread-safe; ids ``PT`` + 16 digits."""

    def __init__(
        self,
        resident_registry: ResidentRegistry,
        *,
        faults: FaultPlan | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(
            resident_registry,
            channel=CHANNEL,
            id_prefix="PT",
            parse=parse_package,
            faults=faults,
            clock=clock,
        )
