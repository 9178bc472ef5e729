/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * A credit manager opens the Collection app: the dashboard is the first
 * screen, with the DSO, the aged balance and the customers most overdue; from
 * it the manager runs the dunning simulator. tests/test_dashboard_ui.py
 * builds the ledger and checks that the simulation wrote nothing.
 */
registry.category("web_tour.tours").add("dso_dashboard_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Collection app",
            trigger: ".o_app[data-menu-xmlid='dso_collection.dso_collection_menu_root']",
            run: "click",
        },
        {
            content: "The dashboard is the first screen: the headline DSO (3 months) is computed",
            trigger: ".o_dso_dashboard .o_dso_kpi_dso_3m .o_dso_kpi_value:not(:contains('-'))",
        },
        {
            content: "The 12-month chart has a y-axis",
            trigger: ".o_dso_trend_axis .o_dso_trend_tick:contains('0')",
        },
        {
            content: "The aged balance shows the overdue band",
            trigger: ".o_dso_aged_balance:contains('31-60 days')",
        },
        {
            content: "Unapplied credits are shown apart from the aged balance",
            trigger: ".o_dso_aged_balance .o_dso_unapplied",
        },
        {
            content: "The most overdue customer is listed, with its DSO (3 months)",
            trigger: ".o_dso_top_customers tr:contains('Tour Furniture') .o_dso_customer_dso_3m:not(:contains('-'))",
        },
        {
            content: "One open dispute, in the singular",
            trigger: ".o_dso_disputes .card-body:contains('dispute,'):not(:contains('disputes'))",
        },
        {
            content: "Open the dunning simulator",
            trigger: "button.o_dso_open_simulator",
            run: "click",
        },
        {
            content: "Simulate the next 30 days",
            trigger: "button.o_dso_simulate",
            run: "click",
        },
        {
            content: "The forward calendar lists the customer's reminders",
            trigger: ".o_field_one2many .o_data_row:contains('Tour Furniture'):contains('Sent automatically')",
        },
    ],
});
