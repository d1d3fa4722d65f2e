from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from boai.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("boai.core.urls")),
    path("", include("boai.accounts.urls")),
    path("staff/orgs/", include("boai.orgs.urls")),
    path("staff/people/", include("boai.people.urls")),
    path("staff/", include("boai.core.tabular.urls")),
    path("", include("boai.ledger.urls")),
    path("", include("boai.firstaid.urls")),
    path("", include("boai.volunteers.urls")),
    path("", include("boai.donations.urls")),
    path("staff/relief/", include("boai.relief.urls")),
    path("relief/", include("boai.relief.public_urls")),
    path("", include("boai.wishes.urls")),
    path("api/v1/", include(("boai.config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
