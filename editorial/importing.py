"""Importing the seed: content approved before this system, published as such."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from config.history import save_with_history
from drugs import models as content
from references.models import Citation
from references.seed import SEED_CITATIONS

from . import seed
from .models import Change, ChangeRecord, Publication
from .workflow import InvalidTransition, change_import_publish

IMPORT_USERNAME = "seed-import"
IMPORT_REASON = f"Imported from seed {seed.SEED_ID}: approved before this system"


def import_user() -> AbstractBaseUser:
    """The system account that imports are recorded under; it cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=IMPORT_USERNAME,
        defaults={"first_name": "Seed", "last_name": "import", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _conflicts() -> list[str]:
    """Seed records that already exist: importing over them would publish unreviewed edits."""
    checks = [
        (content.Page, {"slug": seed.PAGE["slug"]}),
        (content.CancerType, {"slug": seed.CANCER_TYPE["slug"]}),
        (content.EditorialTeam, {}),
        *((content.SideEffectTerm, {"name__iexact": name}) for name in seed.SIDE_EFFECT_TERMS),
        *((content.Drug, {"slug": data["slug"]}) for data in seed.DRUGS),
        *((Citation, {"doi__iexact": data["doi"]}) for data in SEED_CITATIONS if data.get("doi")),
    ]
    return [
        f"{model._meta.verbose_name} “{found}”"
        for model, lookup in checks
        if (found := model.objects.filter(**lookup).first())
    ]


@transaction.atomic
def seed_import(*, editor: AbstractBaseUser | None = None) -> Publication | None:
    """Load the seed page as records and publish it as imported, approved content.

    Idempotent: once the seed page is published this changes nothing and returns
    None. Otherwise it needs a content store without any of the seed's records, since
    publishing a record someone has edited here would bypass review; it refuses with
    the list of records in the way.
    """
    if Publication.objects.filter(page__slug=seed.PAGE["slug"]).exists():
        return None
    if conflicts := _conflicts():
        raise InvalidTransition(
            "The seed cannot be imported over existing records: " + "; ".join(conflicts) + "."
        )
    editor = editor or import_user()
    change = Change.objects.create(
        title=f"Import of seed {seed.SEED_ID}", kind=Change.Kind.IMPORT, author=editor
    )

    def make(model, **values):
        row = save_with_history(model(**values), user=editor, reason=IMPORT_REASON)
        ChangeRecord.objects.create(
            change=change, model=row._meta.label_lower, object_id=row.pk, claimed_by=editor
        )
        return row

    cancer_type = make(content.CancerType, **seed.CANCER_TYPE)
    make(content.EditorialTeam, **seed.EDITORIAL_TEAM)
    terms = {
        name: make(content.SideEffectTerm, name=name, slug=slugify(name), explanation=explanation)
        for name, explanation in seed.SIDE_EFFECT_TERMS.items()
    }
    drugs = {}
    for data in seed.DRUGS:
        drug = make(content.Drug, **{k: v for k, v in data.items() if k != "side_effects"})
        drugs[drug.slug] = drug
        for group, entries in data["side_effects"].items():
            for position, (term, wording, detail) in enumerate(entries, start=1):
                make(
                    content.DrugSideEffect,
                    drug=drug,
                    term=terms[term],
                    group=group,
                    position=position,
                    wording=wording,
                    detail=detail,
                )
    citations = [make(Citation, **data) for data in SEED_CITATIONS]
    page = make(content.Page, **seed.PAGE, cancer_type=cancer_type)
    for position, section in enumerate(seed.DRUG_SECTIONS, start=1):
        make(
            content.DrugSection,
            page=page,
            drug=drugs[section["drug"]],
            position=position,
            evidence=section["evidence"],
            indication=section["indication"],
        )
    for position, link in enumerate(seed.MORE_INFORMATION_LINKS, start=1):
        make(content.MoreInformationLink, page=page, position=position, **link)
    for position, citation in enumerate(citations, start=1):
        make(content.PageReference, page=page, citation=citation, position=position)

    (publication,) = change_import_publish(
        change=change,
        editor=editor,
        last_revised=seed.SEED_LAST_REVISED,
        comment=f"Seed {seed.SEED_ID} imported: approved before this system, not reviewed here.",
    )
    return publication
