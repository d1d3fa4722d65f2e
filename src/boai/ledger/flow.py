"""The flow rules: money and goods move only along parent links, and never more than there is.

One function, `apply`, checks one event against the current state of its parents and updates that
state. The append service runs it on locked database rows (`EntryState`) inside the business
transaction; the in-server audit runs it on in-memory `FlowState`s while replaying every leaf.

The rules:
- parents exist, come first, are of a type this event may draw from, and are not voided;
- a gift has no parents; every other event has at least one (acknowledgements and corrections
  exactly one: the leaf they acknowledge or correct);
- goods stay goods: drawing from a parent that holds goods needs the same item, and quantities are
  drawn like amounts;
- what children draw from a parent never exceeds its amount (allocated ≤ received, spent ≤
  allocated, nothing spent twice), for amounts and for quantities;
- a correction sets a leaf's amount (zero voids it), never below what its children already drew,
  and re-states the leaf's draws from its own parents within what those have.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boai.ledger import events

ZERO = Decimal(0)


@dataclass(frozen=True)
class Link:
    """One parent reference of an event: which parent, and how much it draws from it."""

    key: Hashable  # entry id (append) or leaf index (audit replay)
    amount: Decimal | None = None
    quantity: Decimal | None = None
    label: str = ""  # how to name the parent in messages, e.g. "leaf 12"


class State(Protocol):
    event_type: str
    item: str
    amount: Decimal | None
    quantity: Decimal | None
    drawn_amount: Decimal
    drawn_quantity: Decimal
    voided: bool
    draws: list[tuple[Any, Decimal, Decimal | None]]


@dataclass(slots=True)
class FlowState:
    event_type: str
    item: str = ""
    amount: Decimal | None = None
    quantity: Decimal | None = None
    drawn_amount: Decimal = ZERO
    drawn_quantity: Decimal = ZERO
    voided: bool = False
    draws: list[tuple[Any, Decimal, Decimal | None]] = field(default_factory=list)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _err(message: str, **params) -> ValidationError:
    return ValidationError(message % params if params else message)


def apply(event_type: str, fields: dict[str, Any], links: Sequence[Link], redraws: Sequence[Link],
          lookup: Callable[[Hashable], State | None], make: Callable[..., State] = FlowState) -> State:
    """Check one event against its parents' states, update them, and return the event's own state."""
    schema = events.SCHEMAS[event_type]
    parents = _parents(event_type, schema, links, lookup)
    if event_type == events.CORRECTION:
        _correct(fields, links[0], parents[0], redraws, lookup)
        return make(event_type=event_type)
    if not schema.flow:
        return make(event_type=event_type)
    amount, quantity = Decimal(fields["amount"]), _dec(fields.get("quantity"))
    item = fields.get("item", "")
    if not item and amount <= 0:
        raise _err(_("A money event needs an amount greater than zero."))
    if not links:
        return make(event_type=event_type, item=item, amount=amount, quantity=quantity)
    draws = _draws(links, parents, amount, quantity, item)
    for (link, parent), (_key, take, take_qty) in zip(zip(links, parents, strict=True), draws, strict=True):
        _take(parent, take, take_qty, link.label)
    for parent, (_key, take, take_qty) in zip(parents, draws, strict=True):
        parent.drawn_amount += take
        parent.drawn_quantity += take_qty or ZERO
    return make(event_type=event_type, item=item, amount=amount, quantity=quantity, draws=draws)


def _parents(event_type: str, schema: events.Schema, links: Sequence[Link], lookup) -> list[State]:
    kind = events.EVENT_TYPES[event_type]
    if not schema.parent_types:
        if links:
            raise _err(_("A %(type)s event has no parents."), type=kind)
        return []
    if not links:
        raise _err(_("A %(type)s event must name the leaf it draws from, acknowledges or corrects."), type=kind)
    if schema.single_parent and len(links) != 1:
        raise _err(_("A %(type)s event points at exactly one earlier leaf."), type=kind)
    if len({link.key for link in links}) != len(links):
        raise _err(_("The same parent is named twice."))
    parents = []
    for link in links:
        parent = lookup(link.key)
        if parent is None:
            raise _err(_("Parent %(parent)s does not exist (parents must come before the event)."),
                       parent=link.label)
        if parent.event_type not in schema.parent_types:
            raise _err(_("A %(type)s event cannot draw from %(parent)s, a %(ptype)s event."),
                       type=kind, parent=link.label, ptype=events.EVENT_TYPES.get(parent.event_type, parent.event_type))
        if parent.voided:
            raise _err(_("%(parent)s was voided by a correction."), parent=link.label)
        parents.append(parent)
    return parents


def _draws(links: Sequence[Link], parents: Sequence[State], amount: Decimal, quantity: Decimal | None,
           item: str) -> list[tuple[Any, Decimal, Decimal | None]]:
    """How much the event takes from each parent; the takes add up to the event's amount and quantity."""
    goods = [bool(p.item) for p in parents]
    if any(goods) and not all(goods):
        raise _err(_("An event draws either from money or from goods, not from both."))
    for link, parent in zip(links, parents, strict=True):
        if parent.item and parent.item != item:
            raise _err(_("%(parent)s holds %(pitem)s; an event drawing from it must be about the same item."),
                       parent=link.label, pitem=parent.item)
    if len(links) == 1 and links[0].amount is None:
        return [(links[0].key, amount, quantity if parents[0].item else None)]
    out = []
    for link, parent in zip(links, parents, strict=True):
        if link.amount is None or (parent.item and link.quantity is None):
            raise _err(_("With several parents, say how much is drawn from each (%(parent)s)."), parent=link.label)
        out.append((link.key, link.amount, link.quantity if parent.item else None))
    if sum((d[1] for d in out), ZERO) != amount:
        raise _err(_("The amounts drawn from the parents add up to %(sum)s, not to the event's %(amount)s."),
                   sum=events.amount_text(sum((d[1] for d in out), ZERO)), amount=events.amount_text(amount))
    if all(goods) and sum((d[2] for d in out), ZERO) != quantity:
        raise _err(_("The quantities drawn from the parents do not add up to the event's quantity."))
    return out


