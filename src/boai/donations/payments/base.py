"""The payment-gateway interface every channel implements.

Amounts cross this boundary as integer fen (`amount_fen`); the donations services convert to and
from `Decimal` yuan (`boai.donations.money`). A gateway knows how to create an order, query it,
verify and decode an asynchronous payment notification, answer the gateway (success or the
failure that makes it retry), and fetch the day's statement for reconciliation.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field


class NotificationRejected(Exception):
    """A notification that must change nothing: bad signature, undecryptable, wrong merchant..."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class GatewayError(Exception):
    """The gateway answered an API call with an error (or a response whose signature failed)."""


@dataclass(frozen=True)
class OrderRequest:
    out_trade_no: str
    amount_fen: int
    description: str
    notify_url: str
    return_url: str = ""
    client_ip: str = "127.0.0.1"


@dataclass(frozen=True)
class CreatedOrder:
    pay_url: str  # where the donor's browser goes to pay (H5 / WAP page)


@dataclass(frozen=True)
class PaidNotice:
    """A verified, decoded payment notification (or an order-query answer that says "paid")."""

    out_trade_no: str
    transaction_id: str
    amount_fen: int
    merchant: str
    app_id: str
    paid_at: dt.datetime
    state: str = "SUCCESS"
    currency: str = "CNY"
    event_id: str = ""


@dataclass(frozen=True)
class OrderState:
    out_trade_no: str
    state: str  # SUCCESS, NOTPAY, CLOSED, NOTFOUND
    transaction_id: str = ""
    amount_fen: int = 0
    paid_at: dt.datetime | None = None
    merchant: str = ""
    app_id: str = ""

    def as_notice(self) -> PaidNotice:
        return PaidNotice(out_trade_no=self.out_trade_no, transaction_id=self.transaction_id,
                          amount_fen=self.amount_fen, merchant=self.merchant, app_id=self.app_id,
                          paid_at=self.paid_at or dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class StatementLine:
    out_trade_no: str
    transaction_id: str
    amount_fen: int
    paid_at: dt.datetime | None
    state: str = "SUCCESS"


@dataclass(frozen=True)
class GatewayResponse:
    """What our notification endpoint answers the gateway."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain"
    headers: dict = field(default_factory=dict)


class Transport(ABC):
    """How a gateway reaches its platform: HTTPS in production, the simulator in-process otherwise."""

    @abstractmethod
    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict, bytes]:
        raise NotImplementedError


class HttpTransport(Transport):
    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout

    def send(self, method, url, headers, body):
        if not url.startswith("https://"):
            raise GatewayError(f"refusing a non-HTTPS gateway URL: {url}")
        request = urllib.request.Request(url, data=body or None, headers=dict(headers), method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers or {}), exc.read()


class PaymentGateway(ABC):
    channel: str = ""
    merchant: str = ""
    app_id: str = ""

    @abstractmethod
    def create_order(self, request: OrderRequest) -> CreatedOrder:
        raise NotImplementedError

    @abstractmethod
    def query_order(self, out_trade_no: str) -> OrderState:
        raise NotImplementedError

    @abstractmethod
    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> PaidNotice | None:
        """The decoded payment, None for a genuine notification of another event; raises NotificationRejected."""
        raise NotImplementedError

    @abstractmethod
    def success_response(self) -> GatewayResponse:
        raise NotImplementedError

    @abstractmethod
    def failure_response(self, reason: str) -> GatewayResponse:
        raise NotImplementedError

    @abstractmethod
    def fetch_statement(self, bill_date: dt.date) -> list[StatementLine]:
        raise NotImplementedError


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup (Django's META, plain dicts and http.client headers alike)."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return ""
