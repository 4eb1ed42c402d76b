from django.core.management.base import BaseCommand

from editorial.public import frontend_cache


class Command(BaseCommand):
    help = (
        "Send the HTTP cache purges that failed when a page was published or unpublished "
        "again, and forget each one the cache accepts. Run it from cron each minute."
    )

    def handle(self, *args, **options) -> None:
        delivered, pending = frontend_cache.retry_pending()
        # Quiet when there was nothing to do, so a cron log shows only real work.
        if delivered or pending:
            self.stdout.write(f"{delivered} purge(s) delivered, {pending} still pending.")
