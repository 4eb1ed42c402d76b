"""Electronic signatures: `Signature` per review, `SignatureCertification` per reviewer,
the printed name on a credential, and the audit entry that names a signature.

Both new tables are append-only like reviews; no existing row is rewritten (an entry
without a signature hashes as before).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from editorial import append_only

TABLES = ("editorial_signature", "editorial_signaturecertification")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    # The audit table gained a column: its triggers are made again in case the engine
    # rebuilt the table (SQLite does for some changes), which would have dropped them.
    for statement in append_only.drop_statements(vendor, ["editorial_auditentry"]):
        schema_editor.execute(statement)
    for statement in append_only.create_statements(vendor, ["editorial_auditentry", *TABLES]):
        schema_editor.execute(statement)


def recreate_audit_triggers(apps, schema_editor):
    # Run last when migrating back: removing the column rebuilds the table on SQLite.
    vendor = schema_editor.connection.vendor
    for statement in append_only.drop_statements(vendor, ["editorial_auditentry"]):
        schema_editor.execute(statement)
    for statement in append_only.create_statements(vendor, ["editorial_auditentry"]):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    # The PostgreSQL function stays: 0009's triggers still use it.
    for statement in append_only.drop_statements(schema_editor.connection.vendor, TABLES):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0020_passkey"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_audit_triggers),
        migrations.AddField(
            model_name="reviewerprofile",
            name="printed_name",
            field=models.CharField(
                blank=True,
                help_text="The reviewer's name as their signatures show it, e.g. “Paula Physician”, as the organisation verified it. Nobody signs without one.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalreviewerprofile",
            name="printed_name",
            field=models.CharField(
                blank=True,
                help_text="The reviewer's name as their signatures show it, e.g. “Paula Physician”, as the organisation verified it. Nobody signs without one.",
                max_length=200,
            ),
        ),
        migrations.CreateModel(
            name="Signature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("printed_name", models.CharField(max_length=200)),
                ("credential", models.CharField(max_length=10)),
                (
                    "credential_kind",
                    models.CharField(
                        choices=[
                            ("physician", "Physician"),
                            ("oncology_nurse", "Oncology certified nurse"),
                        ],
                        max_length=20,
                    ),
                ),
                ("credential_valid_until", models.DateField(blank=True, null=True)),
                (
                    "meaning",
                    models.CharField(
                        choices=[
                            ("approved", "Approved as medically accurate"),
                            (
                                "full_review",
                                "Reviewed the whole page and approved it as medically accurate",
                            ),
                            ("changes_requested", "Requested changes"),
                        ],
                        max_length=30,
                    ),
                ),
                ("signed_at", models.DateTimeField()),
                (
                    "time_zone",
                    models.CharField(help_text="The zone the time is stated in.", max_length=64),
                ),
                (
                    "content_hash",
                    models.CharField(help_text="What was signed: the revision's.", max_length=64),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[("password", "password"), ("passkey", "passkey")], max_length=20
                    ),
                ),
                ("passkey_credential_id", models.CharField(blank=True, max_length=1000)),
                ("webauthn_assertion", models.JSONField(blank=True, default=dict)),
                ("hash", models.CharField(editable=False, max_length=64)),
                (
                    "review",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signature",
                        to="editorial.review",
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signatures",
                        to="editorial.revision",
                    ),
                ),
                (
                    "signer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["signed_at", "pk"]},
        ),
        migrations.CreateModel(
            name="SignatureCertification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("statement", models.TextField()),
                ("confirmed_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signature_certification",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="auditentry",
            name="signature",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audit_entries",
                to="editorial.signature",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("import", "Imported"),
                    ("edit", "Edited"),
                    ("submit", "Submitted"),
                    ("approve", "Approved"),
                    ("request_changes", "Requested changes"),
                    ("publish", "Published"),
                    ("schedule", "Scheduled"),
                    ("unschedule", "Unscheduled"),
                    ("schedule_failed", "Scheduled publish refused"),
                    ("unpublish", "Unpublished"),
                    ("withdraw", "Withdrawn"),
                    ("take_over", "Took over a record"),
                    ("revert", "Reverted"),
                    ("sign_off", "Started a periodic review"),
                    ("claim", "Started reviewing"),
                    ("credential", "Changed a credential"),
                    ("identity", "Changed the site's identity"),
                    ("passkey_added", "Added a passkey"),
                    ("passkey_removed", "Removed a passkey"),
                    ("signing_failed", "Failed signing attempt"),
                    ("signature_certified", "Certified their electronic signature"),
                ],
                max_length=30,
            ),
        ),
        # After every schema change above (SQLite may rebuild a table to alter it).
        migrations.RunPython(create_triggers, drop_triggers),
    ]
