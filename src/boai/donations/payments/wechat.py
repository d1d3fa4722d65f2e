"""WeChat Pay API v3 (H5 payments): signed JSON requests, signed responses and notifications,
AES-256-GCM encrypted notification resources, amounts in fen.

Notification checks, as the v3 documentation asks: the platform key named by ``Wechatpay-Serial``
verifies ``SHA256-with-RSA`` over ``timestamp\\nnonce\\nbody\\n``; the timestamp is within five
minutes (replays of old captures are refused); the resource decrypts with the merchant's APIv3
key (AEAD_AES_256_GCM, associated data as sent). Success is answered with HTTP 204 and no body;
anything else makes WeChat retry (15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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
    header,
    json_bytes,
)

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
MAX_SKEW_SECONDS = 300
RETRY_SCHEDULE = (15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600)
TRADEBILL_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
                    "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
                    "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")


@dataclass(frozen=True)
class WeChatConfig:
    mchid: str
    appid: str
    apiv3_key: bytes  # 32 bytes
    merchant_key: object  # RSA private key (signs our requests)
    merchant_serial: str  # serial number of the merchant API certificate
    platform_keys: dict  # serial / public-key id → RSA public key (verifies WeChat's signatures)
    api_base: str = "https://api.mch.weixin.qq.com"


def sign_message(*parts: str) -> bytes:
    return "".join(f"{p}\n" for p in parts).encode()


def decrypt_resource(apiv3_key: bytes, resource: Mapping) -> bytes:
    try:
        nonce = resource["nonce"].encode()
        aad = (resource.get("associated_data") or "").encode()
        data = base64.b64decode(resource["ciphertext"], validate=True)
        return AESGCM(apiv3_key).decrypt(nonce, data, aad)
    except (KeyError, AttributeError, ValueError, TypeError, InvalidTag) as exc:
        raise NotificationRejected(f"resource does not decrypt with the APIv3 key ({type(exc).__name__})") from None


def encrypt_resource(apiv3_key: bytes, plaintext: bytes, *, aad: str = "transaction") -> dict:
    nonce = secrets.token_hex(6)  # 12 characters, as WeChat's nonces
    ciphertext = AESGCM(apiv3_key).encrypt(nonce.encode(), plaintext, aad.encode())
    return {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM", "associated_data": aad,
            "nonce": nonce, "ciphertext": base64.b64encode(ciphertext).decode()}


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


class WeChatPayGateway(PaymentGateway):
    channel = "wechat"

    def __init__(self, config: WeChatConfig, transport: Transport):
        self.config = config
        self.transport = transport
        self.merchant = config.mchid
        self.app_id = config.appid

    # --- requests we sign, responses WeChat signs -------------------------------------------------
    def authorization(self, method: str, path: str, body: str) -> str:
        nonce, timestamp = secrets.token_hex(16), str(int(time.time()))
        signature = keys.sign(self.config.merchant_key, sign_message(method, path, timestamp, nonce, body))
        return (f'{SIGNATURE_TYPE} mchid="{self.config.mchid}",nonce_str="{nonce}",signature="{signature}",'
                f'timestamp="{timestamp}",serial_no="{self.config.merchant_serial}"')

    def _call(self, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        body = json_bytes(payload).decode() if payload is not None else ""
        headers = {"Authorization": self.authorization(method, path, body), "Accept": "application/json",
                   "Content-Type": "application/json"}
        status, resp_headers, resp_body = self.transport.send(method, self.config.api_base + path, headers,
                                                              body.encode())
        self._check_signed(resp_headers, resp_body, GatewayError)
        return status, json.loads(resp_body or b"{}")

    def _check_signed(self, headers: Mapping[str, str], body: bytes, error: type[Exception]) -> None:
        serial = header(headers, "Wechatpay-Serial")
        public_key = self.config.platform_keys.get(serial)
        if public_key is None:
            raise error(f"unknown platform certificate serial {serial!r}")
        timestamp, nonce = header(headers, "Wechatpay-Timestamp"), header(headers, "Wechatpay-Nonce")
        message = sign_message(timestamp, nonce, body.decode("utf-8", "replace"))
        if not keys.verify(public_key, message, header(headers, "Wechatpay-Signature")):
            raise error("signature does not verify")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            raise error("timestamp outside the five-minute window")

    # --- the interface ---------------------------------------------------------------------------
    def create_order(self, request: OrderRequest) -> CreatedOrder:
        payload = {"appid": self.config.appid, "mchid": self.config.mchid, "description": request.description[:127],
                   "out_trade_no": request.out_trade_no, "notify_url": request.notify_url,
                   "amount": {"total": request.amount_fen, "currency": "CNY"},
                   "scene_info": {"payer_client_ip": request.client_ip, "h5_info": {"type": "Wap"}}}
        status, data = self._call("POST", "/v3/pay/transactions/h5", payload)
        if status != 200 or "h5_url" not in data:
            raise GatewayError(f"create order failed: {status} {data.get('code')} {data.get('message')}")
        url = data["h5_url"]
        if request.return_url:
            url += ("&" if "?" in url else "?") + "redirect_url=" + quote(request.return_url, safe="")
        return CreatedOrder(pay_url=url)

    def query_order(self, out_trade_no: str) -> OrderState:
        path = f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no)}?{urlencode({'mchid': self.config.mchid})}"
        status, data = self._call("GET", path)
        if status == 404:
            return OrderState(out_trade_no, "NOTFOUND")
        if status != 200:
            raise GatewayError(f"query failed: {status} {data.get('code')}")
        return self._state(data)

    def _state(self, data: dict) -> OrderState:
        amount = data.get("amount") or {}
        paid = data.get("success_time")
        return OrderState(out_trade_no=data.get("out_trade_no", ""), state=data.get("trade_state", ""),
                          transaction_id=data.get("transaction_id", ""), amount_fen=int(amount.get("total") or 0),
                          paid_at=parse_time(paid) if paid else None, merchant=data.get("mchid", ""),
                          app_id=data.get("appid", ""))

    def verify_notification(self, headers: Mapping[str, str], body: bytes) -> PaidNotice | None:
        self._check_signed(headers, body, NotificationRejected)
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
        except (ValueError, KeyError, TypeError):
            raise NotificationRejected("not a v3 notification body") from None
        if envelope.get("event_type") != "TRANSACTION.SUCCESS":
            return None
        try:
            data = json.loads(decrypt_resource(self.config.apiv3_key, resource))
            state = self._state(data)
        except (ValueError, TypeError, AttributeError):
            raise NotificationRejected("the decrypted resource is not a transaction") from None
        return PaidNotice(out_trade_no=state.out_trade_no, transaction_id=state.transaction_id,
                          amount_fen=state.amount_fen, merchant=state.merchant, app_id=state.app_id,
                          paid_at=state.paid_at or dt.datetime.now(dt.UTC), state=state.state,
                          currency=(data.get("amount") or {}).get("currency", ""), event_id=envelope.get("id", ""))

    def success_response(self) -> GatewayResponse:
        return GatewayResponse(status=204)

    def failure_response(self, reason: str) -> GatewayResponse:
        return GatewayResponse(status=400, content_type="application/json",
                               body=json_bytes({"code": "FAIL", "message": reason[:100]}))

    def fetch_statement(self, bill_date: dt.date) -> list[StatementLine]:
        status, data = self._call("GET", f"/v3/bill/tradebill?{urlencode({'bill_date': bill_date.isoformat()})}")
        if status != 200 or "download_url" not in data:
            raise GatewayError(f"trade bill failed: {status} {data.get('code')}")
        path = data["download_url"].removeprefix(self.config.api_base)
        headers = {"Authorization": self.authorization("GET", path, ""), "Accept": "*/*"}
        status, _headers, body = self.transport.send("GET", self.config.api_base + path, headers, b"")
        if status != 200:
            raise GatewayError(f"trade bill download failed: {status}")
        return parse_tradebill(body.decode("utf-8"))


def parse_tradebill(text: str) -> list[StatementLine]:
    """The tradebill's detail rows (every field starts with a backtick; the summary follows them)."""
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows or not rows[0].startswith("交易时间"):
        raise GatewayError("not a WeChat Pay trade bill")
    columns = rows[0].split(",")
    out = []
    for line in rows[1:]:
        if line.startswith("总交易单数"):
            break
        cells = dict(zip(columns, (c.removeprefix("`") for c in line.split(",")), strict=False))
        paid = dt.datetime.strptime(cells["交易时间"], "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=dt.timezone(dt.timedelta(hours=8)))
        fen = int(Decimal(cells["订单金额"]) * 100)
        out.append(StatementLine(out_trade_no=cells["商户订单号"], transaction_id=cells["微信订单号"],
                                 amount_fen=fen, paid_at=paid, state=cells["交易状态"]))
    return out
