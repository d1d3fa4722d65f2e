"""URL conf of the benchmark server: the project's URLs plus the bare baseline endpoint."""

from django.http import JsonResponse
from django.urls import path

from boai.config.urls import urlpatterns as project_urls
from boai.firstaid.models import AED


def bare(request, pk: int):
    """The baseline: one row read by primary key, serialised as JSON, nothing else."""
    row = AED.objects.filter(pk=pk).values("id", "code", "name", "latitude", "longitude").first()
    return JsonResponse(row or {}, status=200 if row else 404)


urlpatterns = [path("bench/bare/<int:pk>/", bare), *project_urls]
