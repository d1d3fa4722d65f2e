from boai.core import context


def client_ip(request) -> str | None:
    """The client address as seen by our reverse proxy (nginx sets X-Real-IP), else the socket peer."""
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        ctx = context.RequestContext(
            ip=client_ip(request), channel=channel, user_agent=request.META.get("HTTP_USER_AGENT", "")[:200]
        )
        with context.use(ctx):
            return self.get_response(request)
