from django.urls import path

from boai.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.LoginPage.as_view(), name="login"),
    path("accounts/login/otp/", views.OtpVerifyPage.as_view(), name="otp-verify"),
    path("accounts/login/otp/setup/", views.OtpSetupPage.as_view(), name="otp-setup"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/me/", views.ProfilePage.as_view(), name="profile"),
    path("staff/users/", views.UserListPage.as_view(), name="user-list"),
    path("staff/users/export/", views.UserExportPage.as_view(), name="user-export"),
    path("staff/users/new/", views.UserCreatePage.as_view(), name="user-create"),
    path("staff/users/<int:pk>/", views.UserDetailPage.as_view(), name="user-detail"),
    path("staff/users/<int:pk>/edit/", views.UserUpdatePage.as_view(), name="user-update"),
    path("staff/users/<int:pk>/reset-2fa/", views.UserOtpResetPage.as_view(), name="user-otp-reset"),
]
