/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * The qualification rate above the agenda, and the item status report it
 * opens (pivot, then graph). tests/test_item_status_report.py sets up one
 * customer with two overdue items: 3000 qualified, 1000 not (50 % of the
 * items, 75 % of the amount).
 */
registry.category("web_tour.tours").add("dso_collection_report_tour", {
    url: "/odoo/action-dso_collection.dso_collection_action_action",
    steps: () => [
        {
            content: "The agenda shows the item rate",
            trigger: ".o_dso_qualification_banner .o_dso_qualification_all .o_dso_item_rate:contains('50 %')",
        },
        {
            content: "and the amount rate",
            trigger: ".o_dso_qualification_banner .o_dso_qualification_all .o_dso_amount_rate:contains('75 %')",
        },
        {
            content: "and the collector's own rate",
            trigger: ".o_dso_qualification_banner .o_dso_qualification_mine .o_dso_item_rate:contains('50 %')",
        },
        {
            content: "The kanban view shows it too",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Open the report from the banner",
            trigger: ".o_kanban_view .o_dso_qualification_banner .o_dso_qualification_all",
            run: "click",
        },
        {
            content: "The pivot shows the amount rate measure",
            trigger: ".o_pivot_view .o_pivot th:contains('Amount rate (%)')",
        },
        {
            content: "weighted by the amounts: 3000 of 4000",
            trigger: ".o_pivot_view .o_pivot td:contains('75.0')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
    ],
});
