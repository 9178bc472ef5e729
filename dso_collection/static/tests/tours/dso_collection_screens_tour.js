/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * Open items (defect 6): the customer column and full numbers are shown; a
 * status set on two selected items sets it on both, dated today.
 * tests/test_ui.py checks the items in Python.
 */
registry.category("web_tour.tours").add("dso_collection_items_tour", {
    url: "/odoo/action-dso_collection.account_move_line_action_dso_items",
    steps: () => [
        {
            content: "The customer column is shown",
            trigger: ".o_list_view th[data-name='partner_id']",
        },
        {
            content: "The number is shown whole",
            trigger: ".o_data_row td[name='move_name']:contains('INV/'):not(:contains('…'))",
        },
        {
            content: "Select the first item of the customer",
            trigger:
                ".o_data_row:contains('Items Customer SA'):eq(0) td.o_list_record_selector input",
            run: "click",
        },
        {
            content: "Select the second one",
            trigger:
                ".o_data_row:contains('Items Customer SA'):eq(1) td.o_list_record_selector input",
            run: "click",
        },
        {
            content: "Edit the status of the selection",
            trigger: ".o_data_row.o_data_row_selected:eq(0) td[name='dso_status_id']",
            run: "click",
        },
        {
            content: "Type the status",
            trigger: ".o_data_row.o_selected_row td[name='dso_status_id'] input",
            run: "edit Promise",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains('Promise of payment')",
            run: "click",
        },
        {
            content: "Set it on both selected items",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Both items have the status",
            trigger:
                ".o_list_view:not(:has(.modal)) .o_data_row:contains('Items Customer SA'):eq(1) td[name='dso_status_id']:contains('Promise of payment')",
        },
        {
            content: "and a status date",
            trigger:
                ".o_data_row:contains('Items Customer SA'):eq(1) td[name='dso_status_date']:contains('/')",
        },
    ],
});

/**
 * Customers to collect (defect 7): sorted by the overdue amount, filtered on
 * late next actions, with the next action's date.
 */
registry.category("web_tour.tours").add("dso_collection_customers_tour", {
    url: "/odoo/action-dso_collection.dso_collection_customer_action",
    steps: () => [
        {
            content: "The customers with something to collect are listed",
            trigger: ".o_list_view .o_data_row:contains('Items Customer SA')",
        },
        {
            content: "A customer whose overdue invoice a credit note offsets is listed, to reconcile",
            trigger: ".o_list_view .o_data_row.text-warning:contains('Settled NV')",
        },
        {
            content: "Sort by overdue amount",
            trigger: ".o_list_view th[data-name='overdue_amount']",
            run: "click",
        },
        {
            content: "Descending",
            trigger: ".o_list_view th[data-name='overdue_amount'].o_column_sortable",
            run: "click",
        },
        {
            content: "The largest overdue amount comes first",
            trigger: ".o_list_view .o_data_row:first:contains('Big Overdue SA')",
        },
        {
            content: "The next action shows with its date",
            trigger:
                ".o_data_row:contains('Big Overdue SA') td[name='next_action_date']:contains('/')",
        },
        {
            content: "Open the filters",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter: next action late",
            trigger: ".o_filter_menu .o_menu_item:contains('Next action late')",
            run: "click",
        },
        {
            content: "Customers whose next action is not late are filtered out",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Items Customer SA'))) .o_data_row:contains('Big Overdue SA')",
        },
    ],
});

/** Fails the tour when ``element`` scrolls sideways (a column cut off). */
function assertNoSidewaysScroll(element, what) {
    if (element.scrollWidth > element.clientWidth + 1) {
        const columns = [...element.querySelectorAll("thead th")].map(
            (th) => `${th.dataset.name || th.textContent.trim()}: ${th.offsetWidth}`
        );
        throw new Error(
            `${what} scrolls sideways: ${element.scrollWidth}px for ${element.clientWidth}px (${columns.join(", ")})`
        );
    }
}

/**
 * The Collection app (issue 21, items 13-14), in any language: it opens on
 * the dashboard for a credit manager, and its four menus fit the navbar at
 * 1366 px (the tours' browser size) with nothing behind the "+" overflow.
 */
registry.category("web_tour.tours").add("dso_collection_menus_tour", {
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
            content: "A credit manager lands on the dashboard",
            trigger: ".o_dso_dashboard",
        },
        {
            content: "Configuration, the last menu, is in the navbar: nothing overflows",
            trigger:
                ".o_menu_sections:not(:has(.o_menu_sections_more)) button[data-menu-xmlid='dso_collection.dso_collection_menu_config']",
        },
    ],
});

/**
 * A credit manager walks the screens that were too wide or cut (issue 21,
 * item 14), through the four menus. tests/test_ui.py builds the data.
 */
