"""inbox: every platform update is written before it is acknowledged and marked handled in the
handler's transaction; it replaces the webhook_events duplicate record.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("replays", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("platform", "key", name=op.f("uq_inbox_platform")),
    )
    op.create_index(op.f("ix_inbox_received_at"), "inbox", ["received_at"])
    op.create_index("ix_inbox_pending", "inbox", ["platform", "handled_at"])
    # The duplicate record of Zalo events is folded into the inbox: its keys were only
    # needed for a redelivery window of hours, so nothing is carried over.
    op.drop_index(op.f("ix_webhook_events_seen_at"), table_name="webhook_events")
    op.drop_table("webhook_events")


def downgrade() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
        sa.UniqueConstraint("source", "key", name=op.f("uq_webhook_events_source")),
    )
    op.create_index(op.f("ix_webhook_events_seen_at"), "webhook_events", ["seen_at"])
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.drop_index(op.f("ix_inbox_received_at"), table_name="inbox")
    op.drop_table("inbox")
