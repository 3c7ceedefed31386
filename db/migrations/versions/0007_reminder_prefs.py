"""reminder prefs: per-person settings, snoozes, which tasks a sent message was about

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_prefs",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("before_days", sa.JSON(), nullable=True),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("muted_task_ids", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_prefs_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_reminder_prefs")),
    )
    op.create_table(
        "reminder_snoozes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("occurrence_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_snoozes_person_id_people")),
        sa.ForeignKeyConstraint(["occurrence_id"], ["occurrences.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_snoozes_occurrence_id_occurrences")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE",
                                name=op.f("fk_reminder_snoozes_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_snoozes")),
        sa.UniqueConstraint("person_id", "occurrence_id",
                            name=op.f("uq_reminder_snoozes_person_id")),
    )
    op.create_index(op.f("ix_reminder_snoozes_occurrence_id"), "reminder_snoozes",
                    ["occurrence_id"])
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("task_ids", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_messages")),
        sa.UniqueConstraint("platform", "chat_id", "message_id",
                            name=op.f("uq_sent_messages_platform")),
    )
    op.create_index(op.f("ix_sent_messages_sent_at"), "sent_messages", ["sent_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sent_messages_sent_at"), table_name="sent_messages")
    op.drop_table("sent_messages")
    op.drop_index(op.f("ix_reminder_snoozes_occurrence_id"), table_name="reminder_snoozes")
    op.drop_table("reminder_snoozes")
    op.drop_table("reminder_prefs")
