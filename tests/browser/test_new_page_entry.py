"""The measure of the writers' admin: a whole second page entered through the forms, counted.

A writer enters a page of the seed's shape with content of their own: a new cancer type, one
new drug with 12 side effects (two of them terms the library has), three of the seed's drugs
with notes for this cancer, and four references, then submits it. The test counts the forms
submitted (POSTs that load a page, popups included), the fields filled and the other clicks,
and writes them to the artifacts. Target: at most 10 submissions, no trip to another screen to
create a term. The new user who tried today's admin needed about 25.
"""

import json

import pytest

from drugs.models import Drug, Page
from editorial.importing import seed_import
from editorial.models import Change
from references.models import Citation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("default_review_policy"),
]

REFERENCES = """1. Choueiri TK, Escudier B, Powles T, et al. Cabozantinib versus everolimus in advanced \
renal-cell carcinoma. N Engl J Med. 2015;373(19):1814-1823. doi: 10.1056/NEJMoa1510016. \
PMID: 26406150.

2. Jonasch E, Donskov F, Iliopoulos O, et al. Belzutifan for renal cell carcinoma in von \
Hippel-Lindau disease. N Engl J Med. 2021;385(22):2036-2046. doi: 10.1056/NEJMoa2103425. \
PMID: 34818478.

3. National Comprehensive Cancer Network. NCCN Clinical Practice Guidelines in Oncology: Kidney \
Cancer. Version 1.2025. Accessed at \
https://www.nccn.org/professionals/physician_gls/pdf/kidney.pdf on October 2, 2026.

4. National Cancer Institute. Drugs Approved for Kidney Cancer. National Cancer Institute \
website. Updated March 4, 2026. Accessed at \
https://www.cancer.gov/about-cancer/treatment/drugs/kidney on October 2, 2026.
"""

# Twelve side effects in the drug's three groups; nausea and diarrhea are the seed's terms.
SIDE_EFFECTS = {
    "common": "diarrhea; tiredness; nausea; loss of appetite; "
    "hand-foot syndrome (redness, pain and peeling on the palms and soles)",
    "other": "voice changes (hoarseness); weight loss; hair losing its color; constipation",
    "serious": "holes in the stomach or intestine; blood clots; jaw bone damage",
}

CABOZANTINIB = {
    "#id_generic_name": "Cabozantinib",
    "#id_brand_names": "Cabometyx",
    "#id_targets": "several tyrosine kinases, including MET, AXL and VEGF receptors",
    "#id_mechanism": "Cabozantinib blocks several tyrosine kinases that help cancer cells grow "
    "and spread, and it attacks new blood vessel growth.",
    "#id_administration": "This drug is taken as a pill once a day, on an empty stomach.",
}

# Each drug section: the drug as the picker shows it, and the page's notes for this cancer.
SECTIONS = [
    (
        "Cabozantinib",
        "It has been shown to help people with advanced kidney cancer live longer.",
        "Cabozantinib can be used after other treatments have stopped working.",
    ),
    ("Sunitinib", "", "Sunitinib is often a first treatment for advanced kidney cancer."),
    (
        "Everolimus",
        "It can help slow the growth of advanced kidney cancer.",
        "Everolimus is most often used after other targeted drugs have been tried.",
    ),
    (
        "Belzutifan",
        "It can shrink kidney tumors in people with von Hippel-Lindau (VHL) disease.",
        "Belzutifan can be used in people with VHL disease who need treatment for kidney "
        "cancer but not surgery right away.",
    ),
]

# What a writer types in the citation picker to find each reference: the label's words.
CITATION_SEARCHES = ["Choueiri 2015", "Jonasch 2021", "NCCN 2025", "Drugs Approved Kidney"]


