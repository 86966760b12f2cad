"""staff

Staff and counter screens (issue 6): the access log, internal notes, counter visits, and
the indexes of the work queue.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.String(length=80), nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
    )
    op.create_index("ix_access_log_at", "access_log", ["at", "id"])
    op.create_index("ix_access_log_case", "access_log", ["case_id", "at"])
    op.create_index("ix_access_log_staff", "access_log", ["staff_id", "at"])
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(length=32), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("staff_id", sa.String(length=80), nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "counter_visits",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False
        ),
        sa.Column("staff_id", sa.String(length=80), nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("resident_id", sa.String(length=80), nullable=False),
        sa.Column("identity_method", sa.String(length=20), nullable=False),
        sa.Column("identity_document", sa.String(length=40), nullable=True),
        sa.Column("present", sa.String(length=200), nullable=False),
        sa.Column("life_events", sa.JSON(), nullable=False),
        sa.Column("procedures", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("typed", sa.JSON(), nullable=False),
        sa.Column("confirmations", sa.JSON(), nullable=False),
        sa.Column("signature_sha256", sa.String(length=64), nullable=True),
        sa.Column("case_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_counter_visits_resident_id", "counter_visits", ["resident_id"])
    op.create_index(
        "ix_counter_visits_staff", "counter_visits", ["organisation_id", "staff_id", "status"]
    )
    op.create_index(
        "ix_cases_dept_due", "cases", ["organisation_id", "department", "due_date", "id"]
    )
    op.create_index("ix_cases_assignee", "cases", ["organisation_id", "assignee", "due_date", "id"])
    op.create_index(
        "ix_cases_proc_due", "cases", ["organisation_id", "procedure_id", "due_date", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_cases_proc_due", table_name="cases")
    op.drop_index("ix_cases_assignee", table_name="cases")
    op.drop_index("ix_cases_dept_due", table_name="cases")
    op.drop_table("counter_visits")
    op.drop_table("case_notes")
    op.drop_table("access_log")
