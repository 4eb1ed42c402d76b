"""A writer pastes a whole reference list, checks what each reference will be, adds them all."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape

from editorial.models import ChangeRecord
from references.formatting import format_citation
from references.models import Citation
from references.seed import SEED_CITATIONS
from tests.references.test_formatting import SEED_EXPECTED
from tests.references.test_parsing import ACS_PAGE, MOTZER, NCCN_KIDNEY, RINI_CHAPTER
from tests.references.test_reference_list import SEED_LIST

pytestmark = pytest.mark.django_db

ADD = reverse("admin:references_citation_add")
ADD_LIST = reverse("admin:references_citation_add_list")
CHANGELIST = reverse("admin:references_citation_changelist")

# One reference of each kind, none of them the seed's: article, chapter, website, guideline.
OWN_LIST = f"1. {MOTZER}\n\n2. {RINI_CHAPTER}\n\n3. {ACS_PAGE}\n\n4. {NCCN_KIDNEY}"
NOT_A_REFERENCE = "Sunitinib is a good drug, my oncologist says."


@pytest.fixture
def as_writer(client, writer):
    client.force_login(writer)
    return client


def read(client, text: str, reason: str = ""):
    return client.post(
        ADD_LIST, {"references": text, "change_reason": reason, "_read_list": "Read"}
    )


def confirm(client, confirmation):
    """Press "Add these N citations" on a confirmation screen, as the browser would."""
    form = confirmation.context["form"]
    return client.post(
        ADD_LIST,
        {
            "references": form["references"].value(),
            "change_reason": form["change_reason"].value() or "",
            "token": confirmation.context["token"],
            "_confirm_list": "Add",
        },
    )


def outcomes(response) -> list[str]:
    return [row["entry"].outcome for row in response.context["rows"]]


def test_the_list_of_citations_offers_to_add_from_a_reference_list(as_writer):
    html = as_writer.get(CHANGELIST).content.decode()

    assert f'href="{ADD_LIST}"' in html
    assert "Add from a reference list" in html


def test_reading_a_list_shows_each_references_kind_parts_and_label_and_saves_nothing(as_writer):
    response = read(as_writer, OWN_LIST)

    assert response.status_code == 200
    assert outcomes(response) == ["new"] * 4
    assert [row["kind"] for row in response.context["rows"]] == [
        "Journal article",
        "Book chapter",
        "Website",
        "Guideline",
    ]
    html = response.content.decode()
    assert "Motzer RJ · 2007 · Sunitinib versus interferon alfa…" in html
    assert "<dt>Editors</dt><dd>Campbell SC</dd>" in html
    assert 'value="Add these 4 citations"' in html
    assert Citation.objects.count() == 0


def test_confirming_adds_every_citation_of_the_list_as_it_was_shown(as_writer):
    response = confirm(as_writer, read(as_writer, OWN_LIST))

    assert response.status_code == 302
    assert response.url == CHANGELIST
    assert sorted(format_citation(c) for c in Citation.objects.all()) == sorted(
        [MOTZER, RINI_CHAPTER, ACS_PAGE, NCCN_KIDNEY]
    )


def test_after_adding_the_message_says_how_many_and_links_to_each(as_writer):
    response = confirm(as_writer, read(as_writer, OWN_LIST))

    html = as_writer.get(response.url).content.decode()
    assert "Added 4 citations from the reference list" in html
    for citation in Citation.objects.all():
        link = reverse("admin:references_citation_change", args=[citation.pk])
        assert f'<a href="{link}">{escape(str(citation))}</a>' in html
    assert "Your edit is in" in html


def test_the_seed_pages_whole_list_pasted_on_the_add_screen_adds_its_eight_citations(as_writer):
    confirmation = as_writer.post(ADD, {"reference": SEED_LIST, "_paste": "Fill in"})
    assert outcomes(confirmation) == ["new"] * 8

    confirm(as_writer, confirmation)

    assert sorted(format_citation(c) for c in Citation.objects.all()) == sorted(SEED_EXPECTED)
    for fields in SEED_CITATIONS:
        assert Citation.objects.filter(kind=fields["kind"], title=fields["title"]).count() == 1


def test_the_seed_list_on_the_seed_library_is_all_already_there_and_nothing_is_added(
    as_writer, seed_page
):
    before = Citation.objects.count()

    response = read(as_writer, SEED_LIST)

    assert outcomes(response) == ["existing"] * 8
    html = response.content.decode()
    assert html.count("Already in the library: <a href=") == 8
    assert "Add these" not in html
    assert "None of them is new" in html
    confirm(as_writer, response)
    assert Citation.objects.count() == before


def test_a_citation_already_in_the_library_is_named_and_only_the_new_ones_are_added(as_writer):
    motzer = Citation.objects.create(
        kind=Citation.Kind.JOURNAL_ARTICLE,
        title="Sunitinib vs IFN",
        container_title="NEJM",
        year=2007,
        doi="10.1056/nejmoa065044",
    )

    response = read(as_writer, OWN_LIST)

    assert outcomes(response) == ["existing", "new", "new", "new"]
    url = reverse("admin:references_citation_change", args=[motzer.pk])
    assert f'Already in the library: <a href="{url}">{escape(str(motzer))}</a>' in (
        response.content.decode()
    )
    confirm(as_writer, response)
    assert Citation.objects.count() == 4


def test_an_unreadable_reference_is_shown_with_its_reason_and_the_rest_are_added(as_writer):
    response = read(as_writer, f"{MOTZER}\n{NOT_A_REFERENCE}\n{RINI_CHAPTER}")

    assert outcomes(response) == ["new", "unreadable", "new"]
    html = response.content.decode()
    assert escape(NOT_A_REFERENCE) in html
    assert "This does not read as a reference in the house style" in html
    assert 'value="Add these 2 citations"' in html
    added = confirm(as_writer, response)
    assert sorted(format_citation(c) for c in Citation.objects.all()) == sorted(
        [MOTZER, RINI_CHAPTER]
    )
    assert "Not added: 1 cannot be read." in as_writer.get(added.url).content.decode()


def test_words_no_part_took_are_shown_as_warnings(as_writer):
    response = read(as_writer, f"{MOTZER} PMCID: PMC2743127.\n{RINI_CHAPTER}")

    assert "Not placed in any part: “PMCID: PMC2743127”" in response.content.decode()


def test_confirming_reads_the_posted_text_again_and_never_takes_parts_from_the_client(
    as_writer,
):
    confirmation = read(as_writer, MOTZER + "\n" + RINI_CHAPTER)

    as_writer.post(
        ADD_LIST,
        {
            "references": MOTZER + "\n" + RINI_CHAPTER,
            "token": confirmation.context["token"],
            "_confirm_list": "Add",
            # Parts a tampered confirmation might post: the view has no use for them.
            "title": "Something else",
            "doi": "10.9999/forged",
        },
    )

    assert sorted(Citation.objects.values_list("title", flat=True)) == [
        "Renal cell carcinoma",
        "Sunitinib versus interferon alfa in metastatic renal-cell carcinoma",
    ]


def test_a_confirmation_of_other_text_than_was_checked_adds_nothing_and_shows_it_again(
    as_writer,
):
    confirmation = read(as_writer, MOTZER)

    response = as_writer.post(
        ADD_LIST,
        {
            "references": f"{MOTZER}\n{RINI_CHAPTER}",
            "token": confirmation.context["token"],
            "_confirm_list": "Add",
        },
    )

    assert response.status_code == 200
    assert outcomes(response) == ["new", "new"]
    assert "nothing was added" in response.content.decode()
    assert Citation.objects.count() == 0


def test_a_citation_added_by_someone_else_meanwhile_is_not_added_twice(as_writer):
    confirmation = read(as_writer, OWN_LIST)
    Citation.objects.create(
        kind=Citation.Kind.JOURNAL_ARTICLE,
        title="Sunitinib",
        container_title="NEJM",
        year=2007,
        pmid="17215529",
    )

    response = confirm(as_writer, confirmation)

    assert response.status_code == 200
    assert outcomes(response) == ["existing", "new", "new", "new"]
    assert Citation.objects.count() == 1


def test_changing_the_list_brings_back_the_pasted_text_and_adds_nothing(as_writer):
    response = as_writer.post(
        ADD_LIST, {"references": OWN_LIST, "change_reason": "Kidney", "_edit_list": "Change"}
    )

    assert response.status_code == 200
    assert response.context["form"]["references"].value() == OWN_LIST
    assert escape(MOTZER) in response.content.decode()
    assert Citation.objects.count() == 0


def test_cancelling_leads_back_to_the_list_of_citations_and_adds_nothing(as_writer):
    response = read(as_writer, OWN_LIST)

    assert re.search(rf'<a href="{CHANGELIST}" class="[^"]*cancel-link', response.content.decode())
    as_writer.get(CHANGELIST)
    assert Citation.objects.count() == 0
    assert not ChangeRecord.objects.exists()


def test_added_citations_belong_to_the_writers_change_with_history_and_its_reason(
    as_writer, writer
):
    confirm(as_writer, read(as_writer, OWN_LIST, reason="References of the kidney page"))

    citations = list(Citation.objects.all())
    assert len(citations) == 4
    changes = set()
    for citation in citations:
        record = ChangeRecord.objects.get(model="references.citation", object_id=citation.pk)
        changes.add(record.change)
        history = citation.history.get()
        assert history.history_user == writer
        assert history.history_change_reason == "References of the kidney page"
    (change,) = changes
    assert change.author == writer
    assert change.is_open


def test_without_a_reason_each_history_record_says_it_came_from_a_pasted_list(as_writer):
    confirm(as_writer, read(as_writer, MOTZER))

    assert Citation.objects.get().history.get().history_change_reason == (
        "Added from a pasted reference list"
    )


def test_a_reviewer_who_may_not_add_citations_gets_403_on_every_step(client, physician):
    client.force_login(physician)

    assert client.get(ADD_LIST).status_code == 403
    assert read(client, OWN_LIST).status_code == 403
    response = client.post(ADD_LIST, {"references": OWN_LIST, "token": "x", "_confirm_list": "Add"})
    assert response.status_code == 403
    assert Citation.objects.count() == 0


def test_a_refusal_by_the_workflow_adds_none_of_the_list_and_says_why(client):
    # May add citations but not edit them: the workflow refuses to put them in a change.
    user = get_user_model().objects.create_user(username="adder", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_citation", "view_citation"])
    )
    client.force_login(user)

    response = confirm(client, read(client, OWN_LIST))

    assert response.status_code == 200
    assert "Nothing was added: You may not edit this record." in response.content.decode()
    assert Citation.objects.count() == 0
    assert not ChangeRecord.objects.exists()


def test_the_confirmation_needs_its_csrf_token(writer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)

    assert read(client, OWN_LIST).status_code == 403


def test_hostile_text_in_a_pasted_list_is_shown_escaped(as_writer):
    hostile = (
        "Motzer RJ, <script>alert(1)</script>. Sunitinib <img src=x onerror=alert(2)>. "
        "N Engl J Med. 2007;356(2):115-124."
    )

    html = read(as_writer, f"{hostile}\n<b onclick=x()>{NOT_A_REFERENCE}</b>").content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_empty_list_is_refused_on_its_box(as_writer):
    response = read(as_writer, "\n\n  \n")

    assert response.context["form"].errors["references"] == [
        "Paste a reference list first: the box was empty."
    ]


def test_a_list_of_more_than_a_hundred_references_is_refused_whole(as_writer):
    too_many = "\n".join(f"{n}. {MOTZER}" for n in range(1, 102))

    for response in [
        read(as_writer, too_many),
        as_writer.post(ADD, {"reference": too_many, "_paste": "Fill in"}),
    ]:
        assert response.context["form"].errors["references"] == [
            "This list has 101 references; add at most 100 at a time, so that each can be checked."
        ]
    assert Citation.objects.count() == 0


def test_a_reference_too_long_to_be_one_is_skipped_as_two_run_together(as_writer):
    response = read(as_writer, f"{MOTZER}\n{RINI_CHAPTER.removesuffix('.') * 40}.")

    assert outcomes(response) == ["new", "unreadable"]
    assert "are two references run together?" in response.content.decode()


def test_a_list_pasted_in_the_add_citation_popup_is_refused_there(as_writer):
    response = as_writer.post(
        ADD + "?_to_field=id&_popup=1", {"reference": OWN_LIST, "_paste": "Fill in"}
    )

    assert response.context["is_popup"]
    errors = response.context["paste_form"].errors["reference"]
    assert errors[0].startswith("This is a list of several references")
    assert Citation.objects.count() == 0
