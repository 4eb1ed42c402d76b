from django.core.management.base import BaseCommand

from editorial.workflow import publish_due


class Command(BaseCommand):
    help = (
        "Publish every scheduled change that is due, checking its approvals and credentials "
        "again. Run it from cron every minute; overlapping runs publish each change once."
    )

    def handle(self, *args, **options) -> None:
        outcomes = publish_due()
        for change, outcome in outcomes:
            self.stdout.write(f"Change {change.pk}: {outcome}")
        if not outcomes:
            self.stdout.write("Nothing is due.", self.style.NOTICE)
