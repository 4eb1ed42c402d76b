"""The before-and-after view of a change: what reviewers see, and what it must never do."""

import datetime
from html.parser import HTMLParser

from django.utils.safestring import SafeString

from drugs.models import Drug, DrugSideEffect
from editorial.diffing import FieldChange, field_changes, html_diff, words_diff
from references.models import Citation

# Lines as `render_page_body` produces them for the seed page's everolimus section.
HEADING = '    <h2 id="everolimus-name">Everolimus (Afinitor)</h2>'
PARAGRAPH = (
    "    <p>Everolimus blocks a protein known as mTOR, which normally helps cells grow and "
    "divide. It has been shown to help treat advanced pancreatic NETs. "
    "Everolimus is a pill taken once a day.</p>"
)
LIST_OPEN = '    <ul class="side-effects side-effects--other">'
TIREDNESS = "      <li>tiredness</li>"
NAUSEA = "      <li>nausea</li>"
HEADACHE = "      <li>headache</li>"
LIST_CLOSE = "    </ul>"
REFERENCE = (
    "      <li>Yao JC, Shah MH, Ito T, et al. Everolimus for advanced pancreatic "
    "neuroendocrine tumors. N Engl J Med. 2011;364(6):514-523. "
    'doi: <a href="https://doi.org/10.1056/NEJMoa1009290">10.1056/NEJMoa1009290</a>.</li>'
)
VOID_ELEMENTS = {"br", "hr", "img", "input", "meta", "link", "wbr"}


def page(*lines: str) -> str:
    return "\n".join(
        [
            '<article class="drug-page">',
            '  <section class="drug" id="everolimus" aria-labelledby="everolimus-name">',
            *lines,
            "  </section>",
            "</article>",
        ]
    )


def side_effects(*items: str) -> str:
    return page(HEADING, PARAGRAPH, LIST_OPEN, *items, LIST_CLOSE)


def marked_lines(html: str, mark: str) -> list[str]:
    return [line for line in html.split("\n") if mark in line]


