from django.conf import settings

from boai.core.registry import nav_for


def shell(request):
    user = getattr(request, "user", None)
    nav = nav_for(user, request.path) if user is not None and user.is_authenticated else []
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_groups": nav, "unread_notifications": unread, "site_url": settings.BOAI_SITE_URL}
