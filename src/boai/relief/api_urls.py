"""Relief's viewsets for the shared /api/v1/ router."""

from boai.relief.api import applications, campaigns, households

VIEWSETS = [*households.VIEWSETS, *applications.VIEWSETS, *campaigns.VIEWSETS]
