/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * A collector opens an email action from the agenda, previews the message
 * rendered from its template, edits it for this send (with a hashtag) and
 * sends it after a confirmation naming the recipient. tests/test_ui.py
 * checks the email that was queued.
 */
registry.category("web_tour.tours").add("dso_collection_send_tour", {
    url: "/odoo/action-dso_collection.dso_collection_action_action",
    steps: () => [
        {
            content: "Open the email action of the customer",
            trigger: ".o_list_view .o_data_row td[name='partner_id']:contains('Send Tour Ltd')",
            run: "click",
        },
        {
            content: "Preview the message",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_preview']",
            run: "click",
        },
        {
            content: "The preview shows the customer's data, hashtags replaced",
            trigger: ".o_form_view .o_field_html[name='body_html']:contains('Dear Send Tour Ltd')",
        },
        {
            content: "Rewrite the subject for this send",
            trigger: ".o_form_view .o_field_widget[name='subject'] input",
            run: "edit Your account with us",
        },
        {
            content: "Add a sentence with a hashtag to the message",
            trigger: ".o_form_view .o_field_html[name='body_html'] .odoo-editor-editable p:contains('Dear Send Tour Ltd')",
            run: "editor Dear Send Tour Ltd, #days_overdue days already.",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Send",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_send_wizard']",
            run: "click",
        },
        {
            content: "The confirmation names who receives it",
            trigger: ".modal .o_field_widget[name='question']:contains('ap@sendtour.example')",
        },
        {
            content: "It shows the edited subject",
            trigger: ".modal .o_field_widget[name='subject']:contains('Your account with us')",
        },
        {
            content: "Send now",
            trigger: ".modal-footer button[name='action_send']",
            run: "click",
        },
        {
            content: "A notification says what comes next",
            trigger: ".o_notification:contains('Send Tour Ltd')",
        },
        {
            content: "The action is done",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value='done']",
        },
    ],
});
