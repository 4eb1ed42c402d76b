"""Changes, revisions, reviews, publications and the audit trail.

The editable rows in `drugs` and `references` are the working copy. A *change* owns
the rows it has edited; submitting it freezes a *revision* (a snapshot of every page it
alters); reviewers approve that exact revision; publishing writes its snapshots as
*publications*, which are all the public ever reads. Revisions, reviews, publications
and audit entries are append-only.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import HistoricalRecords

from drugs.models import Page

from . import hashing


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses the bulk calls that would bypass a model's save() and delete().

    The database refuses them too (editorial.append_only); this says why in Python.
    """

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} records are never updated.")

    def bulk_create(self, objs, *args, **kwargs):
        """Insert many rows; on PostgreSQL, as VALUES rows rather than arrays.

        Django inserts many rows as UNNEST over one array per column, and psycopg quotes
        each text element of an array with a regular expression: for rows of page HTML
        and JSON that costs about 15 ms a row, several seconds for a thousand pages. One
        value given as an expression makes Django send plain VALUES rows instead.
        """
        objs = list(objs)
        field = "content_hash"  # every wide append-only row (publications, their pages)
        if (
            len(objs) < 2
            or connections[self.db].vendor != "postgresql"
            or not hasattr(objs[0], field)
        ):
            return super().bulk_create(objs, *args, **kwargs)
        plain = getattr(objs[0], field)
        setattr(objs[0], field, models.Value(plain))
        try:
            return super().bulk_create(objs, *args, **kwargs)
        finally:
            setattr(objs[0], field, plain)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} records are never updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} records are never deleted.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), which links each entry into the chain.
        raise AppendOnlyError("Audit entries are chained: write them with AuditEntry.append_all.")

    def _insert_chained(self, objs: list["AuditEntry"]) -> list["AuditEntry"]:
        """Insert entries `AuditEntry.append_all` has already linked into the chain."""
        return super().bulk_create(objs)


class AppendOnlyModel(models.Model):
    """A record that is written once and kept: history is never rewritten."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} records are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} records are never deleted.")


# --- Reviewers and the review policy ---------------------------------------------------


def display_name(user) -> str:
    """How screens and messages name a person: their full name, else their user name."""
    return user.get_full_name() or user.get_username()


class CredentialKind(models.TextChoices):
    PHYSICIAN = "physician", "Physician"
    ONCOLOGY_NURSE = "oncology_nurse", "Oncology certified nurse"


def default_review_languages() -> list[str]:
    """The languages a reviewer reviews in until told otherwise: the site's default one."""
    return [settings.LANGUAGES[0][0]]


def unknown_languages(codes: object) -> str:
    """Why `codes` is not a list of settings.LANGUAGES codes, or '' if it is."""
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        return "Give the languages as a list of language codes."
    known = dict(settings.LANGUAGES)
    unknown = [code for code in codes if code not in known]
    if unknown:
        return "Unknown language: " + ", ".join(f"“{code}”" for code in unknown) + "."
    return ""


