/** @odoo-module */

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { formatMonetary } from "@web/views/fields/formatters";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";

/**
 * The credit manager's dashboard (dso.collection.dashboard.get_dashboard_data):
 * the KPIs of the current company and their 12-month trend, the aged
 * balance, the qualification rate, the open disputes, the collectors and the
 * customers with the most overdue. Figures link to the reports they come from.
 * The headline is the rolling DSO of the last 3 months (it does not jump at
 * the start of a month); the chart's y-axis comes from the server
 * (trend_axis): a bar above its top is cut there, its value printed.
 */
export class CollectionDashboard extends Component {
    static template = "dso_collection.CollectionDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("dso.collection.dashboard", "get_dashboard_data", []);
    }

    get data() {
        return this.state.data;
    }

    get kpiCards() {
        const current = this.data.current || {};
        const previous = this.data.previous || {};
        return [
            {
                key: "dso_3m",
                label: _t("DSO (3 months)"),
                unit: "days",
                help: _t("Receivables / sales of the last 3 months x their days"),
                note: _t("This month: %(dso)s", { dso: this.formatNumber(current.dso, "days") }),
            },
            { key: "countback_dso", label: _t("Countback DSO"), unit: "days", help: _t("Days of the latest sales that make up the receivables") },
            {
                key: "best_dso_3m",
                label: _t("Best possible DSO (3 months)"),
                unit: "days",
                help: _t("The DSO if everyone paid on the due date (last 3 months)"),
            },
            {
                key: "add_3m",
                label: _t("Average days delinquent (3 months)"),
                unit: "days",
                help: _t("DSO minus best possible DSO (last 3 months)"),
            },
            { key: "cei", label: _t("Collection effectiveness"), unit: "%", help: _t("Collected / collectible this month") },
            {
                key: "overdue_ratio",
                label: _t("Overdue ratio"),
                unit: "%",
                help: _t("Overdue / open invoices (not due + overdue); unapplied credits apart"),
            },
        ].map((card) => ({
            ...card,
            value:
                card.key === "countback_dso"
                    ? this.formatCountback(current)
                    : this.formatNumber(current[card.key], card.unit),
            previous:
                card.key === "countback_dso"
                    ? this.formatCountback(previous)
                    : this.formatNumber(previous[card.key], card.unit),
        }));
    }

    formatNumber(value, unit) {
        if (value === null || value === undefined || value === false) {
            return "-";
        }
        const text = formatFloat(value, { digits: [16, 1] });
        return unit === "%" ? `${text} %` : text;
    }

    /** A countback DSO whose history ran out is a minimum: "≥ 207.0". */
    formatCountback(row) {
        const text = this.formatNumber(row.countback_dso, "days");
        return row.countback_complete === false && text !== "-" ? `≥ ${text}` : text;
    }

    formatAmount(value) {
        return formatMonetary(value || 0, { currencyId: this.data.currency_id });
    }

    monthLabel(month) {
        return formatDate(deserializeDate(month), { format: "MMM yy" });
    }

    get agedBalance() {
        const current = this.data.current || {};
        const bands = [
            { key: "not_due_end", label: _t("Not due") },
            { key: "band_1_30", label: _t("1-30 days") },
            { key: "band_31_60", label: _t("31-60 days") },
            { key: "band_61_90", label: _t("61-90 days") },
            { key: "band_90_plus", label: _t("Over 90 days") },
        ];
        const max = Math.max(1, ...bands.map((band) => Math.abs(current[band.key] || 0)));
        return bands.map((band) => ({
            ...band,
            amount: this.formatAmount(current[band.key]),
            width: Math.round((100 * Math.abs(current[band.key] || 0)) / max),
        }));
    }

    /** Unapplied credits (open credit notes, unmatched payments) and the
     * net receivables, under the aged balance of the open invoices. */
    get credits() {
        const current = this.data.current || {};
        return {
            unapplied: this.formatAmount(-(current.unapplied_end || 0)),
            receivables: this.formatAmount(current.receivable_end),
        };
    }

    get axisMax() {
        return (this.data.trend_axis && this.data.trend_axis.max) || 1;
    }

    /** The y-axis ticks, in days, with their height in % of the chart. */
    get trendTicks() {
        const ticks = (this.data.trend_axis && this.data.trend_axis.ticks) || [];
        return ticks.map((tick) => ({
            value: tick,
            label: formatFloat(tick, { digits: [16, Number.isInteger(tick) ? 0 : 2] }),
            bottom: (100 * tick) / this.axisMax,
        }));
    }

    barHeight(value) {
        return Math.round((100 * Math.min(Math.max(value || 0, 0), this.axisMax)) / this.axisMax);
    }

    get trendBars() {
        const trend = this.data.trend || [];
        return trend.map((month) => {
            const label = this.monthLabel(month.month);
            const dso = this.formatNumber(month.dso_3m, "days");
            const best = this.formatNumber(month.best_dso_3m, "days");
            const overdue = this.formatNumber(month.overdue_ratio, "%");
            const cei = this.formatNumber(month.cei, "%");
            return {
                month: month.month,
                label,
                dso,
                best,
                overdue,
                cei,
                title: _t(
                    "%(month)s: DSO (3 months) %(dso)s, best possible %(best)s, DSO of the month %(month_dso)s, overdue %(overdue)s, CEI %(cei)s",
                    {
                        month: label,
                        dso,
                        best,
                        month_dso: this.formatNumber(month.dso, "days"),
                        overdue,
                        cei,
                    }
                ),
                dsoHeight: this.barHeight(month.dso_3m),
                bestHeight: this.barHeight(month.best_dso_3m),
                dsoClipped: (month.dso_3m || 0) > this.axisMax,
                bestClipped: (month.best_dso_3m || 0) > this.axisMax,
            };
        });
    }

    openKpis() {
        return this.action.doAction("dso_collection.dso_collection_kpi_action");
    }

    openDisputes() {
        return this.action.doAction("dso_collection.dso_dispute_report_action");
    }

    openQualification() {
        return this.action.doAction("dso_collection.dso_item_status_report_action");
    }

    openSimulator() {
        return this.action.doAction("dso_collection.dso_collection_simulator_action");
    }

    openCustomer(partnerId) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: partnerId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("dso_collection.dashboard", CollectionDashboard);
