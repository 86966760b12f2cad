"""Notices to the resident's Mynaportal inbox (お知らせ) through a Pittari intake.

:class:`MynaportalNotifier` is given the :class:`adapters.base.PittariIntake` the
deployment uses (the mock or a real client) and passes each notice's idempotency key on,
so the portal delivers a key once however often a lost reply makes the caller retry.
Errors are the intake's: :class:`adapters.errors.PartnerError` subclasses are transient,
:class:`adapters.errors.UnknownRecipientError` and the other refusals are not.
"""

from __future__ import annotations

from adapters.base import PittariIntake
from adapters.exchange import Notice, NoticeChannel, NoticeReceipt
from adapters.notice_templates import compose


class MynaportalNotifier:
    """A :class:`adapters.base.Notifier` for the ``mynaportal`` channel."""

    def __init__(self, pittari: PittariIntake) -> None:
        self._pittari = pittari

    def send(self, notice: Notice) -> NoticeReceipt:
        """Put ``notice`` in the inbox: the applicant's when it names an application, else the
        resident's. Japanese first, English after it; idempotent per idempotency key.

        ``ValueError`` for a notice of another channel.
        """
        if notice.channel is not NoticeChannel.MYNAPORTAL:
            raise ValueError(f"mynaportal: cannot deliver a {notice.channel} notice")
        text = compose(notice)
        if notice.application_id is not None:
            return self._pittari.send_notice(
                title=text.subject,
                body=text.body,
                idempotency_key=notice.idempotency_key,
                application_id=notice.application_id,
            )
        return self._pittari.send_notice(
            title=text.subject,
            body=text.body,
            idempotency_key=notice.idempotency_key,
            resident_number=notice.recipient_resident_number,
        )
