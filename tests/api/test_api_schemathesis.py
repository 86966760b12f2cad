"""schemathesis against the OpenAPI document: no 5xx, every response as documented.

Every operation is called with generated data, valid (positive) and invalid (negative),
with a staff token holding every scope. The checks are schemathesis's defaults: no server
error, status codes, content types, headers and bodies as the document says, invalid data
refused, missing required headers refused, authentication not ignored, undocumented
methods refused.

(The operations are loaded from the app in the test rather than with
``schemathesis.pytest.from_fixture``, whose lazy loader does not run on pytest 9.)
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from api_helpers import person_token, staff_login
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from web.api.spec import OPERATIONS, Operation

EXAMPLES = 25
# Not checked: that every schema-valid request is accepted. A domain API refuses
# well-formed requests for domain reasons (an unknown procedure, a case that is not the
# caller's, a trigger not allowed now), each with a documented 4xx.
EXCLUDED = [positive_data_acceptance]

CASES = [
    pytest.param(op, mode, id=f"{op.method.upper()} {op.path} {mode.value}")
    for op in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    # Negative data needs something to make invalid: parameters or a body.
    if mode is GenerationMode.POSITIVE or op.path_params or op.query or op.body or op.headers
]


@pytest.mark.parametrize(("op", "mode"), CASES)
def test_api_conforms_to_its_document(app: Flask, op: Operation, mode: GenerationMode) -> None:
    caller = person_token(app, staff_login(roles=("intake", "review", "approval", "admin")))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[op.path][op.method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers=caller.headers(), excluded_checks=EXCLUDED)

    run()
