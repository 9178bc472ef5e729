"""The collection KPIs as plain formulas: numbers in, a number out.

The amounts come from SQL (``dso.collection.kpi``), already added up per
company, collector, customer and month; nothing here reads the database,
so a table of hand-computed cases tests every formula
(tests/test_kpi_formulas.py). The README defines each one with a worked
example. A KPI that cannot be computed (no sales, nothing receivable) is
``None``, shown as "-" rather than as a misleading zero.
"""


def ratio(numerator, denominator):
    """``numerator / denominator``, or None when the denominator is zero."""
    if not denominator:
        return None
    return numerator / denominator


def standard_dso(receivables, sales, days):
    """Days sales outstanding: the receivables at the end of the period,
    in days of the period's sales (receivables / sales x days). None
    without sales (or when credit notes exceed them)."""
    if sales <= 0:
        return None
    return receivables / sales * days


def best_possible_dso(not_due, sales, days):
    """The DSO if every customer paid on its due date: only what is not
    due yet is outstanding."""
    return standard_dso(not_due, sales, days)


def average_days_delinquent(dso, best_dso):
    """ADD: the days the lateness of customers adds to the DSO."""
    if dso is None or best_dso is None:
        return None
    return dso - best_dso


def countback_dso(receivables, months):
    """Countback DSO: the days of sales, counted back from the end of the
    period, that make up the receivables.

    :param receivables: the receivables at the end of the period
    :param months: ``(sales, days)`` of the period and the ones before,
        latest first
    :return: ``(days, complete)``; ``complete`` is False when the history
        ran out before the receivables were all counted back (the DSO is
        then at least ``days``)
    """
    remaining = receivables
    days = 0.0
    if remaining <= 0:
        return 0.0, True
    for sales, month_days in months:
        if sales <= 0:
            days += month_days
            continue
        if remaining <= sales:
            return days + remaining / sales * month_days, True
        remaining -= sales
        days += month_days
    return days, False


def collection_effectiveness(receivables_start, sales, receivables_end, not_due_end):
    """CEI (%): what was collected in the period out of what could be:
    (start + sales - end) / (start + sales - not due at the end) x 100."""
    share = ratio(
        receivables_start + sales - receivables_end,
        receivables_start + sales - not_due_end,
    )
    return None if share is None else 100.0 * share


def overdue_ratio(overdue, receivables):
    """Share (%) of the receivables that is overdue."""
    share = ratio(overdue, receivables)
    return None if share is None else 100.0 * share