class ReviewerProfile(models.Model):
    """A person's professional credential, which makes their approvals count.

    Set only by credential administrators (`workflow.credential_set`); its history is kept.
    """

    class Credential(models.TextChoices):
        MD = "MD", "MD (physician)"
        DO = "DO", "DO (physician)"
        OCN = "OCN", "OCN (oncology certified nurse)"
        AOCN = "AOCN", "AOCN (advanced oncology certified nurse)"

    KINDS = {
        Credential.MD: CredentialKind.PHYSICIAN,
        Credential.DO: CredentialKind.PHYSICIAN,
        Credential.OCN: CredentialKind.ONCOLOGY_NURSE,
        Credential.AOCN: CredentialKind.ONCOLOGY_NURSE,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    credential = models.CharField(max_length=10, choices=Credential.choices, blank=True)
    valid_until = models.DateField(
        null=True, blank=True, help_text="The last day the credential is current; empty if open."
    )
    printed_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The reviewer's name as their signatures show it, e.g. “Paula Physician”, "
        "as the organisation verified it. Nobody signs without one.",
    )
    review_languages = models.JSONField(
        default=default_review_languages,
        help_text="The languages this reviewer reviews in (codes of settings.LANGUAGES). "
        "A policy that asks for reviewers in its language counts only their approvals.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "reviewer credential"
        permissions = [("set_credential", "Can set reviewers' credentials")]

    def __str__(self) -> str:
        return f"{self.user}: {self.credential or 'no credential'}"

    @property
    def kind(self) -> str:
        return self.KINDS.get(self.credential, "")

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return bool(self.credential) and (self.valid_until is None or self.valid_until >= on)

    def reviews_in(self, language: str) -> bool:
        """Whether this reviewer reviews in `language` (a code of settings.LANGUAGES)."""
        return language in (self.review_languages or [])

    def clean(self) -> None:
        unknown = unknown_languages(self.review_languages)
        if unknown:
            raise ValidationError({"review_languages": unknown})


class ReviewPolicy(models.Model):
    """Which credentials must approve before publishing, and how often pages are reviewed.

    One policy is active per language; a change is held to the policy of its language.
    """

    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language of the changes this policy reviews.",
    )
    reviewers_in_language = models.BooleanField(
        "reviewers must review in the language",
        default=False,
        help_text="Approvals count only from reviewers who review in this policy's language.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months after a full medical review that the next one is due."
    )
    reading_grade = models.PositiveSmallIntegerField(
        "target reading grade",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text="Sections that read above this US school grade (Flesch–Kincaid) are marked "
        "for writers and reviewers. Patient information should read at grade 8 or lower.",
    )
    reading_ease = models.PositiveSmallIntegerField(
        "target reading ease",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Spanish sections that score below this Fernández-Huerta reading ease "
        "(0–100, higher is easier) are marked for writers and reviewers. Patient information "
        "should read “bastante fácil” (fairly easy), 70 or higher. Empty for English, which "
        "the reading grade measures.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "review policies"
        constraints = [
            models.UniqueConstraint(
                fields=["language"],
                condition=Q(is_active=True),
                name="one_active_review_policy_per_language",
            ),
            models.CheckConstraint(
                condition=Q(reading_grade__gte=1, reading_grade__lte=18),
                name="reading_grade_is_a_school_grade",
            ),
            models.CheckConstraint(
                condition=Q(reading_ease__isnull=True)
                | Q(reading_ease__gte=0, reading_ease__lte=100),
                name="reading_ease_is_a_score",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def active(cls, language: str = "en") -> "ReviewPolicy":
        """The active policy for changes in `language`."""
        return cls.objects.prefetch_related("requirements").get(is_active=True, language=language)


class PolicyRequirement(models.Model):
    policy = models.ForeignKey(ReviewPolicy, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    count = models.PositiveSmallIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="one_requirement_per_kind"),
            models.CheckConstraint(condition=Q(count__gte=1), name="requirement_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.get_kind_display()}"


# --- Changes and revisions ---------------------------------------------------------------


class Change(models.Model):
    """A unit of editorial work: the records one person edited, reviewed and published together."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Kind(models.TextChoices):
        EDIT = "edit", "Edit"
        SIGN_OFF = "sign_off", "Periodic medical review"
        IMPORT = "import", "Import of content approved before this system"

    OPEN_STATES = (
        State.DRAFT,
        State.IN_REVIEW,
        State.CHANGES_REQUESTED,
        State.APPROVED,
        State.SCHEDULED,
    )

    title = models.CharField(max_length=200, help_text="What this change is, for editors.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EDIT)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language this change writes in: English edits the records; any other "
        "language edits only their translations.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="edited_changes",
        blank=True,
        help_text="Everyone who edited a record in this change: none of them may approve it.",
    )
    page = models.ForeignKey(
        Page,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_offs",
        help_text="For a periodic medical review: the page reviewed.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="change_language_is_listed",
            ),
        ]
        permissions = [
            ("publish_change", "Can publish, schedule and unpublish"),
            ("take_over_record", "Can take over a record held by another change"),
            ("view_draft", "Can view drafts and revisions"),
        ]

    def __str__(self) -> str:
        return f"Change {self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("admin:editorial_change_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def current_revision(self) -> "Revision | None":
        return self.revisions.order_by("-number").first()


class ChangeRecord(models.Model):
    """A record owned by an open change: its working state is that change's draft."""

    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="records")
    model = models.CharField(max_length=100, help_text="app_label.model_name")
    object_id = models.PositiveBigIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A record belongs to at most one open change: the database refuses a second.
            models.UniqueConstraint(
                fields=["model", "object_id"],
                condition=Q(released_at__isnull=True),
                name="record_held_by_one_open_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} in change {self.change_id}"


class ReviewClaim(models.Model):
    """A reviewer's note to others that they are reviewing a change now."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="review_claims")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "reviewer"], name="one_claim_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} is reviewing change {self.change_id}"


class Comment(models.Model):
    """A remark in a change's review thread; replies point at the comment they answer."""

    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="comments")
    revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on change {self.change_id}"


class Revision(AppendOnlyModel):
    """A change frozen for review: exactly what its approvals approve and its publish writes."""

    change = models.ForeignKey(Change, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True, help_text="The author's note to reviewers (internal).")
    summary = models.CharField(
        max_length=300, blank=True, help_text="What changed, in a sentence for readers."
    )
    content_hash = models.CharField(max_length=64)
    records = models.JSONField(
        help_text="Every record the change owns, with the history record frozen (null: deleted)."
    )

    class Meta:
        ordering = ["change", "number"]
        constraints = [
            models.UniqueConstraint(fields=["change", "number"], name="revision_number_per_change")
        ]

    def __str__(self) -> str:
        return f"Change {self.change_id}, revision {self.number}"


class RevisionPage(AppendOnlyModel):
    """One page as a revision would publish it, and the publication it was built on."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="pages")
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    base_publication = models.ForeignKey(
        "Publication", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content = models.JSONField()
    html = models.TextField()
    content_hash = models.CharField(max_length=64)
    manifest = models.JSONField()

    class Meta:
        ordering = ["revision", "page_id"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "page"], name="one_snapshot_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.content.get('title', self.page_id)}"

    @property
    def html_safe(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 - rendered by render_page_body, autoescaped


class PageDiffOpened(models.Model):
    """A reviewer opened one page's diff in a revision.

    A page of a wide change that reads differently from the passages the other pages
    share must be opened by each reviewer before they approve
    (`editorial.workflow.pages_to_open`). Written once per reviewer and page.
    """

    revision_page = models.ForeignKey(
        RevisionPage, on_delete=models.PROTECT, related_name="openings"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["revision_page", "reviewer"], name="one_opening_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} opened {self.revision_page}"


class Review(AppendOnlyModel):
    """A reviewer's decision on one revision, with the credential they held then."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Changes requested"

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    is_full_review = models.BooleanField(
        default=False, help_text="The reviewer attests they reviewed the whole page."
    )
    credential = models.CharField(max_length=10, blank=True)
    credential_kind = models.CharField(max_length=20, choices=CredentialKind.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} ({self.credential})"


class Signature(AppendOnlyModel):
    """A reviewer's electronic signature on their review, as it stood at signing.

    21 CFR Part 11 in spirit: the printed name, the credential and its valid-until date,
    the meaning, the date and time with its zone (11.50), the content hash of exactly
    what was signed, and a hash over all of it that the review's audit entry covers, so
    the signature cannot be moved to another record (11.70). One per review.
    """

    class Meaning(models.TextChoices):
        APPROVED = "approved", "Approved as medically accurate"
        FULL_REVIEW = (
            "full_review",
            "Reviewed the whole page and approved it as medically accurate",
        )
        CHANGES_REQUESTED = "changes_requested", "Requested changes"

    class Method(models.TextChoices):
        PASSWORD = "password", "password"
        PASSKEY = "passkey", "passkey"

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=200)
    credential = models.CharField(max_length=10)
    credential_kind = models.CharField(max_length=20, choices=CredentialKind.choices)
    credential_valid_until = models.DateField(null=True, blank=True)
    meaning = models.CharField(max_length=30, choices=Meaning.choices)
    signed_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, help_text="The zone the time is stated in.")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="signatures")
    content_hash = models.CharField(max_length=64, help_text="What was signed: the revision's.")
    method = models.CharField(max_length=20, choices=Method.choices)
    passkey_credential_id = models.CharField(max_length=1000, blank=True)  # base64url
    webauthn_assertion = models.JSONField(default=dict, blank=True)  # base64url parts
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.printed_name}, {self.credential}: {self.get_meaning_display()}"

    def save(self, *args, **kwargs) -> None:
        """On insert, hash every field and the pages of the revision signed."""
        if self._state.adding:
            self.hash = self.expected_hash()
        super().save(*args, **kwargs)

    def expected_hash(self) -> str:
        """The hash this signature's fields and its revision's pages give now."""
        page_ids = list(
            RevisionPage.objects.filter(revision_id=self.revision_id).values_list(
                "page_id", flat=True
            )
        )
        return hashing.signature_hash(self, page_ids)

    @property
    def signed_at_local(self) -> datetime.datetime:
        """The time of signing in the zone the signature states."""
        return timezone.localtime(self.signed_at, ZoneInfo(self.time_zone))

    @property
    def signed_at_text(self) -> str:
        """The date and time of signing with the zone it is stated in."""
        return f"{self.signed_at_local:%B %-d, %Y, %H:%M:%S} ({self.time_zone})"

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


