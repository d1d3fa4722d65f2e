from django.db.models import Sum

from boai.core import seeding
from boai.volunteers.models import Activity, Member, PointEntry, ServiceRecord, Signup, Volunteer


def test_demo_preset_is_consistent(db):
    seeding.run("demo", out=lambda s: None)
    assert Volunteer.objects.count() == 240 and Member.objects.count() == 60
    assert Activity.objects.filter(status="published").exists() and ServiceRecord.objects.count() > 1000
    for v in Volunteer.objects.filter(certified_hours__gt=0)[:20]:
        certified = v.records.filter(status="certified").aggregate(s=Sum("hours"))["s"]
        assert certified == v.certified_hours
        assert PointEntry.objects.filter(volunteer=v).aggregate(s=Sum("delta"))["s"] == v.points_balance
    for a in Activity.objects.all()[:20]:
        assert a.taken == Signup.objects.filter(activity=a, status__in=Signup.HOLDS_PLACE).count() <= a.capacity
    assert Volunteer.objects.filter(user__username="volunteer").exists()
    assert Volunteer.objects.filter(star_level__gt=0).exists()
