from boai.firstaid.models.aed import AED, AEDInspection, AEDStatus, AEDUsage, Funding, PlaceType
from boai.firstaid.models.certify import (
    Certificate,
    CertificateSequence,
    CertificateStatus,
    Enrolment,
    EnrolmentSource,
    Instructor,
    InstructorAssessment,
    InstructorLevel,
    Result,
    SessionInstructor,
    mask_name,
    name_hash,
)
from boai.firstaid.models.training import (
    BaseOpenDay,
    CourseKind,
    CourseType,
    DemoLevel,
    Session,
    SessionStatus,
    Target,
    TrainingBase,
    VenueKind,
)

__all__ = [
    "Certificate", "CertificateSequence", "CertificateStatus", "Enrolment", "EnrolmentSource", "Instructor",
    "InstructorAssessment", "InstructorLevel", "Result", "SessionInstructor", "mask_name", "name_hash",
    "AED", "AEDInspection", "AEDStatus", "AEDUsage", "BaseOpenDay", "CourseKind", "CourseType", "DemoLevel",
    "Funding", "PlaceType", "Session", "SessionStatus", "Target", "TrainingBase", "VenueKind",
]
