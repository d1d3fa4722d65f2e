"""Money movements through the services: gifts, allocations with restrictions, spending, balances."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from boai.core.models import AuditEntry
from boai.donations import services
from boai.donations.models import Account, FundKind, JournalLine, Lot, Purpose, SpendingStatus
from boai.donations.money import split_pro_rata
from boai.donations.selectors import journal_balance_check
from boai.donations.tests.factories import make_fund, make_gift, make_project
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


def balance(obj) -> Decimal:
    return Account.objects.get(**{obj._meta.model_name: obj}).balance


def test_gift_books_a_balanced_transaction_a_lot_and_a_certificate(tree):
    fund = make_fund(tree.branch_a)
    gift = make_gift(fund, "50.00")
    assert balance(fund) == Decimal("50.00")
    lines = list(JournalLine.objects.filter(txn__kind="gift").values_list("amount", flat=True))
    assert sorted(lines) == [Decimal("-50.00"), Decimal("50.00")]
    assert Lot.objects.get(gift=gift).remaining == Decimal("50.00")
    assert gift.certificate.token and gift.certificate.opening
    assert gift.ledger_entry is not None
    assert AuditEntry.objects.filter(action="donations.gift.receive", object_id=str(gift.pk)).exists()
    assert journal_balance_check() == []


def test_allocation_and_spending_move_money_and_never_overdraw(tree):
    officer = make_user(tree.branch_a, "donations_officer")
    fund = make_fund(tree.branch_a)
    project = make_project(tree.branch_a, fund)
    make_gift(fund, "300.00")
    make_gift(fund, "200.00")
    allocation = services.allocation_create(actor=officer, fund=fund, project=project, amount="450.00")
    assert balance(fund) == Decimal("50.00") and balance(project) == Decimal("450.00")
    assert allocation.draws.count() == 1  # two gift lots pooled into one first
    with pytest.raises(ValidationError):
        services.allocation_create(actor=officer, fund=fund, project=project, amount="50.01")
    spending = services.spending_request(actor=officer, project=project, amount="400.00", purpose="白内障手术补助",
                                         payee_kind="organisation", payee_name="市第一人民医院")
    assert spending.status == SpendingStatus.PAID and balance(project) == Decimal("50.00")
    with pytest.raises(ValidationError):
        services.spending_request(actor=officer, project=project, amount="50.01", purpose="x",
                                  payee_kind="recipient")
    assert journal_balance_check() == []


def test_restricted_gifts_are_only_spent_where_the_donor_said(tree):
    fund = make_fund(tree.branch_a)
    eyes = make_project(tree.branch_a, fund, purpose=Purpose.MEDICAL)
    home = make_project(tree.branch_a, fund, purpose=Purpose.HARDSHIP)
    make_gift(fund, "100.00", project=eyes)
    make_gift(fund, "40.00")
    with pytest.raises(ValidationError, match="最多可为|at most"):
        services.allocation_create(actor=None, fund=fund, project=home, amount="41.00")
    services.allocation_create(actor=None, fund=fund, project=home, amount="40.00")
    services.allocation_create(actor=None, fund=fund, project=eyes, amount="100.00")
    assert balance(fund) == 0


def test_restricted_fund_pays_only_its_projects_and_purposes(tree):
    special = make_fund(tree.branch_a, kind=FundKind.SPECIAL, purposes=[Purpose.EDUCATION])
    other = make_project(tree.branch_a, purpose=Purpose.MEDICAL)
    own = make_project(tree.branch_a, special, purpose=Purpose.MEDICAL)
    make_gift(special, "100.00")
    with pytest.raises(ValidationError, match="限定性基金|restricted"):
        services.allocation_create(actor=None, fund=special, project=other, amount="10.00")
    services.allocation_create(actor=None, fund=special, project=own, amount="10.00")
    services.allocation_create(actor=None, fund=special, relief_purpose=Purpose.EDUCATION, amount="10.00")
    with pytest.raises(ValidationError):
        services.allocation_create(actor=None, fund=special, relief_purpose=Purpose.DISASTER, amount="10.00")


def test_large_payment_needs_a_second_approver_who_is_not_the_requester(tree, settings):
    settings.BOAI_DONATIONS_APPROVAL_THRESHOLD = "1000"
    officer = make_user(tree.branch_a, "donations_officer")
    finance = make_user(tree.branch_a, "finance_officer")
    admin = make_user(tree.branch_a, "branch_admin")
    fund = make_fund(tree.branch_a)
    project = make_project(tree.branch_a, fund)
    make_gift(fund, "5000.00")
    services.allocation_create(actor=officer, fund=fund, project=project, amount="5000.00")
    spending = services.spending_request(actor=admin, project=project, amount="3000.00", purpose="物资采购",
                                         payee_kind="supplier", payee_name="某某商贸有限公司")
    assert spending.status == SpendingStatus.PENDING and balance(project) == Decimal("5000.00")
    with pytest.raises(ValidationError, match="复核审批|second approver"):
        services.spending_approve(actor=admin, spending=spending)
    services.spending_approve(actor=finance, spending=spending)
    spending.refresh_from_db()
    assert spending.status == SpendingStatus.PAID and spending.approved_by == finance
    assert balance(project) == Decimal("2000.00")


def test_management_costs_are_capped(tree):
    fund = make_fund(tree.branch_a, management_cap=Decimal("5.00"))
    project = make_project(tree.branch_a, fund)
    make_gift(fund, "1000.00")
    services.allocation_create(actor=None, fund=fund, project=project, amount="1000.00")
    services.spending_request(actor=None, project=project, amount="50.00", purpose="管理费", payee_kind="organisation",
                              payee_name="本会", category="management")
    with pytest.raises(ValidationError, match="管理费|Management costs"):
        services.spending_request(actor=None, project=project, amount="0.01", purpose="管理费",
                                  payee_kind="organisation", payee_name="本会", category="management")


def test_pro_rata_split_never_loses_a_fen():
    parts = split_pro_rata(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    assert sum(parts) == Decimal("100.00") and max(parts) - min(parts) == Decimal("0.01")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_database_refuses_negative_balance_written_with_raw_sql(tree):
    fund = make_fund(tree.branch_a)
    account = Account.objects.get(fund=fund)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE donations_account SET balance = -1 WHERE id = %s", [account.pk])
