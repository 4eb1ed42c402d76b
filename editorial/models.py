"""Publications and the audit trail: what the public saw, and who did what.

Both are append-only. A publication is written once, by the publishing functions in
`editorial.publishing`, and never updated; the public reads nothing else.
"""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from drugs.models import Page


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyModel(models.Model):
    """A record that is written once and kept: history is never rewritten."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} records are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} records are never deleted.")


class PublicationQuerySet(models.QuerySet):
    def current(self) -> "PublicationQuerySet":
        """Each page's newest publication: what the public reads now."""
        newest = Publication.objects.filter(page=OuterRef("page")).order_by("-published_at", "-pk")
        return self.filter(pk=Subquery(newest.values("pk")[:1]))


class Publication(AppendOnlyModel):
    """A frozen, self-contained snapshot of one page as the public sees it."""

    class Origin(models.TextChoices):
        IMPORTED = "imported", "Imported: approved before this system"
        REVIEWED = "reviewed", "Published after review"

    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="publications")
    slug = models.SlugField(max_length=200, help_text="The page's address when published.")
    title = models.CharField(max_length=300)
    content = models.JSONField(
        help_text="The page with the drug, side-effect and reference data it showed."
    )
    html = models.TextField(help_text="The page body as rendered at publication.")
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the public content: equal content, equal hash."
    )
    manifest = models.JSONField(
        help_text="The history record of every row the snapshot was built from."
    )
    origin = models.CharField(max_length=20, choices=Origin.choices)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_revised = models.DateField(help_text="When the content the public reads last changed.")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["page", "-published_at"], name="editorial_pub_page_newest"),
            models.Index(fields=["slug"], name="editorial_pub_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("editorial:page", kwargs={"slug": self.slug})

    @property
    def html_safe(self) -> SafeString:
        """The stored body, which `render_page_body` autoescaped when it was published."""
        return mark_safe(self.html)  # noqa: S308 - our own rendering, not editor input


class AuditEntry(AppendOnlyModel):
    """One workflow action: who took it, when, on what, and what they said."""

    class Action(models.TextChoices):
        IMPORT = "import", "Imported"

    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    page = models.ForeignKey(
        Page, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"
