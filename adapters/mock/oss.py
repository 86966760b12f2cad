"""Mock OSS (自動車保有関係手続のワンストップサービス): one vehicle filing, a copy per organisation.

A resident files once on OSS (signed with the My Number Card) for a vehicle: OSS fans the
filing out to every organisation that handles a part of it. Here that is the police (警視庁,
the parking certificate, 保管場所証明) and the prefecture's tax office (東京都主税局, the
car tax, 自動車税). Each gets a copy of its own: an ``oss-package/1`` package
(:mod:`adapters.oss_package`) addressed to its organisation code, with its own
application id, for the procedure it handles. Each organisation pulls, acknowledges and
posts statuses for its own copy with the same pull API as Pittari (the machinery is
shared: :class:`adapters.mock.portal.MockPortal`), so a police deployment and a
prefecture deployment each receive their copy exactly once, whatever the other does.

Organisation codes: the prefecture is 東京都 (``130001``); the police have no local
government code, so the mock gives 警視庁 the organisation code ``139998`` (a valid check
digit, used by no municipality). Procedure codes are the recipients' own procedure ids.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from adapters.base import ResidentRegistry
from adapters.jpki_profile import JST
from adapters.mock.faults import FaultPlan
from adapters.mock.identifiers import with_lg_check_digit
from adapters.mock.pittari_filing import SignedFiling, render_html
from adapters.mock.portal import MockPortal
from adapters.oss_package import OSS_PACKAGE_FORMAT, OssPackage, parse_oss_package
from adapters.pittari_package import Rendering

CHANNEL = "oss"

POLICE_CODE = with_lg_check_digit("13999")
"""The mock organisation code of 警視庁 (the Tokyo police), 139998."""

PREFECTURE_CODE = with_lg_check_digit("13000")
"""東京都's local government code (its tax office, 主税局, levies the car tax), 130001."""


@dataclass(frozen=True)
class Recipient:
    """An organisation a vehicle filing goes to, and the procedure it handles there."""

    lg_code: str
    procedure_code: str
    name_ja: str


PARKING_CERTIFICATE = Recipient(POLICE_CODE, "hokan-basho-shoumei", "警視庁（保管場所証明）")
CAR_TAX = Recipient(PREFECTURE_CODE, "jidousha-zei-shinkoku", "東京都主税局（自動車税）")
DEFAULT_RECIPIENTS = (PARKING_CERTIFICATE, CAR_TAX)
"""Where a new registration goes: the police and the prefectural tax office."""


class MockOss(MockPortal[OssPackage]):
    """A :class:`adapters.base.OssIntake` in memory, thread-safe; ids ``OS`` + 16 digits."""

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
            id_prefix="OS",
            parse=parse_oss_package,
            faults=faults,
            clock=clock,
        )
        self._filings: dict[str, tuple[str, ...]] = {}
        self._filing_sequence = 0
        self._filings_lock = threading.Lock()

    def file_vehicle(
        self,
        filing: SignedFiling,
        recipients: Sequence[Recipient] = DEFAULT_RECIPIENTS,
        submitted_at: datetime | None = None,
    ) -> tuple[str, ...]:
        """The resident's side: store one copy per recipient; their application ids.

        ``filing.lg_code`` and ``filing.procedure_code`` are ignored: each copy is
        addressed by its recipient. Raises :class:`adapters.errors.PackageFormatError`
        when a copy would be invalid (then nothing is stored) and ``ValueError`` for no
        recipients or one named twice.
        """
        codes = tuple(r.lg_code for r in recipients)
        if not codes or len(set(codes)) != len(codes):
            raise ValueError("a vehicle filing goes to at least one organisation, each once")
        at = self.now() if submitted_at is None else submitted_at
        with self._filings_lock:
            self._filing_sequence += 1
            filing_id = f"OF{at.astimezone(JST):%Y%m%d}{self._filing_sequence:08d}"
        rendering = Rendering(
            content_type="text/html",
            content_base64=base64.b64encode(
                render_html("oss-vehicle", filing.form_data, at)
            ).decode("ascii"),
        )
        # Every copy is validated before any is stored: a filing reaches all or none.
        copies = [
            parse_oss_package(
                {
                    "format": OSS_PACKAGE_FORMAT,
                    "application_id": self.new_application_id(at),
                    "filing_id": filing_id,
                    "procedure_code": recipient.procedure_code,
                    "lg_code": recipient.lg_code,
                    "recipients": codes,
                    "submitted_at": at,
                    "form_data": dict(filing.form_data),
                    "rendering": rendering,
                    "attachments": filing.attachments,
                    "signature": filing.signature,
                    "signer_serial": filing.signer_serial,
                }
            )
            for recipient in recipients
        ]
        ids = tuple(self.submit(copy) for copy in copies)
        with self._filings_lock:
            self._filings[filing_id] = ids
        return ids

    def copies(self, filing_id: str) -> tuple[str, ...]:
        """The application ids of a filing's copies, in recipient order (for tests)."""
        with self._filings_lock:
            return self._filings[filing_id]

    def filing_ids(self) -> tuple[str, ...]:
        """Every vehicle filing made, oldest first (for tests)."""
        with self._filings_lock:
            return tuple(self._filings)
