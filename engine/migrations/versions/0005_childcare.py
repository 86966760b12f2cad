"""childcare

Childcare procedures: allocation rounds, interview bookings (issue 8).
Reserved in the chain so the areas can add their tables independently; empty until then.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
