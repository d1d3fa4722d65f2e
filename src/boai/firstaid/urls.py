from django.urls import include, path

from boai.firstaid import views, views_public, views_training

app_name = "firstaid"

public = [
    path("aeds/", views_public.AEDMapPage.as_view(), name="public-aed-map"),
    path("sessions/", views_public.PublicSessionsPage.as_view(), name="public-sessions"),
    path("sessions/<int:pk>/enrol/", views_public.PublicEnrolPage.as_view(), name="public-enrol"),
    path("sessions/<int:pk>/enrolled/", views_public.PublicEnrolledPage.as_view(), name="public-enrolled"),
    path("verify/", views_public.VerifyPage.as_view(), name="public-verify"),
    path("verify/<str:token>/", views_public.VerifyTokenPage.as_view(), name="public-verify-token"),
]

staff = [
    path("progress/", views.ProgressPage.as_view(), name="progress"),
    path("aeds/", views.AEDListPage.as_view(), name="aed-list"),
    path("aeds/export/", views.AEDExportPage.as_view(), name="aed-export"),
    path("aeds/export.geojson", views.AEDGeoJSONExport.as_view(), name="aed-geojson"),
    path("aeds/new/", views.AEDCreatePage.as_view(), name="aed-create"),
    path("aeds/<int:pk>/", views.AEDDetailPage.as_view(), name="aed-detail"),
    path("aeds/<int:pk>/edit/", views.AEDUpdatePage.as_view(), name="aed-update"),
    path("aeds/<int:pk>/status/", views.AEDStatusPage.as_view(), name="aed-status"),
    path("aeds/<int:pk>/inspect/", views.InspectionCreatePage.as_view(), name="aed-inspect"),
    path("aeds/<int:pk>/usage/", views.UsageCreatePage.as_view(), name="aed-usage"),
    path("inspections/", views.InspectionListPage.as_view(), name="inspection-list"),
    path("inspections/export/", views.InspectionExportPage.as_view(), name="inspection-export"),
    path("usage/", views.UsageListPage.as_view(), name="usage-list"),
    path("usage/export/", views.UsageExportPage.as_view(), name="usage-export"),
    path("courses/", views.CourseTypeListPage.as_view(), name="coursetype-list"),
    path("courses/export/", views.CourseTypeExportPage.as_view(), name="coursetype-export"),
    path("courses/new/", views.CourseTypeCreatePage.as_view(), name="coursetype-create"),
    path("courses/<int:pk>/", views.CourseTypeDetailPage.as_view(), name="coursetype-detail"),
    path("courses/<int:pk>/edit/", views.CourseTypeUpdatePage.as_view(), name="coursetype-update"),
    path("bases/", views.BaseListPage.as_view(), name="base-list"),
    path("bases/export/", views.BaseExportPage.as_view(), name="base-export"),
    path("bases/new/", views.BaseCreatePage.as_view(), name="base-create"),
    path("bases/<int:pk>/", views.BaseDetailPage.as_view(), name="base-detail"),
    path("bases/<int:pk>/edit/", views.BaseUpdatePage.as_view(), name="base-update"),
    path("bases/<int:pk>/open-day/", views.OpenDayCreatePage.as_view(), name="base-openday"),
    path("sessions/", views.SessionListPage.as_view(), name="session-list"),
    path("sessions/export/", views.SessionExportPage.as_view(), name="session-export"),
    path("sessions/new/", views.SessionCreatePage.as_view(), name="session-create"),
    path("sessions/<int:pk>/", views.SessionDetailPage.as_view(), name="session-detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdatePage.as_view(), name="session-update"),
    path("sessions/<int:pk>/enrol/", views_training.EnrolPersonPage.as_view(), name="session-enrol"),
    path("sessions/<int:pk>/instructor/", views_training.AssignInstructorPage.as_view(), name="session-instructor"),
    path("enrolments/", views_training.EnrolmentListPage.as_view(), name="enrolment-list"),
    path("enrolments/export/", views_training.EnrolmentExportPage.as_view(), name="enrolment-export"),
    path("enrolments/<int:pk>/result/", views_training.ResultPage.as_view(), name="enrolment-result"),
    path("enrolments/<int:pk>/cancel/", views_training.EnrolmentCancelPage.as_view(), name="enrolment-cancel"),
    path("certificates/", views_training.CertificateListPage.as_view(), name="certificate-list"),
    path("certificates/export/", views_training.CertificateExportPage.as_view(), name="certificate-export"),
    path("certificates/<int:pk>/", views_training.CertificateDetailPage.as_view(), name="certificate-detail"),
    path("certificates/<int:pk>/pdf/", views_training.CertificatePdfView.as_view(), name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", views_training.CertificateRevokePage.as_view(), name="certificate-revoke"),
    path("instructors/", views_training.InstructorListPage.as_view(), name="instructor-list"),
    path("instructors/export/", views_training.InstructorExportPage.as_view(), name="instructor-export"),
    path("instructors/new/", views_training.InstructorCreatePage.as_view(), name="instructor-create"),
    path("instructors/<int:pk>/", views_training.InstructorDetailPage.as_view(), name="instructor-detail"),
    path("instructors/<int:pk>/assess/", views_training.InstructorAssessPage.as_view(), name="instructor-assess"),
    path("targets/", views.TargetListPage.as_view(), name="target-list"),
    path("targets/export/", views.TargetExportPage.as_view(), name="target-export"),
    path("targets/set/", views.TargetSetPage.as_view(), name="target-set"),
]

# two prefixes, so that requests for other modules are turned away after one comparison each
urlpatterns = [path("firstaid/", include(public)), path("staff/firstaid/", include(staff))]
