/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * A credit manager opens the collection KPIs: the pivot by month, then the
 * total split by collector. tests/test_dashboard_ui.py builds the ledger
 * and checks that each opening asked the server once (dso_read_groups).
 */
registry.category("web_tour.tours").add("dso_kpi_pivot_tour", {
    steps: () => [
        {
            content: "The pivot shows the rolling DSO of each month",
            trigger: ".o_pivot_view .o_pivot th:contains('DSO 3 months (days)')",
        },
        {
            content: "The months are the rows",
            trigger: ".o_pivot_view .o_pivot tbody tr:nth-child(2) th.o_pivot_header_cell_closed",
        },
        {
            content: "Open the total column",
            trigger: ".o_pivot_view .o_pivot thead th.o_pivot_header_cell_closed",
            run: "click",
        },
        {
            content: "Split it by collector",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Collector')",
            run: "click",
        },
        {
            content: "The collector is a column, with its figures",
            trigger: ".o_pivot_view .o_pivot thead th:contains('Kim KPI')",
        },
    ],
});
