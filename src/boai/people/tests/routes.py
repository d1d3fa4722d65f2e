from boai.people.tests.factories import make_person
from boai.testing.matrix import Route


def _name(person) -> str:
    return person.name


REVEAL = {"field": "id_number", "reason": "核对身份信息"}

ROUTES = {
    "people:list": Route(perm="people.view", lists="person", search_param="q", marker=_name),
    "people:export": Route(perm="people.export", lists="person", search_param="q", marker=_name),
    "people:create": Route(perm="people.add"),
    "people:detail": Route(perm="people.view", obj="person"),
    "people:update": Route(perm="people.change", obj="person"),
    "people:reveal": Route(perm="people.reveal", obj="person"),
    "api:person-list": Route(perm="people.view", api=True, lists="person", search_param="search", marker=_name),
    "api:person-detail": Route(perm="people.view", obj="person", api=True),
    "api:person-reveal": Route(perm="people.reveal", obj="person", api=True, method="post", data=REVEAL),
}

OBJECTS = {"person": lambda unit, user: make_person(unit)}
