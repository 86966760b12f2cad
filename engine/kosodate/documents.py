"""Values the childcare documents print beyond the case: the child allowance amounts.

Registered with :func:`engine.documents.document_context`; the procedures' own templates
(``procedures/kosodate/documents/<id>/decision_notice.html``) print them.
"""

from __future__ import annotations

from typing import Any

from engine.documents import DocumentInput, document_context
from engine.kosodate.allowance import ChildAmount
from engine.kosodate.guards import AmountParams, figures, filed_on_day

_PAYMENT_MONTHS = "2月・4月・6月・8月・10月・12月"


def _rows(amounts: list[ChildAmount]) -> list[dict[str, Any]]:
    return [
        {
            "name": a.name,
            "birth_date": a.birth_date,
            "order": a.order,
            "amount": a.amount,
            "note": "" if a.paid or a.order is None else "算定対象（支給対象外）",
        }
        for a in amounts
    ]


def _allowance(inp: DocumentInput, params: AmountParams) -> dict[str, Any]:
    filed = filed_on_day(inp.case.created_at)
    start, total, amounts = figures(inp.data, filed, params)
    return {
        "allowance": {
            "children": _rows(amounts),
            "total": total,
            "start_month": start.month,
            "within_grace": start.within_grace,
            "late": start.late,
            "payment_months": _PAYMENT_MONTHS,
        }
    }


@document_context("jidou-teate-nintei")
def nintei_context(inp: DocumentInput) -> dict[str, Any]:
    """Each child's birth order and monthly amount, the total and the first month paid."""
    return _allowance(inp, AmountParams())


@document_context("jidou-teate-gaku-kaitei")
def gaku_kaitei_context(inp: DocumentInput) -> dict[str, Any]:
    """The amounts after the revision (children who left are not counted)."""
    return _allowance(
        inp,
        AmountParams(skip_field="change", skip_values=["removed"], decrease_field="revision_kind"),
    )
