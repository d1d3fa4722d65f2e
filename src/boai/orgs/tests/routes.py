from boai.testing.matrix import Route

ROUTES = {
    "orgs:tree": Route(perm="orgs.view", lists="org"),
    "orgs:list": Route(perm="orgs.view", lists="org", search_param="q"),
    "orgs:export": Route(perm="orgs.export", lists="org", search_param="q"),
    "orgs:detail": Route(perm="orgs.view", obj="org"),
    "orgs:update": Route(perm="orgs.change", obj="org"),
    "orgs:move": Route(perm="orgs.change", obj="org"),
    "orgs:active": Route(perm="orgs.change", obj="org"),
    "orgs:create": Route(perm="orgs.add", obj="org"),
    "api:org-list": Route(perm="orgs.view", api=True, lists="org", search_param="search"),
    "api:org-detail": Route(perm="orgs.view", obj="org", api=True),
    "api:org-children": Route(perm="orgs.view", obj="org", api=True),
}

OBJECTS = {"org": lambda unit, user: unit}