class SignatureCertification(AppendOnlyModel):
    """A reviewer's one-time confirmation that their electronic signature binds them.

    In support of 21 CFR 11.100(c): the statement as it was shown to them, and when they
    confirmed it. Recorded once per person, before their first signature.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signature_certification"
    )
    statement = models.TextField()
    confirmed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} certified their electronic signature"


# --- What the public reads ---------------------------------------------------------------


class PublicationQuerySet(AppendOnlyQuerySet):
    def live(self) -> "PublicationQuerySet":
        """The publications the public reads now: one per live page."""
        return self.filter(current__isnull=False)

    def bulk_create(self, objs, *args, **kwargs):
        """Insert many publications at once, each sealed as `save()` seals one.

        They share the audit trail's head: nothing is appended to it between them.
        """
        objs = list(objs)
        head = _audit_head()
        for publication in objs:
            publication._seal(head)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_create_from_snapshots(
        self, objs: list["Publication"], snapshot_ids: list[int]
    ) -> list["Publication"]:
        """Insert publications frozen from revision pages (`snapshot_ids`, one per publication),
        each sealed as `save()` seals one.

        On PostgreSQL each page's content, HTML and manifest are copied inside the database
        from its revision page instead of being sent again. For 1,001 pages that is 6 MB
        less to encode, send and parse, and the copies keep their compressed form: the
        insert measured 0.56 s with the columns sent and 0.07 s with them copied. The
        hashes are computed from the same values, as the revision page holds them.
        """
        objs = list(objs)
        if connections[self.db].vendor != "postgresql" or len(objs) < 2:
            return self.bulk_create(objs)
        head = _audit_head()
        for publication in objs:
            publication._seal(head)
        connection = connections[self.db]
        quote = connection.ops.quote_name
        fields = [
            field
            for field in self.model._meta.concrete_fields
            if not field.primary_key and field.name not in SNAPSHOT_COLUMNS
        ]
        placeholders = (
            "(%s::bigint, "
            + ", ".join(f"%s::{field.db_type(connection)}" for field in fields)
            + ")"
        )
        names = [quote(field.column) for field in fields]
        copied = ", ".join(quote(name) for name in SNAPSHOT_COLUMNS)
        by_page = {publication.page_id: publication for publication in objs}
        with connection.cursor() as cursor:
            for start in range(0, len(objs), 2000):  # well inside PostgreSQL's 65,535 parameters
                batch = list(
                    zip(objs[start : start + 2000], snapshot_ids[start : start + 2000], strict=True)
                )
                params = []
                for publication, snapshot_id in batch:
                    params.append(snapshot_id)
                    params.extend(
                        field.get_db_prep_save(getattr(publication, field.attname), connection)
                        for field in fields
                    )
                # Names from the model's own meta; every value is a parameter.
                sql = (
                    f"INSERT INTO {quote(self.model._meta.db_table)} ({', '.join(names)}, {copied}) "  # noqa: S608
                    f"SELECT {', '.join('v.' + name for name in names)}, "
                    f"{', '.join('s.' + name for name in copied.split(', '))} "
                    f"FROM (VALUES {', '.join([placeholders] * len(batch))}) "
                    f"AS v(snapshot_id, {', '.join(names)}) "
                    f"JOIN {quote(RevisionPage._meta.db_table)} s ON s.id = v.snapshot_id "
                    "RETURNING id, page_id"
                )
                cursor.execute(sql, params)
                returned = cursor.fetchall()
                if len(returned) != len(batch):
                    raise RuntimeError("A publication's revision page was not found.")
                for pk, page_id in returned:
                    publication = by_page[page_id]
                    publication.pk = pk
                    publication._state.adding = False
                    publication._state.db = self.db
        return objs


# What a publication copies, unchanged, from the revision page it was frozen from.
SNAPSHOT_COLUMNS = ("content", "html", "manifest")


def _audit_head() -> tuple[int, str]:
    """The audit trail's newest entry: (seq, hash), or (0, "") while it is empty."""
    return AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() or (0, "")


