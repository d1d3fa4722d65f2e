"""A local simulator of WeChat Pay v3 and Alipay, for tests and the demo (never for real money).

It plays the payment platform: it has its own keys (generated once under ``BOAI_PAY_SIM_DIR``),
verifies the merchant's signed requests, keeps its own orders (`SimulatorOrder`), serves a pay page
that is clearly marked as a simulator, and sends correctly signed (and, for WeChat, encrypted)
notifications — again on the real retry schedules while the merchant does not answer success, as
duplicates or out of order when asked. It also answers order queries and produces the day's
statement in each platform's format, for reconciliation.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from boai.donations.payments import alipay, keys, wechat
from boai.donations.payments.base import Transport, json_bytes

WECHAT_MCHID = "1900009191"
WECHAT_APPID = "wxd678efh567hg6787"
WECHAT_MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
WECHAT_PLATFORM_SERIAL = "PUB_KEY_ID_0119000091912025SIMULATOR0001"
ALIPAY_APP_ID = "2021000000000001"
ALIPAY_SELLER_ID = "2088000000000001"
WECHAT_API = "https://api.mch.weixin.qq.com"
ALIPAY_GATEWAY_PATH = "/pay-simulator/alipay/gateway.do"
SCHEDULES = {"wechat": wechat.RETRY_SCHEDULE, "alipay": alipay.RETRY_SCHEDULE}


@dataclass(frozen=True)
class SimulatorKeys:
    """Both sides' keys: the merchant's (which the app signs with) and the platforms' (which sign notifications)."""

    wechat_merchant: object
    wechat_platform: object
    apiv3_key: bytes
    alipay_app: object
    alipay_platform: object


def key_dir() -> Path:
    return Path(getattr(settings, "BOAI_PAY_SIM_DIR", "") or settings.VAR_DIR / "paysim")


@lru_cache(maxsize=1)
def simulator_keys() -> SimulatorKeys:
    base = key_dir()
    apiv3 = keys.write_once(base / "wechat_apiv3.key", secrets.token_hex(16).encode())  # 32 characters, as real
    return SimulatorKeys(
        wechat_merchant=keys.load_or_create(base / "wechat_merchant.pem"),
        wechat_platform=keys.load_or_create(base / "wechat_platform.pem"),
        apiv3_key=apiv3.strip(),
        alipay_app=keys.load_or_create(base / "alipay_app.pem"),
        alipay_platform=keys.load_or_create(base / "alipay_platform.pem"),
    )


def wechat_config() -> wechat.WeChatConfig:
    k = simulator_keys()
    return wechat.WeChatConfig(mchid=WECHAT_MCHID, appid=WECHAT_APPID, apiv3_key=k.apiv3_key,
                               merchant_key=k.wechat_merchant, merchant_serial=WECHAT_MERCHANT_SERIAL,
                               platform_keys={WECHAT_PLATFORM_SERIAL: k.wechat_platform.public_key()},
                               api_base=WECHAT_API)


def alipay_config() -> alipay.AlipayConfig:
    k = simulator_keys()
    return alipay.AlipayConfig(app_id=ALIPAY_APP_ID, seller_id=ALIPAY_SELLER_ID, app_key=k.alipay_app,
                               alipay_public_key=k.alipay_platform.public_key(), gateway=ALIPAY_GATEWAY_PATH)


def new_transaction_id(channel: str) -> str:
    now = timezone.localtime()
    if channel == "wechat":
        return f"4200{now:%Y%m%d}{secrets.randbelow(10**16):016d}"
    return f"{now:%Y%m%d}2200{secrets.randbelow(10**16):016d}"


# --- signed messages from the platform ----------------------------------------------------------

def wechat_signed_headers(body: bytes, *, key=None, serial: str = WECHAT_PLATFORM_SERIAL,
                          timestamp: int | None = None) -> dict[str, str]:
    ts, nonce = str(timestamp if timestamp is not None else int(time.time())), secrets.token_hex(16)
    signature = keys.sign(key or simulator_keys().wechat_platform, wechat.sign_message(ts, nonce, body.decode()))
    return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": signature,
            "Wechatpay-Serial": serial, "Wechatpay-Signature-Type": wechat.SIGNATURE_TYPE,
            "Content-Type": "application/json"}


