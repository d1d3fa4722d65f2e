from django.contrib.auth import logout
from django.shortcuts import redirect


class SecondFactorRequiredMiddleware:
    """A session that holds a staff role without a verified second factor is ended.

    The login flow only logs a staff user in after TOTP, so this catches one case: a role granted
    to someone while they were logged in without a second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.needs_second_factor and not user.is_verified():
            logout(request)
            if not request.path.startswith("/api/"):
                return redirect("accounts:login")
        return self.get_response(request)