class Publication(AppendOnlyModel):
    """A frozen, self-contained snapshot of one page as the public sees it."""

    class Origin(models.TextChoices):
        IMPORTED = "imported", "Imported: approved before this system"
        REVIEWED = "reviewed", "Published after review"

    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="publications")
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="publications"
    )
    slug = models.SlugField(max_length=200, help_text="The page's address when published.")
    title = models.CharField(max_length=300)
    cancer_type = models.CharField(max_length=200, blank=True)
    drug_slugs = models.CharField(
        max_length=1000, blank=True, help_text="|slug| of each drug the page shows, for lookups."
    )
    search_text = models.TextField(
        blank=True, help_text="Title, drugs and side effects: what public search matches."
    )
    content = models.JSONField(
        help_text="The page with the drug, side-effect and reference data it showed."
    )
    html = models.TextField(help_text="The page body as rendered at publication.")
    json_ld = models.TextField(
        blank=True,
        help_text="The page's schema.org data, escaped for a script element, less its URL.",
    )
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the public content: equal content, equal hash."
    )
    manifest = models.JSONField(
        help_text="The history record of every row the snapshot was built from."
    )
    summary = models.CharField(max_length=300, blank=True, help_text="What changed, for readers.")
    origin = models.CharField(max_length=20, choices=Origin.choices)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_revised = models.DateField(help_text="When the content the public reads last changed.")
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When the policy's reviewers last reviewed the whole page."
    )
    reviewed_by = models.JSONField(
        default=list, blank=True, help_text="The credentials of that review, e.g. ['MD', 'OCN']."
    )
    review_attested = models.BooleanField(
        default=False,
        help_text="This publication carries a full medical review the policy's reviewers attested.",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="The last full medical review plus the policy's interval; empty (due now) "
        "while no review is on record.",
    )
    # Set once, on insert: the audit trail's newest entry then, so removing entries
    # from the end of the trail is caught, and a hash over everything the public reads.
    audit_head_seq = models.PositiveBigIntegerField(default=0, editable=False)
    audit_head_hash = models.CharField(max_length=64, blank=True, editable=False)
    integrity_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["page", "-published_at"], name="editorial_pub_page_newest"),
            models.Index(fields=["slug"], name="editorial_pub_slug"),
        ]

    def __str__(self) -> str:
        # In the site's time, as every other time editors read (stored in UTC).
        return f"{self.title} ({timezone.localtime(self.published_at):%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        """On insert, record the audit trail's head and hash every public column."""
        if self._state.adding:
            self._seal(_audit_head())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("editorial:page", kwargs={"slug": self.slug})

    @property
    def html_safe(self) -> SafeString:
        """The stored body, which `render_page_body` autoescaped when it was published."""
        return mark_safe(self.html)  # noqa: S308 - our own rendering, not editor input

    def translation_record(self) -> "PublicationTranslation | None":
        """The row naming this publication's language and source: the one to be written
        with it (`pending_translation`, set before insert), else the stored one; None for
        a publication in the default language."""
        pending = getattr(self, "pending_translation", None)
        if pending is not None or self.pk is None:
            return pending
        try:
            return self.translation
        except ObjectDoesNotExist:
            return None

    def _seal(self, head: tuple[int, str]) -> None:
        self.audit_head_seq, self.audit_head_hash = head
        self.integrity_hash = hashing.publication_hash(self, self.translation_record())


