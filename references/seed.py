"""The seed page's eight references as structured citations, in the page's order.

Each dict is the keyword arguments for `Citation(**fields)`. The seed import command and
the tests both build from this list, so the seed data lives in one place. Text is kept as
the seed writes it: curly apostrophes, the en dash in the PDQ title, "Dorshow JH". The
two NEJM page ranges keep the seed's minus sign (U+2212); formatting writes it as "-".
"""

import datetime

from .models import Citation

SEED_CITATIONS: list[dict] = [
    {
        "kind": Citation.Kind.WEBSITE,
        "authors": "Chan JA\nKulke M\nClancy TE",
        "title": "Metastatic well-differentiated pancreatic neuroendocrine tumors: Systemic "
        "therapy options to control tumor growth and symptoms of hormone hypersecretion",
        "container_title": "UpToDate",
        "url": "https://www.uptodate.com/contents/metastatic-well-differentiated-pancreatic-"
        "neuroendocrine-tumors-systemic-therapy-options-to-control-tumor-growth-and-"
        "symptoms-of-hormone-hypersecretion",
        "updated_date": datetime.date(2018, 8, 31),
        "accessed_date": datetime.date(2018, 10, 9),
    },
    {
        "kind": Citation.Kind.WEBSITE,
        "authors": "National Cancer Institute",
        "series": "Physician Data Query (PDQ)",
        "title": "Pancreatic Neuroendocrine Tumors (Islet Cell Tumors) Treatment "
        "\u2013 Patient Version",
        "year": 2018,
        "url": "https://www.cancer.gov/types/pancreatic/patient/pnet-treatment-pdq",
        "accessed_date": datetime.date(2018, 10, 9),
    },
    {
        "kind": Citation.Kind.GUIDELINE,
        "authors": "National Comprehensive Cancer Network",
        "title": "NCCN Clinical Practice Guidelines in Oncology: Neuroendocrine and Adrenal Tumors",
        "version": "V.3.2018",
        "url": "https://www.nccn.org/professionals/physician_gls/pdf/neuroendocrine.pdf",
        "accessed_date": datetime.date(2018, 10, 5),
    },
    {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Pasricha G\nPadhi P\nDaboul N\nMonga DK",
        "title": "Management of Well-differentiated Gastroenteropancreatic Neuroendocrine "
        "Tumors (GEPNETs): A Review",
        "container_title": "Clin Ther",
        "year": 2017,
        "month": 11,
        "volume": "39",
        "issue": "11",
        "pages": "2146-2157",
        "doi": "10.1016/j.clinthera.2017.10.010",
    },
    {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Raymond E\nDahan L\nRaoul JL",
        "authors_et_al": True,
        "title": "Sunitinib malate for the treatment of pancreatic neuroendocrine tumors",
        "container_title": "N Engl J Med",
        "year": 2011,
        "volume": "364",
        "pages": "501\u2212513",
    },
    {
        "kind": Citation.Kind.BOOK_CHAPTER,
        "authors": "Schneider DF\nMazeh H\nLubner SJ\nJaume JC\nChen H",
        "chapter_number": "71",
        "title": "Cancer of the endocrine system",
        "editors": "Niederhuber JE\nArmitage JO\nDorshow JH\nKastan MB\nTepper JE",
        "book_title": "Abeloff\u2019s Clinical Oncology",
        "edition": "5th",
        "publisher_place": "Philadelphia, Pa",
        "publisher": "Elsevier",
        "year": 2014,
    },
    {
        "kind": Citation.Kind.BOOK_CHAPTER,
        "authors": "Yao JC\nEvans DB",
        "chapter_number": "85",
        "title": "Pancreatic neuroendocrine tumors",
        "editors": "DeVita VT\nLawrence TS\nRosenberg SA",
        "book_title": "DeVita, Hellman, and Rosenberg\u2019s Cancer: Principles and Practice "
        "of Oncology",
        "edition": "10th",
        "publisher_place": "Philadelphia, Pa",
        "publisher": "Lippincott Williams & Wilkins",
        "year": 2015,
    },
    {
        "kind": Citation.Kind.JOURNAL_ARTICLE,
        "authors": "Yao JC\nShah MH\nIto T",
        "authors_et_al": True,
        "title": "Everolimus for advanced pancreatic neuroendocrine tumors",
        "container_title": "N Engl J Med",
        "year": 2011,
        "volume": "364",
        "pages": "514\u2212523",
    },
]
