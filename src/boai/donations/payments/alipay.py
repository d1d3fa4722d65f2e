"""Alipay open API (mobile-web payment, ``alipay.trade.wap.pay``): RSA2 signatures over the sorted
parameters, form-encoded asynchronous notifications, amounts as yuan strings.

A notification is verified by removing ``sign`` and ``sign_type``, sorting the other parameters by
name, joining ``name=value`` with ``&`` (values decoded, empty ones left out) and checking the
``SHA256-with-RSA`` signature with Alipay's public key. The answer ``success`` stops the retries
(4m, 10m, 10m, 1h, 2h, 6h, 15h); anything else makes Alipay send it again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode

from boai.donations.payments import keys
from boai.donations.payments.base import (
    CreatedOrder,
    GatewayError,
    GatewayResponse,
    NotificationRejected,
    OrderRequest,
    OrderState,
    PaidNotice,
    PaymentGateway,
    StatementLine,
    Transport,
)

RETRY_SCHEDULE = (240, 600, 600, 3600, 7200, 21600, 54000)
PAID_STATES = ("TRADE_SUCCESS", "TRADE_FINISHED")
CHINA = dt.timezone(dt.timedelta(hours=8))
BILL_COLUMNS = ("支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称",
                "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）",
                "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）",
                "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注")


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    seller_id: str  # the merchant's PID (2088...)
    app_key: object  # our RSA private key
    alipay_public_key: object  # Alipay's RSA public key
    gateway: str = "https://openapi.alipay.com/gateway.do"


def signing_string(params: Mapping[str, str]) -> bytes:
    items = sorted((k, v) for k, v in params.items() if k not in ("sign", "sign_type") and v not in (None, ""))
    return "&".join(f"{k}={v}" for k, v in items).encode()


def request_signing_string(params: Mapping[str, str]) -> bytes:
    """Requests sign every parameter but `sign` (sign_type included), notifications leave both out."""
    items = sorted((k, v) for k, v in params.items() if k != "sign" and v not in (None, ""))
    return "&".join(f"{k}={v}" for k, v in items).encode()


def yuan_to_fen(text: str) -> int:
    try:
        amount = Decimal(text)
    except (InvalidOperation, TypeError):
        raise NotificationRejected(f"amount {text!r} is not a decimal") from None
    if amount != amount.quantize(Decimal("0.01")) or amount < 0:
        raise NotificationRejected(f"amount {text!r} is not in yuan and fen")
    return int(amount * 100)


def fen_to_yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def response_node(body: str, name: str) -> str:
    """The raw JSON text of ``name``'s value, exactly as signed (Alipay signs the bytes it sent)."""
    start = body.find(f'"{name}"')
    if start < 0:
        raise GatewayError(f"no {name} in the response")
    start = body.index("{", start)
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(body)):
        c = body[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            continue
        if c == '"':
            in_string = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return body[start:i + 1]
    raise GatewayError(f"unterminated {name} in the response")


class AlipayGateway(PaymentGateway):
    channel = "alipay"

    def __init__(self, config: AlipayConfig, transport: Transport):
        self.config = config
        self.transport = transport
        self.merchant = config.seller_id
        self.app_id = config.app_id

    def signed_params(self, method: str, biz: dict, **extra: str) -> dict[str, str]:
        params = {"app_id": self.config.app_id, "method": method, "format": "JSON", "charset": "utf-8",
                  "sign_type": "RSA2", "timestamp": format_time(dt.datetime.now(dt.UTC)), "version": "1.0",
                  "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")), **extra}
        params["sign"] = keys.sign(self.config.app_key, request_signing_string(params))
        return params

    def _call(self, method: str, biz: dict) -> dict:
        body = urlencode(self.signed_params(method, biz)).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"}
        status, _headers, raw = self.transport.send("POST", self.config.gateway, headers, body)
        text = raw.decode("utf-8")
        name = method.replace(".", "_") + "_response"
        node = response_node(text, name)
        sign = json.loads(text).get("sign", "")
        if not keys.verify(self.config.alipay_public_key, node.encode(), sign):
            raise GatewayError("response signature does not verify")
        return json.loads(node)

    def create_order(self, request: OrderRequest) -> CreatedOrder:
        biz = {"out_trade_no": request.out_trade_no, "total_amount": fen_to_yuan(request.amount_fen),
               "subject": request.description[:256], "product_code": "QUICK_WAP_WAY"}
        extra = {"notify_url": request.notify_url}
        if request.return_url:
            extra["return_url"] = request.return_url
            biz["quit_url"] = request.return_url
        params = self.signed_params("alipay.trade.wap.pay", biz, **extra)
        return CreatedOrder(pay_url=f"{self.config.gateway}?{urlencode(params)}")

    def query_order(self, out_trade_no: str) -> OrderState:
        data = self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        if data.get("code") != "10000":
            if data.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
                return OrderState(out_trade_no, "NOTFOUND")
            raise GatewayError(f"query failed: {data.get('code')} {data.get('sub_code')}")
        state = {"WAIT_BUYER_PAY": "NOTPAY", "TRADE_CLOSED": "CLOSED"}.get(data.get("trade_status"), "SUCCESS")
        paid = data.get("send_pay_date")
        return OrderState(out_trade_no=data.get("out_trade_no", out_trade_no), state=state,
                          transaction_id=data.get("trade_no", ""),
                          amount_fen=yuan_to_fen(data.get("total_amount", "0")),
                          paid_at=parse_time(paid) if paid else None, merchant=self.config.seller_id,
                          app_id=self.config.app_id)

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> PaidNotice | None:
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise NotificationRejected("not a form-encoded notification") from None
        if params.get("sign_type") != "RSA2":
            raise NotificationRejected(f"unsupported sign_type {params.get('sign_type')!r}")
        if not keys.verify(self.config.alipay_public_key, signing_string(params), params.get("sign", "")):
            raise NotificationRejected("signature does not verify")
        if params.get("notify_type") != "trade_status_sync" or params.get("trade_status") not in PAID_STATES:
            return None
        try:
            paid_at = parse_time(params.get("gmt_payment") or params["notify_time"])
        except (KeyError, ValueError):
            raise NotificationRejected("no payment time") from None
        return PaidNotice(out_trade_no=params.get("out_trade_no", ""), transaction_id=params.get("trade_no", ""),
                          amount_fen=yuan_to_fen(params.get("total_amount", "")), merchant=params.get("seller_id", ""),
                          app_id=params.get("app_id", ""), paid_at=paid_at, state="SUCCESS",
                          event_id=params.get("notify_id", ""))

    def success_response(self) -> GatewayResponse:
        return GatewayResponse(status=200, body=b"success")

    def failure_response(self, reason: str) -> GatewayResponse:
        return GatewayResponse(status=200, body=b"failure")

    def fetch_statement(self, bill_date: dt.date) -> list[StatementLine]:
        data = self._call("alipay.data.dataservice.bill.downloadurl.query",
                          {"bill_type": "trade", "bill_date": bill_date.isoformat()})
        if data.get("code") != "10000":
            raise GatewayError(f"bill query failed: {data.get('code')} {data.get('sub_code')}")
        status, _headers, raw = self.transport.send("GET", data["bill_download_url"], {}, b"")
        if status != 200:
            raise GatewayError(f"bill download failed: {status}")
        return parse_bill_zip(raw)


def parse_bill_zip(raw: bytes) -> list[StatementLine]:
    """The trade detail CSV (GBK) inside Alipay's bill zip: comment lines start with #."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        name = next((n for n in archive.namelist() if "业务明细" in n and "汇总" not in n), None)
        if name is None:
            raise GatewayError("no trade detail file in the bill")
        text = archive.read(name).decode("gb18030")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    if not rows or rows[0][0].strip() != BILL_COLUMNS[0]:
        raise GatewayError("not an Alipay trade detail file")
    columns = [c.strip() for c in rows[0]]
    out = []
    for row in rows[1:]:
        cells = dict(zip(columns, (c.strip() for c in row), strict=False))
        if not cells.get("商户订单号"):
            continue
        out.append(StatementLine(out_trade_no=cells["商户订单号"], transaction_id=cells["支付宝交易号"],
                                 amount_fen=yuan_to_fen(cells["订单金额（元）"]),
                                 paid_at=parse_time(cells["完成时间"]) if cells.get("完成时间") else None))
    return out