class PublicationRecord(AppendOnlyModel):
    """One row of a publication's manifest: it showed this record at this history record.

    Written with the publication, so "which live pages show this record?" is an indexed
    join (on model and pk, then to CurrentPublication) instead of a read of every live
    publication's manifest.
    """

    # The unique constraint, which starts with it, indexes the publication.
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="record_rows", db_index=False
    )
    model = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    history_id = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["model", "object_id"], name="editorial_pubrec_record")]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "model", "object_id"], name="one_row_per_record_shown"
            )
        ]

    def __str__(self) -> str:
        return f"publication {self.publication_id} shows {self.model} {self.object_id}"


class PublicationDrug(AppendOnlyModel):
    """A drug a publication shows, by slug: what a public drug page lists pages by."""

    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, related_name="drug_rows", db_index=False
    )
    slug = models.SlugField(max_length=200, db_index=False)

    class Meta:
        indexes = [models.Index(fields=["slug", "publication"], name="editorial_pubdrug_slug")]
        constraints = [
            models.UniqueConstraint(fields=["publication", "slug"], name="one_row_per_drug_shown")
        ]

    def __str__(self) -> str:
        return f"publication {self.publication_id} shows {self.slug}"


class PublicationSearch(AppendOnlyModel):
    """The words a reader sees on a publication, as public search reads them.

    Derived from the publication's frozen content (`lookups.search_parts`) and written
    with it, a passage a line in four parts weighted A to D; `words` is every distinct
    word, for whole-word matching on SQLite and for "Did you mean". On PostgreSQL,
    `vector` is the parts' weighted tsvector, GIN-indexed; elsewhere it stays empty.
    """

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, primary_key=True, related_name="search_row"
    )
    heading = models.TextField(default="", help_text="The title and the cancer type (A).")
    names = models.TextField(default="", help_text="The drugs' generic and brand names (B).")
    facts = models.TextField(
        default="", help_text="Drug class, targets, route and side-effect terms (C)."
    )
    body = models.TextField(default="", help_text="The page's sentences (D).")
    words = models.TextField(default="", help_text="Every distinct word, lower case: ' a b '.")
    vector = SearchVectorField(null=True)

    class Meta:
        indexes = [GinIndex(fields=["vector"], name="editorial_pubsearch_vector")]

    def __str__(self) -> str:
        return f"search words of publication {self.publication_id}"


