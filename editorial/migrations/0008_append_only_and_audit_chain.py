"""Hash-chain the audit trail and hash every publication, backfilling existing rows.

This is the one moment these rows may be written after their insert: 0009 then has the
database refuse every UPDATE and DELETE on them.
"""

from django.db import migrations, models

from editorial import hashing

PUBLISHING = ("import", "publish")


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("editorial", "AuditEntry")
    Publication = apps.get_model("editorial", "Publication")
    AuditChainHead = apps.get_model("editorial", "AuditChainHead")
    entries = list(AuditEntry.objects.order_by("pk"))
    publications = {p.pk: p for p in Publication.objects.all()}
    # Entries were appended in primary-key order: that is the chain's order.
    for seq, entry in enumerate(entries, start=1):
        entry.seq = seq
    # A publication's head is the entry just before the first that names it: its publish.
    heads = {}
    for entry in entries:
        if entry.publication_id is not None:
            heads.setdefault(entry.publication_id, entry.seq - 1)
    for publication in publications.values():
        if publication.pk not in heads:
            before = [e.seq for e in entries if e.at <= publication.published_at]
            heads[publication.pk] = max(before, default=0)
    hashes = {0: ""}

    def seal(publication):
        if publication.integrity_hash:
            return
        publication.audit_head_seq = heads[publication.pk]
        publication.audit_head_hash = hashes[publication.audit_head_seq]
        publication.integrity_hash = hashing.publication_hash(publication)
        Publication.objects.filter(pk=publication.pk).update(
            audit_head_seq=publication.audit_head_seq,
            audit_head_hash=publication.audit_head_hash,
            integrity_hash=publication.integrity_hash,
        )

    page_heads = {}
    for entry in entries:
        integrity = ""
        if entry.publication_id is not None:
            publication = publications[entry.publication_id]
            seal(publication)
            integrity = publication.integrity_hash
        entry.prev_hash = hashes[entry.seq - 1]
        entry.page_prev_hash = page_heads.get(entry.page_id, "") if entry.page_id else ""
        entry.hash = hashing.audit_hash(entry, integrity)
        hashes[entry.seq] = entry.hash
        if entry.page_id:
            page_heads[entry.page_id] = entry.hash
        AuditEntry.objects.filter(pk=entry.pk).update(
            seq=entry.seq,
            prev_hash=entry.prev_hash,
            page_prev_hash=entry.page_prev_hash,
            hash=entry.hash,
        )
    for publication in publications.values():
        seal(publication)
    if entries:
        AuditChainHead.objects.create(pk=1, seq=entries[-1].seq, hash=entries[-1].hash)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0007_publication_review_attested"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "audit chain head"},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="page_prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["page", "seq"], name="editorial_audit_page_seq"),
        ),
        migrations.AddField(
            model_name="publication",
            name="audit_head_seq",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="publication",
            name="audit_head_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="publication",
            name="integrity_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
