"""The tables publications are found by: the records each shows, its drugs, its words.

A publication's manifest names every record it was built from, its `drug_slugs` the
drugs it shows and its `search_text` what search matches. Reading those columns across
every live publication is a scan; these rows, written with each publication and never
changed after (like the publication), turn each question into an indexed lookup:

- `PublicationRecord` (publication, model, pk, history id), indexed on (model, pk):
  which live pages show a record (`live_pages_showing`).
- `PublicationDrug` (publication, drug slug), indexed on slug: a public drug page.
- `PublicationSearch` (publication, the words a reader sees on it, by weight): what
  public search matches, ranks and quotes; on PostgreSQL with a weighted tsvector,
  GIN-indexed.

The pure helpers here serve the migrations that fill them for older publications too.
"""

import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Q

# The text-search configuration of public search, and of every stored vector.
SEARCH_CONFIG = "english"
# The configuration of each other language's vectors and searches. "imprimatur_spanish" is
# PostgreSQL's 'spanish' with unaccent before the stemmer (migration 0026), so "quimio"
# finds "quimio" and "químio" alike; where unaccent could not be installed it is 'spanish'.
SEARCH_CONFIGS = {"es": "imprimatur_spanish"}


def search_config(language: str | None = None) -> str:
    """The text-search configuration of content in `language` (None: the default)."""
    return SEARCH_CONFIGS.get(language or "", SEARCH_CONFIG)


# Each table's rows for the publications matching a condition on `p`, read by the
# database from the publications' own columns: one statement for any number of them
# (a row per record is too many parameters to send for a thousand pages).
_INSERTS = {
    "postgresql": [
        "INSERT INTO editorial_publicationrecord (publication_id, model, object_id, history_id) "
        "SELECT p.id, r->>'model', (r->>'pk')::bigint, (r->>'history_id')::bigint "
        "FROM editorial_publication p, jsonb_array_elements(p.manifest) r WHERE {where}",
        "INSERT INTO editorial_publicationdrug (publication_id, slug) "
        "SELECT DISTINCT p.id, s->'drug'->>'slug' "
        "FROM editorial_publication p, jsonb_array_elements(p.content->'drug_sections') s "
        "WHERE {where}",
    ],
    "sqlite": [
        "INSERT INTO editorial_publicationrecord (publication_id, model, object_id, history_id) "
        "SELECT p.id, json_extract(r.value, '$.model'), json_extract(r.value, '$.pk'), "
        "json_extract(r.value, '$.history_id') "
        "FROM editorial_publication p, json_each(p.manifest) r WHERE {where}",
        "INSERT INTO editorial_publicationdrug (publication_id, slug) "
        "SELECT DISTINCT p.id, json_extract(s.value, '$.drug.slug') "
        "FROM editorial_publication p, json_each(p.content, '$.drug_sections') s "
        "WHERE {where}",
    ],
}


def insert_statements(vendor: str, where: str) -> list[str]:
    """SQL writing the lookup rows of the publications `p` for which `where` holds."""
    return [statement.format(where=where) for statement in _INSERTS[vendor]]


RecordKey = tuple[str, int]