def wechat_transaction(order, *, amount_fen: int | None = None, mchid: str | None = None) -> dict:
    return {"mchid": mchid or order.merchant, "appid": order.app_id, "out_trade_no": order.out_trade_no,
            "transaction_id": order.transaction_id, "trade_type": "MWEB",
            "trade_state": order.status if order.status != "SUCCESS" or order.paid_at else "NOTPAY",
            "trade_state_desc": "支付成功" if order.status == "SUCCESS" else "未支付", "bank_type": "OTHERS",
            "attach": "", "success_time": wechat.format_time(order.paid_at) if order.paid_at else None,
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {"total": order.amount_fen if amount_fen is None else amount_fen,
                       "payer_total": order.amount_fen, "currency": "CNY", "payer_currency": "CNY"}}


def wechat_notification(order, *, tamper: str = "") -> tuple[dict[str, str], bytes]:
    """A TRANSACTION.SUCCESS notification as WeChat sends it; `tamper` forges one for tests:
    "signature" (signed with a stranger's key), "amount" or "merchant" (genuinely signed, wrong data),
    "stale" (a replay with a timestamp an hour old), "ciphertext" (not encrypted with our APIv3 key)."""
    k = simulator_keys()
    data = wechat_transaction(order, amount_fen=order.amount_fen + 1 if tamper == "amount" else None,
                              mchid="1900000000" if tamper == "merchant" else None)
    key = secrets.token_hex(16).encode() if tamper == "ciphertext" else k.apiv3_key
    envelope = {"id": f"EV-{secrets.token_hex(10)}", "create_time": wechat.format_time(timezone.now()),
                "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS", "summary": "支付成功",
                "resource": wechat.encrypt_resource(key, json_bytes(data))}
    body = json_bytes(envelope)
    signer = _stranger_key() if tamper == "signature" else None
    stamp = int(time.time()) - 3600 if tamper == "stale" else None
    return wechat_signed_headers(body, key=signer, timestamp=stamp), body


def alipay_notification_params(order, *, tamper: str = "") -> dict[str, str]:
    paid = order.paid_at or timezone.now()
    amount = alipay.fen_to_yuan(order.amount_fen + (1 if tamper == "amount" else 0))
    params = {"gmt_create": alipay.format_time(order.created_at), "charset": "utf-8",
              "gmt_payment": alipay.format_time(paid), "notify_time": alipay.format_time(timezone.now()),
              "subject": order.description, "buyer_id": "2088102177846880", "invoice_amount": amount,
              "version": "1.0", "notify_id": secrets.token_hex(16), "notify_type": "trade_status_sync",
              "out_trade_no": order.out_trade_no, "total_amount": amount, "trade_status": "TRADE_SUCCESS",
              "trade_no": order.transaction_id, "auth_app_id": order.app_id, "receipt_amount": amount,
              "point_amount": "0.00", "app_id": order.app_id, "buyer_pay_amount": amount, "sign_type": "RSA2",
              "seller_id": "2088000000000009" if tamper == "merchant" else order.merchant}
    key = _stranger_key() if tamper == "signature" else simulator_keys().alipay_platform
    params["sign"] = keys.sign(key, alipay.signing_string(params))
    return params


