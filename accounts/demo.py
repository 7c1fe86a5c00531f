"""Demo users: one per role, plus a second facilitator and leader for live capture."""

from django.contrib.auth.models import Group

from .models import Role, User

DEMO_PASSWORD = "open-chair-demo"  # noqa: S105 - public on purpose; seed_demo refuses DEBUG off

# username, first name, last name, role
DEMO_USERS: list[tuple[str, str, str, str]] = [
    ("admin", "Ada", "Admin", Role.ADMINISTRATOR.value),
    ("leader", "Lena", "Leader", Role.LEADER.value),
    ("leader2", "Luis", "Lead", Role.LEADER.value),
    ("facilitator", "Femi", "Facilitator", Role.FACILITATOR.value),
    ("facilitator2", "Fran", "Facil", Role.FACILITATOR.value),
    ("executive", "Esme", "Executive", Role.EXECUTIVE.value),
]


def seed(*, stdout) -> None:
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@open-chair.example",
                "is_staff": role == Role.ADMINISTRATOR.value,
                "is_superuser": role == Role.ADMINISTRATOR.value,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    stdout.write(f"  users: {len(DEMO_USERS)} demo users")