class PublicationVersion(AppendOnlyModel):
    """The version of the page a publication shows: "Version 7 · December 1, 2026".

    A publication that changed what readers see (its content hash differs from the
    page's previous publication's) starts the next version, dated its Last Revised; one
    that changed nothing keeps the version it republished. Written with the publication
    (`versions.versions_write`) and as fixed as it; `integrity.verify_versions` recounts.
    """

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, primary_key=True, related_name="version"
    )
    number = models.PositiveIntegerField(help_text="1 for the page's first content, and so on.")
    day = models.DateField(help_text="When this version's content was first published.")

    def __str__(self) -> str:
        return f"publication {self.publication_id}: {self.label}"

    @property
    def label(self) -> str:
        from .versions import version_label  # versions reads these models

        return version_label(self.number, self.day)


class PublicationTranslation(AppendOnlyModel):
    """A publication in a language other than the default, and what it was translated from.

    Its own table, written with the publication: publications are never rewritten, not
    even by a migration, so a publication with no row here is in the default language.
    `source_content_hash` is the content hash of the default-language publication the
    translation was made from; the translation is out of date once the page's live
    default-language content hashes otherwise.
    """

    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, primary_key=True, related_name="translation"
    )
    language = models.CharField(max_length=10)
    source = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The default-language publication this was translated from.",
    )
    source_content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES[1:]]),
                name="publication_translation_language_is_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication} in {self.language}"


class ComplianceNumber(AppendOnlyModel):
    """A publication's compliance number: "IMP-2026-000123", the site's one serial of them.

    Unlike the version label (which readers see, and which a republish keeps), every
    publication gets its own number, unique across the site and increasing with the order
    of publishing. The serial is the table's own identity column (an AUTOINCREMENT
    rowid on SQLite), assigned by the database inside the publish that holds the
    publishing lock, so two publishes never take the same number and none is ever
    handed out twice. Written with the publication (`compliance.compliance_numbers_write`)
    and as fixed as it; `integrity.verify_compliance_numbers` checks them.
    """

    number = models.BigAutoField(primary_key=True, help_text="The site-wide serial.")
    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, related_name="compliance_number"
    )
    year = models.PositiveSmallIntegerField(
        help_text="The year of publishing, in the site's time zone."
    )

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        from .compliance import compliance_reference  # compliance reads these models

        return compliance_reference(self.year, self.number)


class CurrentPublicationQuerySet(models.QuerySet):
    def live(self) -> "CurrentPublicationQuerySet":
        return self.filter(publication__isnull=False)


class CurrentPublication(models.Model):
    """Which publication of a page the public reads now; none once it is unpublished.

    The only mutable record of what is public, moved by the publishing functions alone.
    """

    page = models.OneToOneField(Page, on_delete=models.PROTECT, primary_key=True, related_name="+")
    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="current"
    )
    # Its publication's slug, kept beside the pointer: readers find a page by address
    # with one unique-index lookup however many publications it has had, and no two
    # live pages can share an address.
    slug = models.SlugField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="The live page's address (its publication's); none once unpublished.",
    )
    since = models.DateTimeField()

    objects = CurrentPublicationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.page}: {self.publication or 'unpublished'}"


