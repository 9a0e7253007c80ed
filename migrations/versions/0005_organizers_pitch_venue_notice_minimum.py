"""call organizers, a live pitch's day and venue, the notice's minimum period

A call lists the bodies organising it (联合主办, 承办, 协办 …); a live-pitch round keeps the day and the
venue of the final; a public notice keeps the minimum period it was held against and, when shorter,
the committee's reason. Existing rows: no organizers (the committee alone), no venue, 5 days.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:19:40.141515

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_organizers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('GUIDE', 'HOST', 'ORGANIZER', 'CO_ORGANIZER', 'SUPPORTER', name='organizerrole', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_organizers_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_organizers'))
    )
    with op.batch_alter_table('call_organizers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_organizers_call_id'), ['call_id'], unique=False)

    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minimum_days', sa.Integer(), nullable=False, server_default='5'))
        batch_op.add_column(sa.Column('short_period_reason', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('venue', sa.String(length=200), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('venue')
        batch_op.drop_column('held_at')

    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.drop_column('short_period_reason')
        batch_op.drop_column('minimum_days')

    with op.batch_alter_table('call_organizers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_organizers_call_id'))

    op.drop_table('call_organizers')
