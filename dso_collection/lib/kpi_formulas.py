"""The collection KPIs as plain formulas: numbers in, a number out.

The amounts come from SQL (``dso.collection.kpi``), already added up per
company, collector, customer and month; nothing here reads the database,
so a table of hand-computed cases tests every formula
(tests/test_kpi_formulas.py). The README defines each one with a worked
example. A KPI that cannot be computed (no sales, nothing receivable) is
``None``, shown as "-" rather than as a misleading zero.
"""

import math


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


def rolling_dso(receivables, months, count=3):
    """Rolling DSO, as the Credit Research Foundation recommends: the
    receivables at the end of the period in days of the sales of the last
    ``count`` months (receivables / their sales x their days). It does not
    jump at the start of a month as the DSO of the month does.

    :param receivables: the receivables (or any amount: what is not due
        for the best possible DSO) at the end of the period
    :param months: ``(sales, days)`` of the period's month and the ones
        before, latest first; the first ``count`` are used (fewer when the
        history is shorter)
    :return: days, or None without sales over those months
    """
    window = list(months)[:count]
    return standard_dso(
        receivables,
        sum(sales for sales, __ in window),
        sum(days for __, days in window),
    )


def overdue_ratio(overdue, open_debits):
    """Share (%) of what customers owe on their open debit items (open
    invoices, not due or overdue) that is overdue: at most 100 %. Credits
    not applied yet (open credit notes, unmatched payments) are left out:
    they are shown apart (``unapplied_credits``)."""
    share = ratio(overdue, open_debits)
    return None if share is None else 100.0 * share


def unapplied_credits(open_debits, receivables):
    """Open credit notes and unmatched payments: what the open debit items
    exceed the receivables (the balance of the account) by."""
    return open_debits - receivables


def _nice_step(rough):
    """The smallest 1, 2, 2.5 or 5 x 10^n not below ``rough`` (> 0)."""
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= rough:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover (factor 10 always fits)


def chart_scale(values, ticks=4, outlier_factor=3.0):
    """The y-axis of a bar chart of ``values`` (None and negatives count as
    0) that stays readable with an outlier: the axis ends at a round number
    above the values, or above ``outlier_factor`` x their median when a
    value passes that (its bar is clipped at the top, its value printed).

    :return: ``{"max": top of the axis, "ticks": [0, step, ..., max],
        "clipped": whether a value passes the top}``
    """
    positive = sorted(max(value or 0.0, 0.0) for value in values)
    top = positive[-1] if positive else 0.0
    nonzero = [value for value in positive if value > 0]
    if nonzero:
        middle = len(nonzero) // 2
        median = (
            nonzero[middle]
            if len(nonzero) % 2
            else (nonzero[middle - 1] + nonzero[middle]) / 2
        )
        top = min(top, outlier_factor * median)
    if top <= 0:
        top = 1.0
    step = _nice_step(top / ticks)
    count = math.ceil(top / step - 1e-9)
    axis_max = round(step * count, 10)
    return {
        "max": axis_max,
        "ticks": [round(step * n, 10) for n in range(count + 1)],
        "clipped": any(value > axis_max for value in positive),
    }
