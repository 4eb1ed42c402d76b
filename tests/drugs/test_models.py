"""Rules of the content model that the database itself keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from drugs.formatting import paragraphs, side_effect_text
from drugs.models import Drug, DrugSideEffect, EditorialTeam, MoreInformationLink, SideEffectTerm


def test_side_effect_reads_as_the_drugs_own_wording_when_given():
    assert side_effect_text(term="tiredness", wording="feeling tired or weak") == (
        "feeling tired or weak"
    )


def test_bracketed_detail_follows_after_a_space():
    assert side_effect_text(term="fluid buildup", detail="(usually in the legs)") == (
        "fluid buildup (usually in the legs)"
    )


def test_clause_detail_follows_after_a_comma():
    assert (
        side_effect_text(
            term="anemia",
            wording="very low red blood cell counts (severe anemia)",
            detail="which might require blood transfusions",
        )
        == "very low red blood cell counts (severe anemia), which might require blood transfusions"
    )


def test_a_terms_explanation_follows_its_name_in_brackets():
    assert side_effect_text(term="hand-foot syndrome", explanation="redness and pain") == (
        "hand-foot syndrome (redness and pain)"
    )


def test_own_wording_replaces_the_terms_explanation():
    assert (
        side_effect_text(
            term="anemia",
            explanation="low red blood cell counts",
            wording="low red blood cell counts (anemia)",
        )
        == "low red blood cell counts (anemia)"
    )


def test_paragraphs_split_at_blank_lines_and_join_wrapped_lines():
    assert paragraphs("One\nline.\n\n\nTwo.\n") == ["One line.", "Two."]


@pytest.mark.django_db
def test_the_same_term_may_appear_in_two_groups_of_one_drug(seed_page):
    belzutifan = Drug.objects.get(slug="belzutifan")
    groups = set(
        belzutifan.side_effects.filter(term__slug="anemia").values_list("group", flat=True)
    )
    assert groups == {DrugSideEffect.Group.COMMON, DrugSideEffect.Group.SERIOUS}


@pytest.mark.django_db
def test_the_same_term_twice_in_one_group_is_refused(seed_page):
    belzutifan = Drug.objects.get(slug="belzutifan")
    with pytest.raises(IntegrityError), transaction.atomic():
        DrugSideEffect.objects.create(
            drug=belzutifan, term=SideEffectTerm.objects.get(slug="nausea"), group="common"
        )


@pytest.mark.django_db
def test_there_is_only_one_editorial_team_attribution(seed_page):
    with pytest.raises(IntegrityError), transaction.atomic():
        EditorialTeam.objects.create(name="Another team", description="…")
    assert EditorialTeam.objects.count() == 1


@pytest.mark.django_db
def test_side_effect_terms_are_unique_whatever_their_case(seed_page):
    with pytest.raises(IntegrityError), transaction.atomic():
        SideEffectTerm.objects.create(name="Nausea", slug="nausea-2")


@pytest.mark.django_db
def test_a_more_information_link_has_one_target_at_most(seed_page):
    link = MoreInformationLink(
        page=seed_page,
        lead_in="See",
        title="Elsewhere",
        target_page=seed_page,
        url="https://example.org/",
    )
    with pytest.raises(ValidationError, match="not both"):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


def test_brand_names_are_a_list():
    assert Drug(generic_name="X", brand_names="Afinitor, Afinitor Disperz").brand_name_list == [
        "Afinitor",
        "Afinitor Disperz",
    ]
