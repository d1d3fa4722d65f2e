"""Seed presets: valid, unique, reproducible synthetic people with Wuxi ID numbers."""

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command

from boai.core.audit import audit_verify
from boai.orgs.models import Kind, Org
from boai.people import protect, seed, services
from boai.people.identity import check_id, mask_id
from boai.people.models import Person
from boai.people.services import clean_person

pytestmark = pytest.mark.django_db


def _demo_tree():
    call_command("seed", "--preset", "demo", "--only", "orgs", stdout=io.StringIO())


def test_demo_preset_people_are_valid_unique_and_spread(db):
    call_command("seed", "--preset", "demo", "--only", "orgs", "people", stdout=io.StringIO())
    people = list(Person.objects.select_related("org"))
    assert len(people) == seed.DEMO_PEOPLE
    for p in people:  # every number passes the registry's own validation, gender and birth date agree
        clean_person(org_id=p.org_id, name=p.name, id_type=p.id_type, id_number=p.id_number, gender=p.gender,
                     birth_date=p.birth_date, mobile=p.mobile, address=p.address, ethnicity=p.ethnicity)
    assert len({(p.id_type, p.id_number) for p in people}) == len(people)
    residents = [p for p in people if p.id_type == "resident"]
    assert all(p.id_number[:4] == "3202" and "320202" <= p.id_number[:6] <= "320283" for p in residents)
    branches = Counter(p.org.path[: 2 * Org.steplen] for p in people)
    assert len(branches) == 7  # every branch has people
    assert all(p.org.kind == Kind.GRASSROOTS for p in people)
    assert audit_verify().ok


def test_generation_is_reproducible_from_the_seed(db):
    _demo_tree()
    first = [r.id_number for r in seed.generate(random.Random(42), 300)]
    again = [r.id_number for r in seed.generate(random.Random(42), 300)]
    other = [r.id_number for r in seed.generate(random.Random(43), 300)]
    assert first == again and first != other


def test_numbers_stay_unique_and_valid_at_scale(db):
    _demo_tree()
    rows = list(seed.generate(random.Random(7), 20_000))
    assert len({r.id_number for r in rows}) == len(rows)
    for row in rows[::97]:
        info = check_id(row.id_type, row.id_number)
        assert info.birth_date in (None, row.birth_date) and info.gender in (None, row.gender)


def test_chunks_built_in_worker_processes_are_the_serial_people(db, monkeypatch):
    _demo_tree()
    monkeypatch.setattr(seed, "CHUNK_ROWS", 300)
    units, others = seed.units_by_branch(), 5
    chunks = seed.plan(random.Random(9), 1500)
    assert len(chunks) == 5 and chunks[0].stride == 5
    serial = [r for chunk in chunks for r in seed.chunk_rows(chunk, units, others)]
    encoded = list(seed.encoded_chunks(chunks, units, others, workers=2))
    lines = [line.split(b"\t") for data, _counts in encoded for line in data.splitlines()]
    assert len(lines) == len(serial) == 1500
    column = {name: i for i, name in enumerate(services.COPY_COLUMNS)}
    for line, row in zip(lines, serial, strict=True):
        assert line[column["name"]].decode() == row.name
        assert line[column["id_number_masked"]].decode() == mask_id(row.id_number)
        assert line[column["id_blind"]].decode() == protect.id_blind(row.id_number)
    assert len({r.id_number for r in serial}) == 1500  # unique across independently drawn chunks
    assert sum(sum(c.values()) for _d, c in encoded) == 1500


def test_seeder_in_chunks_on_this_database(db, monkeypatch):
    """On PostgreSQL: forked workers, COPY, indexes rebuilt; elsewhere: the in-process path."""
    monkeypatch.setattr(seed, "CHUNK_ROWS", 400)
    monkeypatch.setattr(seed, "DEMO_PEOPLE", 1500)
    call_command("seed", "--preset", "demo", "--only", "orgs", "people", stdout=io.StringIO())
    assert Person.objects.count() == 1500
    assert Person.objects.values("id_blind").distinct().count() == 1500
    person = Person.objects.filter(id_type="resident").order_by("id")[700]
    assert check_id("resident", person.id_number).birth_date == person.birth_date
    assert Person.objects.filter(id_blind=person.id_blind).get() == person  # the unique index is back
