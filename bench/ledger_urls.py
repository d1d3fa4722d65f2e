"""The product URL conf plus one bare endpoint: read one row by primary key, answer JSON."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from boai.config.urls import urlpatterns as product


def bare_row(request, pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM ledger_leaf WHERE leaf_index = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse({"index": pk, "hash": bytes(row[0]).hex() if row else None})


urlpatterns = [path("bench/row/<int:pk>", bare_row), *product]
