import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from editorial import roles


class Command(BaseCommand):
    help = (
        "Bring every role's group and its permissions up to date (migrate does this too) "
        "and say what changed. Nobody's group memberships are touched."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; say what would change and exit non-zero if anything would.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The database to sync (default: default)."
        )

    def handle(self, *args, check: bool, database: str, **options) -> None:
        try:
            changes = roles.roles_sync(apply=not check, using=database)
        except roles.MissingPermissions as missing:
            raise CommandError(str(missing)) from None
        for change in changes:
            self.stdout.write(change.describe(done=not check))
        if not changes:
            self.stdout.write("Roles are up to date.")
        elif check:
            sys.exit(1)
