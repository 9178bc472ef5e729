/** @odoo-module */

import { Component, onWillStart } from "@odoo/owl";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

/**
 * The qualification rate of the overdue items, shown above the agenda: the
 * share of overdue items, and of the overdue amount, that carry a status, for
 * the allowed companies and for the current collector's customers
 * (dso.item.status.report.get_qualification_rate). A click opens the report.
 */
export class QualificationRateBanner extends Component {
    static template = "dso_collection.QualificationRateBanner";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        onWillStart(async () => {
            this.rates = await this.orm.call(
                "dso.item.status.report",
                "get_qualification_rate",
                []
            );
        });
    }

    formatRate(rate) {
        return rate === null || rate === false ? "-" : `${formatFloat(rate, { digits: [16, 0] })} %`;
    }

    openReport(onlyMine) {
        const context = onlyMine ? { search_default_filter_mine: 1 } : {};
        return this.action.doAction("dso_collection.dso_item_status_report_action", {
            additionalContext: context,
        });
    }
}
