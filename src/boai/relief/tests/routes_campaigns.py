"""Permission-matrix entries of the relief pages and endpoints: campaigns, medical exchange, reports."""

from __future__ import annotations

from boai.relief.tests import factories_campaigns as f
from boai.testing.matrix import Route


def _entry_marker(entry):
    return entry.household.number


ROUTES = {
    "relief:campaign-list": Route(perm="relief.view", lists="relief_campaign", search_param="q",
                                  marker=lambda c: c.name),
    "relief:campaign-create": Route(perm="relief.change"),
    "relief:campaign-detail": Route(perm="relief.view", obj="relief_campaign"),
    "relief:campaign-update": Route(perm="relief.change", obj="relief_campaign"),
    "relief:campaign-quota": Route(perm="relief.change", obj="relief_campaign"),
    "relief:campaign-open": Route(perm="relief.change", obj="relief_campaign_draft"),
    "relief:campaign-close": Route(perm="relief.change", obj="relief_campaign"),
    "relief:campaign-build": Route(perm="relief.add", obj="relief_campaign"),
    "relief:campaign-households": Route(perm="relief.view", obj="relief_campaign"),
    "relief:campaign-households-export": Route(perm="relief.export", obj="relief_campaign"),
    "relief:campaign-household-add": Route(perm="relief.add", obj="relief_campaign"),
    "relief:campaign-household-remove": Route(perm="relief.add", obj="relief_campaign_entry"),
    "relief:campaign-raise": Route(perm="relief.add", obj="relief_campaign"),
    "relief:campaign-approve": Route(perm="relief.approve", obj="relief_campaign"),
    "relief:campaign-disburse": Route(perm="relief.disburse", obj="relief_campaign"),
    "relief:campaign-acknowledge": Route(perm="relief.disburse", obj="relief_campaign_entry"),
    "relief:medical-list": Route(perm="relief.view", lists="relief_settlement", search_param="q",
                                 marker=lambda s: s.settlement_no),
    "relief:medical-export": Route(perm="relief.export"),
    "relief:medical-raise": Route(perm="relief.add", obj="relief_settlement"),
    "relief:reports": Route(perm="relief.view"),
    "relief:reports-export": Route(perm="relief.export"),
    "api:relief-campaign-list": Route(perm="relief.view", api=True, lists="relief_campaign", search_param="search",
                                      marker=lambda c: c.name),
    "api:relief-campaign-detail": Route(perm="relief.view", api=True, obj="relief_campaign"),
    "api:relief-campaign-progress": Route(perm="relief.view", api=True, obj="relief_campaign"),
    "api:relief-campaign-households": Route(perm="relief.view", api=True, obj="relief_campaign"),
    "api:relief-campaign-build": Route(perm="relief.add", api=True, obj="relief_campaign", method="post"),
    "api:relief-campaign-raise-applications": Route(perm="relief.add", api=True, obj="relief_campaign",
                                                    method="post"),
    "api:relief-campaign-approve": Route(perm="relief.approve", api=True, obj="relief_campaign", method="post"),
    "api:relief-settlement-list": Route(perm="relief.view", api=True, lists="relief_settlement",
                                        search_param="search", marker=lambda s: s.settlement_no),
    "api:relief-settlement-detail": Route(perm="relief.view", api=True, obj="relief_settlement"),
}

OBJECTS = {
    "relief_campaign": f.make_campaign_in,
    "relief_campaign_draft": lambda unit: f.make_campaign(f.branch_of(unit), status="draft"),
    "relief_campaign_entry": lambda unit: f.make_campaign_entry(unit),
    "relief_settlement": lambda unit: f.make_settlement(unit),
}
