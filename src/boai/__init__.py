"""Boai (博爱): the integrated information platform of a city Red Cross society."""

from boai.config.celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
