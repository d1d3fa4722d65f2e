from django.urls import include, path

from boai.wishes import views, views_public

app_name = "wishes"

public = [
    path("", views_public.WishListPage.as_view(), name="public-list"),
    path("me/", views_public.MyClaimsPage.as_view(), name="public-mine"),
    path("me/login/", views_public.ClaimantLoginPage.as_view(), name="public-login"),
    path("me/logout/", views_public.ClaimantLogoutView.as_view(), name="public-logout"),
    path("me/claims/<int:pk>/deliver/", views_public.DeliverPage.as_view(), name="public-deliver"),
    path("me/claims/<int:pk>/cancel/", views_public.CancelClaimView.as_view(), name="public-cancel"),
    path("confirm/<str:token>/", views_public.ConfirmPage.as_view(), name="public-confirm"),
    path("<str:number>/", views_public.WishDetailPage.as_view(), name="public-detail"),
    path("<str:number>/photo.jpg", views_public.WishPhoto.as_view(), name="public-photo"),
    path("<str:number>/claim/", views_public.ClaimPage.as_view(), name="public-claim"),
]

staff = [
    path("", views.WishListPage.as_view(), name="list"),
    path("export/", views.WishExportPage.as_view(), name="export"),
    path("review/", views.ReviewInboxPage.as_view(), name="inbox"),
    path("new/", views.WishCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.WishDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.WishUpdatePage.as_view(), name="update"),
    path("<int:pk>/photo/", views.StaffPhoto.as_view(), name="photo"),
    path("<int:pk>/submit/", views.WishSubmitPage.as_view(), name="submit"),
    path("<int:pk>/approve/", views.WishApprovePage.as_view(), name="approve"),
    path("<int:pk>/reject/", views.WishRejectPage.as_view(), name="reject"),
    path("<int:pk>/withdraw/", views.WishWithdrawPage.as_view(), name="withdraw"),
    path("<int:pk>/deliver/", views.RecordDeliveryPage.as_view(), name="deliver"),
    path("<int:pk>/confirm/", views.RecordConfirmationPage.as_view(), name="confirm"),
    path("<int:pk>/confirm-link/", views.ConfirmLinkPage.as_view(), name="confirm-link"),
]

urlpatterns = [
    path("wishes/", include(public)),
    path("staff/wishes/", include(staff)),
]
