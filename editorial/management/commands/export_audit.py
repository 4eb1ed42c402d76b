from django.core.management.base import BaseCommand, CommandError

from editorial import audit_bundle


class Command(BaseCommand):
    help = (
        "Write one page's audit bundle: every publication with its compliance number, the "
        "revisions and signed reviews behind them, the audit entries, the reviewers' credential "
        "history and the signers' certifications, as canonical JSON (which `python editorial/audit_verify.py` checks) or as "
        "a printable HTML document."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The page's address (a former address also finds it).")
        parser.add_argument("--format", choices=sorted(audit_bundle.FORMATS), default="json")
        parser.add_argument("--output", help="The file to write; the standard output if none.")

    def handle(self, *args, slug: str, format: str, output: str | None, **options) -> None:
        try:
            page = audit_bundle.page_for_export(slug)
        except audit_bundle.PageNotFound as error:
            raise CommandError(str(error)) from error
        bundle = audit_bundle.bundle_build(page)
        text = audit_bundle.bundle_text(bundle, format)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stdout.write(
            f"Wrote the audit bundle of “{page.title}” ({len(bundle['publications'])} "
            f"publications, {len(bundle['audit_entries'])} audit entries) to {output}; "
            f"digest {bundle['digest']['value']}"
        )
