"""Mock implementations of the adapters, over a generated demo population of 国立市.

Importing this package registers the mocks (id ``mock``) in the default registry.
Personas are described in ``personas.md`` beside this file.
"""

from adapters.mock import notifier as _notifier  # noqa: F401 - registers the mock notifier
from adapters.mock import oidc_login as _oidc_login  # noqa: F401 - registers the mock login
from adapters.mock import world as _world  # noqa: F401 - registers the mock factories
