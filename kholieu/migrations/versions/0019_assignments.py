"""assignments: what a class is given, quizzes of one class, a student's allowances;
classes a new student may sign up to; users from class lists, one-time passwords;
teachers' questions sent for review

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-02 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False,
                      server_default=sa.false())
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_users_student_number"), ["student_number"])
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("signup_open", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("class_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_quizzes_class_id"), ["class_id"], unique=False)
        batch_op.add_column(sa.Column("learner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_quizzes_learner_id"), ["learner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_quizzes_learner_id_users"), "users", ["learner_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_foreign_key(
            batch_op.f("fk_quizzes_class_id_classes"), "classes", ["class_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), nullable=False, server_default="screen")
        )
        batch_op.add_column(sa.Column("checks", sa.JSON(), nullable=True))
    op.create_table(
        "question_reviews",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"],
            name=op.f("fk_question_reviews_question_id_questions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_question_reviews_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_question_reviews_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("question_id", name=op.f("pk_question_reviews")),
    )  # fmt: skip
    with op.batch_alter_table("question_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_reviews_state"), ["state"], unique=False)
    op.create_table(
        "quiz_allowances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("extra_time_s", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_quiz_allowances_quiz_id_quizzes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quiz_allowances_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_allowances")),
        sa.UniqueConstraint("quiz_id", "user_id", name=op.f("uq_quiz_allowances_quiz_id")),
    )  # fmt: skip
    with op.batch_alter_table("quiz_allowances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_allowances_quiz_id"), ["quiz_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_allowances_user_id"), ["user_id"], unique=False)
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("quiz_id", sa.Integer(), nullable=True),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_assignments_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["content_items.id"], name=op.f("fk_assignments_item_id_content_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quiz_id"], ["quizzes.id"], name=op.f("fk_assignments_quiz_id_quizzes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assignments_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("quiz_id", name=op.f("uq_assignments_quiz_id")),
    )  # fmt: skip
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_student_number"))
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("birth_date")
        batch_op.drop_column("student_number")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_item_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_class_id"))
    op.drop_table("assignments")
    with op.batch_alter_table("question_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_reviews_state"))
    op.drop_table("question_reviews")
    with op.batch_alter_table("quiz_allowances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_allowances_user_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_allowances_quiz_id"))
    op.drop_table("quiz_allowances")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("checks")
        batch_op.drop_column("source")
        batch_op.drop_column("extended")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_quizzes_learner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quizzes_learner_id"))
        batch_op.drop_column("learner_id")
        batch_op.drop_constraint(batch_op.f("fk_quizzes_class_id_classes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_quizzes_class_id"))
        batch_op.drop_column("class_id")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_column("signup_open")
