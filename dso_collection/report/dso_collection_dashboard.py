from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..lib import kpi_formulas as kpi
from .dso_collection_kpi import ROLLING_MONTHS

# Months of history read for the countback DSO (the trend shows 12).
HISTORY_MONTHS = 24
TREND_MONTHS = 12
TOP_CUSTOMERS = 10
AMOUNTS = (
    "sales",
    "receivable_start",
    "receivable_end",
    "not_due_end",
    "overdue_end",
    "overdue_net_end",
    "open_debit_end",
    "unapplied_end",
    "band_1_30",
    "band_31_60",
    "band_61_90",
    "band_90_plus",
)


class DsoCollectionDashboard(models.AbstractModel):
    """The credit manager's dashboard: the KPIs of the current company,
    their 12-month trend, the aged balance, the qualification rate, the open
    disputes and the customers with the most overdue.

    One KPI query per company and customer group (``dso.collection.kpi``'s
    ``_kpi_query``, the query of the KPI pivot), grouped by collector; the
    company's figures are their sums. Only aggregated rows reach Python, and
    the figures of a month are the pivot's for that month (the headline
    rolling DSO is the pivot's *DSO 3 months*).
    """

    _name = "dso.collection.dashboard"
    _description = "Collection dashboard"

    @api.model
    def _kpi_rows(self, company, today, group, partner_ids=None):
        """The KPI amounts of ``company`` over ``HISTORY_MONTHS``, by
        ``(group id, month)``."""
        Kpi = self.env["dso.collection.kpi"]
        # Read access to the KPIs of the company is what the dashboard shows.
        Kpi.check_access("read")
        Kpi.env["account.move.line"].flush_model()
        Kpi.env["account.partial.reconcile"].flush_model()
        first = today.replace(day=1) - relativedelta(months=HISTORY_MONTHS - 1)
        self.env.cr.execute(
            Kpi._kpi_query(company, first, today, group, partner_ids=partner_ids)
        )
        columns = [column.name for column in self.env.cr.description]
        rows = {}
        for values in self.env.cr.fetchall():
            row = dict(zip(columns, values, strict=True))
            rows[row["group_id"], row["month"]] = row
        return rows

    @api.model
    def _month_kpis(self, months, index):
        """Every KPI of month ``months[index]`` of one group.

        :param months: the group's month rows (amounts, ``days``), oldest
            first, one per month
        """
        row = months[index]
        days = row["days"]
        dso = kpi.standard_dso(row["receivable_end"], row["sales"], days)
        best = kpi.best_possible_dso(row["not_due_end"], row["sales"], days)
        latest_first = [(m["sales"], m["days"]) for m in reversed(months[: index + 1])]
        countback, complete = kpi.countback_dso(row["receivable_end"], latest_first)
        dso_3m = kpi.rolling_dso(row["receivable_end"], latest_first, ROLLING_MONTHS)
        best_3m = kpi.rolling_dso(row["not_due_end"], latest_first, ROLLING_MONTHS)
        return {
            "month": fields.Date.to_string(row["month"]),
            "dso": dso,
            "countback_dso": countback,
            "countback_complete": complete,
            "best_dso": best,
            "add": kpi.average_days_delinquent(dso, best),
            "sales_3m": sum(sales for sales, __ in latest_first[:ROLLING_MONTHS]),
            "dso_3m": dso_3m,
            "best_dso_3m": best_3m,
            "add_3m": kpi.average_days_delinquent(dso_3m, best_3m),
            "cei": kpi.collection_effectiveness(
                row["receivable_start"],
                row["sales"],
                row["receivable_end"],
                row["not_due_end"],
            ),
            "overdue_ratio": kpi.overdue_ratio(
                row["overdue_end"], row["open_debit_end"]
            ),
            **{name: row[name] for name in AMOUNTS},
        }

    @api.model
    def _group_months(self, rows, month_starts):
        """Per group id, one row per month of ``month_starts`` (zeros when
        the group had nothing that month)."""
        by_group = defaultdict(dict)
        for (group_id, month), row in rows.items():
            by_group[group_id][month] = row
        result = {}
        for group_id, by_month in by_group.items():
            result[group_id] = [
                by_month.get(month)
                or {
                    "month": month,
                    "days": (month + relativedelta(months=1) - month).days,
                    **dict.fromkeys(AMOUNTS, 0.0),
                }
                for month in month_starts
            ]
        return result

    @api.model
    def _sum_groups(self, grouped, month_starts):
        """The month rows of all groups added up."""
        total = []
        for index, month in enumerate(month_starts):
            rows = [months[index] for months in grouped.values()]
            total.append(
                {
                    "month": month,
                    "days": rows[0]["days"] if rows else 0,
                    **{name: sum(row[name] or 0.0 for row in rows) for name in AMOUNTS},
                }
            )
        return total

    @api.model
    def _month_starts(self, today):
        first = today.replace(day=1) - relativedelta(months=HISTORY_MONTHS - 1)
        return [first + relativedelta(months=n) for n in range(HISTORY_MONTHS)]

    @api.model
    def get_dashboard_data(self):
        """Everything the dashboard shows, for the current company."""
        company = self.env.company
        today = fields.Date.context_today(self)
        month_starts = self._month_starts(today)
        # Its queries are aggregates over every receivable item: run as the
        # pivot's (no JIT, parallel workers).
        self.env["dso.collection.kpi"]._kpi_query_settings()
        grouped = self._group_months(
            self._kpi_rows(company, today, "collector"), month_starts
        )
        # The last month is the current one, up to today; so is its day count.
        for months in grouped.values():
            months[-1]["days"] = (today - month_starts[-1]).days + 1
        total = self._sum_groups(grouped, month_starts)
        if total:
            total[-1]["days"] = (today - month_starts[-1]).days + 1
        last = len(month_starts) - 1
        trend = [
            self._month_kpis(total, index)
            for index in range(len(total) - TREND_MONTHS, len(total))
        ]
        # The collectors' names in one read, whatever their number.
        collector_ids = [group_id for group_id in grouped if group_id]
        users = {user.id: user for user in self.env["res.users"].browse(collector_ids)}
        collectors = []
        for collector_id, months in grouped.items():
            figures = self._month_kpis(months, last)
            if not any(figures[name] for name in (*AMOUNTS, "sales_3m")):
                # Nothing this month: no row in the KPI pivot either.
                continue
            collectors.append(
                {
                    "id": collector_id or False,
                    "name": users[collector_id].name
                    if collector_id
                    else self.env._("No collector"),
                    **figures,
                }
            )
        collectors.sort(key=lambda row: -(row["overdue_end"] or 0.0))
        # The qualification rate and the customers with the most overdue
        # from one read of the company's overdue items.
        qualification, top = self.env["dso.item.status.report"]._get_dashboard_figures(
            company, today, TOP_CUSTOMERS
        )
        return {
            "company": company.name,
            "currency_id": company.currency_id.id,
            "today": fields.Date.to_string(today),
            "current": trend[-1] if trend else {},
            "previous": trend[-2] if len(trend) > 1 else {},
            "trend": trend,
            # The chart shows the rolling DSO and best possible DSO.
            "trend_axis": kpi.chart_scale(
                [month[key] for month in trend for key in ("dso_3m", "best_dso_3m")]
            ),
            "collectors": collectors,
            "top_customers": self._top_customers(company, today, month_starts, top),
            "qualification": qualification,
            "disputes": self.env["dso.dispute.report"]._get_open_figures(
                [("company_id", "=", company.id)]
            ),
        }

    @api.model
    def _top_customers(self, company, today, month_starts, top):
        """The customers with the most overdue today, with their KPIs.

        :param top: ``[(customer id, amount overdue, days late)]``, most
            overdue first (``dso.item.status.report._get_dashboard_figures``)
        """
        if not top:
            return []
        # One recordset: their names and collectors are read at once.
        partners = self.env["res.partner"].browse([row[0] for row in top])
        groups = [
            (partner, overdue, days_late)
            for partner, (__, overdue, days_late) in zip(partners, top, strict=True)
        ]
        partners = [partner for partner, __, __ in groups]
        grouped = self._group_months(
            self._kpi_rows(
                company, today, "partner", partner_ids=[p.id for p in partners]
            ),
            month_starts,
        )
        last = len(month_starts) - 1
        result = []
        for partner, overdue, days_late in groups:
            months = grouped.get(partner.id)
            if months:
                months[-1]["days"] = (today - month_starts[-1]).days + 1
            figures = self._month_kpis(months, last) if months else {}
            result.append(
                {
                    "id": partner.id,
                    "name": partner.display_name,
                    "collector": partner.with_company(company).dso_collector_id.name
                    or "",
                    "amount_overdue": overdue,
                    "days_late": days_late,
                    "dso": figures.get("dso"),
                    "dso_3m": figures.get("dso_3m"),
                    "countback_dso": figures.get("countback_dso"),
                    "countback_complete": figures.get("countback_complete"),
                    "receivable_end": figures.get("receivable_end"),
                }
            )
        return result
