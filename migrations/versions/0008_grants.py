"""grants: agreements and their sources, budget, tranches, disbursements and reversals, releases,
reports with activities, files and expenses, evaluations, mentors and check-ins

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:08:41.768104

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grant_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('tranche_plan', sa.JSON(), nullable=False),
    sa.Column('evaluation_dimensions', sa.JSON(), nullable=False),
    sa.Column('pass_mark', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_grant_settings_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_settings')),
    sa.UniqueConstraint('call_id', name=op.f('uq_grant_settings_call_id'))
    )
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('need_offer_id', sa.Integer(), nullable=True),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('award_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('self_funding', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('payee_name', sa.String(length=200), nullable=False),
    sa.Column('payee_bank', sa.String(length=200), nullable=False),
    sa.Column('payee_account', sa.String(length=40), nullable=False),
    sa.Column('admin_cap_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('pass_mark', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('evaluation_dimensions', sa.JSON(), nullable=False),
    sa.Column('signed_scan_key', sa.String(length=200), nullable=True),
    sa.Column('signed_scan_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('DRAFTED', 'SIGNED', 'ACTIVE', 'COMPLETED', 'SUSPENDED', 'TERMINATED', name='grantstatus', native_enum=False, length=20), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('activated_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('application_id IS NOT NULL OR need_offer_id IS NOT NULL', name=op.f('ck_grants_has_project')),
    sa.CheckConstraint('self_funding >= 0', name=op.f('ck_grants_self_funding_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['award_id'], ['awards.id'], name=op.f('fk_grants_award_id_awards')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_grants_call_id_calls')),
    sa.ForeignKeyConstraint(['committee_id'], ['organizations.id'], name=op.f('fk_grants_committee_id_organizations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grants_created_by_id_users')),
    sa.ForeignKeyConstraint(['need_offer_id'], ['need_offers.id'], name=op.f('fk_grants_need_offer_id_need_offers')),
    sa.ForeignKeyConstraint(['recipient_id'], ['organizations.id'], name=op.f('fk_grants_recipient_id_organizations')),
    sa.ForeignKeyConstraint(['session_id'], ['matching_sessions.id'], name=op.f('fk_grants_session_id_matching_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grants_application_id')),
    sa.UniqueConstraint('need_offer_id', name=op.f('uq_grants_need_offer_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_grants_reference'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grants_status'), ['status'], unique=False)

    op.create_table('grant_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_grant_budget_lines_amount_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_budget_lines_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_budget_lines')),
    sa.UniqueConstraint('grant_id', 'category', name='uq_grant_budget_lines_category')
    )
    with op.batch_alter_table('grant_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_budget_lines_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_mentors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_mentors_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_grant_mentors_invited_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grant_mentors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_mentors')),
    sa.UniqueConstraint('grant_id', 'email', name='uq_grant_mentors_grant_email')
    )
    with op.batch_alter_table('grant_mentors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_mentors_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_mentors_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_mentors_user_id'), ['user_id'], unique=False)

    op.create_table('grant_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('PROGRESS', 'MIDTERM', 'FINAL', name='reportkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('schedule', sa.Enum('RECURRING', 'ONE_OFF', 'MILESTONE', name='schedulekind', native_enum=False, length=20), nullable=False),
    sa.Column('milestone', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('SCHEDULED', 'SUBMITTED', 'EVALUATED', name='reportstatus', native_enum=False, length=20), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('beneficiaries_reached', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_due_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_overdue_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_reports_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_grant_reports_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_reports'))
    )
    with op.batch_alter_table('grant_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_reports_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_reports_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_reports_status'), ['status'], unique=False)

    op.create_table('grant_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('COMMITTEE_FUND', 'SPONSOR', 'MATCH', 'OTHER', name='sourcekind', native_enum=False, length=20), nullable=False),
    sa.Column('funder_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('pledge_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_grant_sources_positive_amount')),
    sa.ForeignKeyConstraint(['funder_id'], ['organizations.id'], name=op.f('fk_grant_sources_funder_id_organizations')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_sources_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_sources'))
    )
    with op.batch_alter_table('grant_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_sources_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_sources_grant_id'), ['grant_id'], unique=False)

    op.create_table('tranches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('gate', sa.Enum('ON_SIGNING', 'MIDTERM_PASSED', 'FINAL_PASSED', 'NONE', name='tranchegate', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'PAID', 'STOPPED', name='tranchestatus', native_enum=False, length=20), nullable=False),
    sa.Column('stop_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_tranches_positive_amount')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_tranches_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tranches'))
    )
    with op.batch_alter_table('tranches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tranches_grant_id'), ['grant_id'], unique=False)

    op.create_table('disbursements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('tranche_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('method', sa.Enum('BANK_TRANSFER', 'CHEQUE', 'OTHER', name='paymentmethod', native_enum=False, length=20), nullable=False),
    sa.Column('pay_on', sa.Date(), nullable=False),
    sa.Column('payee_name', sa.String(length=200), nullable=False),
    sa.Column('payee_bank', sa.String(length=200), nullable=False),
    sa.Column('payee_account', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('PREPARED', 'CHANGES_REQUESTED', 'DECLINED', 'APPROVED', 'PAID', 'FAILED', 'REPLACED', name='disbursementstatus', native_enum=False, length=20), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('prepared_by_id', sa.Integer(), nullable=False),
    sa.Column('prepared_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('gate_override_reason', sa.Text(), nullable=False),
    sa.Column('bank_reference', sa.String(length=100), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_disbursements_positive_amount')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_disbursements_decided_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_disbursements_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_disbursements_paid_by_id_users')),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['users.id'], name=op.f('fk_disbursements_prepared_by_id_users')),
    sa.ForeignKeyConstraint(['replaces_id'], ['disbursements.id'], name=op.f('fk_disbursements_replaces_id_disbursements')),
    sa.ForeignKeyConstraint(['source_id'], ['grant_sources.id'], name=op.f('fk_disbursements_source_id_grant_sources')),
    sa.ForeignKeyConstraint(['tranche_id'], ['tranches.id'], name=op.f('fk_disbursements_tranche_id_tranches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements')),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_disbursements_replaces_id'))
    )
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursements_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_disbursements_tranche_id'), ['tranche_id'], unique=False)

    op.create_table('grant_check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('form', sa.Enum('VISIT', 'CALL', 'ONLINE', name='checkinform', native_enum=False, length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grant_check_ins_created_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_check_ins_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['grant_mentors.id'], name=op.f('fk_grant_check_ins_mentor_id_grant_mentors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_check_ins'))
    )
    with op.batch_alter_table('grant_check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_check_ins_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_check_ins_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('grant_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('pass_mark', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('conclusion', sa.Enum('PASSED', 'RECTIFY', 'FAILED', name='evaluationconclusion', native_enum=False, length=20), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=True),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total >= 0 AND total <= 100', name=op.f('ck_grant_evaluations_total_in_range')),
    sa.ForeignKeyConstraint(['evaluator_id'], ['users.id'], name=op.f('fk_grant_evaluations_evaluator_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_evaluations_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['grant_reports.id'], name=op.f('fk_grant_evaluations_report_id_grant_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_evaluations'))
    )
    with op.batch_alter_table('grant_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_evaluations_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_evaluations_report_id'), ['report_id'], unique=False)

    op.create_table('grant_expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('receipt_key', sa.String(length=200), nullable=True),
    sa.Column('receipt_name', sa.String(length=200), nullable=False),
    sa.Column('receipt_type', sa.String(length=100), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_grant_expenses_amount_not_zero')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grant_expenses_created_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_expenses_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['grant_reports.id'], name=op.f('fk_grant_expenses_report_id_grant_reports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reverses_id'], ['grant_expenses.id'], name=op.f('fk_grant_expenses_reverses_id_grant_expenses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_expenses')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_grant_expenses_reverses_id'))
    )
    with op.batch_alter_table('grant_expenses', schema=None) as batch_op:
        batch_op.create_index('ix_grant_expenses_grant_category', ['grant_id', 'category', 'amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_expenses_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_expenses_report_id'), ['report_id'], unique=False)

    op.create_table('grant_report_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['grant_reports.id'], name=op.f('fk_grant_report_activities_report_id_grant_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_report_activities'))
    )
    with op.batch_alter_table('grant_report_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_report_activities_report_id'), ['report_id'], unique=False)

    op.create_table('grant_source_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_grant_source_releases_amount_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_grant_source_releases_created_by_id_users')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_source_releases_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['grant_sources.id'], name=op.f('fk_grant_source_releases_source_id_grant_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_source_releases')),
    sa.UniqueConstraint('source_id', name=op.f('uq_grant_source_releases_source_id'))
    )
    with op.batch_alter_table('grant_source_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_source_releases_grant_id'), ['grant_id'], unique=False)

    op.create_table('tranche_sources',
    sa.Column('tranche_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['grant_sources.id'], name=op.f('fk_tranche_sources_source_id_grant_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tranche_id'], ['tranches.id'], name=op.f('fk_tranche_sources_tranche_id_tranches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tranche_id', 'source_id', name=op.f('pk_tranche_sources'))
    )
    op.create_table('disbursement_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disbursement_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_disbursement_reversals_positive_amount')),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'], name=op.f('fk_disbursement_reversals_disbursement_id_disbursements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_disbursement_reversals_grant_id_grants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id'], name=op.f('fk_disbursement_reversals_reversed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursement_reversals')),
    sa.UniqueConstraint('disbursement_id', name=op.f('uq_disbursement_reversals_disbursement_id'))
    )
    with op.batch_alter_table('disbursement_reversals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursement_reversals_grant_id'), ['grant_id'], unique=False)

    op.create_table('grant_evaluation_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_grant_evaluation_scores_score_in_range')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['grant_evaluations.id'], name=op.f('fk_grant_evaluation_scores_evaluation_id_grant_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_evaluation_scores'))
    )
    with op.batch_alter_table('grant_evaluation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_evaluation_scores_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('grant_report_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['grant_report_activities.id'], name=op.f('fk_grant_report_files_activity_id_grant_report_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['grant_reports.id'], name=op.f('fk_grant_report_files_report_id_grant_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_grant_report_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_report_files'))
    )
    with op.batch_alter_table('grant_report_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_report_files_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('grant_report_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_report_files_report_id'))

    op.drop_table('grant_report_files')
    with op.batch_alter_table('grant_evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_evaluation_scores_evaluation_id'))

    op.drop_table('grant_evaluation_scores')
    with op.batch_alter_table('disbursement_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursement_reversals_grant_id'))

    op.drop_table('disbursement_reversals')
    op.drop_table('tranche_sources')
    with op.batch_alter_table('grant_source_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_source_releases_grant_id'))

    op.drop_table('grant_source_releases')
    with op.batch_alter_table('grant_report_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_report_activities_report_id'))

    op.drop_table('grant_report_activities')
    with op.batch_alter_table('grant_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_expenses_report_id'))
        batch_op.drop_index(batch_op.f('ix_grant_expenses_grant_id'))
        batch_op.drop_index('ix_grant_expenses_grant_category')

    op.drop_table('grant_expenses')
    with op.batch_alter_table('grant_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_evaluations_report_id'))
        batch_op.drop_index(batch_op.f('ix_grant_evaluations_grant_id'))

    op.drop_table('grant_evaluations')
    with op.batch_alter_table('grant_check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_check_ins_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_grant_check_ins_grant_id'))

    op.drop_table('grant_check_ins')
    with op.batch_alter_table('disbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursements_tranche_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_status'))
        batch_op.drop_index(batch_op.f('ix_disbursements_source_id'))
        batch_op.drop_index(batch_op.f('ix_disbursements_grant_id'))

    op.drop_table('disbursements')
    with op.batch_alter_table('tranches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tranches_grant_id'))

    op.drop_table('tranches')
    with op.batch_alter_table('grant_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_sources_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_sources_funder_id'))

    op.drop_table('grant_sources')
    with op.batch_alter_table('grant_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_reports_status'))
        batch_op.drop_index(batch_op.f('ix_grant_reports_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_reports_due_on'))

    op.drop_table('grant_reports')
    with op.batch_alter_table('grant_mentors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_mentors_user_id'))
        batch_op.drop_index(batch_op.f('ix_grant_mentors_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_mentors_email'))

    op.drop_table('grant_mentors')
    with op.batch_alter_table('grant_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_budget_lines_grant_id'))

    op.drop_table('grant_budget_lines')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_status'))
        batch_op.drop_index(batch_op.f('ix_grants_session_id'))
        batch_op.drop_index(batch_op.f('ix_grants_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_grants_committee_id'))
        batch_op.drop_index(batch_op.f('ix_grants_call_id'))

    op.drop_table('grants')
    op.drop_table('grant_settings')
