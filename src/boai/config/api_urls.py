"""/api/v1/: every module registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from boai.accounts.api import UserViewSet
from boai.firstaid import api_urls as firstaid_api
from boai.orgs.api import OrgViewSet
from boai.people.api import PersonViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("orgs", OrgViewSet, basename="org")
router.register("users", UserViewSet, basename="user")
router.register("people", PersonViewSet, basename="person")
for prefix, viewset, basename in firstaid_api.VIEWSETS:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [*firstaid_api.public_urlpatterns, *router.urls]  # public endpoints first: fewest patterns tried
