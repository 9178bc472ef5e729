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
            content: "A customer that owes nothing is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Settled NV')))",
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
