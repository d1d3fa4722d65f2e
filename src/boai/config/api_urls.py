"""/api/v1/: every module registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from boai.accounts.api import UserViewSet
from boai.orgs.api import OrgViewSet
from boai.people.api import PersonViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("orgs", OrgViewSet, basename="org")
router.register("users", UserViewSet, basename="user")
router.register("people", PersonViewSet, basename="person")

urlpatterns = router.urls
