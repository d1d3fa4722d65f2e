"""Seed presets: valid, unique, reproducible synthetic people with Wuxi ID numbers."""

import io
import random
from collections import Counter

import pytest
from django.core.management import call_command

from boai.core.audit import audit_verify
from boai.orgs.models import Kind, Org
from boai.people import seed
from boai.people.identity import check_id
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
