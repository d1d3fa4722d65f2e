from boai.testing.matrix import Route

ROUTES = {
    "orgs:tree": Route(perm="orgs.view"),
    "orgs:list": Route(perm="orgs.view"),
    "orgs:export": Route(perm="orgs.export"),
    "orgs:detail": Route(perm="orgs.view", obj="org"),
    "orgs:update": Route(perm="orgs.change", obj="org"),
    "orgs:move": Route(perm="orgs.change", obj="org"),
    "orgs:create": Route(perm="orgs.add", obj="org"),
    "api:org-list": Route(perm="orgs.view", api=True),
    "api:org-detail": Route(perm="orgs.view", obj="org", api=True),
    "api:org-children": Route(perm="orgs.view", obj="org", api=True),
}

OBJECTS = {"org": lambda unit, user: unit}
