"""Indexes on ``cases`` for the staff work queue (migration 0004; see engine.worklist).

- ``ix_cases_dept_due``: a department's open queue in due-date order (no state chosen);
- ``ix_cases_assignee``: one person's queue in due-date order;
- ``ix_cases_proc_due``: the queue of one procedure in due-date order.

``ix_cases_queue`` (organisation, department, state, due date, id; in engine.models)
serves a queue filtered to one state and the counts per state.
"""

from __future__ import annotations

from sqlalchemy import Index, Table

from engine.models import Case

_cases: Table = Case.__table__  # type: ignore[attr-defined]  # SQLModel sets it on table models

IX_DEPT_DUE = Index(
    "ix_cases_dept_due",
    _cases.c.organisation_id,
    _cases.c.department,
    _cases.c.due_date,
    _cases.c.id,
)
IX_ASSIGNEE = Index(
    "ix_cases_assignee",
    _cases.c.organisation_id,
    _cases.c.assignee,
    _cases.c.due_date,
    _cases.c.id,
)
IX_PROC_DUE = Index(
    "ix_cases_proc_due",
    _cases.c.organisation_id,
    _cases.c.procedure_id,
    _cases.c.due_date,
    _cases.c.id,
)
