"""/api/v1/: every module registers its viewsets on this one router."""

from rest_framework.routers import DefaultRouter

from boai.accounts.api import UserViewSet
from boai.donations import api as donations_api
from boai.firstaid import api_urls as firstaid_api
from boai.orgs.api import OrgViewSet
from boai.people.api import PersonViewSet
from boai.relief import api_urls as relief_api
from boai.volunteers import api as volunteers_api
from boai.wishes import api as wishes_api

router = DefaultRouter()
router.include_root_view = False
router.register("orgs", OrgViewSet, basename="org")
router.register("users", UserViewSet, basename="user")
router.register("people", PersonViewSet, basename="person")
for prefix, viewset, basename in firstaid_api.VIEWSETS:
    router.register(prefix, viewset, basename=basename)
router.register("volunteers", volunteers_api.VolunteerViewSet, basename="volunteer")
router.register("volunteer-teams", volunteers_api.TeamViewSet, basename="volunteer-team")
router.register("volunteer-activities", volunteers_api.ActivityViewSet, basename="volunteer-activity")
router.register("volunteer-signups", volunteers_api.SignupViewSet, basename="volunteer-signup")
router.register("volunteer-records", volunteers_api.RecordViewSet, basename="volunteer-record")
router.register("members", volunteers_api.MemberViewSet, basename="member")
router.register("volunteer-certificates", volunteers_api.CertificateViewSet, basename="volunteer-certificate")
router.register("me", volunteers_api.MeViewSet, basename="me")
router.register("donations/donors", donations_api.DonorViewSet, basename="donation-donor")
router.register("donations/gifts", donations_api.GiftViewSet, basename="donation-gift")
router.register("donations/funds", donations_api.FundViewSet, basename="donation-fund")
router.register("donations/projects", donations_api.ProjectViewSet, basename="donation-project")
router.register("donations/campaigns", donations_api.CampaignViewSet, basename="donation-campaign")
router.register("donations/allocations", donations_api.AllocationViewSet, basename="donation-allocation")
router.register("donations/spending", donations_api.SpendingViewSet, basename="donation-spending")
router.register("donations/alliance", donations_api.AllianceViewSet, basename="donation-alliance")
for prefix, viewset, basename in relief_api.VIEWSETS:
    router.register(prefix, viewset, basename=basename)
router.register("wishes/micro-wishes", wishes_api.WishViewSet, basename="wish")
router.register("wishes/claims", wishes_api.ClaimViewSet, basename="wish-claim")
router.register("wishes/open", wishes_api.PublicWishViewSet, basename="wish-open")

urlpatterns = [*firstaid_api.public_urlpatterns, *router.urls]  # public endpoints first: fewest patterns tried
