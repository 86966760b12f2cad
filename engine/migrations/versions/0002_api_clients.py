"""api clients

API: OAuth clients and tokens for integrators (issue 7).
Reserved in the chain so the areas can add their tables independently; empty until then.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
