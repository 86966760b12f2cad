"""Adapters: one interface per partner capability, a registry, and mock implementations.

Depends on nothing else in the project (see ARCHITECTURE.md).

- :mod:`adapters.base`: the interfaces (Protocols) and, re-exported, the records.
- :mod:`adapters.records`, :mod:`adapters.partial_date`, :mod:`adapters.signatures`,
  :mod:`adapters.exchange`: the records (frozen dataclasses).
- :mod:`adapters.capabilities`, :mod:`adapters.registry`, :mod:`adapters.service`: picking
  an implementation by configuration.
- :mod:`adapters.pittari_package`: the ``pittari-package/1`` format (pydantic model and
  JSON Schema) of Mynaportal ぴったりサービス packages; :mod:`adapters.check_digits`.
- :mod:`adapters.oss_package`: the ``oss-package/1`` format of OSS (vehicle) packages.
- :mod:`adapters.pittari_http`: the Pittari and OSS intake clients over HTTP (id
  ``http``); their mock server is :mod:`adapters.mock.pittari_http`.
- :mod:`adapters.partners_http` (on :mod:`adapters.http_json`, :mod:`adapters.wire`): the
  resident registry, public-funds and core-system clients over HTTP (id ``http``); their
  mock servers are in :mod:`adapters.mock.partners_http` (``docs/formats/partners-http.md``).
- :mod:`adapters.oidc_login`: the resident and staff login relying parties (authlib).
- :mod:`adapters.jpki_profile`, :mod:`adapters.jpki_verify`: reading JPKI certificates and
  verifying signatures (real code; the trust anchor is injected).
- :mod:`adapters.mock`: the mocks over a generated demo population of 国立市.
"""
