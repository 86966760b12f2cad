"""The built-in notifiers, registered for the capability ``notifier``.

=============== ==================================================================
id              implementation
=============== ==================================================================
``mynaportal``  :class:`adapters.notifier_mynaportal.MynaportalNotifier` over the
                configured ``pittari_intake``
``email``       :class:`adapters.notifier_email.EmailNotifier` (``smtp_*`` settings)
``mock``        :class:`adapters.mock.notifier.RecordingNotifier` (registered by
                :mod:`adapters.mock`)
=============== ==================================================================

:func:`adapters.service.notifier` builds the configured one.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.base import Notifier
from adapters.capabilities import NOTIFIER
from adapters.notifier_email import email_notifier_from_config
from adapters.notifier_mynaportal import MynaportalNotifier
from adapters.registry import default_registry

MYNAPORTAL = "mynaportal"
EMAIL = "email"


@default_registry.register(NOTIFIER, MYNAPORTAL)
def mynaportal_notifier(config: Mapping[str, str]) -> Notifier:
    """Notices to the Mynaportal inbox through the Pittari intake ``config`` names."""
    # Imported here: the service module loads this one when it loads the built-ins.
    from adapters.service import pittari_intake

    return MynaportalNotifier(pittari_intake(config))


@default_registry.register(NOTIFIER, EMAIL)
def email_notifier(config: Mapping[str, str]) -> Notifier:
    """Email notices over SMTP with the ``smtp_*`` settings of ``config``."""
    return email_notifier_from_config(config)
