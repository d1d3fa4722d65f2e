import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boai.core.models import AuditEntry
from boai.orgs import services
from boai.orgs.models import Kind, Org, Subtype
from boai.orgs.selectors import branch_of, org_subtree, org_tree
from boai.testing.helpers import make_org


def _deep_chain(root, depth):
    node = root
    for _ in range(depth):
        node = make_org(node, kind=Kind.GRASSROOTS)
    return node


def test_subtree_is_one_query_at_any_depth(tree):
    _deep_chain(tree.unit_a, 12)
    with CaptureQueriesContext(connection) as ctx:
        nodes = list(org_subtree(root=tree.branch_a))
    assert len(ctx.captured_queries) == 1
    assert len(nodes) == 2 + 1 + 12  # branch, unit, site, chain


def test_moving_a_unit_moves_its_subtree(tree):
    leaf = _deep_chain(tree.unit_a, 3)
    services.org_move(actor=None, org=tree.unit_a, new_parent=tree.branch_b)
    tree.unit_a.refresh_from_db()
    leaf.refresh_from_db()
    assert tree.unit_a.path.startswith(tree.branch_b.path)
    assert leaf.path.startswith(tree.unit_a.path)
    assert branch_of(leaf) == tree.branch_b
    assert not org_subtree(root=tree.branch_a).filter(pk=leaf.pk).exists()
    assert AuditEntry.objects.filter(action="orgs.org.move", object_id=str(tree.unit_a.pk)).exists()


def test_cannot_move_under_own_subtree(tree):
    with pytest.raises(ValidationError):
        services.org_move(actor=None, org=tree.branch_a, new_parent=tree.unit_a)


@pytest.mark.parametrize("kind, subtype, parent_attr", [
    (Kind.BRANCH, Subtype.DISTRICT, "unit_a"),  # a branch under a grassroots unit
    (Kind.GRASSROOTS, Subtype.SCHOOL, "site_a"),  # anything under a site
    (Kind.SITE, Subtype.STREET, "unit_a"),  # subtype of another kind
])
def test_placement_rules(tree, kind, subtype, parent_attr):
    with pytest.raises(ValidationError):
        services.org_create(actor=None, parent=getattr(tree, parent_attr), name="x", code="BADPLACE", kind=kind,
                            subtype=subtype)
    assert not Org.objects.filter(code="BADPLACE").exists()


def test_community_under_a_sub_district_is_allowed(tree):
    community = make_org(tree.unit_a, kind=Kind.GRASSROOTS, subtype=Subtype.COMMUNITY)
    assert Org.objects.get_parent(community) == tree.unit_a


def test_branch_admin_cannot_create_outside_scope(tree, branch_admin):
    with pytest.raises(ValidationError):
        services.org_create(actor=branch_admin, parent=tree.branch_b, name="越权单位", code="OUTSIDE",
                            kind=Kind.GRASSROOTS, subtype=Subtype.SCHOOL)


def test_duplicate_code_is_a_clear_error(tree):
    with pytest.raises(ValidationError) as exc:
        services.org_create(actor=None, parent=tree.branch_a, name="重复", code=tree.unit_b.code,
                            kind=Kind.GRASSROOTS, subtype=Subtype.SCHOOL)
    assert "code" in exc.value.message_dict


def test_tree_view_of_a_branch_user_shows_only_their_subtree(tree, branch_admin):
    roots = org_tree(user=branch_admin)
    assert [r["org"] for r in roots] == [tree.branch_a]


def test_tree_page_and_create_flow(tree, branch_admin, login_as):
    client = login_as(branch_admin)
    page = client.get(reverse("orgs:tree"))
    body = page.content.decode()
    assert tree.unit_a.name in body and tree.unit_b.name not in body
    response = client.post(reverse("orgs:create", args=[tree.unit_a.pk]), {
        "kind": Kind.SITE, "name": "新博爱家园", "code": "NEWHOME1", "subtype": Subtype.BOAI_HOME,
    })
    assert response.status_code == 302
    assert Org.objects.get_parent(Org.objects.get(code="NEWHOME1")) == tree.unit_a


def test_deploy_division_code_must_have_six_digits(tree):
    with pytest.raises(ValidationError):
        services.org_update(actor=None, org=tree.branch_a, division_code="3202")


def test_dashboard_shows_units_per_branch(tree, city_admin, login_as, django_assert_max_num_queries):
    from boai.orgs.selectors import units_per_branch

    rows = units_per_branch(user=city_admin)
    assert {r["branch"]: (r["grassroots"], r["site"]) for r in rows} == {
        tree.branch_a.name: (1, 1), tree.branch_b.name: (1, 0)}
    client = login_as(city_admin)
    with django_assert_max_num_queries(40):  # every module adds a widget: a budget, not a per-row cost
        page = client.get(reverse("core:dashboard"))
    assert "chart-units" in page.content.decode()
