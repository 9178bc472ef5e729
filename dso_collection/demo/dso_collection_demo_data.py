"""What the demo creates: its documents, payments, statuses, history and
the languages of its international customers, as data that
``dso_collection_demo`` turns into records. Every date is a number of days
from today.
"""

from typing import NamedTuple

MAIN_COMPANY = "base.main_company"
INTERNATIONAL_COMPANY = "dso_collection.demo_company_international"


class Document(NamedTuple):
    """A customer invoice or credit note of the demo."""

    key: str  # xml id: dso_collection.demo_invoice_<key>
    customer: str  # xml id of the customer (commercial partner)
    contact: str | None  # xml id of the invoiced contact, if not the customer
    overdue: int  # days past due today (negative: due in the future)
    amount: float  # untaxed amount
    label: str
    move_type: str = "out_invoice"


def _doc(key, overdue, amount, label, contact=None, move_type="out_invoice"):
    customer = "dso_collection.demo_partner_" + key.rsplit("_", 1)[0]
    contact = contact and "dso_collection.demo_partner_" + contact
    return Document(key, customer, contact, overdue, amount, label, move_type)


DOCUMENTS = {
    MAIN_COMPANY: [
        _doc("brightwave_1", 5, 1850.0, "Freight services - regional", "brightwave_ap"),
        _doc("brightwave_2", -10, 2400.0, "Warehousing - monthly fee", "brightwave_ap"),
        _doc("northwind_1", 20, 1275.0, "Cold-chain transport - week 1"),
        _doc("northwind_2", 0, 3200.0, "Cold-chain transport - week 4"),
        _doc("harbor_finch_1", 90, 2300.0, "Project management licences"),
        _doc("harbor_finch_2", 45, 5600.0, "Design review consulting"),
        _doc(
            "cedar_valley_1",
            150,
            8750.0,
            "Maintenance - 1st quarter",
            "cedar_valley_ap",
        ),
        _doc(
            "cedar_valley_2",
            90,
            12400.0,
            "Maintenance - 2nd quarter",
            "cedar_valley_ap",
        ),
        _doc("cedar_valley_3", -25, 4300.0, "On-site training", "cedar_valley_ap"),
        _doc("lakewood_1", 45, 7800.0, "Street lighting survey"),
        _doc("lakewood_2", 20, 2150.0, "Traffic data analysis"),
        _doc("summit_1", 150, 4150.0, "Seasonal stock replenishment"),
        _doc("summit_2", 5, 980.0, "Display fixtures"),
        _doc("pioneer_1", 90, 6450.0, "Laser cutting - order 4471"),
        _doc("pioneer_2", 20, 3300.0, "Laser cutting - order 4520"),
        _doc("greenleaf_1", 0, 760.0, "Delivery rounds - last month"),
        _doc("greenleaf_2", -10, 1120.0, "Delivery rounds - this month"),
        _doc("atlas_1", 5, 15000.0, "Structural study - milestone 2"),
        _doc(
            "atlas_2",
            12,
            1200.0,
            "Credit note: milestone 1 scope reduction",
            move_type="out_refund",
        ),
        _doc(
            "blue_harbor_1", 45, 6100.0, "Linen service - spring", "blue_harbor_finance"
        ),
        _doc(
            "blue_harbor_2", 20, 2890.0, "Linen service - summer", "blue_harbor_finance"
        ),
        _doc("metro_transit_1", 150, 18500.0, "Ticketing upgrade - phase 1"),
        _doc("metro_transit_2", 0, 5200.0, "Ticketing support"),
        _doc("quantum_1", 90, 890.0, "Paper stock"),
        _doc("quantum_2", -25, 1340.0, "Ink cartridges"),
        _doc("silverline_1", 45, 4200.0, "Cloud hosting - annual plan"),
        _doc("oakridge_1", 20, 980.0, "Sterilisation supplies"),
        _doc("oakridge_2", 5, 640.0, "Sterilisation supplies"),
        _doc("redwood_1", 150, 3750.0, "Hardwood panels - batch 1"),
        _doc("redwood_2", 90, 2100.0, "Hardwood panels - batch 2"),
        _doc("redwood_3", 45, 1450.0, "Upholstery fabric"),
    ],
    INTERNATIONAL_COMPANY: [
        _doc("van_dijk_1", 20, 8400.0, "Steel framing - phase 1", "van_dijk_ap"),
        _doc("van_dijk_2", -10, 2100.0, "Steel framing - phase 2", "van_dijk_ap"),
        _doc("lefevre_1", 90, 1200.0, "Packaging design"),
        _doc("lefevre_2", 45, 3150.0, "Packaging print run"),
        _doc("adler_1", 5, 950.0, "Bottling line maintenance"),
        _doc("adler_2", 0, 4800.0, "Bottling line upgrade"),
        _doc("westerhaven_1", 90, 11200.0, "Harbour lighting audit"),
        _doc("westerhaven_2", -25, 2600.0, "Harbour lighting - follow-up"),
    ],
}