registry.category("web_tour.tours").add("dso_collection_screens_walk_tour", {
    steps: () => [
        {
            content: "Open the Customers menu",
            trigger: "button[data-menu-xmlid='dso_collection.dso_collection_menu_top_customers']",
            run: "click",
        },
        {
            content: "Open items",
            trigger: ".dropdown-item[data-menu-xmlid='dso_collection.dso_collection_menu_items']",
            run: "click",
        },
        {
            content: "A long comment shows on one line, cut, and the list does not scroll sideways",
            trigger: ".o_list_view .o_data_row td[name='dso_comment']:contains('First line')",
            run: function () {
                const row = this.anchor.closest("tr");
                const other = row.querySelector("td[name='move_name']");
                if (row.offsetHeight > other.scrollHeight * 2) {
                    throw new Error(`The row is ${row.offsetHeight}px high`);
                }
                assertNoSidewaysScroll(this.anchor.closest(".o_list_renderer"), "Open items");
            },
        },
        {
            content: "Open the Customers menu again",
            trigger: "button[data-menu-xmlid='dso_collection.dso_collection_menu_top_customers']",
            run: "click",
        },
        {
            content: "Customer answers",
            trigger: ".dropdown-item[data-menu-xmlid='dso_collection.dso_collection_menu_feedback']",
            run: "click",
        },
        {
            content: "The number, the answer and the state show whole, without scrolling",
            trigger: ".o_list_view .o_data_row:has(td[name='kind']:contains('Dispute')) td[name='state']:contains('Pending')",
            run: function () {
                const row = this.anchor.closest("tr");
                for (const name of ["move_id", "kind", "state"]) {
                    const cell = row.querySelector(`td[name='${name}']`);
                    if (cell.scrollWidth > cell.clientWidth + 1) {
                        throw new Error(`The ${name} column is cut`);
                    }
                }
                assertNoSidewaysScroll(this.anchor.closest(".o_list_renderer"), "Customer answers");
            },
        },
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='dso_collection.dso_collection_menu_reporting']",
            run: "click",
        },
        {
            content: "Item status report",
            trigger: ".dropdown-item[data-menu-xmlid='dso_collection.dso_collection_menu_item_status_report']",
            run: "click",
        },
        {
            content: "The pivot is small: rows by collector, columns by age band, two measures",
            trigger: ".o_pivot_view .o_pivot th:contains('Amount rate (%)')",
            run: function () {
                const pivot = this.anchor.closest(".o_pivot");
                const measures = pivot.querySelectorAll("thead th.o_pivot_measure_row");
                if (measures.length > 10) {
                    throw new Error(`${measures.length} measure columns`);
                }
                assertNoSidewaysScroll(pivot, "The item status report");
            },
        },
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='dso_collection.dso_collection_menu_reporting']",
            run: "click",
        },
        {
            content: "Dunning simulator",
            trigger: ".dropdown-item[data-menu-xmlid='dso_collection.dso_collection_menu_simulator']",
            run: "click",
        },
        {
            content: "It opens as a report: no New button, no 'New' record",
            trigger: ".o_form_view button.o_dso_simulate",
            run: function () {
                const action = this.anchor.closest(".o_action");
                const breadcrumb = action.querySelector(".o_breadcrumb");
                if (action.querySelector(".o_form_button_create")) {
                    throw new Error("The simulator has a New button");
                }
                if (!breadcrumb || breadcrumb.textContent.includes("New")) {
                    throw new Error(`Breadcrumb: ${breadcrumb && breadcrumb.textContent}`);
                }
            },
        },
        {
            content: "Simulate",
            trigger: "button.o_dso_simulate",
            run: "click",
        },
        {
            content: "The outcomes are badges that fit their column",
            trigger: ".o_field_one2many .o_data_row td[name='outcome'] .badge:contains('Sent automatically')",
            run: function () {
                const cell = this.anchor.closest("td");
                if (this.anchor.offsetWidth > cell.clientWidth) {
                    throw new Error("The outcome badge is cut");
                }
                assertNoSidewaysScroll(this.anchor.closest(".o_list_renderer"), "The simulation");
            },
        },
        {
            content: "Open the Configuration menu",
            trigger: "button[data-menu-xmlid='dso_collection.dso_collection_menu_config']",
            run: "click",
        },
        {
            content: "Collection scenarios",
            trigger: ".dropdown-item[data-menu-xmlid='dso_collection.dso_collection_menu_scenarios']",
            run: "click",
        },
        {
            content: "Open the scenario",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Test scenario')",
            run: "click",
        },
        {
            content: "Its Effectiveness page",
            trigger: ".o_notebook a[name='effectiveness']",
            run: "click",
        },
        {
            content: "Short rate headers, explained under the list",
            trigger:
                ".o_field_widget[name='dso_effectiveness_step_ids'] th[data-name='dso_rate_30']:contains('30 d')",
        },
        {
            content: "The legend says what is measured",
            trigger: ".o_dso_effectiveness_legend",
        },
    ],
});