class CurrentTranslation(models.Model):
    """Which publication of a page readers of one other language get now; none once
    unpublished. The default language's pointer stays `CurrentPublication`, untouched."""

    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=10)
    publication = models.OneToOneField(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # As CurrentPublication's: one unique-index lookup finds a live page by address.
    slug = models.SlugField(max_length=200, null=True, blank=True)  # noqa: DJ001 (NULL: not live)
    since = models.DateTimeField()

    objects = CurrentPublicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="one_current_translation"),
            models.UniqueConstraint(
                fields=["language", "slug"], name="one_translated_page_per_address"
            ),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES[1:]]),
                name="current_translation_language_is_listed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} in {self.language}: {self.publication or 'unpublished'}"


class PublishedVersion(models.Model):
    """The published state of one record: the history record the public content uses.

    Snapshots read every record that a change does not own from here, so nobody's
    unpublished edits leak into anybody else's revision.
    """

    model = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    history_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id"], name="one_published_version")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} @ {self.history_id}"


class PublishingLock(models.Model):
    """The one row every publish and unpublish locks first, so they happen one at a time.

    What the public reads is one shared state: the live pointers, and each record's
    published version, which every page showing it depends on. Serialising its writers
    makes each publish check that state and change it with nobody moving it in between.
    Publishes are rare and short, so one lock costs nothing a finer one would save.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_publishing_lock")]

    def __str__(self) -> str:
        return "publishing lock"

    @classmethod
    def acquire(cls) -> None:
        """Lock the row until the transaction ends, creating it the first time."""
        # ON CONFLICT DO NOTHING: a test flush or a fresh database may have no row yet,
        # and two first publishers must not both try to insert it.
        cls.objects.bulk_create([cls(id=1)], ignore_conflicts=True)
        cls.objects.select_for_update().get(id=1)


class AuditChainHead(models.Model):
    """The audit chain's newest entry, in one row that every append locks.

    Locking it makes concurrent appends queue, so the chain never forks. Created on
    demand, since a test flush empties it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"

    @classmethod
    def lock(cls) -> "AuditChainHead":
        """The head row, locked until the transaction ends (taken last, when writing)."""
        cls.objects.bulk_create([cls(pk=1)], ignore_conflicts=True)
        return cls.objects.select_for_update().get(pk=1)


