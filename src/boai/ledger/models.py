"""Tables of the transparency log.

- `PendingEntry`: every appended event, numbered when appended (`pk`, the entry number business rows
  keep) and holding its canonical bytes. Append-only. Until it is integrated it also waits in
  `QueuedEntry`.
- `QueuedEntry`: the queue of entries waiting for the integrator (one narrow row each).
- `Leaf`: the log itself: leaf index → entry number and leaf hash. Append-only (database triggers).
  Its bytes are its entry's, except for entries whose parents had no index yet when they were
  appended: those bytes are built by the integrator and kept on the leaf.
- `Node`: hashes of aligned perfect subtrees of 16 leaves and more, so any proof reads O(log n) rows.
- `Checkpoint`: every signed checkpoint, in order. Append-only.
- `EntryState` and `Draw`: the flow accounting that lets an append be refused *before* it reaches
  the log (nothing spent twice, goods stay goods). Derived data, written with the entry in the
  business transaction; the audit (`boai ledger verify`) recomputes it from the leaves.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boai.ledger.events import EVENT_TYPES

NODE_MIN_LEVEL = 4  # subtrees below 16 leaves are recomputed from one range read of leaf hashes
NODE_LEVEL_SHIFT = 48


def node_key(level: int, pos: int) -> int:
    return (level << NODE_LEVEL_SHIFT) | pos


class LogQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> LogQuerySet:
        """The log is public and belongs to no branch: staff pages only need ``ledger.<action>``."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.has_perm(f"ledger.{action}"):
            return self.none()
        return self


class LeafQuerySet(LogQuerySet):
    def with_text(self) -> LeafQuerySet:
        """Annotate the leaf's canonical JSON (its bytes are the UTF-8 encoding); read it as `.text`."""
        return self.annotate(leaf_text=Coalesce("data", "entry__data"))


class PendingEntry(models.Model):
    """One appended event (the row stays once it is a leaf: it keeps the event's bytes).

    `data` is final when the event is appended, unless a parent had no leaf index yet; then
    `fields` and `links` let the integrator build it.
    """

    created_at = models.DateTimeField(default=timezone.now)
    event_type = models.CharField(max_length=24)
    data = models.TextField(null=True, blank=True)  # final canonical JSON, when every parent had a leaf index
    fields = models.JSONField(default=dict)  # normalised fields, to build `data` once parents have indices
    links = models.JSONField(default=dict)  # {"parents": [...], "redraws": [...]} with entry ids
    actor_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.event_type})"


class QueuedEntry(models.Model):
    """An entry waiting for the integrator; the integrator removes it as the entry becomes a leaf."""

    entry_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("queued log entry")
        verbose_name_plural = _("queued log entries")

    def __str__(self) -> str:
        return f"entry {self.entry_id}"


class Leaf(models.Model):
    index = models.BigIntegerField(_("leaf index"), primary_key=True, db_column="leaf_index")
    entry = models.OneToOneField(PendingEntry, on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                                 related_name="leaf", db_column="entry_id", verbose_name=_("entry number"))
    event_type = models.CharField(_("event type"), max_length=24, choices=list(EVENT_TYPES.items()))
    created_at = models.DateTimeField(_("integrated"), default=timezone.now)
    data = models.TextField(_("entry"), null=True, blank=True)  # only when built at integration (see above)
    hash = models.BinaryField(_("leaf hash"), max_length=64)

    objects = LeafQuerySet.as_manager()
    scope_permission = "ledger"

    class Meta:
        verbose_name = _("log leaf")
        verbose_name_plural = _("log leaves")
        ordering = ["-index"]
        # No index on event_type: every index slows integration, and a filtered staff list walks the
        # primary key backwards and stops at the first page anyway.

    def __str__(self) -> str:
        return f"#{self.index} {self.get_event_type_display()}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:staff-leaf", args=[self.index])

    @property
    def text(self) -> str:
        """The canonical JSON (annotated by `with_text()`, else read through the entry)."""
        annotated = self.__dict__.get("leaf_text")
        if annotated is not None:
            return annotated
        return self.data if self.data is not None else self.entry.data

    @property
    def event(self) -> dict:
        return json.loads(self.text)

    @property
    def entry_bytes(self) -> bytes:
        return self.text.encode()


class Node(models.Model):
    key = models.BigIntegerField(primary_key=True)  # node_key(level, pos)
    hash = models.BinaryField(max_length=64)

    class Meta:
        verbose_name = _("subtree hash")
        verbose_name_plural = _("subtree hashes")

    def __str__(self) -> str:
        return f"{self.key >> NODE_LEVEL_SHIFT}/{self.key & ((1 << NODE_LEVEL_SHIFT) - 1)}"


class Checkpoint(models.Model):
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    origin = models.CharField(_("origin"), max_length=200)
    hash_name = models.CharField(_("hash"), max_length=16)
    size = models.BigIntegerField(_("tree size"))
    root = models.BinaryField(_("root hash"), max_length=64)
    note = models.TextField(_("signed note"))
    signed_by = models.TextField(_("signed by"))  # verifier keys (name+id+key), comma separated

    objects = LogQuerySet.as_manager()
    scope_permission = "ledger"

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.origin} #{self.size}"

    @property
    def root_b64(self) -> str:
        import base64

        return base64.b64encode(bytes(self.root)).decode()


class EntryState(models.Model):
    """Running flow accounting of one entry: what it holds and what later entries drew from it."""

    entry_id = models.BigIntegerField(primary_key=True)
    event_type = models.CharField(max_length=24)
    item = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True)
    drawn_amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    drawn_quantity = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    voided = models.BooleanField(default=False)
    draws_json = models.JSONField(default=list)  # [[parent entry id, "amount", "quantity" or null], ...]
    stage = models.CharField(max_length=16, blank=True)  # flow picture: column of this entry
    label = models.CharField(max_length=100, blank=True)  # flow picture: node within the column
    source = models.CharField(max_length=16, blank=True)  # gifts: the donor kind

    class Meta:
        verbose_name = _("entry state")
        verbose_name_plural = _("entry states")

    def __str__(self) -> str:
        return f"entry {self.entry_id}"

    @property
    def draws(self) -> list[tuple[int, Decimal, Decimal | None]]:
        return [(k, Decimal(a), None if q is None else Decimal(q)) for k, a, q in self.draws_json]

    @draws.setter
    def draws(self, value) -> None:
        self.draws_json = [[k, str(a), None if q is None else str(q)] for k, a, q in value]


class Draw(models.Model):
    """One movement between two entries (append-only): `child` draws `amount` from `parent`.

    ``kind="draw"`` is an ordinary draw, ``"delta"`` the change a correction made to one,
    ``"link"`` ties an acknowledgement or a correction to the entry it refers to. `source_entry` is the entry whose
    append wrote the row: the row counts once that entry has a leaf.
    """

    KINDS = (("draw", "draw"), ("delta", "delta"), ("link", "link"))

    source_entry = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=8, choices=KINDS)
    parent = models.ForeignKey(EntryState, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                               db_column="parent_entry")
    child = models.ForeignKey(EntryState, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                              db_column="child_entry", db_index=False)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))
    quantity = models.DecimalField(max_digits=18, decimal_places=3, null=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id} {self.amount}"