def alipay_notification(order, *, tamper: str = "") -> tuple[dict[str, str], bytes]:
    body = urlencode(alipay_notification_params(order, tamper=tamper)).encode()
    return {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, body


def notification(order, *, tamper: str = "") -> tuple[dict[str, str], bytes]:
    builder = wechat_notification if order.channel == "wechat" else alipay_notification
    return builder(order, tamper=tamper)


@lru_cache(maxsize=1)
def _stranger_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


# --- the platform's orders ----------------------------------------------------------------------

def order_accept(*, channel: str, merchant: str, app_id: str, out_trade_no: str, amount_fen: int,
                 description: str, notify_url: str, return_url: str = ""):
    """Record an order placed by the merchant (idempotent on the merchant's order number)."""
    from boai.donations.models import SimulatorOrder

    order, _created = SimulatorOrder.objects.get_or_create(
        channel=channel, merchant=merchant, out_trade_no=out_trade_no,
        defaults={"app_id": app_id, "transaction_id": new_transaction_id(channel), "amount_fen": amount_fen,
                  "description": description, "notify_url": notify_url, "return_url": return_url,
                  "created_at": timezone.now()})
    return order


@transaction.atomic
def order_pay(order) -> None:
    """The donor pays: the order succeeds and its first notification is due now."""
    from boai.donations.models import SimulatorDelivery, SimulatorOrder

    order = SimulatorOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != "NOTPAY":
        return
    order.status, order.paid_at = "SUCCESS", timezone.now()
    order.save(update_fields=["status", "paid_at"])
    SimulatorDelivery.objects.create(order=order, due_at=order.paid_at)
    from boai.donations.tasks import paysim_deliver

    transaction.on_commit(lambda: paysim_deliver.delay())


def order_close(order) -> None:
    type(order).objects.filter(pk=order.pk, status="NOTPAY").update(status="CLOSED")


# --- delivering notifications -------------------------------------------------------------------

Sender = Callable[[str, str, dict, bytes], tuple[int, bytes]]


def inprocess_sender(channel: str, url: str, headers: dict, body: bytes) -> tuple[int, bytes]:
    """Hand the notification to the app's handler directly (demo and tests: no HTTP round trip)."""
    from boai.donations.services.payments import notification_receive

    response = notification_receive(channel=channel, headers=headers, body=body)
    return response.status, response.body


def http_sender(channel: str, url: str, headers: dict, body: bytes) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:
        return 0, str(exc).encode()


def accepted(channel: str, status: int, body: bytes) -> bool:
    if channel == "wechat":
        return status in (200, 204)
    return status == 200 and body.strip() == b"success"


def deliver_due(*, sender: Sender | None = None, now=None, limit: int = 200) -> int:
    """Send every due notification once; reschedule the ones not acknowledged, on the real schedule."""
    from boai.donations.models import SimulatorDelivery

    sender = sender or default_sender()
    now = now or timezone.now()
    due = list(SimulatorDelivery.objects.filter(done=False, due_at__lte=now).select_related("order")
               .order_by("due_at")[:limit])
    for delivery in due:
        deliver_one(delivery, sender=sender, now=now)
    return len(due)


def deliver_one(delivery, *, sender: Sender, now) -> bool:
    order = delivery.order
    headers, body = notification(order)
    status, answer = sender(order.channel, order.notify_url, headers, body)
    delivery.last_status, delivery.last_body = status, answer[:200].decode("utf-8", "replace")
    schedule = SCHEDULES[order.channel]
    if accepted(order.channel, status, answer):
        delivery.done = True
    elif delivery.attempt < len(schedule):
        delivery.due_at = now + dt.timedelta(seconds=schedule[delivery.attempt])
        delivery.attempt += 1
    else:
        delivery.done = True  # the platform gives up after its last retry
    delivery.save(update_fields=["last_status", "last_body", "done", "due_at", "attempt"])
    return delivery.done and accepted(order.channel, status, answer)


def default_sender() -> Sender:
    return http_sender if getattr(settings, "BOAI_PAY_SIM_DELIVERY", "inprocess") == "http" else inprocess_sender


# --- statements ---------------------------------------------------------------------------------

def paid_orders(channel: str, day: dt.date) -> Iterable:
    from boai.donations.models import SimulatorOrder

    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), dt.timezone(dt.timedelta(hours=8)))
    return SimulatorOrder.objects.filter(channel=channel, status="SUCCESS", paid_at__gte=start,
                                         paid_at__lt=start + dt.timedelta(days=1)).order_by("paid_at")


