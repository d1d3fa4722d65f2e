"""No plaintext ID number, mobile number or address anywhere in the database, read with raw SQL.

Runs on whichever database the suite uses: the CI runs it on SQLite and on PostgreSQL (where the
bulk path is COPY, the single path an INSERT through the ORM).
"""

import pytest
from django.db import connection

from boai.core.crypto import sm3_hex
from boai.people import services
from boai.people.tests.factories import make_person, resident_id, unique_name
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


def _dump_every_table() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - catalogue names
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_raw_sql_sees_only_ciphertext_masks_and_blind_indexes(tree, branch_admin):
    single = make_person(tree.unit_a, id_number=resident_id(), mobile="13811112222", address="梁溪区解放南路7号")
    services.person_update(actor=branch_admin, person=single, mobile="13933334444")
    services.person_reveal(actor=branch_admin, person=single, field="id_number", reason="核对身份信息")
    rows = [services.clean_person(org_id=tree.unit_a.pk, name=unique_name(), id_number=resident_id(),
                                  mobile=f"1370000{i:04d}", address=f"惠山区堰桥路{i}号") for i in range(20)]
    services.person_bulk_create(actor=branch_admin, rows=rows)
    make_user(tree.unit_a, "volunteer", mobile="13655556666")

    dump = _dump_every_table()
    secrets = [single.id_number, "13811112222", "13933334444", "解放南路", "13655556666"]
    secrets += [r.id_number for r in rows] + [r.mobile for r in rows] + ["堰桥路"]
    leaked = [s for s in secrets if s in dump]
    assert not leaked, f"plaintext in the database ({connection.vendor}): {leaked}"
    # the blind index is keyed: an unkeyed hash of the number would let anyone test guesses
    assert sm3_hex(single.id_number.encode()) not in dump
    # what is there: the masked forms, and ciphertext tagged with a key id
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile, address, id_number_masked FROM people_person WHERE id = %s",
                       [single.pk])
        id_number, mobile, address, masked = cursor.fetchone()
    assert masked == single.id_number_masked
    for value in (id_number, mobile, address):
        key_id, sep, body = value.partition("$")
        assert sep and key_id and len(body) > 30


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_bulk_path_on_postgresql_is_copy(tree, branch_admin, django_assert_max_num_queries):
    rows = [services.clean_person(org_id=tree.unit_a.pk, name=unique_name(), id_number=resident_id())
            for _ in range(50)]
    with django_assert_max_num_queries(12) as captured:
        services.person_bulk_create(actor=branch_admin, rows=rows)
    assert any(q["sql"].startswith("COPY people_person") for q in captured.captured_queries)
    assert "INSERT INTO \"people_person\"" not in " ".join(q["sql"] for q in captured.captured_queries)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_lookup_by_full_number_is_one_indexed_query(tree, branch_admin, django_assert_num_queries):
    from boai.people import selectors
    from boai.people.models import Person

    people = [make_person(tree.unit_a) for _ in range(3)]
    target = people[1]
    with connection.cursor() as cursor:  # a tiny table: ask whether the indexes can serve the lookups
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    lookup = selectors.by_id_number(Person.objects.all(), target.id_number.lower())
    assert "people_person_id_unique" in lookup.explain()
    assert "people_person_mobile_idx" in selectors.by_mobile(Person.objects.all(), target.mobile).explain()
    query = selectors.by_id_number(selectors.people_for(branch_admin), target.id_number.lower())
    with django_assert_num_queries(1):
        found = list(query)
    assert [p.pk for p in found] == [target.pk]
