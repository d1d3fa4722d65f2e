import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction

from boai.core import dbguards
from boai.core.audit import audit_record, audit_verify
from boai.core.models import GENESIS_HASH, AuditEntry

REFUSED = (IntegrityError, InternalError, OperationalError)


def _records(n=5, actor=None):
    return [audit_record(actor=actor, action="test.event", object_type="t", object_id=str(i), object_repr=f"obj {i}",
                         after={"i": i, "name": "张三"}) for i in range(n)]


@pytest.mark.django_db
def test_chain_links_each_record_to_the_previous():
    base = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    recs = _records(3)
    assert recs[0].prev_hash == base
    assert recs[1].prev_hash == recs[0].hash and recs[2].prev_hash == recs[1].hash
    assert audit_verify().ok


@pytest.mark.django_db
def test_database_refuses_update_and_delete_of_audit_rows():
    rec = _records(1)[0]
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [rec.pk])
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [rec.pk])
    assert AuditEntry.objects.filter(pk=rec.pk, action="test.event").exists()


@pytest.fixture
def unguarded():
    """What an attacker with the database owner's rights would do before tampering."""
    dbguards.uninstall(connection, "core_auditentry")


@pytest.mark.django_db(transaction=True)
def test_tampering_with_one_row_is_detected_and_named(unguarded):
    recs = _records(5)
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET object_repr = 'forged' WHERE id = %s", [recs[2].pk])
    result = audit_verify()
    assert not result.ok and result.broken_id == recs[2].pk
    with pytest.raises(CommandError, match=f"#{recs[2].pk}"):
        call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_deleting_a_row_is_detected_at_the_next_one(unguarded):
    recs = _records(4)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [recs[1].pk])
    result = audit_verify()
    assert not result.ok and result.broken_id == recs[2].pk
    assert "removed" in result.reason


@pytest.mark.django_db
def test_purge_keeps_young_records():
    _records(3)
    before = AuditEntry.objects.count()
    call_command("audit", "purge", "--days", "1")  # asks for 1 day; the floor is 184
    assert AuditEntry.objects.count() == before  # nothing old enough; no purge record either
    assert audit_verify().ok


@pytest.mark.django_db
def test_audit_records_ip_and_channel_from_the_request_context():
    from boai.core import context

    with context.use(context.RequestContext(ip="10.1.2.3", channel="web")):
        rec = audit_record(actor=None, action="test.ctx")
    assert rec.ip == "10.1.2.3" and rec.channel == "web"
