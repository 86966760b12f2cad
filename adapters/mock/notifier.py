"""Mock notifier: records notices in memory, once per idempotency key, through a FaultPlan.

:class:`RecordingNotifier` accepts notices of every channel, so a demo or a test can read
what residents would have received (:meth:`RecordingNotifier.sent`). Every send runs
through ``faults`` (:class:`adapters.mock.faults.FaultPlan`), so retry code meets the same
errors a real notifier raises; a ``lost_reply`` records the notice and then times out, and
the retry returns the first receipt without recording it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime

from adapters.base import Notifier
from adapters.capabilities import NOTIFIER
from adapters.errors import IdempotencyConflictError
from adapters.exchange import Notice, NoticeReceipt
from adapters.jpki_profile import JST
from adapters.mock.faults import FaultPlan
from adapters.registry import default_registry

CHANNEL = "mock-notifier"


def _jst_now() -> datetime:
    return datetime.now(JST)


class RecordingNotifier:
    """A :class:`adapters.base.Notifier` in memory, thread-safe."""

    def __init__(
        self,
        *,
        faults: FaultPlan | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.faults = FaultPlan() if faults is None else faults
        self._clock = _jst_now if clock is None else clock
        self._lock = threading.Lock()
        self._sent: list[Notice] = []
        self._receipts: dict[str, tuple[Notice, NoticeReceipt]] = {}

    def send(self, notice: Notice) -> NoticeReceipt:
        """Record ``notice``; a repeated key returns the first receipt and records nothing.

        A repeated key with other content raises
        :class:`adapters.errors.IdempotencyConflictError`.
        """

        def action() -> NoticeReceipt:
            with self._lock:
                earlier = self._receipts.get(notice.idempotency_key)
                if earlier is not None:
                    if earlier[0] != notice:
                        raise IdempotencyConflictError(
                            CHANNEL, notice.idempotency_key, earlier[1].notice_id
                        )
                    return earlier[1]
                self._sent.append(notice)
                receipt = NoticeReceipt(f"M{len(self._sent):08d}", self._clock())
                self._receipts[notice.idempotency_key] = (notice, receipt)
                return receipt

        return self.faults.run("notifier.send", action)

    def sent(self, resident_number: str | None = None) -> tuple[Notice, ...]:
        """The notices recorded, oldest first; only one resident's when given."""
        with self._lock:
            return tuple(
                n
                for n in self._sent
                if resident_number is None or n.recipient_resident_number == resident_number
            )


_shared: RecordingNotifier | None = None
_shared_lock = threading.Lock()


def shared_recording_notifier() -> RecordingNotifier:
    """The process-wide recording notifier, so every caller of a demo sees the same notices."""
    # One demo notifier per process, like the shared demo world.
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RecordingNotifier()
        return _shared


@default_registry.register(NOTIFIER, "mock")
def mock_notifier(config: Mapping[str, str]) -> Notifier:
    """The process-wide recording notifier (its faults are on ``.faults``)."""
    return shared_recording_notifier()