class Session:
    """A writer at the admin, with what they did counted."""

    def __init__(self, page, live_server) -> None:
        self.page = page
        self.url = live_server.url
        self.submissions: list[str] = []
        self.fields = 0
        self.clicks = 0
        self.screens: list[str] = []
        page.context.on("request", self._request)

    def _request(self, request) -> None:
        if request.method == "POST" and request.resource_type == "document":
            self.submissions.append(request.url.removeprefix(self.url))
        elif request.resource_type == "document":
            self.screens.append(request.url.removeprefix(self.url))

    def go(self, path: str) -> None:
        self.page.goto(self.url + path)

    def fill(self, selector: str, value: str, page=None) -> None:
        (page or self.page).fill(selector, value)
        self.fields += 1

    def choose(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self.fields += 1

    def pick(self, field_id: str, search: str, option: str) -> None:
        """An autocomplete: open it, type, choose the option (one field)."""
        self.page.click(f"#{field_id} + .select2 .select2-selection")
        self.page.fill(".select2-container--open .select2-search__field", search)
        self.page.click(f".select2-results__option:has-text('{option}')")
        self.fields += 1
        self.clicks += 2

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1

    def submit(self, selector: str, page=None) -> None:
        page = page or self.page
        with page.expect_navigation():
            page.click(selector)
        self.clicks += 1

    def counts(self) -> dict[str, int]:
        return {
            "submissions": len(self.submissions),
            "fields": self.fields,
            "other clicks": self.clicks - len(self.submissions),
        }


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f"{user.username}-password")
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_a_writer_enters_a_whole_new_page_in_at_most_ten_form_submissions(
    page, live_server, artifacts, writer
):
    seed_import()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, writer)
    session = Session(page, live_server)

    # 1. The four references, pasted as the page's list writes them.
    session.go("/admin/references/citation/add-list/")
    session.fill("#id_references", REFERENCES)
    session.submit("input[name=_read_list]")
    assert page.locator(".citation-list-entry.outcome-new").count() == 4
    session.submit("input[name=_confirm_list]")

    # 2. The new drug, with its side effects pasted group by group on its own form.
    session.go("/admin/drugs/drug/add/")
    for selector, value in CABOZANTINIB.items():
        session.fill(selector, value)
    for group, text in SIDE_EFFECTS.items():
        session.fill(f"#id_paste_{group}", text)
    session.submit("input[name=_save]")
    assert page.locator(".paste-entries tbody tr").count() == 12
    page.screenshot(path=artifacts / "new-page-entry-side-effects.png", full_page=True)
    session.submit("input[name=confirm]")

    # 3. The page: its cancer type made in the admin's own popup, its drugs and references.
    session.go("/admin/drugs/page/add/")
    session.fill("#id_title", "Targeted Drug Therapy for Kidney Cancer")
    with page.expect_popup() as opened:
        session.click("#add_id_cancer_type")
    popup = opened.value
    session.fill("#id_name", "Kidney cancer (renal cell carcinoma)", page=popup)
    with popup.expect_event("close"):
        popup.click("input[name=_save]")
    session.clicks += 1
    session.fill(
        "#id_intro",
        "Targeted drugs work differently from chemo. They attack parts of cancer cells that "
        "make them different from normal cells.\n\nThey are often used for kidney cancer that "
        "has spread.",
    )
    for index, (drug, evidence, indication) in enumerate(SECTIONS):
        session.click("#drug_sections-group .add-row a")
        session.pick(f"id_drug_sections-{index}-drug", drug, drug)
        if evidence:
            session.fill(f"#id_drug_sections-{index}-evidence", evidence)
        session.fill(f"#id_drug_sections-{index}-indication", indication)
    for index, search in enumerate(CITATION_SEARCHES):
        session.click("#references-group .add-row a")
        session.pick(f"id_references-{index}-citation", search, search.split()[0])
    page.screenshot(path=artifacts / "new-page-entry-page-form.png", full_page=True)
    session.submit("input[name=_save]")
    assert "was added successfully" in page.inner_text(".messagelist")

    # 4. Submitted for review from the change that holds all of it.
    change = Change.objects.get(author=writer)
    session.go(change.get_absolute_url())
    session.fill("#id_summary", "A new page on targeted drugs for kidney cancer.")
    session.submit("button:has-text('Submit for review')")

    change.refresh_from_db()
    assert change.state == Change.State.IN_REVIEW
    new_page = Page.objects.get(slug="targeted-drug-therapy-for-kidney-cancer")
    assert [s.drug.generic_name for s in new_page.drug_sections.order_by("position")] == [
        drug for drug, _, _ in SECTIONS
    ]
    assert new_page.references.count() == 4
    cabozantinib = Drug.objects.get(slug="cabozantinib")
    assert cabozantinib.side_effects.count() == 12
    assert Citation.objects.filter(title__contains="Cabozantinib versus everolimus").count() == 1
    assert not [screen for screen in session.screens if "sideeffectterm" in screen]

    counts = session.counts()
    (artifacts.parent / "new-page-entry.json").write_text(
        json.dumps({**counts, "forms submitted": session.submissions}, indent=2)
    )
    print(f"new page entered: {counts}")
    assert counts["submissions"] <= 10
