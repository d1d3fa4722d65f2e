"""The public HTTP interface of the log: no login, cacheable, rate-limited (DRF `public` throttle).

Everything a verifier needs: the latest checkpoint as a C2SP signed note at a stable URL and the
history of checkpoints, leaf bytes one by one or in ranges, inclusion proofs (by leaf index or by
receipt), consistency proofs, the later leaves that spend from a leaf, and the flow picture.
Hashes are base64, as in checkpoints. See docs/ledger.md.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from boai.core.ratelimit import PublicRateThrottle
from boai.ledger import params, selectors, store
from boai.ledger.models import Checkpoint, Leaf

FOREVER = 365 * 24 * 3600
SHORT = 10
MAX_RANGE = 10_000
TEXT = "text/plain; charset=utf-8"


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def conditional(request, etag: str, build: Callable[[], HttpResponse], *, max_age: int,
                immutable: bool = False) -> HttpResponse:
    """ETag + Cache-Control; a matching If-None-Match gets 304 without building the body."""
    quoted = f'"{etag}"'
    response = HttpResponseNotModified() if quoted in request.META.get("HTTP_IF_NONE_MATCH", "") else build()
    response["ETag"] = quoted
    response["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    return response


def _int(request, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        if required:
            raise ValidationError({name: f"{name} is required"})
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise ValidationError({name: f"{name} must be a whole number of at least {minimum}"})
    return int(raw)


def _signed() -> Checkpoint:
    checkpoint = selectors.latest_checkpoint()
    if checkpoint is None:
        raise NotFound("the log has no signed checkpoint yet")
    return checkpoint


def _signed_size(request, name: str, default: Checkpoint) -> int:
    """A tree size no larger than the latest signed checkpoint (proofs only about signed trees)."""
    size = _int(request, name, required=False, minimum=1)
    if size is None:
        return default.size
    if size > default.size:
        raise ValidationError({name: f"the latest signed checkpoint covers {default.size} leaves"})
    return size


class PublicLogView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]


class LogInfo(PublicLogView):
    @extend_schema(summary="What this log is: origin, hash, verifier keys, sizes, endpoints",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        checkpoint = selectors.latest_checkpoint()
        body = {
            "origin": params.origin(), "hash": params.hash_name(), "verifier_keys": params.verifier_keys(),
            "tree_size": store.tree_size(), "checkpoint_size": checkpoint.size if checkpoint else None,
            "schema_version": 1,
            "endpoints": {name: reverse(f"ledger:{name}") for name in
                          ("checkpoint", "checkpoint-history", "leaves", "inclusion", "consistency", "receipt",
                           "flows")},
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = f"public, max-age={SHORT}"
        return response


class LatestCheckpoint(PublicLogView):
    @extend_schema(summary="The latest checkpoint, a C2SP signed note (text/plain)", responses=OpenApiTypes.STR)
    def get(self, request):
        checkpoint = _signed()
        return conditional(request, f"cp{checkpoint.pk}", lambda: HttpResponse(checkpoint.note, content_type=TEXT),
                           max_age=SHORT)


class CheckpointHistory(PublicLogView):
    @extend_schema(
        operation_id="log_checkpoints_list",
        summary="Signed checkpoints, newest first", responses=OpenApiTypes.OBJECT, parameters=[
        OpenApiParameter("before", int, description="only checkpoints with a smaller id"),
        OpenApiParameter("limit", int, description="at most this many (100 by default, 1000 at most)")])
    def get(self, request):
        before, limit = _int(request, "before", required=False), _int(request, "limit", required=False, minimum=1)
        rows = Checkpoint.objects.order_by("-id")
        if before is not None:
            rows = rows.filter(id__lt=before)
        rows = list(rows[: min(limit or 100, 1000)])
        latest = selectors.latest_checkpoint()

        def build():
            items = [{"id": c.pk, "signed_at": c.created_at.isoformat(), "size": c.size, "root": b64(bytes(c.root)),
                      "keys": [k for k in c.signed_by.split(",") if k], "note": c.note,
                      "url": reverse("ledger:checkpoint-note", args=[c.pk])} for c in rows]
            return JsonResponse({"checkpoints": items, "next_before": rows[-1].pk if rows else None})

        tag = f"h{latest.pk if latest else 0}-{before}-{limit}"
        return conditional(request, tag, build, max_age=SHORT)


class CheckpointNote(PublicLogView):
    @extend_schema(
        operation_id="log_checkpoint_by_id",
        summary="One signed checkpoint by id (text/plain)", responses=OpenApiTypes.STR)
    def get(self, request, pk: int):
        checkpoint = Checkpoint.objects.filter(pk=pk).first()
        if checkpoint is None:
            raise NotFound("no such checkpoint")
        return conditional(request, f"cp{pk}", lambda: HttpResponse(checkpoint.note, content_type=TEXT),
                           max_age=FOREVER, immutable=True)


class LeafBytes(PublicLogView):
    @extend_schema(
        operation_id="log_leaf_retrieve",
        summary="One leaf: its exact bytes (canonical JSON)", responses=OpenApiTypes.OBJECT)
    def get(self, request, index: int):
        leaf = Leaf.objects.filter(index=index).with_text().values_list("leaf_text", "hash").first()
        if leaf is None:
            raise NotFound("no such leaf")
        data, leaf_hash = leaf
        return conditional(request, bytes(leaf_hash).hex(),
                           lambda: HttpResponse(data.encode(), content_type="application/json; charset=utf-8"),
                           max_age=FOREVER, immutable=True)


class LeafRange(PublicLogView):
    @extend_schema(
        operation_id="log_leaves_list",
        summary="Leaves in bulk: lines '<index>\\t<leaf bytes>' (text/plain)", responses=OpenApiTypes.STR,
                   parameters=[OpenApiParameter("start", int, required=True),
                               OpenApiParameter("count", int, description=f"at most {MAX_RANGE}")])
    def get(self, request):
        start = _int(request, "start")
        count = min(_int(request, "count", required=False, minimum=1) or 1000, MAX_RANGE)
        size = store.tree_size()
        rows = selectors.leaf_lines(start, count)
        complete = start + count <= size

        def build():
            return HttpResponse("".join(f"{i}\t{data}\n" for i, data in rows).encode(), content_type=TEXT)

        tag = hashlib.sha256(f"{start}:{count}:{len(rows)}:{rows[-1][0] if rows else -1}".encode()).hexdigest()[:32]
        return conditional(request, tag, build, max_age=FOREVER if complete else SHORT, immutable=complete)


class LeafChildren(PublicLogView):
    @extend_schema(summary="Every later leaf that draws from, acknowledges or corrects this one",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, index: int):
        if not Leaf.objects.filter(index=index).exists():
            raise NotFound("no such leaf")
        latest = selectors.latest_checkpoint()
        return conditional(request, f"c{index}-{store.tree_size()}",
                           lambda: JsonResponse({"index": index, "children": selectors.children(index),
                                                 "checkpoint_size": latest.size if latest else None}),
                           max_age=SHORT)


def _inclusion_body(index: int, size: int, checkpoint: Checkpoint | None) -> dict:
    proof = selectors.inclusion(index, size)
    return {"index": index, "tree_size": size, "hash": params.hash_name(), "leaf_hash": b64(proof.leaf_hash),
            "inclusion_path": [b64(h) for h in proof.path], "checkpoint": checkpoint.note if checkpoint else None}


class InclusionProof(PublicLogView):
    @extend_schema(summary="Inclusion proof of a leaf in a signed tree (the latest by default)",
                   responses=OpenApiTypes.OBJECT, parameters=[
                       OpenApiParameter("index", int, required=True),
                       OpenApiParameter("size", int, description="tree size; the latest checkpoint's by default")])
    def get(self, request):
        latest = _signed()
        index, size = _int(request, "index"), _signed_size(request, "size", latest)
        if index >= size:
            raise ValidationError({"index": f"leaf {index} is not in the tree of {size} leaves"})
        explicit = "size" in request.query_params
        checkpoint = latest if size == latest.size else selectors.checkpoint_at(size)
        try:
            body = _inclusion_body(index, size, checkpoint)
        except store.StoreError as exc:
            raise NotFound(str(exc)) from exc
        response = JsonResponse(body)
        response["Cache-Control"] = f"public, max-age={FOREVER if explicit else SHORT}" + (
            ", immutable" if explicit else "")
        return response


class ConsistencyProof(PublicLogView):
    @extend_schema(summary="Consistency proof between two tree sizes", responses=OpenApiTypes.OBJECT, parameters=[
        OpenApiParameter("first", int, required=True),
        OpenApiParameter("second", int, description="the latest checkpoint's size by default")])
    def get(self, request):
        latest = _signed()
        first, second = _int(request, "first"), _signed_size(request, "second", latest)
        if first > second:
            raise ValidationError({"first": "first must not exceed second"})
        explicit = "second" in request.query_params

        def build():
            try:
                path = selectors.consistency(first, second)
            except store.StoreError as exc:
                raise NotFound(str(exc)) from exc
            checkpoint = latest if second == latest.size else selectors.checkpoint_at(second)
            return JsonResponse({"first": first, "second": second, "hash": params.hash_name(),
                                 "consistency_path": [b64(h) for h in path],
                                 "checkpoint": checkpoint.note if checkpoint else None})

        return conditional(request, f"k{first}-{second}", build, max_age=FOREVER if explicit else SHORT,
                           immutable=explicit)


class ReceiptProof(PublicLogView):
    @extend_schema(summary="A receipt's leaf, its inclusion proof and the leaves that spend from it",
                   responses=OpenApiTypes.OBJECT, parameters=[
                       OpenApiParameter("index", int, required=True),
                       OpenApiParameter("opening", str, required=True, description="<salt hex>-<pseudonym hex>")])
    def get(self, request):
        index = _int(request, "index")
        receipt = selectors.open_receipt(index, request.query_params.get("opening", ""))
        if receipt is None:
            raise NotFound("no leaf with this index opens with this receipt")
        latest = selectors.latest_checkpoint()
        body = {"index": index, "role": receipt.role, "leaf": receipt.leaf.text,
                "children": selectors.children(index), "inclusion": None}
        if latest is not None and index < latest.size:
            body["inclusion"] = _inclusion_body(index, latest.size, latest)
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, max-age=60"
        return response


class FlowData(PublicLogView):
    @extend_schema(summary="Flow picture (Sankey nodes and links), for everything, one leaf, or one fund",
                   responses=OpenApiTypes.OBJECT, parameters=[
                       OpenApiParameter("root", int), OpenApiParameter("fund", str)])
    def get(self, request):
        root, fund = _int(request, "root", required=False), request.query_params.get("fund", "").strip()[:100]
        latest = selectors.latest_checkpoint()

        def build():
            flow = selectors.cached_flows(root=root, fund=fund or None)
            return JsonResponse({"nodes": flow.nodes, "links": flow.links, "dropped": flow.dropped},
                                json_dumps_params={"ensure_ascii": False})

        tag = hashlib.sha256(f"{latest.pk if latest else 0}:{store.tree_size()}:{root}:{fund}".encode()).hexdigest()
        return conditional(request, tag[:32], build, max_age=60)
