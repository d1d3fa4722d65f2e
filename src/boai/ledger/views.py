"""Pages of the log: public (what it is, the latest checkpoint, a receipt check, a leaf, the flow
picture) and staff (leaves with filters and export, one leaf, the checkpoints)."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from boai.core.views_base import Column, DetailPage, ExportPage, ListPage, PermissionMixin
from boai.ledger import events, merkle, params, selectors, services, store
from boai.ledger.filters import CheckpointFilter, LeafFilter
from boai.ledger.models import Checkpoint, Leaf

_DIGITS = re.compile(r"[0-9]{1,18}")


def describe(entry: dict) -> str:
    """One line for a leaf: what moved, how much, where to."""
    parts = [str(events.EVENT_TYPES.get(entry.get("type"), entry.get("type")))]
    if "amount" in entry:
        parts.append(f"¥{entry['amount']}")
    if "item" in entry:
        parts.append(f"{entry['item']} {entry.get('quantity', '')}{entry.get('unit', '')}")
    for key in ("fund", "project", "purpose", "warehouse"):
        if entry.get(key):
            parts.append(entry[key])
            break
    if entry.get("relief_type"):
        parts.append(str(events.RELIEF_TYPES.get(entry["relief_type"], entry["relief_type"])))
    if entry.get("reason"):
        parts.append(str(events.CORRECTION_REASONS.get(entry["reason"], entry["reason"])))
    return " · ".join(parts)


def _leaf_context(leaf: Leaf) -> dict:
    entry = leaf.event
    latest = selectors.latest_checkpoint()
    ctx = {"leaf": leaf, "entry": entry, "pretty": json.dumps(entry, ensure_ascii=False, indent=2, sort_keys=True),
           "summary": describe(entry), "children": selectors.children(leaf.index), "checkpoint": latest,
           "parents": entry.get("parents", []), "verified": None}
    if latest is not None and leaf.index < latest.size:
        try:
            proof = selectors.inclusion(leaf.index, latest.size)
            ctx["proof"] = proof
            ctx["verified"] = merkle.verify_inclusion(params.hasher(), leaf.index, latest.size,
                                                      params.hasher().leaf(leaf.entry_bytes), proof.path,
                                                      bytes(latest.root))
        except store.StoreError:
            ctx["verified"] = False
    return ctx


# --- public ----------------------------------------------------------------------------------------


class PublicLogPage(TemplateView):
    """What the log is, its latest checkpoint, how to verify, and a receipt check."""

    template_name = "ledger/public.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(checkpoint=selectors.latest_checkpoint(), counts=selectors.log_counts(), origin=params.origin(),
                   hash_name=params.hash_name(), verifier_keys=params.verifier_keys(),
                   recent=[(leaf, describe(leaf.event)) for leaf in Leaf.objects.with_text().order_by("-index")[:10]])
        ctx.update(self._receipt())
        return ctx

    def _receipt(self) -> dict:
        index, opening = self.request.GET.get("index", "").strip(), self.request.GET.get("opening", "").strip()
        if not index and not opening:
            return {}
        if not _DIGITS.fullmatch(index) or not opening:
            return {"receipt_error": _("Enter the leaf number and the verification code printed on the receipt.")}
        receipt = selectors.open_receipt(int(index), opening)
        if receipt is None:
            return {"receipt_error": _("No leaf %(index)s opens with this verification code. Check both values "
                                       "on your receipt.") % {"index": index}}
        return {"receipt": receipt, **{f"receipt_{k}": v for k, v in _leaf_context(receipt.leaf).items()}}


class PublicLeafPage(TemplateView):
    template_name = "ledger/public_leaf.html"

    def get_context_data(self, **kwargs):
        leaf = Leaf.objects.with_text().filter(index=self.kwargs["index"]).first()
        if leaf is None:
            raise Http404
        return super().get_context_data(**_leaf_context(leaf), **kwargs)


class FlowsPage(TemplateView):
    """The flow picture: an ECharts Sankey drawn from the log's leaves."""

    template_name = "ledger/flows.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        root = self.request.GET.get("root", "").strip()
        fund = self.request.GET.get("fund", "").strip()[:100]
        root_index = int(root) if _DIGITS.fullmatch(root) else None
        flow = selectors.cached_flows(root=root_index, fund=fund or None)
        option = {
            "tooltip": {"trigger": "item"},
            "series": [{"type": "sankey", "data": flow.nodes, "links": flow.links, "emphasis": {"focus": "adjacency"},
                        "nodeAlign": "left", "layoutIterations": 32, "label": {"fontSize": 11},
                        "lineStyle": {"color": "gradient", "curveness": 0.5}}],
        }
        ctx.update(option=option, flow=flow, funds=selectors.funds(), root=root, fund=fund,
                   root_error=bool(root) and root_index is None,
                   total=sum(link["value"] for link in flow.links if link["source"].startswith(
                       str(selectors.STAGES["source"]))))
        return ctx