def _take(parent: State, take: Decimal, take_qty: Decimal | None, label: str) -> None:
    available = (parent.amount or ZERO) - parent.drawn_amount
    if take > available:
        raise _err(_("%(parent)s has %(available)s left; this event would draw %(take)s (nothing may be spent "
                     "twice or beyond what was received)."),
                   parent=label, available=events.amount_text(available), take=events.amount_text(take))
    if take_qty is not None and take_qty > (parent.quantity or ZERO) - parent.drawn_quantity:
        left = (parent.quantity or ZERO) - parent.drawn_quantity
        raise _err(_("%(parent)s has %(left)s %(item)s left; this event would draw %(take)s."),
                   parent=label, left=events.quantity_text(left), item=parent.item,
                   take=events.quantity_text(take_qty))


def _correct(fields: dict[str, Any], link: Link, target: State, redraws: Sequence[Link], lookup) -> None:
    """Set the target's amount (and its draws from its own parents); zero voids it."""
    if not events.SCHEMAS[target.event_type].flow:
        if "amount" in fields or "quantity" in fields or redraws:
            raise _err(_("Correcting %(target)s can only void it: it carries no amount."), target=link.label)
        target.voided = True
        return
    if "amount" not in fields:
        raise _err(_("A correction of %(target)s states its corrected amount (0.00 voids it)."), target=link.label)
    amount, quantity = Decimal(fields["amount"]), _dec(fields.get("quantity"))
    if bool(target.item) != (quantity is not None):
        raise _err(_("A correction states a quantity exactly when the corrected leaf holds goods."))
    if amount < target.drawn_amount or (quantity is not None and quantity < target.drawn_quantity):
        raise _err(_("%(target)s cannot be corrected below what later leaves already drew from it (%(drawn)s); "
                     "correct those first."), target=link.label, drawn=events.amount_text(target.drawn_amount))
    new_draws = _redraws(target, redraws, amount, quantity, link.label)
    old = {key: (take, qty or ZERO) for key, take, qty in target.draws}
    for key, take, qty in new_draws:  # check every parent first, then change any
        parent = lookup(key)
        label = next((r.label for r in redraws if r.key == key), str(key))
        released = FlowState(parent.event_type, parent.item, parent.amount, parent.quantity,
                             parent.drawn_amount - old[key][0], parent.drawn_quantity - old[key][1])
        _take(released, take, qty, label)
    for key, take, qty in new_draws:
        parent = lookup(key)
        parent.drawn_amount += take - old[key][0]
        parent.drawn_quantity += (qty or ZERO) - old[key][1]
    target.amount, target.quantity, target.draws = amount, quantity, new_draws
    target.voided = amount == 0 and not quantity


def _redraws(target: State, redraws: Sequence[Link], amount: Decimal, quantity: Decimal | None, label: str):
    if not target.draws:
        if redraws:
            raise _err(_("%(target)s has no parents to re-state draws from."), target=label)
        return []
    if len(target.draws) == 1 and not redraws:
        key, _take, qty = target.draws[0]
        return [(key, amount, quantity if qty is not None else None)]
    if sorted(r.key for r in redraws) != sorted(d[0] for d in target.draws):
        raise _err(_("A correction of %(target)s re-states its draw from each of its parents."), target=label)
    goods = {d[0]: d[2] is not None for d in target.draws}
    out = [(r.key, r.amount or ZERO, (r.quantity or ZERO) if goods[r.key] else None) for r in redraws]
    if sum((d[1] for d in out), ZERO) != amount or (
            quantity is not None and sum((d[2] or ZERO for d in out), ZERO) != quantity):
        raise _err(_("The re-stated draws do not add up to the corrected amount or quantity."))
    return out
