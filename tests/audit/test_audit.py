import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory, administrator


def role_group(role: Role) -> Group:
    return Group.objects.get_or_create(name=role.value)[0]


@pytest.mark.django_db
def test_granting_and_revoking_a_role_is_recorded():
    user = UserFactory(username="sam")
    AuditEntry.objects.all().delete()
    user.groups.add(role_group(Role.EXECUTIVE))
    user.groups.remove(role_group(Role.EXECUTIVE))
    entries = list(
        AuditEntry.objects.order_by("pk").values_list("action", "target_repr", "details")
    )
    assert entries == [
        ("role_granted", str(user), {"role": "Executive"}),
        ("role_revoked", str(user), {"role": "Executive"}),
    ]


@pytest.mark.django_db
def test_clearing_roles_and_adding_users_to_a_role_are_recorded():
    user = UserFactory(username="kim", role=[Role.LEADER, Role.FACILITATOR])
    AuditEntry.objects.all().delete()
    user.groups.clear()
    role_group(Role.ADMINISTRATOR).user_set.add(user)
    entries = sorted(AuditEntry.objects.values_list("action", "details__role"))
    assert entries == [
        ("role_granted", "Administrator"),
        ("role_revoked", "Facilitator"),
        ("role_revoked", "Leader"),
    ]


@pytest.mark.django_db
def test_role_change_in_the_admin_names_the_administrator_who_made_it(client):
    admin_user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    target = UserFactory(username="newcomer")
    client.force_login(admin_user)
    AuditEntry.objects.all().delete()
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "username": target.username,
            "groups": [role_group(Role.LEADER).pk],
            "date_joined_0": target.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": target.date_joined.strftime("%H:%M:%S"),
            "is_active": "on",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_repr, entry.action) == (admin_user, "boss", "role_granted")
    assert entry.details == {"role": "Leader"}


@pytest.mark.django_db
def test_audit_record_refuses_details_that_name_a_speaker():
    with pytest.raises(ValueError, match="feedback authorship"):
        audit_record(action="export", target_repr="meeting 4", details={"speaker": "Ann"})
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_audit_record_keeps_the_actor_name_after_the_account_is_deleted():
    actor = administrator(username="ria")
    entry = audit_record(
        actor=actor, action="export", target_repr="Actions CSV", details={"rows": 12}
    )
    actor.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_repr == "ria"
    assert "ria" in str(entry)


@pytest.mark.django_db
def test_audit_entry_has_no_link_to_feedback():
    related = {field.related_model for field in AuditEntry._meta.get_fields() if field.is_relation}
    from django.contrib.auth import get_user_model

    assert related == {get_user_model()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEADER, Role.FACILITATOR, Role.EXECUTIVE])
def test_only_administrators_read_the_audit_log(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("audit:list")).status_code == 403


@pytest.mark.django_db
def test_administrator_reads_and_filters_the_audit_log(client):
    admin_user = administrator(username="ria")
    audit_record(actor=admin_user, action="export", target_repr="Actions CSV")
    audit_record(actor=admin_user, action="erasure", target_repr="contact #7")
    client.force_login(admin_user)
    page = client.get(reverse("audit:list"))
    assert page.status_code == 200
    assert b"Actions CSV" in page.content
    assert b"contact #7" in page.content
    filtered = client.get(
        reverse("audit:list"), {"action": "export"}, headers={"HX-Request": "true"}
    )
    assert b"Actions CSV" in filtered.content
    assert b"contact #7" not in filtered.content


@pytest.mark.django_db
def test_audit_log_cannot_be_edited_or_deleted_in_the_admin(client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    entry = audit_record(actor=admin_user, action="export", target_repr="x")
    client.force_login(admin_user)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_erasing_a_contact_is_audited_without_the_erased_name():
    from customers.services import contact_erase
    from tests.factories import ContactFactory

    contact = ContactFactory(name="Ann Example")
    contact_erase(contact=contact)
    entry = AuditEntry.objects.get(action="erasure")
    assert entry.target_repr == f"contact #{contact.pk} of {contact.organisation}"
    assert "Ann Example" not in str(entry.target_repr) + str(entry.details)


@pytest.mark.django_db
def test_customer_export_is_audited(client):
    actor = administrator(username="exporter")
    client.force_login(actor)
    response = client.get(reverse("customers:export"))
    assert response.status_code == 200
    b"".join(response.streaming_content) if response.streaming else response.content
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.target_repr) == (actor, "Customers CSV")
