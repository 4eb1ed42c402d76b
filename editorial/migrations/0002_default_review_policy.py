from django.db import migrations


def create_default_policy(apps, schema_editor):
    ReviewPolicy = apps.get_model("editorial", "ReviewPolicy")
    PolicyRequirement = apps.get_model("editorial", "PolicyRequirement")
    if ReviewPolicy.objects.filter(is_active=True).exists():
        return
    policy = ReviewPolicy.objects.create(
        name="A physician and an oncology certified nurse",
        is_active=True,
        review_interval_months=12,
    )
    PolicyRequirement.objects.create(policy=policy, kind="physician", count=1)
    PolicyRequirement.objects.create(policy=policy, kind="oncology_nurse", count=1)


class Migration(migrations.Migration):
    dependencies = [("editorial", "0001_initial")]

    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
