from boai.testing.helpers import make_user
from boai.testing.matrix import Route

ROUTES = {
    "accounts:login": Route(public=True, anonymous=(200,), ok=(200, 302)),
    "accounts:otp-verify": Route(public=True, anonymous=(302,), ok=(302,)),
    "accounts:otp-setup": Route(public=True, anonymous=(302,), ok=(302,)),
    "accounts:logout": Route(public=True, method="post", anonymous=(302,), ok=(302,)),
    "accounts:profile": Route(login_only=True),
    "accounts:user-list": Route(perm="accounts.view", lists="user", search_param="q",
                                marker=lambda u: u.username),
    "accounts:user-export": Route(perm="accounts.export", lists="user", search_param="q",
                                  marker=lambda u: u.username),
    "accounts:user-create": Route(perm="accounts.add"),
    "accounts:user-detail": Route(perm="accounts.view", obj="user"),
    "accounts:user-update": Route(perm="accounts.change", obj="user"),
    "accounts:user-otp-reset": Route(perm="accounts.change", obj="user"),
    "api:user-list": Route(perm="accounts.view", api=True, lists="user", search_param="search",
                           marker=lambda u: u.username),
    "api:user-detail": Route(perm="accounts.view", obj="user", api=True),
}

OBJECTS = {"user": lambda unit, user: make_user(unit, "grassroots_operator")}
