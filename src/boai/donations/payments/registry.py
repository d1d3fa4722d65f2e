"""Which gateways are on, built from settings: the simulator (default outside production) or the
live platforms with the merchant's real keys (see docs/donations.md, "Plugging in the merchant keys")."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from boai.donations.payments import alipay, keys, simulator, wechat
from boai.donations.payments.base import HttpTransport, PaymentGateway


def mode() -> str:
    return getattr(settings, "BOAI_PAY_MODE", "simulator")


def channels() -> list[str]:
    return [c for c in getattr(settings, "BOAI_PAY_CHANNELS", ["wechat", "alipay"]) if c in ("wechat", "alipay")]


def _required(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when BOAI_PAY_MODE=live")
    return value


def _live_wechat() -> wechat.WeChatConfig:
    platform = {}
    for item in _required("BOAI_WECHAT_PLATFORM_KEYS").split(","):
        key_id, _sep, path = item.strip().partition(":")
        platform[key_id] = keys.load_public(keys.read(path))
    apiv3 = _required("BOAI_WECHAT_APIV3_KEY").encode()
    if len(apiv3) != 32:
        raise ImproperlyConfigured("BOAI_WECHAT_APIV3_KEY must be the 32-character APIv3 key")
    return wechat.WeChatConfig(mchid=_required("BOAI_WECHAT_MCHID"), appid=_required("BOAI_WECHAT_APPID"),
                               apiv3_key=apiv3, merchant_key=keys.load_private(keys.read(
                                   _required("BOAI_WECHAT_PRIVATE_KEY"))),
                               merchant_serial=_required("BOAI_WECHAT_SERIAL"), platform_keys=platform)


def _live_alipay() -> alipay.AlipayConfig:
    return alipay.AlipayConfig(app_id=_required("BOAI_ALIPAY_APP_ID"), seller_id=_required("BOAI_ALIPAY_SELLER_ID"),
                               app_key=keys.load_private(keys.read(_required("BOAI_ALIPAY_PRIVATE_KEY"))),
                               alipay_public_key=keys.load_public(keys.read(_required("BOAI_ALIPAY_PUBLIC_KEY"))),
                               gateway=getattr(settings, "BOAI_ALIPAY_GATEWAY", "")
                               or "https://openapi.alipay.com/gateway.do")


@lru_cache(maxsize=4)
def get_gateway(channel: str) -> PaymentGateway:
    if channel not in channels():
        raise KeyError(channel)
    if mode() == "live":
        transport = HttpTransport()
        if channel == "wechat":
            return wechat.WeChatPayGateway(_live_wechat(), transport)
        return alipay.AlipayGateway(_live_alipay(), transport)
    transport = simulator.SimulatorTransport()
    if channel == "wechat":
        return wechat.WeChatPayGateway(simulator.wechat_config(), transport)
    return alipay.AlipayGateway(simulator.alipay_config(), transport)


def reset() -> None:
    get_gateway.cache_clear()
    simulator.simulator_keys.cache_clear()
