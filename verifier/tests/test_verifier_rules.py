"""Leaf form and flow rules, checked by the verifier's own code."""

import pytest
from fakelog import canonical, sample_entries

from boai_verifier import rules

TS = "2025-06-01T08:00:00Z"


def _replay(entries):
    flows = rules.Flows()
    for i, data in enumerate(entries):
        flows.apply(i, rules.parse(data))
    return flows


def test_a_good_chain_passes():
    flows = _replay(sample_entries())
    assert flows.held[0].drawn == 100000  # 1000.00 yuan fully allocated


@pytest.mark.parametrize(("entry", "message"), [
    ({"v": 1, "type": "allocation", "ts": TS, "amount": "500.00", "parents": [{"leaf": 0, "amount": "500.00"}]},
     "overspent"),
    ({"v": 1, "type": "allocation", "ts": TS, "amount": "1.00", "parents": [{"leaf": 9, "amount": "1.00"}]},
     "does not come before"),
    ({"v": 1, "type": "relief_delivered", "ts": TS, "amount": "1.00", "relief_type": "disaster",
      "parents": [{"leaf": 0, "amount": "1.00"}]}, "cannot refer"),
    ({"v": 1, "type": "allocation", "ts": TS, "amount": "1.00"}, "points at an earlier leaf"),
    ({"v": 1, "type": "correction", "ts": TS, "reason": "entry_error", "amount": "100.00",
      "parents": [{"leaf": 1}], "redraws": [{"leaf": 0, "amount": "100.00"}]}, "below what later leaves"),
])
def test_broken_flow_rules_are_named(entry, message):
    flows = _replay(sample_entries())
    with pytest.raises(rules.LeafError, match=message):
        flows.apply(6, rules.parse(canonical(entry)))


def test_a_correction_releases_what_it_takes_back():
    flows = _replay(sample_entries())
    fix = {"v": 1, "type": "correction", "ts": TS, "reason": "entry_error", "amount": "300.00",
           "parents": [{"leaf": 5}], "redraws": [{"leaf": 0, "amount": "300.00"}]}
    flows.apply(6, rules.parse(canonical(fix)))
    assert flows.held[0].drawn == 90000
    more = {"v": 1, "type": "allocation", "ts": TS, "amount": "100.00", "parents": [{"leaf": 0, "amount": "100.00"}]}
    flows.apply(7, rules.parse(canonical(more)))


@pytest.mark.parametrize(("data", "message"), [
    (b'{"type":"gift_received", "v":1}', "canonical"),
    (b'{"amount":10.5,"donor_kind":"individual","ts":"2025-06-01T08:00:00Z","type":"gift_received","v":1}',
     "floating point"),
    (canonical({"v": 1, "type": "gift_received", "ts": TS, "amount": "1.00", "donor_kind": "individual",
                "fund": "联系 13912345678"}), "telephone"),
    (canonical({"v": 1, "type": "gift_received", "ts": TS, "amount": "1.00", "donor_kind": "individual",
                "name": "张三"}), "not allowed"),
    (canonical({"v": 1, "type": "gift_received", "ts": TS, "amount": "1.0", "donor_kind": "individual"}),
     "two decimals"),
])
def test_malformed_leaves_are_refused(data, message):
    with pytest.raises(rules.LeafError, match=message):
        rules.parse(data)
