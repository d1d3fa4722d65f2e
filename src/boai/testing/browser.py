"""Playwright for Python driving the system Chromium (Debian's `chromium` package)."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("BOAI_CHROMIUM")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def launch(playwright):
    path = chromium_path()
    if path is None:
        raise RuntimeError("BOAI_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)


def totp_now(user) -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login_through_form(page, base_url: str, username: str, password: str, user=None) -> None:
    """Log in the way a person does: the password form, then (for staff) the TOTP code."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    if "/login/otp/" in page.url:
        page.fill("input[name=token]", totp_now(user))
        page.click("main form button[type=submit]")
    page.wait_for_load_state()


def assert_fits(page, width: int) -> None:
    """Nothing on the page needs sideways scrolling at this width (measured once the page has loaded:
    right after a click that navigates, the new document may not have been parsed yet)."""
    page.wait_for_load_state()
    page.wait_for_function("document.readyState === 'complete' && document.documentElement !== null")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"page is {overflow}px wide at a {width}px viewport"
