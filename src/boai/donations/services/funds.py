"""Funds and projects: create, change, open and close. Each gets its account in the journal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.donations.models import Account, AccountKind, Fund, FundKind, Project, ProjectStatus, Purpose
from boai.donations.money import yuan
from boai.donations.services.common import check_code, clean_text, require, under

FUND_FIELDS = ("name", "kind", "purposes", "description", "management_cap", "named_after", "is_active", "is_public")
PROJECT_FIELDS = ("name", "fund", "purpose", "budget", "starts_on", "ends_on", "status", "summary", "description",
                  "accepts_online", "is_public")


def _clean_fund(fund: Fund) -> None:
    fund.name = clean_text(fund.name, field="name", max_length=100, required=True)
    if fund.kind not in FundKind.values:
        raise ValidationError({"kind": _("Unknown fund type.")})
    purposes = list(dict.fromkeys(fund.purposes or []))
    if any(p not in Purpose.values for p in purposes):
        raise ValidationError({"purposes": _("Unknown purpose.")})
    fund.purposes = purposes
    cap = Decimal(str(fund.management_cap))
    if not Decimal(0) <= cap <= Decimal(100):
        raise ValidationError({"management_cap": _("The cap is a percentage between 0 and 100.")})
    if fund.named_after_id and fund.kind != FundKind.NAMED:
        raise ValidationError({"named_after": _("Only a named fund is named after a donor.")})


@transaction.atomic
def fund_create(*, actor, org, code: str, name: str, kind: str = FundKind.SPECIAL, purposes=(),
                description: str = "", management_cap=Decimal("10.00"), named_after=None, is_public: bool = True,
                is_active: bool = True) -> Fund:
    require(actor, "donations.add", org)
    code = check_code(code)
    if Fund.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used by another fund.")})
    fund = Fund(org=org, code=code, name=name, kind=kind, purposes=list(purposes), description=description,
                management_cap=management_cap, named_after=named_after, is_public=is_public, is_active=is_active)
    _clean_fund(fund)
    fund.save()
    Account.objects.create(org=org, kind=AccountKind.FUND, fund=fund)
    audit_record(actor=actor, action="donations.fund.create", obj=fund, after=fund.snapshot())
    return fund


@transaction.atomic
def fund_update(*, actor, fund: Fund, **fields) -> Fund:
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    require(actor, "donations.change", fund.org)
    before = fund.snapshot()
    for name, value in fields.items():
        if name not in FUND_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(fund, name, value)
    if fund.kind != before["kind"] and fund.gifts.exists():
        raise ValidationError({"kind": _("The type of a fund that has received gifts cannot change.")})
    _clean_fund(fund)
    fund.save()
    old, new = diff(before, fund.snapshot())
    if new:
        audit_record(actor=actor, action="donations.fund.update", obj=fund, before=old, after=new)
    return fund


def _clean_project(project: Project) -> None:
    project.name = clean_text(project.name, field="name", max_length=100, required=True)
    project.summary = clean_text(project.summary, field="summary", max_length=200)
    if project.purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    if project.status not in ProjectStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    project.budget = yuan(project.budget or 0)
    if project.budget < 0:
        raise ValidationError({"budget": _("The budget cannot be negative.")})
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        raise ValidationError({"ends_on": _("A project cannot end before it starts.")})
    if not under(project.org, project.fund.org):
        raise ValidationError({"fund": _("A project belongs to its fund's organisation or a unit under it.")})


@transaction.atomic
def project_create(*, actor, org, fund: Fund, code: str, name: str, purpose: str = Purpose.OTHER,
                   budget=Decimal("0"), starts_on: dt.date | None = None, ends_on: dt.date | None = None,
                   status: str = ProjectStatus.ACTIVE, summary: str = "", description: str = "",
                   accepts_online: bool = True, is_public: bool = True) -> Project:
    require(actor, "donations.add", org)
    code = check_code(code)
    if Project.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used by another project.")})
    project = Project(org=org, fund=fund, code=code, name=name, purpose=purpose, budget=budget, starts_on=starts_on,
                      ends_on=ends_on, status=status, summary=summary, description=description,
                      accepts_online=accepts_online, is_public=is_public)
    _clean_project(project)
    project.save()
    Account.objects.create(org=org, kind=AccountKind.PROJECT, project=project)
    audit_record(actor=actor, action="donations.project.create", obj=project, after=project.snapshot())
    _schedule_disclosures(project)
    return project


@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    project = Project.objects.select_for_update().select_related("fund__org", "org").get(pk=project.pk)
    require(actor, "donations.change", project.org)
    before = project.snapshot()
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(project, name, value)
    if project.fund_id != before["fund"] and project.allocations.exists():
        raise ValidationError({"fund": _("The fund of a project that has received allocations cannot change.")})
    _clean_project(project)
    project.save()
    old, new = diff(before, project.snapshot())
    if new:
        audit_record(actor=actor, action="donations.project.update", obj=project, before=old, after=new)
        _schedule_disclosures(project)
    return project


def _schedule_disclosures(project: Project) -> None:
    from boai.donations.services.disclosure import schedule_for_project

    schedule_for_project(project)
