"""Reading a pasted side-effect list: entries, their wording and detail, their terms."""

import re

import pytest

from drugs.formatting import side_effect_text
from drugs.side_effect_lists import (
    collapse_spaces,
    entry_fields,
    likely_term,
    match_terms,
    parse_side_effect_list,
)
from editorial import seed

# The seed page's side-effect lists, as its sentences give them (after "include" or
# "are"), keyed by (drug, group) as the seed data files them.
SEED_LISTS = {
    ("sunitinib", "common"): "nausea, diarrhea, changes in skin or hair color, mouth sores, "
    "weakness, and low blood cell counts",
    ("sunitinib", "other"): "tiredness, high blood pressure, heart problems, bleeding, "
    "hand-foot syndrome (redness, pain, and skin peeling of the palms of the hands and the "
    "soles of the feet), and low thyroid hormone levels",
    ("everolimus", "common"): "mouth sores, infections, nausea, loss of appetite, diarrhea, "
    "skin rash, feeling tired or weak, fluid buildup (usually in the legs), and increases in "
    "blood sugar and cholesterol levels",
    ("everolimus", "serious"): "damage to the lungs, which can cause shortness of breath or "
    "other problems",
    ("belzutifan", "common"): "low red blood cell counts (anemia), feeling tired and/or "
    "dizzy, nausea, headache, increased blood sugar levels, and changes in lab tests showing "
    "the drug might be affecting the kidneys",
    ("belzutifan", "serious"): "very low red blood cell counts (severe anemia), which might "
    "require blood transfusions, and low oxygen levels in the body, for which you might need "
    "oxygen therapy or even be admitted to the hospital.",
}
SEED_ENTRIES = {
    (drug["slug"], group): entries
    for drug in seed.DRUGS
    for group, entries in drug["side_effects"].items()
}
TERMS = list(seed.SIDE_EFFECT_TERMS)
# Between entries only these may be dropped: separators, "and"/"or", bullets, full stops.
SEPARATOR = re.compile(r"\A[\s,;.•*\-–—]*(?:\d{1,3}[.)])?\s*(?:(?:and/or|and|or)\s+)?\Z", re.I)


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'/-]+|[()]", text)


def test_the_seed_lists_cover_every_group_of_the_seed():
    assert set(SEED_LISTS) == set(SEED_ENTRIES)


@pytest.mark.parametrize("key", sorted(SEED_LISTS))
def test_a_seed_list_reads_as_the_seed_page_lists_it(key):
    parsed = parse_side_effect_list(SEED_LISTS[key])
    expected = [
        side_effect_text(
            term=term, explanation=seed.SIDE_EFFECT_TERMS[term], wording=wording, detail=detail
        )
        for term, wording, detail in SEED_ENTRIES[key]
    ]
    assert [entry.text for entry in parsed.entries] == expected


@pytest.mark.parametrize("key", sorted(SEED_LISTS))
def test_a_seed_list_rejoins_to_the_paste_letter_for_letter(key):
    parsed = parse_side_effect_list(SEED_LISTS[key])
    assert parsed.rejoined() == SEED_LISTS[key]
    assert all(SEPARATOR.match(separator) for separator in parsed.separators)


@pytest.mark.parametrize("key", sorted(SEED_LISTS))
def test_a_seed_list_stores_the_seed_wording_and_detail_for_the_seed_terms(key):
    parsed = parse_side_effect_list(SEED_LISTS[key])
    stored = [
        (term, *entry_fields(entry, term=term, explanation=seed.SIDE_EFFECT_TERMS[term]))
        for entry, (term, _, _) in zip(parsed.entries, SEED_ENTRIES[key], strict=True)
    ]
    assert stored == [tuple(entry) for entry in SEED_ENTRIES[key]]


def test_semicolons_line_breaks_and_bullets_separate_entries():
    paste = "nausea; diarrhea\n- mouth sores\n• skin rash\n2. headache."
    parsed = parse_side_effect_list(paste)
    assert [entry.text for entry in parsed.entries] == [
        "nausea",
        "diarrhea",
        "mouth sores",
        "skin rash",
        "headache",
    ]
    assert parsed.rejoined() == paste


