"""Demo logins: one per kind of desk user, each with a known password and TOTP key."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts import services
from boai.core.seeding import SeedContext, seeder

DEMO_PASSWORD = "Boai@2026demo"  # noqa: S105 - the demo prints it on purpose  # nosec B105

# username, display name, org key (see boai.orgs.seed), roles
DEMO_USERS = [
    ("city_admin", "市红十字会管理员", "city", ["city_admin"]),
    ("branch_admin", "梁溪区红十字会管理员", "320213", ["branch_admin"]),
    ("grassroots", "崇安寺街道红十字会", "崇安寺街道", ["grassroots_operator"]),
    ("auditor", "监事会监事", "city", ["auditor"]),
    ("volunteer_officer", "志愿服务部干事", "city", ["volunteers_officer"]),
    ("donation_officer", "筹资部干事", "city", ["donations_officer"]),
    ("relief_officer", "赈济救护部干事", "city", ["relief_officer"]),
    ("firstaid_officer", "应急救护培训中心干事", "city", ["firstaid_officer"]),
    ("finance_officer", "财务部会计", "city", ["finance_officer"]),
    ("binhu_admin", "滨湖区红十字会管理员", "320211", ["branch_admin"]),
]


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key per demo user (hex), derived so `boai demo-logins` can print it."""
    return hashlib.sha256(f"boai-demo-totp:{username}:{settings.SECRET_KEY}".encode()).hexdigest()[:40]


@seeder("accounts", order=20)
def seed_users(ctx: SeedContext) -> None:
    orgs = ctx.data["orgs"]
    users = {}
    for username, display, org_key, roles in DEMO_USERS:
        user = services.user_create(actor=None, username=username, org=orgs[org_key], roles=roles,
                                    password=DEMO_PASSWORD, display_name=display, email=f"{username}@example.org")
        if user.needs_second_factor:
            TOTPDevice.objects.create(user=user, name="demo", key=demo_totp_key(username), confirmed=True)
        users[username] = user
    ctx.data["users"] = users
    ctx.out(f"demo users: {len(users)} (password {DEMO_PASSWORD})")
