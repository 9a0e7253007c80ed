"""covering indexes for the sums of a project's pledges and match

The venue board reads every shown project's live pledges and match once a second per screen; with
these the sums come from the indexes alone. Each replaces an index it starts with.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:20:00

"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('ix_pledges_project_status')
        batch_op.drop_index('ix_pledges_project_id')
        batch_op.create_index('ix_pledges_project_live',
                              ['project_id', 'status', 'kind', 'amount', 'sponsor_id', 'value_accepted_at'], unique=False)
    with op.batch_alter_table('match_allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_match_allocations_project_id')
        batch_op.create_index('ix_match_allocations_project_amount', ['project_id', 'amount'], unique=False)


def downgrade():
    with op.batch_alter_table('match_allocations', schema=None) as batch_op:
        batch_op.drop_index('ix_match_allocations_project_amount')
        batch_op.create_index('ix_match_allocations_project_id', ['project_id'], unique=False)
    with op.batch_alter_table('pledges', schema=None) as batch_op:
        batch_op.drop_index('ix_pledges_project_live')
        batch_op.create_index('ix_pledges_project_id', ['project_id'], unique=False)
        batch_op.create_index('ix_pledges_project_status', ['project_id', 'status'], unique=False)
