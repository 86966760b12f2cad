"""childcare

Childcare procedures (issue 8): allocation rounds and their results, interview bookings
for the pregnancy notification.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "allocation_rounds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("config_name", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("applicants", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("waitlisted", sa.Integer(), nullable=False),
        sa.Column("ineligible", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        _when("created_at"),
        sa.Column("confirmed_by", sa.String(length=80), nullable=True),
        _when("confirmed_at", nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_allocation_rounds_organisation_id"), "allocation_rounds", ["organisation_id"]
    )
    op.create_table(
        "allocation_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("facility_code", sa.String(length=20), nullable=True),
        sa.Column("choice", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("rank_letter", sa.String(length=1), nullable=False),
        sa.Column("explanation_ja", sa.String(), nullable=False),
        sa.Column("explanation_en", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["allocation_rounds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "case_id"),
    )
    op.create_index(op.f("ix_allocation_results_case_id"), "allocation_results", ["case_id"])
    op.create_index(op.f("ix_allocation_results_round_id"), "allocation_results", ["round_id"])
    op.create_table(
        "interview_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("slot_start", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("booked_by", sa.String(length=80), nullable=False),
        _when("created_at"),
        _when("cancelled_at", nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "slot_start", "place", "seat"),
    )
    op.create_index(op.f("ix_interview_bookings_case_id"), "interview_bookings", ["case_id"])
    op.create_index(
        "ix_interview_bookings_day", "interview_bookings", ["organisation_id", "slot_start"]
    )


def downgrade() -> None:
    op.drop_index("ix_interview_bookings_day", table_name="interview_bookings")
    op.drop_index(op.f("ix_interview_bookings_case_id"), table_name="interview_bookings")
    op.drop_table("interview_bookings")
    op.drop_index(op.f("ix_allocation_results_round_id"), table_name="allocation_results")
    op.drop_index(op.f("ix_allocation_results_case_id"), table_name="allocation_results")
    op.drop_table("allocation_results")
    op.drop_index(op.f("ix_allocation_rounds_organisation_id"), table_name="allocation_rounds")
    op.drop_table("allocation_rounds")
