from __future__ import annotations

import itertools

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts import services as account_services
from boai.accounts.models import User
from boai.orgs import services as org_services
from boai.orgs.models import Kind, Org, Subtype

PASSWORD = "Str0ng-Passw0rd!"  # noqa: S105 - test fixtures only  # nosec B105
_seq = itertools.count(1)


def make_org(parent: Org | None, *, kind: str = Kind.GRASSROOTS, subtype: str | None = None,
             name: str | None = None, **fields) -> Org:
    n = next(_seq)
    subtype = subtype or {Kind.SOCIETY: Subtype.CITY, Kind.BRANCH: Subtype.DISTRICT,
                          Kind.GRASSROOTS: Subtype.COMMUNITY, Kind.SITE: Subtype.BOAI_HOME}[kind]
    return org_services.org_create(actor=None, parent=parent, name=name or f"测试单位{n}", code=f"T{n:05d}",
                                   kind=kind, subtype=subtype, **fields)


def make_user(org: Org, *roles: str, username: str | None = None, password: str = PASSWORD, **fields) -> User:
    username = username or f"{'-'.join(roles) or 'user'}{next(_seq)}".replace("_", "")
    return account_services.user_create(actor=None, username=username, org=org, roles=roles or ["volunteer"],
                                        password=password, **fields)


def login(client, user: User) -> None:
    """Log a user in with a verified second factor, as the real login flow would."""
    client.force_login(user, backend="boai.accounts.backends.RoleBackend")
    if user.needs_second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
