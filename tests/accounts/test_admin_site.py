"""Administration (/admin/) belongs to the Administrator role: the role opens it, the
staff flag follows the role, and every role change is in the audit log."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from feedback.models import Tag
from tests.factories import UserFactory, administrator, leader

pytestmark = pytest.mark.django_db


def role_group(role: Role) -> Group:
    return Group.objects.get_or_create(name=role.value)[0]


def staff_flag(user) -> bool:
    return User.objects.values_list("is_staff", flat=True).get(pk=user.pk)


def test_staff_flag_follows_the_administrator_role_however_it_changes():
    user = leader()
    assert not staff_flag(user)
    user.groups.add(role_group(Role.ADMINISTRATOR))
    assert staff_flag(user)
    assert user.is_staff
    user.groups.remove(role_group(Role.ADMINISTRATOR))
    assert not staff_flag(user)
    role_group(Role.ADMINISTRATOR).user_set.add(user)
    assert staff_flag(user)
    role_group(Role.ADMINISTRATOR).user_set.clear()
    assert not staff_flag(user)
    user.groups.set([role_group(Role.ADMINISTRATOR), role_group(Role.LEADER)])
    assert staff_flag(user)
    user.groups.clear()
    assert not staff_flag(user)


def test_staff_flag_set_by_hand_is_put_back_on_save():
    user = leader()
    user.is_staff = True
    user.save()
    assert not staff_flag(user)
    boss = administrator()
    boss.is_staff = False
    boss.save()
    assert staff_flag(boss)
    assert staff_flag(UserFactory(is_superuser=True))


def test_existing_users_get_the_flag_of_their_role_from_the_migration():
    from django.apps import apps
    from django.utils.module_loading import import_string

    staff_from_role = import_string(
        "accounts.migrations.0003_is_staff_follows_role.staff_from_role"
    )
    wrongly_staff, wrongly_not = leader(), administrator()
    User.objects.filter(pk=wrongly_staff.pk).update(is_staff=True)
    User.objects.filter(pk=wrongly_not.pk).update(is_staff=False)
    staff_from_role(apps, None)
    assert not staff_flag(wrongly_staff)
    assert staff_flag(wrongly_not)


def test_administrator_without_superuser_manages_users_lists_and_templates(client):
    client.force_login(administrator(username="ada"))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for name in (
        "accounts_user",
        "auth_group",
        "customers_facet",
        "customers_region",
        "feedback_tag",
        "feedback_journeystage",
        "meetings_question",
        "meetings_agendatemplate",
        "audit_auditentry",
        "axes_accessattempt",
    ):
        assert reverse(f"admin:{name}_changelist") in index.text, name
    response = client.post(reverse("admin:feedback_tag_add"), {"name": "Billing"})
    assert response.status_code == 302
    assert Tag.objects.filter(name="Billing").exists()
    # The audit log and the roles themselves are read-only, even to administrators.
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


def test_staff_flag_set_behind_the_apps_back_opens_nothing(client):
    user = leader(username="lee")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(user)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_login_takes_administrators_only(client):
    leader(username="lee")
    administrator(username="ada")
    refused = client.post(reverse("admin:login"), {"username": "lee", "password": "pass-word-123"})
    assert refused.status_code == 200
    assert "Please enter the correct username and password" in refused.text
    assert "_auth_user_id" not in client.session
    accepted = client.post(
        reverse("admin:login"),
        {"username": "ada", "password": "pass-word-123", "next": reverse("admin:index")},
    )
    assert accepted.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def _user_change_data(page, target, **changes):
    form = page.context["adminform"].form
    data = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "is_active": "on",
        "groups": [group.pk for group in target.groups.all()],
    }
    data.update(changes)
    assert "user_permissions" not in form.fields
    return data


def test_administrator_gives_a_role_the_audit_log_says_who(client):
    for role in Role:  # a transactional test may have flushed the migration's groups
        role_group(role)
    Group.objects.create(name="Not a role")
    ada = administrator(username="ada")
    sam = UserFactory(username="sam", first_name="Sam", last_name="Taylor")
    client.force_login(ada)
    AuditEntry.objects.all().delete()
    url = reverse("admin:accounts_user_change", args=[sam.pk])
    page = client.get(url)
    assert page.status_code == 200
    # Only the four roles are offered, under that name; the staff flag is not editable.
    groups = page.context["adminform"].form.fields["groups"]
    assert groups.label == "Roles"
    assert sorted(groups.queryset.values_list("name", flat=True)) == sorted(Role.values)
    assert "is_staff" not in page.context["adminform"].form.fields
    data = _user_change_data(page, sam, groups=[role_group(Role.ADMINISTRATOR).pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    sam.refresh_from_db()
    assert sam.has_role(Role.ADMINISTRATOR)
    assert sam.is_staff
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.details) == (
        ada,
        "role_granted",
        {"role": "Administrator"},
    )
    assert entry.target_repr == "Sam Taylor"


def test_only_a_superuser_makes_a_superuser_and_that_is_audited(client):
    ada = administrator(username="ada")
    sam = UserFactory(username="sam")
    client.force_login(ada)
    url = reverse("admin:accounts_user_change", args=[sam.pk])
    page = client.get(url)
    assert "is_superuser" not in page.context["adminform"].form.fields
    client.post(url, _user_change_data(page, sam, is_superuser="on"))
    sam.refresh_from_db()
    assert not sam.is_superuser

    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    AuditEntry.objects.all().delete()
    page = client.get(url)
    response = client.post(url, _user_change_data(page, sam, is_superuser="on"))
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.is_superuser
    assert sam.is_staff
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.details) == (
        root,
        "role_granted",
        {"role": "superuser"},
    )
