"""The household's public phone pages under /relief/ (namespace `relief_public`)."""

from boai.relief.views.public import urlpatterns

app_name = "relief_public"

__all__ = ["app_name", "urlpatterns"]
