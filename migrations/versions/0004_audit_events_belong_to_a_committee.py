"""audit events belong to a committee

Existing events get the committee of the call their record belongs to (calls, applications and
everything judged in a round); events of no call (accounts, organizations) stay visible to every
committee.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:30:33.720126

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_committee_id'), ['committee_id'], unique=False)

    # Backfill: entity type → SQL giving the committee of entity_id (correlated, portable).
    via_call = "SELECT c.committee_id FROM calls c WHERE c.id = {call}"
    sources = {
        "calls": via_call.format(call="audit_events.entity_id"),
        "applications": via_call.format(call="(SELECT a.call_id FROM applications a WHERE a.id = audit_events.entity_id)"),
        "rounds": via_call.format(call="(SELECT r.call_id FROM rounds r WHERE r.id = audit_events.entity_id)"),
        "award_tiers": via_call.format(call="(SELECT t.call_id FROM award_tiers t WHERE t.id = audit_events.entity_id)"),
        "awards": via_call.format(call="(SELECT w.call_id FROM awards w WHERE w.id = audit_events.entity_id)"),
        "public_notices": via_call.format(call="(SELECT n.call_id FROM public_notices n WHERE n.id = audit_events.entity_id)"),
        "call_judges": via_call.format(call="(SELECT j.call_id FROM call_judges j WHERE j.id = audit_events.entity_id)"),
        "score_sheets": via_call.format(call="(SELECT r.call_id FROM rounds r JOIN score_sheets s ON s.round_id = r.id "
                                             "WHERE s.id = audit_events.entity_id)"),
        "assignments": via_call.format(call="(SELECT r.call_id FROM rounds r JOIN assignments s ON s.round_id = r.id "
                                            "WHERE s.id = audit_events.entity_id)"),
        "objections": via_call.format(call="(SELECT n.call_id FROM public_notices n JOIN objections o ON o.notice_id = n.id "
                                           "WHERE o.id = audit_events.entity_id)"),
    }
    for entity_type, committee in sources.items():
        op.execute(sa.text(f"UPDATE audit_events SET committee_id = ({committee}) WHERE entity_type = :t")
                   .bindparams(t=entity_type))


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_committee_id'))
        batch_op.drop_column('committee_id')