class TagNesting(HTMLParser):
    """Records whether every start tag is closed, in order, by its own end tag."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.mismatches: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.mismatches.append(tag)


def nests_properly(html: str) -> bool:
    parser = TagNesting()
    parser.feed(html)
    parser.close()
    return not parser.open and not parser.mismatches


# The page body


def test_html_diff_returns_safe_strings():
    before, after = html_diff(side_effects(TIREDNESS), side_effects(NAUSEA))

    assert isinstance(before, SafeString)
    assert isinstance(after, SafeString)


def test_identical_pages_come_back_unchanged():
    html = side_effects(TIREDNESS, NAUSEA)

    assert html_diff(html, html) == (html, html)


def test_an_added_list_item_is_marked_added_on_the_after_side_only():
    before, after = html_diff(
        side_effects(TIREDNESS, NAUSEA), side_effects(TIREDNESS, NAUSEA, HEADACHE)
    )

    assert marked_lines(after, "diff-") == ['      <li class="diff-added">headache</li>']
    assert "diff-" not in before
    assert before == side_effects(TIREDNESS, NAUSEA)


def test_a_removed_list_item_is_marked_removed_on_the_before_side_only():
    before, after = html_diff(side_effects(TIREDNESS, NAUSEA), side_effects(TIREDNESS))

    assert marked_lines(before, "diff-") == ['      <li class="diff-removed">nausea</li>']
    assert "diff-" not in after


def test_a_changed_word_is_deleted_before_and_inserted_after_on_a_changed_line():
    before, after = html_diff(
        page(HEADING, PARAGRAPH), page(HEADING, PARAGRAPH.replace("pill", "tablet"))
    )

    assert marked_lines(before, "diff-") == [
        '    <p class="diff-changed">Everolimus blocks a protein known as mTOR, which '
        "normally helps cells grow and divide. It has been shown to help treat advanced "
        "pancreatic NETs. Everolimus is a <del>pill</del> taken once a day.</p>"
    ]
    assert marked_lines(after, "diff-") == [
        '    <p class="diff-changed">Everolimus blocks a protein known as mTOR, which '
        "normally helps cells grow and divide. It has been shown to help treat advanced "
        "pancreatic NETs. Everolimus is a <ins>tablet</ins> taken once a day.</p>"
    ]
    assert "<ins>" not in before
    assert "<del>" not in after


def test_neighbouring_changed_words_are_wrapped_as_one_run():
    before, after = html_diff(
        page(PARAGRAPH), page(PARAGRAPH.replace("a pill taken", "two tablets swallowed"))
    )

    assert "Everolimus is <del>a pill taken</del> once a day." in before
    assert "Everolimus is <ins>two tablets swallowed</ins> once a day." in after


def test_an_element_with_a_class_keeps_it_and_gains_the_diff_class_in_the_same_attribute():
    list_of_one = [LIST_OPEN, NAUSEA, LIST_CLOSE]
    _before, after = html_diff(page(HEADING), page(HEADING, *list_of_one))

    assert '<ul class="side-effects side-effects--other diff-added">' in after
    assert marked_lines(after, "side-effects")[0].count("class=") == 1


def test_a_closing_tag_line_is_not_marked():
    _before, after = html_diff(page(HEADING), page(HEADING, LIST_OPEN, NAUSEA, LIST_CLOSE))

    assert "\n    </ul>\n" in after


def test_a_new_page_is_all_added():
    after_html = side_effects(TIREDNESS, NAUSEA)
    before, after = html_diff("", after_html)

    assert before == ""
    opening_lines = [line for line in after_html.split("\n") if not line.strip().startswith("</")]
    assert len(marked_lines(after, "diff-added")) == len(opening_lines)
    assert "diff-removed" not in after
    assert "diff-changed" not in after


def test_a_removed_line_without_tags_still_shows_its_words_as_deleted():
    before, after = html_diff("<p>Everolimus is a pill\ntaken once a day.</p>", "<p>Everolimus</p>")

    assert "<del>taken once a day.</del></p>" in before
    assert nests_properly(before)
    assert nests_properly(after)


def test_escaped_hostile_text_stays_escaped():
    hostile = "      <li>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</li>"
    before, after = html_diff(side_effects(TIREDNESS), side_effects(TIREDNESS, hostile))

    assert '<li class="diff-added">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</li>' in after
    assert "<script" not in before.lower()
    assert "<script" not in after.lower()


def test_escaped_hostile_text_in_a_changed_line_is_never_split_or_unescaped():
    before, after = html_diff(
        page("    <p>Take &lt;script&gt;alert(1)&lt;/script&gt; once a day.</p>"),
        page("    <p>Take &lt;script&gt;alert(2)&lt;/script&gt; once a day.</p>"),
    )

    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>" in before
    assert "<ins>&lt;script&gt;alert(2)&lt;/script&gt;</ins>" in after
    assert "<script" not in before.lower()
    assert "<script" not in after.lower()


def test_a_changed_link_keeps_its_tags_intact_and_each_side_its_own_target():
    new_reference = REFERENCE.replace("NEJMoa1009290", "NEJMoa1009291")
    before, after = html_diff(page(REFERENCE), page(new_reference))

    assert nests_properly(before)
    assert nests_properly(after)
    assert '<li class="diff-changed">' in before
    assert '<li class="diff-changed">' in after
    assert (
        '<a href="https://doi.org/10.1056/NEJMoa1009290"><del>10.1056/NEJMoa1009290</del></a>'
        in (before)
    )
    assert (
        '<a href="https://doi.org/10.1056/NEJMoa1009291"><ins>10.1056/NEJMoa1009291</ins></a>'
        in (after)
    )


def test_a_changed_link_target_alone_marks_the_line_changed():
    moved = REFERENCE.replace('href="https://doi.org/', 'href="https://dx.doi.org/')
    before, after = html_diff(page(REFERENCE), page(moved))

    assert before == page(REFERENCE.replace("<li>", '<li class="diff-changed">'))
    assert after == page(moved.replace("<li>", '<li class="diff-changed">'))


def test_lines_left_over_from_a_replacement_are_marked_added():
    before, after = html_diff(side_effects(TIREDNESS), side_effects(NAUSEA, HEADACHE))

    assert '<li class="diff-changed"><del>tiredness</del></li>' in before
    assert '<li class="diff-changed"><ins>nausea</ins></li>' in after
    assert '<li class="diff-added">headache</li>' in after


# The fields of a record

EVEROLIMUS = {
    "id": 3,
    "generic_name": "Everolimus",
    "slug": "everolimus",
    "brand_names": "Afinitor",
    "drug_class": "",
    "targets": "mTOR",
    "mechanism": "Everolimus blocks a protein known as mTOR, which normally helps cells grow "
    "and divide.",
    "administration": "Everolimus is a pill taken once a day.",
    "route": "pill",
}


def test_a_changed_field_is_named_by_its_capitalised_verbose_name():
    changed = {**EVEROLIMUS, "administration": "Everolimus is a tablet taken once a day."}

    assert field_changes(Drug, EVEROLIMUS, changed) == [
        FieldChange(
            "How it is taken",
            "Everolimus is a pill taken once a day.",
            "Everolimus is a tablet taken once a day.",
        )
    ]


def test_unchanged_records_have_no_field_changes():
    assert field_changes(Drug, EVEROLIMUS, dict(EVEROLIMUS)) == []


def test_an_added_record_lists_every_non_empty_field_in_model_order_with_old_empty():
    changes = field_changes(Drug, None, EVEROLIMUS)

    assert [change.field for change in changes] == [
        "Generic name",
        "Slug",
        "Brand names",
        "What it blocks",
        "How it works",
        "How it is taken",
        "Form taken",
    ]
    assert all(change.old == "" for change in changes)
    assert changes[0] == FieldChange("Generic name", "", "Everolimus")


def test_a_deleted_record_lists_every_non_empty_field_with_new_empty():
    changes = field_changes(Drug, EVEROLIMUS, None)

    assert len(changes) == 7
    assert all(change.new == "" for change in changes)
    assert FieldChange("Form taken", "pill", "") in changes


def test_a_side_effect_group_is_shown_by_its_label():
    old = {"id": 8, "drug_id": 3, "term_id": 12, "group": "common", "position": 2}
    new = {**old, "group": "other"}

    assert field_changes(DrugSideEffect, old, new) == [
        FieldChange("Group", "Common", "Other possible")
    ]


def test_foreign_keys_may_be_given_by_name_or_attname():
    by_attname = {"drug_id": 3, "term_id": 12, "group": "common", "position": 2}
    by_name = {"drug": 3, "term": 12, "group": "common", "position": 2}

    assert field_changes(DrugSideEffect, by_attname, by_name) == []
    assert FieldChange("Term", "", "12") in field_changes(DrugSideEffect, None, by_name)


def test_none_and_empty_text_are_the_same_and_bookkeeping_fields_are_skipped():
    old = {**EVEROLIMUS, "drug_class": None, "updated_at": datetime.datetime(2024, 1, 1)}
    new = {**EVEROLIMUS, "id": 4, "updated_at": datetime.datetime(2024, 2, 1)}

    assert field_changes(Drug, old, new) == []


def test_booleans_read_yes_or_no_and_dates_are_iso():
    old = {"kind": "website", "title": "Pancreatic NETs", "authors_et_al": False}
    new = {**old, "authors_et_al": True, "accessed_date": datetime.date(2024, 3, 5)}

    assert field_changes(Citation, old, new) == [
        FieldChange("More authors (et al.)", "no", "yes"),
        FieldChange("Accessed", "", "2024-03-05"),
    ]


# --- words_diff: the same word diff for plain text -----------------------------------------------


def test_words_diff_marks_removed_and_added_words_of_plain_text():
    before, after = words_diff("Everolimus is a pill taken once a day.", "Everolimus is a tablet.")
    assert before == "Everolimus is a <del>pill taken once a day.</del>"
    assert after == "Everolimus is a <ins>tablet.</ins>"


def test_words_diff_escapes_both_texts_so_only_its_own_tags_are_markup():
    before, after = words_diff("Take <b>one</b> pill", "Take <script>two</script> pills")
    assert "<script>" not in after and "&lt;script&gt;two&lt;/script&gt;" in after
    assert "<b>" not in before


def test_words_diff_of_equal_texts_marks_nothing():
    assert words_diff("a & b", "a & b") == ("a &amp; b", "a &amp; b")
