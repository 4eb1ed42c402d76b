"""The seed page ("Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor"), structured by hand.

Nothing here is invented: where the seed says nothing (the two "More information"
URLs, a class for sunitinib or everolimus, a medical review date) the field stays
empty. One correction: the seed's "HIF-2a" lost its α.
"""

import datetime

SEED_ID = "000_926eb5af7243d442"
SEED_LAST_REVISED = datetime.date(2021, 8, 17)

CANCER_TYPE = {"name": "Pancreatic neuroendocrine tumor", "slug": "pancreatic-neuroendocrine-tumor"}

EDITORIAL_TEAM = {
    "name": "The American Cancer Society medical and editorial content team",
    "description": (
        "Our team is made up of doctors and oncology certified nurses with deep knowledge of "
        "cancer care as well as journalists, editors, and translators with extensive "
        "experience in medical writing."
    ),
}

# name -> plain-language explanation, where the seed gives one.
SIDE_EFFECT_TERMS = {
    "nausea": "",
    "diarrhea": "",
    "changes in skin or hair color": "",
    "mouth sores": "",
    "weakness": "",
    "low blood cell counts": "",
    "tiredness": "",
    "high blood pressure": "",
    "heart problems": "",
    "bleeding": "",
    "hand-foot syndrome": (
        "redness, pain, and skin peeling of the palms of the hands and the soles of the feet"
    ),
    "low thyroid hormone levels": "",
    "infections": "",
    "loss of appetite": "",
    "skin rash": "",
    "fluid buildup": "",
    "high blood sugar": "",
    "lung damage": "",
    "anemia": "low red blood cell counts",
    "headache": "",
    "kidney changes": "",
    "low oxygen levels": "",
}

# Each side effect: (term, wording, detail); wording is empty where it is the term.
DRUGS = [
    {
        "generic_name": "Sunitinib",
        "slug": "sunitinib",
        "brand_names": "Sutent",
        "drug_class": "",
        "targets": "several tyrosine kinases",
        "mechanism": "Sunitinib blocks several tyrosine kinases and attacks new blood vessel growth.",
        "administration": "This drug is taken as a pill once a day.",
        "route": "pill",
        "side_effects": {
            "common": [
                ("nausea", "", ""),
                ("diarrhea", "", ""),
                ("changes in skin or hair color", "", ""),
                ("mouth sores", "", ""),
                ("weakness", "", ""),
                ("low blood cell counts", "", ""),
            ],
            "other": [
                ("tiredness", "", ""),
                ("high blood pressure", "", ""),
                ("heart problems", "", ""),
                ("bleeding", "", ""),
                ("hand-foot syndrome", "", ""),
                ("low thyroid hormone levels", "", ""),
            ],
        },
    },
    {
        "generic_name": "Everolimus",
        "slug": "everolimus",
        "brand_names": "Afinitor",
        "drug_class": "",
        "targets": "mTOR",
        "mechanism": (
            "Everolimus blocks a protein known as mTOR, which normally helps cells grow and divide."
        ),
        "administration": "Everolimus is a pill taken once a day.",
        "route": "pill",
        "side_effects": {
            "common": [
                ("mouth sores", "", ""),
                ("infections", "", ""),
                ("nausea", "", ""),
                ("loss of appetite", "", ""),
                ("diarrhea", "", ""),
                ("skin rash", "", ""),
                ("tiredness", "feeling tired or weak", ""),
                ("fluid buildup", "", "(usually in the legs)"),
                ("high blood sugar", "increases in blood sugar and cholesterol levels", ""),
            ],
            "serious": [
                (
                    "lung damage",
                    "damage to the lungs",
                    "which can cause shortness of breath or other problems",
                ),
            ],
        },
    },
    {
        "generic_name": "Belzutifan",
        "slug": "belzutifan",
        "brand_names": "Welireg",
        "drug_class": "HIF inhibitor",
        "targets": "hypoxia-inducible factor 2 alpha (HIF-2α)",
        "mechanism": (
            "Belzutifan is a type of drug known as a HIF inhibitor. It blocks a protein called "
            "hypoxia-inducible factor 2 alpha (HIF-2α), which is involved in both cancer cell "
            "growth and the formation of new blood vessels in tumors."
        ),
        "administration": "This drug is taken as pills, typically once a day.",
        "route": "pill",
        "side_effects": {
            "common": [
                ("anemia", "low red blood cell counts (anemia)", ""),
                ("tiredness", "feeling tired and/or dizzy", ""),
                ("nausea", "", ""),
                ("headache", "", ""),
                ("high blood sugar", "increased blood sugar levels", ""),
                (
                    "kidney changes",
                    "changes in lab tests showing the drug might be affecting the kidneys",
                    "",
                ),
            ],
            "serious": [
                (
                    "anemia",
                    "very low red blood cell counts (severe anemia)",
                    "which might require blood transfusions",
                ),
                (
                    "low oxygen levels",
                    "low oxygen levels in the body",
                    "for which you might need oxygen therapy or even be admitted to the hospital",
                ),
            ],
        },
    },
]

PAGE = {
    "title": "Targeted Drug Therapy for Pancreatic Neuroendocrine Tumor",
    "slug": "targeted-drug-therapy-for-pancreatic-neuroendocrine-tumor",
    "intro": (
        "Targeted drugs work differently from standard chemotherapy (chemo) drugs. These drugs "
        "target specific parts of cancer cells. They are sometimes helpful when chemo is not, "
        "and they often have different side effects than chemo.\n\n"
        "The targeted drugs used to treat pancreatic neuroendocrine tumors (NETs) work by "
        "blocking angiogenesis (the growth of new blood vessels that nourish cancers) or "
        "important proteins (called tyrosine kinases) in cancer cells that help them grow and "
        "survive."
    ),
    "more_information_heading": "More information about targeted therapy",
}

# What is true of each drug for this page's cancer only.
DRUG_SECTIONS = [
    {
        "drug": "sunitinib",
        "evidence": "It has been shown to help slow tumor growth.",
        "indication": "",
    },
    {
        "drug": "everolimus",
        "evidence": "It has been shown to help treat advanced pancreatic NETs.",
        "indication": "",
    },
    {
        "drug": "belzutifan",
        "evidence": "",
        "indication": (
            "Belzutifan can be used in people with von Hippel-Lindau (VHL) disease who have a "
            "pancreatic NET and don’t need surgery right away."
        ),
    },
]

# The seed names both targets but gives no URL for either: they stay unlinked.
MORE_INFORMATION_LINKS = [
    {
        "lead_in": "To learn more about how targeted drugs are used to treat cancer, see",
        "title": "Targeted Cancer Therapy",
    },
    {
        "lead_in": "To learn about some of the side effects listed here and how to manage them, see",
        "title": "Managing Cancer-related Side Effects",
    },
]
