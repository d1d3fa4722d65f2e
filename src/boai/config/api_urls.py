"""/api/v1/: every module registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from boai.accounts.api import UserViewSet
from boai.donations import api as donations_api
from boai.orgs.api import OrgViewSet
from boai.people.api import PersonViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("orgs", OrgViewSet, basename="org")
router.register("users", UserViewSet, basename="user")
router.register("people", PersonViewSet, basename="person")
router.register("donations/donors", donations_api.DonorViewSet, basename="donation-donor")
router.register("donations/gifts", donations_api.GiftViewSet, basename="donation-gift")
router.register("donations/funds", donations_api.FundViewSet, basename="donation-fund")
router.register("donations/projects", donations_api.ProjectViewSet, basename="donation-project")
router.register("donations/campaigns", donations_api.CampaignViewSet, basename="donation-campaign")
router.register("donations/allocations", donations_api.AllocationViewSet, basename="donation-allocation")
router.register("donations/spending", donations_api.SpendingViewSet, basename="donation-spending")
router.register("donations/alliance", donations_api.AllianceViewSet, basename="donation-alliance")

urlpatterns = router.urls
