from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from editorial import roles, workflow
from editorial.models import ReviewerProfile

# username, full name, role, credential, password: for local demonstration only.
DEMO_USERS = [
    ("writer", "Wren Writer", roles.WRITER, "", "demo-writer-pass"),
    ("physician", "Paula Physician", roles.PHYSICIAN, "MD", "demo-physician-pass"),
    ("nurse", "Nina Nurse", roles.NURSE, "OCN", "demo-nurse-pass"),
    ("editor", "Mara Editor", roles.MANAGING_EDITOR, "", "demo-editor-pass"),
    ("credentials", "Cora Credentials", roles.CREDENTIAL_ADMIN, "", "demo-credentials-pass"),
    ("translator", "Teo Translator", roles.TRANSLATOR, "", "demo-translator-pass"),
]
# Grants the demo reviewers' credentials, so they are audited like any other.
GRANTED_BY = "credentials"
# The demo reviewers review in English and Spanish, so the Spanish policy can be met.
REVIEW_LANGUAGES = ["en", "es"]


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
        # migrate keeps the groups; syncing again costs nothing and says if it had not.
        for change in roles.roles_sync():
            self.stdout.write(f"Roles: {change}")
        groups = roles.role_groups()
        User = get_user_model()
        self.stdout.write("Demo logins (http://127.0.0.1:8000/admin/):")
        credentials, names = {}, {}
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
                credentials[user], names[user] = credential, full_name
            label = f"{role} ({credential})" if credential else role
            self.stdout.write(f"  {label:<32} {username:<10} password: {password}")
        self.stdout.write("  The public site needs no login: http://127.0.0.1:8000/")
        granter = User.objects.get(username=GRANTED_BY)
        for user, credential in credentials.items():
            profile = ReviewerProfile.objects.filter(user=user).first()
            if (
                profile is None
                or profile.credential != credential
                or profile.valid_until
                or profile.printed_name != names[user]
                or profile.review_languages != REVIEW_LANGUAGES
            ):
                workflow.credential_set(
                    user=user,
                    credential=credential,
                    valid_until=None,
                    editor=granter,
                    printed_name=names[user],
                    review_languages=REVIEW_LANGUAGES,
                )
