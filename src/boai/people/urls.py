from django.urls import path

from boai.people import views

app_name = "people"
urlpatterns = [
    path("", views.PersonListPage.as_view(), name="list"),
    path("export/", views.PersonExportPage.as_view(), name="export"),
    path("new/", views.PersonCreatePage.as_view(), name="create"),
    path("<int:pk>/", views.PersonDetailPage.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PersonUpdatePage.as_view(), name="update"),
    path("<int:pk>/reveal/", views.PersonRevealPage.as_view(), name="reveal"),
]
