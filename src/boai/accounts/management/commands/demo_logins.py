from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from boai.accounts.models import User
from boai.accounts.seed import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins with their TOTP keys and current codes (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="print only this user's current code")

    def handle(self, *args, username=None, **options):
        if settings.PRODUCTION:
            raise CommandError("demo logins are not available in production")
        if username:
            device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
            if device is None:
                raise CommandError(f"{username} has no authenticator")
            self.stdout.write(f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
            return
        self.stdout.write("\nDemo logins 演示账号 — http://127.0.0.1:8000/accounts/login/")
        self.stdout.write(f"password 密码 for all: {DEMO_PASSWORD}\n")
        for uname, display, _, roles in DEMO_USERS:
            user = User.objects.filter(username=uname).first()
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
            if user is None:
                continue
            secret = b32encode(device.bin_key).decode() if device else "-"
            self.stdout.write(f"  {uname:<18} {display:<14} {','.join(roles):<22} TOTP key {secret}")
        self.stdout.write("\nThe one-time code for a user: `.venv/bin/boai demo_logins <username>` "
                          "(or add the key to an authenticator app).\n")
