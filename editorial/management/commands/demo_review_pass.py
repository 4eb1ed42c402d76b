from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.history import save_with_history
from drugs.models import Drug
from editorial import signing, workflow

from .create_demo_users import DEMO_USERS

# A sentence that one run adds to the drug and the next takes away, so every run edits.
DEMO_SENTENCE = " Take it at the same time each day."


def demo_signing(user) -> signing.Signing:
    """Sign as a demo user with their known password, certifying on first use."""
    password = {username: password for username, *_, password in DEMO_USERS}[user.username]
    proof = signing.signing_by_password(
        signing.command_request(user), user=user, username=user.username, password=password
    )
    if not signing.is_certified(user):
        signing.signature_certify(signing=proof)
    return proof


class Command(BaseCommand):
    help = (
        "As the demo users (create_demo_users), take one edit of a drug through submit, "
        "both reviews and publishing: a demonstration of the workflow, used by CI."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--drug", default="everolimus", help="The drug's slug.")

    def handle(self, *args, drug: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo users are for local demonstration: refusing with DEBUG off."
            )
        users = {
            u.username: u
            for u in get_user_model().objects.filter(
                username__in=["writer", "physician", "nurse", "editor"]
            )
        }
        if len(users) < 4:
            raise CommandError("Run `manage.py create_demo_users` first.")
        record = Drug.objects.filter(slug=drug).first()
        if record is None:
            raise CommandError(f"No drug “{drug}”: run `manage.py import_seed` first.")
        writer = users["writer"]
        try:
            with transaction.atomic():
                workflow.record_check_editable(user=writer, key=workflow.record_key(record))
                text = record.administration
                if text.endswith(DEMO_SENTENCE):
                    record.administration = text.removesuffix(DEMO_SENTENCE)
                else:
                    record.administration = text + DEMO_SENTENCE
                save_with_history(record, user=writer, reason="Demo review pass")
                change = workflow.record_edit(user=writer, instance=record)
            revision = workflow.change_submit(
                change=change, user=writer, summary="Updated how the drug is taken."
            )
            for reviewer in (users["physician"], users["nurse"]):
                workflow.revision_approve(
                    revision=revision,
                    reviewer=reviewer,
                    content_hash=revision.content_hash,
                    signing=demo_signing(reviewer),
                )
            publications = workflow.revision_publish(revision=revision, editor=users["editor"])
        except (workflow.InvalidTransition, PermissionDenied) as refusal:
            raise CommandError(str(refusal)) from refusal
        for publication in publications:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published change {change.pk}: {publication.get_absolute_url()}"
                )
            )
