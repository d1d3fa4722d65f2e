from django.urls import path

from boai.core.tabular import views

app_name = "tabular"
urlpatterns = [
    path("import/<slug:kind>/", views.ImportPage.as_view(), name="import"),
    path("import/<slug:kind>/template/", views.TemplateDownload.as_view(), name="template"),
    path("import/<slug:kind>/jobs/<int:pk>/", views.JobPage.as_view(), name="job"),
    path("import/<slug:kind>/jobs/<int:pk>/import/", views.JobImportAction.as_view(), name="job-import"),
    path("import/<slug:kind>/jobs/<int:pk>/errors/", views.ErrorSheetDownload.as_view(), name="errors"),
    path("export/<slug:kind>/", views.ExportDownload.as_view(), name="export"),
]
