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
            { key: "dso", label: _t("DSO"), unit: "days", help: _t("Receivables / sales x days") },
            { key: "countback_dso", label: _t("Countback DSO"), unit: "days", help: _t("Days of the latest sales that make up the receivables") },
            { key: "best_dso", label: _t("Best possible DSO"), unit: "days", help: _t("The DSO if everyone paid on the due date") },
            { key: "add", label: _t("Average days delinquent"), unit: "days", help: _t("DSO minus best possible DSO") },
            { key: "cei", label: _t("Collection effectiveness"), unit: "%", help: _t("Collected / collectible this month") },
            { key: "overdue_ratio", label: _t("Overdue ratio"), unit: "%", help: _t("Overdue / receivables") },
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

    get trendBars() {
        const trend = this.data.trend || [];
        const max = Math.max(1, ...trend.map((month) => Math.max(month.dso || 0, month.best_dso || 0)));
        return trend.map((month) => ({
            month: month.month,
            label: this.monthLabel(month.month),
            dso: this.formatNumber(month.dso, "days"),
            best: this.formatNumber(month.best_dso, "days"),
            overdue: this.formatNumber(month.overdue_ratio, "%"),
            cei: this.formatNumber(month.cei, "%"),
            dsoHeight: Math.round((100 * Math.max(month.dso || 0, 0)) / max),
            bestHeight: Math.round((100 * Math.max(month.best_dso || 0, 0)) / max),
        }));
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
