from django.core.management.base import BaseCommand, CommandError

from editorial.importing import seed_import
from editorial.workflow import InvalidTransition


class Command(BaseCommand):
    help = (
        "Load the seed page as records and publish it as content approved before this "
        "system. Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            publication = seed_import()
        except InvalidTransition as error:
            raise CommandError(str(error)) from error
        if publication is None:
            self.stdout.write("The seed page is already published; nothing to do.")
            return
        revised = publication.last_revised
        self.stdout.write(
            self.style.SUCCESS(
                f"Published “{publication.title}” at {publication.get_absolute_url()} "
                f"(imported: approved before this system; "
                f"Last Revised {revised:%B} {revised.day}, {revised.year})."
            )
        )
