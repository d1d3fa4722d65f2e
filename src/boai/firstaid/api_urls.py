"""Firstaid's API: viewsets for the shared router, and the public endpoints."""

from django.urls import path

from boai.firstaid import api

VIEWSETS = [
    ("firstaid/aeds", api.AEDViewSet, "firstaid-aed"),
    ("firstaid/inspections", api.InspectionViewSet, "firstaid-inspection"),
    ("firstaid/usage", api.UsageViewSet, "firstaid-usage"),
    ("firstaid/course-types", api.CourseTypeViewSet, "firstaid-coursetype"),
    ("firstaid/bases", api.TrainingBaseViewSet, "firstaid-base"),
    ("firstaid/sessions", api.SessionViewSet, "firstaid-session"),
    ("firstaid/targets", api.TargetViewSet, "firstaid-target"),
    ("firstaid/enrolments", api.EnrolmentViewSet, "firstaid-enrolment"),
    ("firstaid/certificates", api.CertificateViewSet, "firstaid-certificate"),
    ("firstaid/instructors", api.InstructorViewSet, "firstaid-instructor"),
]

public_urlpatterns = [
    path("public/aeds/nearest/", api.NearestAEDView.as_view(), name="public-aed-nearest"),
    path("public/certificates/verify/", api.VerifyCertificateView.as_view(), name="public-certificate-verify"),
]
