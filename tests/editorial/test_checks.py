"""The system check holds the admin and the content apps to the registry of content models."""

from django.contrib import admin
from django.core.checks import Tags, run_checks

from drugs import admin as drugs_admin
from drugs.models import Drug, Page
from editorial import checks, registry
from references.models import Citation


def copy_of_the_site(replacements: dict | None = None) -> admin.AdminSite:
    """A throwaway admin site with the real content admins, some replaced by `replacements`."""
    replacements = replacements or {}
    site = admin.AdminSite(name="throwaway")
    for model in registry.CONTENT_MODELS:
        if admin.site.is_registered(model):
            site.register(model, replacements.get(model, type(admin.site.get_model_admin(model))))
    return site


def test_the_content_admins_pass_the_check_as_registered():
    assert checks.check_content_admins() == []
    assert not [e for e in run_checks(tags=[Tags.admin]) if e.id.startswith("editorial.")]


def test_a_content_model_whose_admin_is_not_workflow_aware_is_an_error():
    site = copy_of_the_site({Drug: drugs_admin.DrugAdmin})
    errors = checks.check_content_admins(site=site)
    # The drug's side effects have a workflow-aware admin of their own, so only the
    # drug is reported.
    assert [(e.id, e.msg.split(" ")[0]) for e in errors] == [("editorial.E001", "drugs.Drug")]


def test_a_part_whose_parent_admin_lacks_its_inline_is_an_error():
    class PageWithoutParts(admin.site.get_model_admin(Page).__class__):
        inlines = []

    errors = checks.check_content_admins(site=copy_of_the_site({Page: PageWithoutParts}))
    assert {e.id for e in errors} == {"editorial.E002"}
    assert {e.msg.split(" ")[0] for e in errors} == {
        "drugs.DrugSection",
        "drugs.MoreInformationLink",
        "drugs.PageReference",
    }


def test_a_content_model_with_no_admin_at_all_is_an_error():
    site = copy_of_the_site()
    site.unregister(Citation)
    errors = checks.check_content_admins(site=site)
    assert [(e.id, e.msg.split(" ")[0]) for e in errors] == [
        ("editorial.E002", "references.Citation")
    ]


def test_a_model_of_the_content_apps_missing_from_the_registry_is_an_error(monkeypatch):
    monkeypatch.setattr(
        registry, "CONTENT", tuple(e for e in registry.CONTENT if e.model is not Citation)
    )
    monkeypatch.setattr(registry, "CONTENT_MODELS", [e.model for e in registry.CONTENT])
    errors = checks.check_content_admins()
    assert [(e.id, e.msg.split(" ")[0]) for e in errors] == [
        ("editorial.E003", "references.Citation")
    ]
