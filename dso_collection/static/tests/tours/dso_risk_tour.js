/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * The credit manager's Risk menu (tests/test_risk_ui.py): the risk agenda
 * shows the customer over its limit with its figures, the review raises
 * its limit; Customers by risk lists who is near its limit; a new
 * assignment rule previews the customers it would move before it is saved,
 * then is applied.
 */
registry.category("web_tour.tours").add("dso_risk_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Collection app",
            trigger: ".o-dropdown--menu [data-menu-xmlid='dso_collection.dso_collection_menu_root']",
            run: "click",
        },
        {
            content: "The five menus fit the navigation bar (1366 px): no More menu",
            trigger:
                ".o_main_navbar:has([data-menu-xmlid='dso_collection.dso_collection_menu_top_risk']):not(:has(.o_menu_sections_more))",
        },
        {
            content: "Open the Risk menu",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_collection.dso_collection_menu_top_risk']",
            run: "click",
        },
        {
            content: "Risk agenda",
            trigger: ".o-dropdown--menu [data-menu-xmlid='dso_collection.dso_collection_menu_risk_agenda']",
            run: "click",
        },
        {
            content: "The customer over its limit, why and its figures on the row",
            trigger:
                ".o_list_view .o_data_row:contains('Risk Tour Over'):contains('over its credit limit'):contains('1,500.00')",
        },
        {
            content: "Open its review",
            trigger: ".o_list_view .o_data_row:contains('Risk Tour Over') td[name='partner_id']",
            run: "click",
        },
        {
            content: "Its open items are on the review",
            trigger: ".o_form_view .o_field_widget[name='open_line_ids'] .o_data_row",
        },
        {
            content: "Raise the limit",
            trigger: ".o_form_view .o_field_widget[name='new_credit_limit'] input",
            run: "edit 2000",
        },
        {
            content: "Review done",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_review_done']",
            run: "click",
        },
        {
            content: "Reviewed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Reviewed')",
        },
        {
            content: "Back to the Risk menu",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_collection.dso_collection_menu_top_risk']",
            run: "click",
        },
        {
            content: "Customers by risk",
            trigger: ".o-dropdown--menu [data-menu-xmlid='dso_collection.dso_collection_menu_risk_customers']",
            run: "click",
        },
        {
            content: "The customer near its limit, with its share used",
            trigger: ".o_list_view .o_data_row:contains('Risk Tour Near'):contains('Near its limit')",
        },
        {
            content: "Back to the Risk menu",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_collection.dso_collection_menu_top_risk']",
            run: "click",
        },
        {
            content: "Assignment rules",
            trigger: ".o-dropdown--menu [data-menu-xmlid='dso_collection.dso_collection_menu_scenario_rules']",
            run: "click",
        },
        {
            content: "A new rule",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Its name",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Late payers",
        },
        {
            content: "Customers of class B",
            trigger: ".o_form_view .o_field_widget[name='class_b'] input",
            run: "click",
        },
        {
            content: "get the Risky scenario",
            trigger: ".o_form_view .o_field_widget[name='scenario_id'] input",
            run: "edit Risk tour scenario",
        },
        {
            content: "chosen in the list",
            trigger: ".o-autocomplete--dropdown-item:contains('Risk tour scenario')",
            run: "click",
        },
        {
            content: "The preview lists the customer it would move, before saving",
            trigger:
                ".o_form_view .o_form_dirty .o_field_widget[name='preview_partner_ids'] .o_data_row:contains('Risk Tour Late')",
        },
        {
            content: "Apply the rules now (saves the rule first)",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_apply_now']",
            run: "click",
        },
        {
            content: "The customers moved are counted",
            trigger: ".o_notification:contains('customers moved by the rules')",
        },
    ],
});

/** The Collection app's menus in the user's language (French in
 * tests/test_risk_ui.py) fit the navigation bar at 1366 px. */
registry.category("web_tour.tours").add("dso_menus_fit_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Collection app",
            trigger: ".o-dropdown--menu [data-menu-xmlid='dso_collection.dso_collection_menu_root']",
            run: "click",
        },
        {
            content: "Five menus, no More menu",
            trigger:
                ".o_main_navbar:has([data-menu-xmlid='dso_collection.dso_collection_menu_config']):not(:has(.o_menu_sections_more))",
        },
    ],
});
