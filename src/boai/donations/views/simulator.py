"""The payment simulator's own pages: where a donor "pays" in tests and the demo.

Clearly marked as a simulator, available only in simulator mode (404 otherwise). The WeChat page
is what the simulated H5 URL opens; the Alipay entry is the simulated gateway the signed
``alipay.trade.wap.pay`` redirect lands on (its signature is checked like Alipay would).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from boai.donations.models import SimulatorOrder
from boai.donations.payments import alipay, simulator
from boai.donations.payments.registry import mode


class SimulatorOnly(View):
    def dispatch(self, request, *args, **kwargs):
        if mode() != "simulator":
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AlipayGatewayEntry(SimulatorOnly):
    def get(self, request):
        order = simulator.alipay_accept_wap(request.GET.dict())
        if order is None:
            return HttpResponseBadRequest("invalid signature (simulated Alipay gateway)")
        return redirect("donations:paysim", channel="alipay", txn=order.transaction_id)


class PayPage(SimulatorOnly):
    def get(self, request, channel: str, txn: str):
        order = get_object_or_404(SimulatorOrder, channel=channel, transaction_id=txn)
        return render(request, "donations/public/paysim.html", {"order": order, "yuan": alipay.fen_to_yuan(
            order.amount_fen), "redirect_url": request.GET.get("redirect_url", "")})

    def post(self, request, channel: str, txn: str):
        order = get_object_or_404(SimulatorOrder, channel=channel, transaction_id=txn)
        if request.POST.get("action") == "cancel":
            simulator.order_close(order)
        else:
            simulator.order_pay(order)
        back = request.POST.get("redirect_url") or request.GET.get("redirect_url") or order.return_url
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        if channel == "alipay" and back:
            back += ("&" if "?" in back else "?") + urlencode({"out_trade_no": order.out_trade_no,
                                                                "trade_no": order.transaction_id})
        return redirect(back or "donations:give-home")
