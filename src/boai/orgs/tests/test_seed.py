from django.core.management import call_command

from boai.accounts.models import User
from boai.core.audit import audit_verify
from boai.orgs.models import Kind, Org


def test_demo_preset_models_wuxi(db):
    call_command("seed", "--preset", "demo", "--only", "orgs", "accounts")
    city = Org.objects.get(depth=1)
    assert city.division_code == "320200"
    branches = set(Org.objects.filter(kind=Kind.BRANCH).values_list("name", flat=True))
    assert {"梁溪区红十字会", "锡山区红十字会", "惠山区红十字会", "滨湖区红十字会", "新吴区红十字会",
            "江阴市红十字会", "宜兴市红十字会"} == branches
    for org in Org.objects.all():  # every stored path is consistent with its depth and parent
        assert len(org.path) == org.depth * Org.steplen
        if org.depth > 1:
            assert Org.objects.filter(path=org.path[: -Org.steplen]).exists()
    assert Org.objects.find_problems() == ([], [], [], [], [])
    assert User.objects.filter(username="city_admin", org=city).exists()
    assert audit_verify().ok