def wechat_tradebill(day: dt.date) -> str:
    lines = [wechat.TRADEBILL_HEADER]
    total = 0
    orders = list(paid_orders("wechat", day))
    for o in orders:
        paid = o.paid_at.astimezone(alipay.CHINA).strftime("%Y-%m-%d %H:%M:%S")
        yuan = alipay.fen_to_yuan(o.amount_fen)
        cells = [paid, o.app_id, o.merchant, "0", "", o.transaction_id, o.out_trade_no, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                 "MWEB", "SUCCESS", "OTHERS", "CNY", yuan, "0.00", "0", "0", "0.00", "0.00", "", "", o.description,
                 "", "0.00000", "0.00%", yuan, "0.00", ""]
        lines.append(",".join("`" + c for c in cells))
        total += o.amount_fen
    lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
    lines.append(",".join("`" + c for c in [str(len(orders)), alipay.fen_to_yuan(total), "0.00", "0.00", "0.00000",
                                            alipay.fen_to_yuan(total), "0.00"]))
    return "\r\n".join(lines) + "\r\n"


def alipay_bill_zip(day: dt.date) -> bytes:
    out = io.StringIO()
    out.write("#支付宝业务明细查询\n#账号：[20880000000000010156]\n")
    end = day + dt.timedelta(days=1)
    out.write(f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{end:%Y年%m月%d日} 00:00:00]\n")
    out.write("#-----------------------------------------业务明细列表----------------------------------------\n")
    out.write(",".join(alipay.BILL_COLUMNS) + "\n")
    for o in paid_orders("alipay", day):
        yuan = alipay.fen_to_yuan(o.amount_fen)
        cells = [o.transaction_id, o.out_trade_no, "交易", o.description, alipay.format_time(o.created_at),
                 alipay.format_time(o.paid_at), "", "", "", "", "", yuan, yuan, "0.00", "0.00", "0.00", "0.00",
                 "0.00", "", "0.00", "0.00", "", "0.00", "0.00", ""]
        out.write(",".join(cells) + "\n")
    out.write("#-----------------------------------------业务明细列表结束------------------------------------\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(f"20880000000000010156_{day:%Y%m%d}_业务明细.csv", out.getvalue().encode("gb18030"))
    return buf.getvalue()


# --- the platform's API, reached through SimulatorTransport -------------------------------------

class SimulatorTransport(Transport):
    """Routes the gateways' API calls to the simulator in-process, after checking the merchant's signature."""

    def send(self, method, url, headers, body):
        parts = urlsplit(url)
        if url.startswith(WECHAT_API):
            return _wechat_api(method, parts, headers, body)
        if parts.path.endswith(".zip") and "/alipay-bill/" in parts.path:
            return 200, {}, alipay_bill_zip(dt.date.fromisoformat(Path(parts.path).stem))
        return _alipay_api(body)


def _wechat_response(status: int, payload: dict) -> tuple[int, dict, bytes]:
    body = json_bytes(payload)
    return status, wechat_signed_headers(body), body


def _wechat_api(method: str, parts, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not _merchant_signed(method, path, headers, body):
        return _wechat_response(401, {"code": "SIGN_ERROR", "message": "签名错误"})
    query = dict(parse_qsl(parts.query))
    if method == "POST" and parts.path == "/v3/pay/transactions/h5":
        data = json.loads(body)
        order = order_accept(channel="wechat", merchant=data["mchid"], app_id=data["appid"],
                             out_trade_no=data["out_trade_no"], amount_fen=int(data["amount"]["total"]),
                             description=data["description"], notify_url=data["notify_url"])
        return _wechat_response(200, {"h5_url": f"/pay-simulator/wechat/{order.transaction_id}/?prepay_id=wx"})
    if method == "GET" and parts.path.startswith("/v3/pay/transactions/out-trade-no/"):
        from boai.donations.models import SimulatorOrder

        order = SimulatorOrder.objects.filter(channel="wechat", merchant=query.get("mchid", ""),
                                              out_trade_no=parts.path.rsplit("/", 1)[-1]).first()
        if order is None:
            return _wechat_response(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        return _wechat_response(200, wechat_transaction(order))
    if method == "GET" and parts.path == "/v3/bill/tradebill":
        url = f"{WECHAT_API}/v3/billdownload/file?token={query['bill_date']}"
        return _wechat_response(200, {"hash_type": "SHA1", "hash_value": "", "download_url": url})
    if method == "GET" and parts.path == "/v3/billdownload/file":
        return 200, {}, wechat_tradebill(dt.date.fromisoformat(query["token"])).encode()
    return _wechat_response(404, {"code": "NOT_FOUND", "message": "no such API"})


def _merchant_signed(method: str, path: str, headers: dict, body: bytes) -> bool:
    auth = headers.get("Authorization", "")
    if not auth.startswith(wechat.SIGNATURE_TYPE + " "):
        return False
    fields = dict(item.split("=", 1) for item in auth.split(" ", 1)[1].split(","))
    fields = {k: v.strip('"') for k, v in fields.items()}
    message = wechat.sign_message(method, path, fields.get("timestamp", ""), fields.get("nonce_str", ""),
                                  body.decode())
    return keys.verify(simulator_keys().wechat_merchant.public_key(), message, fields.get("signature", ""))


def alipay_check_request(params: dict) -> bool:
    return keys.verify(simulator_keys().alipay_app.public_key(), alipay.request_signing_string(params),
                       params.get("sign", ""))


def alipay_accept_wap(params: dict):
    """What Alipay's gateway does when the donor's browser arrives with a signed wap.pay request."""
    if params.get("method") != "alipay.trade.wap.pay" or not alipay_check_request(params):
        return None
    biz = json.loads(params.get("biz_content") or "{}")
    return order_accept(channel="alipay", merchant=ALIPAY_SELLER_ID, app_id=params["app_id"],
                        out_trade_no=biz["out_trade_no"], amount_fen=alipay.yuan_to_fen(biz["total_amount"]),
                        description=biz.get("subject", ""), notify_url=params.get("notify_url", ""),
                        return_url=params.get("return_url", ""))


def _alipay_answer(name: str, node: dict) -> tuple[int, dict, bytes]:
    text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
    sign = keys.sign(simulator_keys().alipay_platform, text.encode())
    body = f'{{"{name}":{text},"sign":"{sign}"}}'.encode()
    return 200, {"Content-Type": "application/json;charset=utf-8"}, body


def _alipay_api(body: bytes) -> tuple[int, dict, bytes]:
    from boai.donations.models import SimulatorOrder

    params = dict(parse_qsl(body.decode()))
    method = params.get("method", "")
    name = method.replace(".", "_") + "_response"
    if not alipay_check_request(params):
        return _alipay_answer(name, {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"})
    biz = json.loads(params.get("biz_content") or "{}")
    if method == "alipay.trade.query":
        order = SimulatorOrder.objects.filter(channel="alipay", app_id=params.get("app_id"),
                                              out_trade_no=biz.get("out_trade_no")).first()
        if order is None:
            return _alipay_answer(name, {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST",
                                         "sub_msg": "交易不存在"})
        status = {"SUCCESS": "TRADE_SUCCESS", "CLOSED": "TRADE_CLOSED"}.get(order.status, "WAIT_BUYER_PAY")
        node = {"code": "10000", "msg": "Success", "trade_no": order.transaction_id,
                "out_trade_no": order.out_trade_no, "trade_status": status,
                "total_amount": alipay.fen_to_yuan(order.amount_fen)}
        if order.paid_at:
            node["send_pay_date"] = alipay.format_time(order.paid_at)
        return _alipay_answer(name, node)
    if method == "alipay.data.dataservice.bill.downloadurl.query":
        url = f"https://dwbillcenter.alipay.com/alipay-bill/{biz.get('bill_date')}.zip"
        return _alipay_answer(name, {"code": "10000", "msg": "Success", "bill_download_url": url})
    return _alipay_answer(name, {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"})
