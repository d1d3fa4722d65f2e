from django.urls import path

from boai.core import views

app_name = "core"
urlpatterns = [
    path("", views.HomePage.as_view(), name="home"),
    path("staff/", views.DashboardPage.as_view(), name="dashboard"),
    path("staff/audit/", views.AuditListPage.as_view(), name="audit"),
    path("staff/audit/export/", views.AuditExportPage.as_view(), name="audit-export"),
    path("staff/audit/<int:pk>/", views.AuditDetailPage.as_view(), name="audit-detail"),
    path("staff/inbox/", views.InboxPage.as_view(), name="inbox"),
    path("staff/inbox/<int:pk>/open/", views.NotificationOpen.as_view(), name="notification-open"),
]
