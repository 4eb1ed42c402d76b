from django.db import migrations

SPANISH = "es"


def create_spanish_policy(apps, schema_editor):
    """The default policy for Spanish changes: a physician and an oncology certified nurse
    who review in Spanish, due as often as English pages, with a reading-ease target."""
    ReviewPolicy = apps.get_model("editorial", "ReviewPolicy")
    PolicyRequirement = apps.get_model("editorial", "PolicyRequirement")
    if ReviewPolicy.objects.filter(is_active=True, language=SPANISH).exists():
        return
    english = ReviewPolicy.objects.filter(is_active=True, language="en").first()
    policy = ReviewPolicy.objects.create(
        name="A physician and an oncology certified nurse who review in Spanish",
        is_active=True,
        language=SPANISH,
        reviewers_in_language=True,
        review_interval_months=english.review_interval_months if english else 12,
        reading_ease=70,
    )
    PolicyRequirement.objects.create(policy=policy, kind="physician", count=1)
    PolicyRequirement.objects.create(policy=policy, kind="oncology_nurse", count=1)


def remove_spanish_policy(apps, schema_editor):
    ReviewPolicy = apps.get_model("editorial", "ReviewPolicy")
    ReviewPolicy.objects.filter(language=SPANISH).delete()


class Migration(migrations.Migration):
    dependencies = [("editorial", "0024_review_languages_and_policy_per_language")]

    operations = [migrations.RunPython(create_spanish_policy, remove_spanish_policy)]
