from django.urls import path

from boai.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.OrgTreePage.as_view(), name="tree"),
    path("list/", views.OrgListPage.as_view(), name="list"),
    path("export/", views.OrgExportPage.as_view(), name="export"),
    path("<int:pk>/", views.OrgDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrgUpdatePage.as_view(), name="update"),
    path("<int:pk>/move/", views.OrgMovePage.as_view(), name="move"),
    path("<int:pk>/active/", views.OrgActivePage.as_view(), name="active"),
    path("<int:pk>/add-child/", views.OrgCreatePage.as_view(), name="create"),
]
