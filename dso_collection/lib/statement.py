"""The statement of account's arithmetic: open items into age bands.

Pure: plain values in (an item's key, due date and open amount), bands and
totals out; no record is read. ``report/dso_statement.py`` reads the
customer's open receivable items and prints what this returns.

- An item with a negative open amount (an open credit note, a payment not
  matched to an invoice) is a *credit*: listed apart, whatever its date.
- The others are *not due* when their due date is today or later, else in
  the band of their days overdue: 1-30, 31-60, 61-90, over 90.
- The total due is the sum of every open amount, credits included.
"""

from dataclasses import dataclass, field

# The age bands, in the order the statement prints them: (key, first day
# overdue, last day overdue or None).
BANDS = (
    ("not_due", None, 0),
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("over_90", 91, None),
)
BAND_KEYS = tuple(key for key, _first, _last in BANDS)


@dataclass(frozen=True)
class StatementItem:
    """One open item: ``key`` identifies it for the caller (a move line
    id), ``due`` is its due date (else its date), ``residual`` its open
    amount (negative for a credit)."""

    key: object
    due: object
    residual: float


@dataclass
class StatementBand:
    key: str
    items: list = field(default_factory=list)
    total: float = 0.0


@dataclass
class Statement:
    bands: dict
    credits: list
    credits_total: float
    total: float
    days_overdue: dict

    @property
    def overdue_total(self):
        return sum(band.total for key, band in self.bands.items() if key != "not_due")


def days_overdue(due, today):
    """Days ``due`` is past ``today`` (0 or less: not due)."""
    return (today - due).days if due else 0


def band_of(days):
    """The key of the band of an item ``days`` overdue."""
    for key, first, last in BANDS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    return BAND_KEYS[-1]


def age_items(items, today, digits=2):
    """Sort ``items`` (``StatementItem``) into the bands and credits of a
    statement dated ``today``; every band is listed, empty or not. Items
    keep their order within a band: the caller sorts them. Totals are
    rounded to ``digits``.

    :return: ``Statement``
    """
    bands = {key: StatementBand(key) for key in BAND_KEYS}
    credits = []
    overdue = {}
    for item in items:
        days = days_overdue(item.due, today)
        overdue[item.key] = max(days, 0)
        if item.residual < 0:
            credits.append(item)
            continue
        band = bands[band_of(days)]
        band.items.append(item)
        band.total += item.residual
    for band in bands.values():
        band.total = round(band.total, digits)
    credits_total = round(sum(item.residual for item in credits), digits)
    total = round(sum(item.residual for item in items), digits)
    return Statement(
        bands=bands,
        credits=credits,
        credits_total=credits_total,
        total=total,
        days_overdue=overdue,
    )
