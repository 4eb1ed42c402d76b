from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.history import save_with_history
from editorial import roles
from editorial.models import ReviewerProfile

# username, full name, role, credential, password: for local demonstration only.
DEMO_USERS = [
    ("writer", "Wren Writer", roles.WRITER, "", "demo-writer-pass"),
    ("physician", "Paula Physician", roles.PHYSICIAN, "MD", "demo-physician-pass"),
    ("nurse", "Nina Nurse", roles.NURSE, "OCN", "demo-nurse-pass"),
    ("editor", "Mara Editor", roles.MANAGING_EDITOR, "", "demo-editor-pass"),
]


class Command(BaseCommand):
    help = "Create one demo user for each role, with known passwords, and print their logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create them even with DEBUG off. Known passwords: never on a real site.",
        )

    @transaction.atomic
    def handle(self, *args, allow_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo users have known passwords: refusing with DEBUG off "
                "(pass --allow-production to insist)."
            )
        groups = roles.roles_sync()
        User = get_user_model()
        self.stdout.write("Demo logins (http://127.0.0.1:8000/admin/):")
        for username, full_name, role, credential, password in DEMO_USERS:
            first, _, last = full_name.partition(" ")
            user, _ = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.is_staff = True
            user.email = f"{username}@example.org"
            user.set_password(password)
            user.save()
            user.groups.set([groups[role]])
            if credential:
                profile = ReviewerProfile.objects.filter(user=user).first()
                profile = profile or ReviewerProfile(user=user)
                profile.credential = credential
                save_with_history(profile, user=None, reason="Demo reviewer credential")
            label = f"{role} ({credential})" if credential else role
            self.stdout.write(f"  {label:<32} {username:<10} password: {password}")
        self.stdout.write("  The public site needs no login: http://127.0.0.1:8000/")
