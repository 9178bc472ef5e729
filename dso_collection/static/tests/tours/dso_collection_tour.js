/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * A collector walks the agenda (tests/test_ui.py prepares it and checks the
 * result): New opens a form without crashing; Today narrows the open
 * actions; the kanban shows the late card in red; the calendar shows the
 * customer; the row's Send names the recipient before anything goes out;
 * Mark as done on an email asks first, then a notification names what comes
 * next; a call is done in one click.
 */
registry.category("web_tour.tours").add("dso_collection_agenda_tour", {
    url: "/odoo/action-dso_collection.dso_collection_action_action",
    steps: () => [
        // New (defect 1) ------------------------------------------------------
        {
            content: "The agenda lists the customer's late email",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Tour Customer Ltd')",
        },
        {
            content: "New",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "The new action opens, dated today, the collector already set",
            trigger: ".o_form_view .o_field_widget[name='user_id'] input:value('Colette Collector')",
        },
        {
            content: "Back to the agenda without saving",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        // Today narrows Open (defect 4) -------------------------------------
        {
            content: "The future action is open, so listed",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Later Customer BV')",
        },
        {
            content: "Open the filters",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter Today",
            trigger: ".o_filter_menu .o_menu_item:contains('Today')",
            run: "click",
        },
        {
            content: "Close the filters",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Open and Today are both applied, not 'Open or Today'",
            trigger: ".o_searchview_facet:not(:contains('or')):contains('Today')",
        },
        {
            content: "Today narrows: the future action is gone, today's ones stay",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Later Customer BV'))) .o_data_row:contains('Call Today SA')",
        },
        // Kanban: late in red -----------------------------------------------
        {
            content: "Kanban view",
            trigger: "button.o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The late card is red (border and date)",
            trigger:
                ".o_kanban_record.o_kanban_color_1:contains('Tour Customer Ltd') .o_dso_late.text-danger",
        },
        {
            content: "A card on time is not",
            trigger: ".o_kanban_record.o_kanban_color_0:contains('Call Today SA')",
        },
        // Calendar: the customer --------------------------------------------
        {
            content: "Calendar view",
            trigger: "button.o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The event names the customer, not only the action",
            trigger: ".o_calendar_renderer .fc-event:contains('Call Today SA: Phone call')",
        },
        // Send from the row names the recipient (defects 2c, 5) -------------
        {
            content: "List view",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The email's row offers Send, not a one-click Done",
            trigger:
                ".o_data_row:contains('Tour Customer Ltd'):not(:has(button[name='action_done'])) button[name='action_open_send_wizard']",
            run: "click",
        },
        {
            content: "The confirmation names who receives it",
            trigger: ".modal .o_field_widget[name='question']:contains('ap@tourcustomer.example')",
        },
        {
            content: "The message is shown before it goes",
            trigger: ".modal .o_field_widget[name='body_html']:contains('Tour Customer Ltd')",
        },
        {
            content: "Not now",
            trigger: ".modal-footer button:contains('Cancel')",
            run: "click",
        },
        // Mark as done asks first (defect 2c), then says what is next (9) ---
        {
            content: "Open the email action",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Tour Customer Ltd')",
            run: "click",
        },
        {
            content: "The form shows who receives it",
            trigger: ".o_form_view .o_field_widget[name='recipients_display']:contains('ap@tourcustomer.example')",
        },
        {
            content: "Mark as done",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_done_wizard']",
            run: "click",
        },
        {
            content: "It asks first, naming who will receive nothing",
            trigger:
                ".modal .o_field_widget[name='question']:contains('Nothing will be sent to'):contains('ap@tourcustomer.example')",
        },
        {
            content: "Confirm: done without sending",
            trigger: ".modal-footer button[name='action_done']",
            run: "click",
        },
        {
            content: "A notification names the customer's next action and its date",
            trigger: ".o_notification:contains('Next for Tour Customer Ltd: Phone call on')",
        },
        {
            content: "The form shows the action done",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='done']",
        },
        {
            content: "Back to the agenda",
            trigger: ".o_back_button, .breadcrumb-item:not(.active) a",
            run: "click",
        },
        // A call stays a one-click Done ---------------------------------------
        {
            content: "The call's row is done in one click",
            trigger: ".o_data_row:contains('Call Today SA') button[name='action_done']",
            run: "click",
        },
        {
            content: "The notification says what comes next for that customer",
            trigger: ".o_notification:contains('Call Today SA')",
        },
        {
            content: "The agenda reloads without the call",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Call Today SA')))",
        },
    ],
});