class AuditEntry(AppendOnlyModel):
    """One workflow action: who took it, when, on what, and what they said.

    Entries form a hash chain: each stores a hash of its content together with the
    previous entry's hash, and, when it names a page, with that page's previous entry's
    hash too, so the whole trail and each page's part of it verify on their own.
    """

    class Action(models.TextChoices):
        IMPORT = "import", "Imported"
        EDIT = "edit", "Edited"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        UNSCHEDULE = "unschedule", "Unscheduled"
        SCHEDULE_FAILED = "schedule_failed", "Scheduled publish refused"
        UNPUBLISH = "unpublish", "Unpublished"
        WITHDRAW = "withdraw", "Withdrawn"
        TAKE_OVER = "take_over", "Took over a record"
        REVERT = "revert", "Reverted"
        SIGN_OFF = "sign_off", "Started a periodic review"
        CLAIM = "claim", "Started reviewing"
        CREDENTIAL = "credential", "Changed a credential"
        IDENTITY = "identity", "Changed the site's identity"
        PASSKEY_ADDED = "passkey_added", "Added a passkey"
        PASSKEY_REMOVED = "passkey_removed", "Removed a passkey"
        SIGNING_FAILED = "signing_failed", "Failed signing attempt"
        SIGNATURE_CERTIFIED = "signature_certified", "Certified their electronic signature"

    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    change = models.ForeignKey(
        Change, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    page = models.ForeignKey(
        Page, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    # The signature an approval or a request for changes carries; its hash is chained.
    signature = models.ForeignKey(
        Signature, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    page_prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["page", "seq"], name="editorial_audit_page_seq")]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{self.get_action_display()} by {self.actor} at {at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        """On insert, link the entry to the chain's head under the head's row lock."""
        if not self._state.adding:
            return super().save(*args, **kwargs)  # which refuses
        with transaction.atomic(using=kwargs.get("using")):
            head = AuditChainHead.lock()
            last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
            last_seq, self.prev_hash = last or (0, "")
            self.seq = last_seq + 1
            self.page_prev_hash = ""
            if self.page_id is not None:
                self.page_prev_hash = (
                    AuditEntry.objects.filter(page_id=self.page_id)
                    .order_by("-seq")
                    .values_list("hash", flat=True)
                    .first()
                ) or ""
            self.hash = hashing.audit_hash(
                self, self.publication_integrity(), self.signature_integrity()
            )
            super().save(*args, **kwargs)
            head.seq, head.hash = self.seq, self.hash
            head.save(update_fields=["seq", "hash"])

    def publication_integrity(self) -> str:
        """The integrity hash of the publication the entry names, which its hash covers."""
        return self.publication.integrity_hash if self.publication_id else ""

    def signature_integrity(self) -> str:
        """The hash of the signature the entry names, which its hash covers."""
        return self.signature.hash if self.signature_id else ""

    @classmethod
    def append_all(cls, entries: list["AuditEntry"]) -> list["AuditEntry"]:
        """Append many entries in one insert, chained exactly as one `save()` each would.

        Under the head's lock: each entry links to the one before it in the list (the
        first to the chain's head) and to the last entry about its page, read once for
        all the pages named.
        """
        if not entries:
            return entries
        with transaction.atomic():
            head = AuditChainHead.lock()
            seq, previous = _audit_head()
            page_ids = {entry.page_id for entry in entries if entry.page_id is not None}
            newest = (
                cls.objects.filter(page_id__in=page_ids)
                .order_by()
                .values("page_id")
                .annotate(last=Max("seq"))
                .values("last")
            )
            page_heads = dict(cls.objects.filter(seq__in=newest).values_list("page_id", "hash"))
            for entry in entries:
                seq += 1
                entry.seq, entry.prev_hash = seq, previous
                entry.page_prev_hash = page_heads.get(entry.page_id, "") if entry.page_id else ""
                entry.hash = hashing.audit_hash(
                    entry, entry.publication_integrity(), entry.signature_integrity()
                )
                previous = entry.hash
                if entry.page_id is not None:
                    page_heads[entry.page_id] = entry.hash
            cls.objects.all()._insert_chained(entries)
            head.seq, head.hash = seq, previous
            head.save(update_fields=["seq", "hash"])
        return entries


class SiteIdentity(models.Model):
    """The organisation the public site speaks for: its name, short name, logo, contact page.

    One row (pk `ONLY`), a site setting rather than medical content: changed by a
    managing editor through `editorial.identity.identity_save`, its history kept.
    """

    ONLY = 1

    name = models.CharField(
        "organisation's name",
        max_length=200,
        default="Cancer drug information",
        help_text="Shown in every page's header and title.",
    )
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Where space is short; empty means the name."
    )
    logo = models.CharField(
        max_length=200,
        blank=True,
        help_text="The path of an SVG, PNG or WebP among the site's static files, "
        "e.g. editorial/logo.svg; empty for none.",
    )
    contact_url = models.CharField(
        "contact page",
        max_length=500,
        blank=True,
        help_text="A page of this site (/contact/) or a web address (https://…); empty for none.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "site identity"
        verbose_name_plural = "site identity"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .identity import validate_contact_url, validate_logo

        errors = {}
        for name, validate in (("logo", validate_logo), ("contact_url", validate_contact_url)):
            try:
                validate(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)


class Passkey(models.Model):
    """A reviewer's passkey (a WebAuthn credential): what signs their approvals.

    Only the public half is kept, with the counter the authenticator reports, so a
    copied authenticator shows itself (`editorial.passkeys`). Added and removed by its
    owner alone, each audited; a signature keeps the public key it was made with, so
    removing a passkey never makes a past signature unverifiable.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    # base64url of the raw credential id (WebAuthn allows up to 1,023 bytes).
    credential_id = models.CharField(max_length=1400, unique=True)
    # The COSE_Key the authenticator gave at registration.
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    name = models.CharField(max_length=100, help_text="Your label for it, e.g. “Work laptop”.")
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField("added", default=timezone.now)
    last_used_at = models.DateTimeField("last used to sign", null=True, blank=True)
    # The challenge of its last accepted signature (base64url): the same one again is a
    # replay, even from two requests that read the session before either spent it.
    last_challenge = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "passkey"
        verbose_name_plural = "your passkeys"
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_passkey_name_per_person")
        ]

    def __str__(self) -> str:
        return self.name


class PendingPurge(models.Model):
    """A purge or ban an HTTP cache did not accept, kept until `retry_purges` delivers it.

    Written only when a purge fails, so a worker that dies loses nothing; deleted once the
    cache answers. Until then the cache's TTL for pages bounds how stale a reader's page is.
    """

    class Kind(models.TextChoices):
        PURGE = "purge", "Purge these URLs"
        BAN = "ban", "Ban URLs matching a pattern"

    location = models.CharField(max_length=500, help_text="The cache address it is for.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The URLs (purge) or the one pattern (ban), as the backend was given them.
    targets = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.location}: {self.targets}"
