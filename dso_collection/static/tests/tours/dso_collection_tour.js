/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * A collector opens the agenda, opens the action of a known customer, marks
 * it as done and sees it done. The test (tests/test_ui.py) checks in Python
 * that the next step of the scenario was planned.
 */
registry.category("web_tour.tours").add("dso_collection_agenda_tour", {
    url: "/odoo/action-dso_collection.dso_collection_action_action",
    steps: () => [
        {
            content: "The agenda lists the open action of the customer",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Tour Customer Ltd')",
            run: "click",
        },
        {
            content: "The action opens on its customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Customer Ltd')",
        },
        {
            content: "Mark the action as done",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_done']",
            run: "click",
        },
        {
            content: "The state shows Done",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='done']:contains('Done')",
        },
        {
            content: "Mark as done is gone once the action is done",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_done']))",
        },
    ],
});