# Scenarios of the customers of the second company (those of the main
# company are set in the XML file, which loads in the main company).
# The international company's customers write and are written to in their
# own language (their contacts too): collection emails, letters and answer
# pages reach them in it.
INTERNATIONAL_LANGS = {
    "van_dijk": "nl_NL",
    "van_dijk_ap": "nl_NL",
    "westerhaven": "nl_NL",
    "lefevre": "fr_FR",
    "adler": "de_DE",
    "adler_finance": "de_DE",
}

INTERNATIONAL_SCENARIOS = {
    "van_dijk": "standard",
    "lefevre": "risky",
    "adler": "standard",
    "westerhaven": "public",
}

# Partial payments: invoice key, amount, days ago.
PARTIAL_PAYMENTS = [
    ("northwind_1", 500.0, 6),
    ("summit_1", 1500.0, 30),
    ("blue_harbor_1", 2000.0, 10),
    ("lefevre_2", 1000.0, 7),
]

# A payment the customer sent without saying what it pays: an open credit.
UNMATCHED_PAYMENT = (
    "dso_collection.demo_partner_silverline",
    1000.0,
    3,
    "Wire transfer SLV-0420 (no invoice reference)",
)

# Statuses: invoice key, status, status date (days from today), comment.
STATUSES = [
    (
        "pioneer_1",
        "dso_collection.dso_item_status_dispute",
        -12,
        "Helen Park disputes the cut tolerances of 40 parts out of 300: "
        "the quality team inspects the returned samples.",
    ),
    (
        "silverline_1",
        "dso_collection.dso_item_status_promise",
        5,
        "Promised on the phone by the accounts payable team.",
    ),
]

# Customers whose scenario already ran for a while: the collector took them
# up `started` days ago and carried out up to `steps` actions, each on its
# date (or on the day the collector took the customer up, if later); the
# next step is on the agenda: late, today or to come.
HISTORY = {
    MAIN_COMPANY: {
        "northwind": (2, 15),
        "harbor_finch": (3, 12),
        "cedar_valley": (2, 30),
        "lakewood": (1, 20),
        "summit": (4, 25),
        "pioneer": (1, 12),
        "greenleaf": (1, 5),
        "blue_harbor": (2, 10),
        "metro_transit": (3, 60),
        "silverline": (1, 14),
        "oakridge": (1, 10),
        "redwood": (4, 30),
    },
    INTERNATIONAL_COMPANY: {
        "van_dijk": (2, 15),
        "lefevre": (3, 15),
        "westerhaven": (2, 30),
    },
}

NOTES = {
    "call": "Called the accounts payable team: the invoice is with the approver.",
    "email": "Reminder sent.",
    "interactive_email": "Interactive reminder sent.",
    "internal_email": "Sales team asked about the customer's situation.",
    "letter": "Reminder letter posted.",
    "registered_letter": "Formal notice sent by registered mail.",
    "sms": "SMS sent to the customer's accountant.",
    "litigation": "File handed over to the litigation department.",
}
