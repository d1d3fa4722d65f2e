"""Online payment gateways: one interface (`PaymentGateway`), the two real shapes in China
(WeChat Pay API v3 and Alipay open API), and a local simulator of both for tests and the demo.

`get_gateway(channel)` returns the configured gateway; in simulator mode (`BOAI_PAY_MODE=simulator`,
the default outside production) it talks to the simulator in-process with the simulator's own keys.
"""

from boai.donations.payments.base import (
    CreatedOrder,
    GatewayResponse,
    NotificationRejected,
    OrderRequest,
    OrderState,
    PaidNotice,
    PaymentGateway,
    StatementLine,
)
from boai.donations.payments.registry import channels, get_gateway, reset

__all__ = [
    "CreatedOrder", "GatewayResponse", "NotificationRejected", "OrderRequest", "OrderState", "PaidNotice",
    "PaymentGateway", "StatementLine", "channels", "get_gateway", "reset",
]
