"""The resident's side of the OSS mock: filing a vehicle application once, for everyone.

:func:`file_vehicle_application` signs the form with the applicant's card (as
:func:`adapters.mock.pittari_filing.sign_filing` does for Pittari) and files it on the
world's OSS mock, which stores one copy per recipient organisation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from adapters.exchange import Attachment
from adapters.mock.oss import DEFAULT_RECIPIENTS, Recipient
from adapters.mock.personas import Persona
from adapters.mock.pittari_filing import sign_filing
from adapters.mock.world import DemoWorld
from adapters.records import Resident


def file_vehicle_application(
    world: DemoWorld,
    applicant: Persona | Resident,
    form_data: Mapping[str, object],
    attachments: Sequence[Attachment] = (),
    *,
    recipients: Sequence[Recipient] = DEFAULT_RECIPIENTS,
    signing_password: str | None = None,
    submitted_at: datetime | None = None,
) -> tuple[str, ...]:
    """File a vehicle application on the world's OSS; the application id of each copy.

    Raises the card reader's errors (``NoCardError``, ``WrongPinError``,
    ``PinLockedError``) and :class:`adapters.errors.PackageFormatError` for a filing that
    would make an invalid package.
    """
    filing = sign_filing(
        world,
        recipients[0].procedure_code if recipients else "oss-vehicle",
        applicant,
        form_data,
        attachments,
        signing_password=signing_password,
    )
    return world.oss.file_vehicle(filing, recipients, submitted_at)
