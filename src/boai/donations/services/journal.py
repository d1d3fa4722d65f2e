"""Posting balanced journal transactions and locking accounts.

Locks are always taken on account rows in ascending id order (`lock_accounts`), so two services
moving money between the same accounts never deadlock; concurrent spending of one fund queues on
its row and each one sees the balance the previous one left.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from boai.donations.models import Account, AccountKind, JournalLine, JournalTxn
from boai.donations.models.money import INTERNAL_KINDS


def _system_account(org, kind: str, purpose: str = "") -> Account:
    """The organisation's income/expense/relief account (created on first use)."""
    found = Account.objects.filter(org=org, kind=kind, purpose=purpose).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(org=org, kind=kind, purpose=purpose)
    except IntegrityError:  # created a moment ago by a concurrent transaction
        return Account.objects.get(org=org, kind=kind, purpose=purpose)


def income_account(org) -> Account:
    return _system_account(org, AccountKind.INCOME)


def expense_account(org) -> Account:
    return _system_account(org, AccountKind.EXPENSE)


def relief_account(org, purpose: str) -> Account:
    return _system_account(org, AccountKind.RELIEF, purpose)


def lock_accounts(accounts: Iterable[Account]) -> dict[int, Account]:
    """SELECT ... FOR UPDATE on the accounts, in id order; returns fresh rows by id."""
    ids = sorted({a.pk for a in accounts})
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def post(*, org, kind: str, lines: Sequence[tuple[Account, Decimal]], at) -> JournalTxn:
    """Write one balanced transaction. The lines must sum to zero (the database checks it again at commit)."""
    if sum((amount for _a, amount in lines), Decimal(0)) != 0 or any(amount == 0 for _a, amount in lines):
        raise ValueError("journal lines must be non-zero and sum to zero")
    txn = JournalTxn.objects.create(org=org, kind=kind, created_at=at)
    JournalLine.objects.bulk_create([JournalLine(txn=txn, account=account, amount=amount) for account, amount in lines])
    if connection.vendor != "postgresql":
        _apply_balances(lines)
    return txn


def _apply_balances(lines: Sequence[tuple[Account, Decimal]]) -> None:
    """What the PostgreSQL trigger does, for SQLite (writers are serialised by IMMEDIATE transactions)."""
    for account, amount in lines:
        if account.kind not in INTERNAL_KINDS:
            continue
        current = Account.objects.filter(pk=account.pk).values_list("balance", flat=True).get()
        new = current + amount
        if new < 0:
            raise ValidationError(_("%(account)s would go below zero.") % {"account": account})
        Account.objects.filter(pk=account.pk).update(balance=new)
        account.balance = new