def manifest_rows(manifest: Iterable[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """(model, pk, history id) of every record a manifest names, once each."""
    return sorted({(row["model"], row["pk"], row["history_id"]) for row in manifest})


def drug_slugs_of(drug_slugs: str) -> list[str]:
    """The slugs in a publication's `|a||b|` column, once each."""
    return sorted({slug for slug in drug_slugs.strip("|").split("||") if slug})


def lookups_write(revision_id: int, publications: Iterable[Any]) -> None:
    """Write the lookup rows of a revision's newly inserted publications.

    A few statements for any number of pages. The rows come from the publications' own
    columns and content, so they say no more than the publication does;
    `integrity.verify_lookups` checks them against those.
    """
    with connection.cursor() as cursor:
        for statement in insert_statements(connection.vendor, "p.revision_id = %s"):
            cursor.execute(statement, [revision_id])
    search_rows_write(connection, [(p.pk, p.content) for p in publications])


# --- What search reads of a publication ---------------------------------------------------

# The parts of a publication's words, by how much a match in each counts (PostgreSQL's
# weights A to D): what the page is about, its drugs' names, what the drugs are, the
# page's sentences.
SEARCH_PARTS = ("heading", "names", "facts", "body")
SEARCH_WEIGHTS = dict(zip(SEARCH_PARTS, "ABCD", strict=True))

# A word as search sees it: letters and digits, so "HIF-2α" is "hif" and "2α".
WORD = re.compile(r"\w+")


def _lines(texts: Iterable[str]) -> str:
    # One passage a line: a passage never spans two things the reader sees apart.
    return "\n".join(" ".join(text.split()) for text in texts if text and text.strip())


def search_parts(content: dict[str, Any]) -> dict[str, str]:
    """The words a reader sees on a published page, a passage a line, in four parts.

    - heading: the title and the cancer type's name;
    - names: each drug's generic and brand names;
    - facts: each drug's class, what it blocks and how it is taken, and the names
      (with explanations) of its side effects;
    - body: the page's sentences: intro, each drug section's paragraph (how the drug
      works, the evidence, how it is taken) and indication, each group of side effects
      in the drug's own wording and detail, and the "More information" block.

    Only the frozen content is read, so a publication's words never change. The
    references and the editorial team's description, the same on every page, are left out.
    Translated content (it has a "language") leaves out what it holds as None (not
    translated, so not on its page) and the English words the default language adds.
    """
    translated = content.get("language") is not None
    cancer_type = content.get("cancer_type") or {}
    heading = [content["title"], cancer_type.get("name") or ""]
    names, facts, body = [], [], list(content.get("intro") or [])
    for section in content["drug_sections"]:
        drug = section["drug"]
        brand_names = drug["brand_names"] or []
        names.append(drug["generic_name"] + (f" ({', '.join(brand_names)})" if brand_names else ""))
        facts += [drug["drug_class"], drug["targets"], drug["route"]]
        body.append(
            " ".join(
                text
                for text in (drug["mechanism"], section["evidence"], drug["administration"])
                if text is not None  # untranslated: not on the page
            )
        )
        body += section["indication"] or []
        for group in drug["side_effects"]:
            entries = group["entries"]
            for entry in entries:
                term = entry["term"]
                if term["name"] is None:
                    continue
                facts.append(
                    f"{term['name']} ({term['explanation']})"
                    if term["explanation"]
                    else term["name"]
                )
            texts = [entry["text"] for entry in entries if entry["text"] is not None]
            if translated:  # the group's English label is not on a translated page
                body.append("; ".join(texts))
            else:
                body.append(f"{group['label']} side effects: " + "; ".join(texts))
    more = content.get("more_information") or {}
    links = [link for link in more.get("links") or [] if link["lead_in"] is not None]
    links = [link for link in links if link["title"] is not None]
    if links:
        body.append(more.get("heading") or ("" if translated else "More information"))
        body += [f"{link['lead_in']} {link['title']}." for link in links]
    return {
        "heading": _lines(heading),
        "names": _lines(names),
        "facts": _lines(dict.fromkeys(facts)),  # a term two drugs share, once
        "body": _lines(body),
    }


def words_of(text: str) -> list[str]:
    """The words of `text` as search compares them: lower case, in order."""
    return [word.lower() for word in WORD.findall(text)]


def search_words(parts: dict[str, str]) -> str:
    """Every distinct word of the parts, sorted, each between spaces: " a b c ".

    A whole word is then `LIKE '% word %'`, and the words of live pages are the
    vocabulary "Did you mean" chooses from.
    """
    words = sorted(
        {word for text in parts.values() for line in text.split("\n") for word in _line_words(line)}
    )
    return f" {' '.join(words)} " if words else ""


@functools.lru_cache(maxsize=4096)
def _line_words(line: str) -> frozenset[str]:
    # A shared drug's passages recur on every page that shows it: read each line once.
    return frozenset(words_of(line))


# One statement for any number of publications: their rows travel as one JSON array
# (PostgreSQL computes each weighted vector from the row's own parts).
_SEARCH_INSERT = {
    "postgresql": (
        "INSERT INTO editorial_publicationsearch "
        "(publication_id, heading, names, facts, body, words, vector) "
        # The drugs' names and facts recur on every page that shows them: each distinct
        # text is parsed once (the vector is the same concatenation as row by row).
        "WITH r AS (SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r(id bigint, heading text, "
        "names text, facts text, body text, words text)), "
        "n AS (SELECT names, setweight(to_tsvector('{config}', names), 'B') AS v "
        "FROM (SELECT DISTINCT names FROM r) d), "
        "f AS (SELECT facts, setweight(to_tsvector('{config}', facts), 'C') AS v "
        "FROM (SELECT DISTINCT facts FROM r) d) "
        "SELECT r.id, r.heading, r.names, r.facts, r.body, r.words, "
        "setweight(to_tsvector('{config}', r.heading), 'A') || n.v || f.v "
        "|| setweight(to_tsvector('{config}', r.body), 'D') "
        "FROM r JOIN n ON n.names = r.names JOIN f ON f.facts = r.facts"
    ),
    "sqlite": (
        "INSERT INTO editorial_publicationsearch "
        "(publication_id, heading, names, facts, body, words, vector) "
        "SELECT json_extract(r.value, '$.id'), json_extract(r.value, '$.heading'), "
        "json_extract(r.value, '$.names'), json_extract(r.value, '$.facts'), "
        "json_extract(r.value, '$.body'), json_extract(r.value, '$.words'), NULL "
        "FROM json_each(%s) r"
    ),
}

# The publications whose search row is missing or holds another vector than the one
# its own parts make (the same expression as the insert's, in the publication's language).
_CONFIG_OF_ROW = (
    "(CASE "
    + "".join(f"WHEN t.language = '{code}' THEN '{name}' " for code, name in SEARCH_CONFIGS.items())
    + f"ELSE '{SEARCH_CONFIG}' END)::regconfig"
)
# The configurations are this module's own names, never input.
SEARCH_VECTOR_MISMATCHES = (
    "SELECT p.id, p.slug FROM editorial_publication p "  # noqa: S608
    "LEFT JOIN editorial_publicationsearch s ON s.publication_id = p.id "
    "LEFT JOIN editorial_publicationtranslation t ON t.publication_id = p.id "
    f"WHERE s.vector IS DISTINCT FROM setweight(to_tsvector({_CONFIG_OF_ROW}, s.heading), 'A') "
    f"|| setweight(to_tsvector({_CONFIG_OF_ROW}, s.names), 'B') "
    f"|| setweight(to_tsvector({_CONFIG_OF_ROW}, s.facts), 'C') "
    f"|| setweight(to_tsvector({_CONFIG_OF_ROW}, s.body), 'D') "
    "ORDER BY p.id"
)


def search_row(content: dict[str, Any]) -> dict[str, str]:
    """A publication's search row (less its id and vector), from its content alone."""
    parts = search_parts(content)
    return {**parts, "words": search_words(parts)}


def search_rows_write(connection: Any, publications: list[tuple[int, dict[str, Any]]]) -> None:
    """Insert the search rows of these (publication id, content): one statement per language.

    On PostgreSQL each row's vector is parsed with its content's language's configuration
    (`search_config`), as that language's search parses the query.
    """
    by_config: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pk, content in publications:
        by_config[search_config(content.get("language"))].append({"id": pk, **search_row(content)})
    for config, rows in by_config.items():
        # `config` is one of this module's names, never input.
        sql = _SEARCH_INSERT[connection.vendor].replace("{config}", config)
        with connection.cursor() as cursor:
            cursor.execute(sql, [json.dumps(rows, ensure_ascii=False)])


# The first page (by id) of a revision showing a record the revision does not own at
# another history record than the one published now: read in the database from the
# revision's own columns, since a thousand pages show tens of thousands of such rows.
_STALE_SHOWN = {
    "postgresql": (
        "WITH owned AS (SELECT o->>'model' AS model, (o->>'pk')::bigint AS pk "
        "FROM editorial_revision v, jsonb_array_elements(v.records) o WHERE v.id = %s) "
        "SELECT s.page_id FROM editorial_revisionpage s, jsonb_array_elements(s.manifest) r "
        "LEFT JOIN editorial_publishedversion p "
        "ON p.model = r->>'model' AND p.object_id = (r->>'pk')::bigint "
        "WHERE s.revision_id = %s "
        "AND p.history_id IS DISTINCT FROM (r->>'history_id')::bigint "
        "AND NOT EXISTS (SELECT 1 FROM owned "
        "WHERE owned.model = r->>'model' AND owned.pk = (r->>'pk')::bigint) "
        "ORDER BY s.page_id LIMIT 1"
    ),
    "sqlite": (
        "WITH owned AS (SELECT json_extract(o.value, '$.model') AS model, "
        "json_extract(o.value, '$.pk') AS pk "
        "FROM editorial_revision v, json_each(v.records) o WHERE v.id = %s) "
        "SELECT s.page_id FROM editorial_revisionpage s, json_each(s.manifest) r "
        "LEFT JOIN editorial_publishedversion p "
        "ON p.model = json_extract(r.value, '$.model') "
        "AND p.object_id = json_extract(r.value, '$.pk') "
        "WHERE s.revision_id = %s "
        "AND p.history_id IS NOT json_extract(r.value, '$.history_id') "
        "AND NOT EXISTS (SELECT 1 FROM owned WHERE owned.model = json_extract(r.value, '$.model') "
        "AND owned.pk = json_extract(r.value, '$.pk')) "
        "ORDER BY s.page_id LIMIT 1"
    ),
}


def first_page_showing_stale_record(revision_id: int) -> int | None:
    """The first of a revision's pages that shows a record it does not own at a history
    record other than the one published now, or None: one statement for any number of pages.

    Such a page was frozen before another change published that record, so publishing
    it would put the old version back in front of readers.
    """
    with connection.cursor() as cursor:
        cursor.execute(_STALE_SHOWN[connection.vendor], [revision_id, revision_id])
        row = cursor.fetchone()
    return row[0] if row else None


def records_condition(keys: Iterable[RecordKey], prefix: str = "") -> Q:
    """A filter matching any of `keys` in a table of (model, object_id): one OR per model."""
    by_model: dict[str, list[int]] = defaultdict(list)
    for name, pk in keys:
        by_model[name].append(pk)
    condition = Q()
    for name, pks in sorted(by_model.items()):
        condition |= Q(**{f"{prefix}model": name, f"{prefix}object_id__in": sorted(pks)})
    return condition


def live_pages_showing_records(keys: set[RecordKey]) -> set[int]:
    """The pages whose live publication shows any of these records: one indexed query."""
    from .models import PublicationRecord  # models import nothing from here; migrations do

    if not keys:
        return set()
    return set(
        PublicationRecord.objects.filter(
            records_condition(keys), publication__current__isnull=False
        )
        .values_list("publication__page_id", flat=True)
        .distinct()
    )


def live_translated_pages_showing_records(keys: set[RecordKey], language: str) -> set[int]:
    """The pages whose live publication in `language` (`CurrentTranslation`) shows any of
    these records: one indexed query, as `live_pages_showing_records` for the default."""
    from django.db.models import Exists, OuterRef

    from .models import CurrentTranslation, PublicationRecord

    if not keys:
        return set()
    live = CurrentTranslation.objects.filter(
        publication_id=OuterRef("publication_id"), language=language
    )
    return set(
        PublicationRecord.objects.filter(records_condition(keys), Exists(live))
        .values_list("publication__page_id", flat=True)
        .distinct()
    )
