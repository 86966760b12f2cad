"""Prefill references and building the initial payload from looked-up values."""

from __future__ import annotations

from typing import Any

import pytest

from forms import check_prefill_source, prefill_payload, validate_payload
from forms.spec import FormSpec

L = {"ja": "項目"}


@pytest.mark.parametrize(
    "source",
    [
        "registry.resident.name",
        "registry.resident.address",
        "registry.household.members",
        "public_funds_account.bank_code",
        "jpki.birth_date",
        "previous_case.claimant.phone",
    ],
)
def test_documented_sources_are_accepted(source: str) -> None:
    assert check_prefill_source(source) is None


@pytest.mark.parametrize(
    ("source", "start"),
    [
        ("registry.name", "unknown prefill source 'registry.name'"),
        ("resident.name", "unknown prefill source 'resident.name'"),
        ("registry.resident.", "prefill item '' in 'registry.resident.'"),
        ("jpki.my_number", "prefill 'jpki.my_number': jpki gives only"),
    ],
)
def test_malformed_sources_are_explained(source: str, start: str) -> None:
    problem = check_prefill_source(source)
    assert problem is not None
    assert problem.startswith(start)


FORM = FormSpec.model_validate(
    {
        "steps": [
            {
                "id": "s",
                "title": L,
                "fields": [
                    {"id": "name", "type": "name", "label": L, "prefill": "registry.resident.name"},
                    {"id": "phone", "type": "phone", "label": L, "prefill": "previous_case.phone"},
                    {
                        "id": "claimant",
                        "type": "group",
                        "label": L,
                        "fields": [
                            {
                                "id": "birth_date",
                                "type": "date",
                                "label": L,
                                "prefill": "jpki.birth_date",
                            }
                        ],
                    },
                    {
                        "id": "children",
                        "type": "group",
                        "label": L,
                        "repeat": {"min": 0, "max": 5},
                        "prefill": "registry.household.children",
                        "fields": [{"id": "name", "type": "name", "label": L}],
                    },
                ],
            }
        ]
    }
)


def test_prefill_payload_places_values_and_validates() -> None:
    values: dict[str, Any] = {
        "registry.resident.name": "山田 太郎",
        "jpki.birth_date": "1985-04-01",
        "registry.household.children": [{"name": "山田 花子"}],
    }
    payload = prefill_payload(FORM, values.get)
    assert payload == {
        "name": "山田 太郎",
        "claimant": {"birth_date": "1985-04-01"},
        "children": [{"name": "山田 花子"}],
    }
    assert validate_payload(FORM, payload).ok