def test_commas_inside_brackets_stay_in_their_entry():
    parsed = parse_side_effect_list(
        "nausea; diarrhea; hand-foot syndrome (redness, pain, and skin peeling on the palms "
        "and soles)"
    )
    entry = parsed.entries[-1]
    assert entry.head == "hand-foot syndrome"
    assert entry.detail == "(redness, pain, and skin peeling on the palms and soles)"


def test_a_line_break_inside_an_entry_reads_as_a_space_and_keeps_every_word():
    paste = "fluid buildup (usually\nin the legs); damage to the lungs,\nwhich can cause problems"
    parsed = parse_side_effect_list(paste)
    assert [entry.text for entry in parsed.entries] == [
        "fluid buildup (usually in the legs)",
        "damage to the lungs, which can cause problems",
    ]
    assert words(" ".join(entry.text for entry in parsed.entries)) == words(paste)


def test_and_inside_an_entry_is_wording_not_a_separator():
    parsed = parse_side_effect_list("feeling tired and/or dizzy, nausea and vomiting, and rash")
    assert [entry.text for entry in parsed.entries] == [
        "feeling tired and/or dizzy",
        "nausea and vomiting",
        "rash",
    ]


def test_a_paste_of_separators_only_has_no_entries():
    assert parse_side_effect_list(" ;,\n - \n").entries == ()


def test_unbalanced_brackets_lose_no_word():
    paste = "nausea (mild, diarrhea; rash)) and (more"
    parsed = parse_side_effect_list(paste)
    assert parsed.rejoined() == paste
    assert words(" ".join(entry.text for entry in parsed.entries)) == words(paste)


def test_an_entry_reads_exactly_as_pasted_whatever_term_is_chosen():
    (entry,) = parse_side_effect_list(
        "Very low red blood cell counts (severe anemia), which hurt"
    ).entries
    for term, explanation in [
        ("anemia", "low red blood cell counts"),
        ("Very low red blood cell counts", ""),
        ("x", ""),
    ]:
        wording, detail = entry_fields(entry, term=term, explanation=explanation)
        assert (
            side_effect_text(term=term, explanation=explanation, wording=wording, detail=detail)
            == entry.text
        )


def test_an_entry_matches_its_term_ignoring_case():
    (entry,) = parse_side_effect_list("Nausea").entries
    assert match_terms(entry, TERMS).exact == "nausea"
    # The entry keeps its capital: the wording reads as pasted.
    assert entry_fields(entry, term="nausea") == ("Nausea", "")


def test_a_bracket_naming_a_term_matches_that_term():
    (entry,) = parse_side_effect_list("low red blood cell counts (anemia)").entries
    assert match_terms(entry, TERMS).exact == "anemia"


def test_a_near_spelling_is_offered_and_taken_as_likely():
    (entry,) = parse_side_effect_list("mouth sore").entries
    matches = match_terms(entry, TERMS)
    assert matches.exact is None
    assert matches.near[0] == "mouth sores"
    assert likely_term(matches, entry) == "mouth sores"


def test_a_term_named_inside_a_longer_wording_is_offered_but_not_assumed():
    (entry,) = parse_side_effect_list("severe anemia").entries
    matches = match_terms(entry, TERMS)
    assert "anemia" in matches.near
    assert likely_term(matches, entry) is None


def test_an_unknown_side_effect_matches_nothing_and_proposes_its_own_name():
    (entry,) = parse_side_effect_list("hiccups (now and then)").entries
    assert match_terms(entry, TERMS).exact is None
    assert match_terms(entry, TERMS).near == ()
    assert entry.proposed_name == "hiccups"


def test_whitespace_runs_read_as_one_space():
    assert collapse_spaces("  low \t blood\ncell  counts ") == "low blood cell counts"