# --- staff -----------------------------------------------------------------------------------------


def _amount(leaf: Leaf):
    return leaf.event.get("amount")


LEAF_COLUMNS = (
    Column("index", gettext_lazy("Leaf"), link=True),
    Column("event_type", gettext_lazy("Event type"), accessor="get_event_type_display"),
    Column("amount", gettext_lazy("Amount (yuan)"), accessor=_amount),
    Column("summary", gettext_lazy("Summary"), accessor=lambda leaf: describe(leaf.event)),
    Column("created_at", gettext_lazy("Integrated")),
)


class LeafSearchMixin:
    search_placeholder = gettext_lazy("Leaf number, commitment, reference or name of a fund")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().with_text()

    def search(self, queryset: QuerySet, term: str) -> QuerySet:
        if not term:
            return queryset
        if _DIGITS.fullmatch(term):
            return queryset.filter(index=int(term))
        return queryset.filter(Q(data__contains=term) | Q(entry__data__contains=term))


class LeafListPage(LeafSearchMixin, ListPage):
    model = Leaf
    title = gettext_lazy("Transparency log")
    filterset_class = LeafFilter
    columns = LEAF_COLUMNS
    export_url_name = "ledger:staff-export"
    template_name = "ledger/leaf_list.html"
    empty_text = gettext_lazy("Nothing has been logged yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(counts=selectors.log_counts(), checkpoint=selectors.latest_checkpoint())
        return ctx


class LeafExportPage(LeafSearchMixin, ExportPage):
    model = Leaf
    filterset_class = LeafFilter
    export_columns = (*LEAF_COLUMNS, Column("entry_id", gettext_lazy("Entry number")),
                      Column("data", gettext_lazy("Leaf (canonical JSON)"), accessor=lambda leaf: leaf.text),
                      Column("hash", gettext_lazy("Leaf hash"), accessor=lambda leaf: bytes(leaf.hash).hex()))
    filename = "transparency-log"


class LeafDetailPage(DetailPage):
    model = Leaf
    template_name = "ledger/leaf_detail.html"

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().with_text()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_leaf_context(self.object), **kwargs)


CHECKPOINT_COLUMNS = (
    Column("id", gettext_lazy("No.")),
    Column("created_at", gettext_lazy("Signed")),
    Column("size", gettext_lazy("Tree size")),
    Column("root_b64", gettext_lazy("Root hash")),
    Column("signed_by", gettext_lazy("Signed by"),
           accessor=lambda c: ", ".join(k.rsplit("+", 1)[0] for k in c.signed_by.split(",") if k)),
)


class CheckpointListPage(ListPage):
    model = Checkpoint
    title = gettext_lazy("Log checkpoints")
    filterset_class = CheckpointFilter
    columns = CHECKPOINT_COLUMNS
    template_name = "ledger/checkpoint_list.html"
    empty_text = gettext_lazy("No checkpoint has been signed yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(counts=selectors.log_counts(), can_sign=self.request.user.has_perm("ledger.change"),
                   verifier_keys=params.verifier_keys())
        return ctx


class CheckpointSignView(PermissionMixin, View):
    """Integrate what is pending and sign a checkpoint now, instead of waiting for the periodic job."""

    permission = "ledger.change"
    http_method_names = ["post"]

    def post(self, request):
        try:
            result = services.ledger_integrate(checkpoint=False)
            checkpoint = services.ledger_checkpoint(actor=request.user)
        except (services.LogInconsistent, ImproperlyConfigured) as exc:
            messages.error(request, _("The log refused to sign: %(reason)s") % {"reason": exc})
            return HttpResponseRedirect(reverse("ledger:staff-checkpoints"))
        if checkpoint is None:
            messages.info(request, _("Nothing new to sign: the latest checkpoint already covers %(size)s leaves.")
                          % {"size": result.size or store.tree_size()})
        else:
            messages.success(request, _("Signed a checkpoint of %(size)s leaves.") % {"size": checkpoint.size})
        selectors.forget_latest_checkpoint()
        return HttpResponseRedirect(reverse("ledger:staff-checkpoints"))
