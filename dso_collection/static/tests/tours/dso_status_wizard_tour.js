/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * Change status… from the customer sheet, in three steps: a promise of
 * payment with a comment on one of the two items, a confirmation email to
 * the customer, then the specific action proposed by the status.
 * tests/test_status_wizard_ui.py opens the customer and checks the result.
 */
registry.category("web_tour.tours").add("dso_status_wizard_tour", {
    steps: () => [
        {
            content: "Open the Collection tab of the customer",
            trigger: ".o_notebook .nav-link:contains('Collection')",
            run: "click",
        },
        {
            content: "Change status…",
            trigger: ".o_form_view button[name='action_dso_change_status']",
            run: "click",
        },
        {
            content: "Step 1: both open items are selected; drop the 400.00 one",
            trigger:
                ".modal div[name='line_ids'] .o_data_row:contains('400.00') .o_list_record_remove",
            run: "click",
        },
        {
            content: "Only the other item is left",
            trigger:
                ".modal div[name='line_ids']:not(:has(.o_data_row:contains('400.00'))) .o_data_row",
        },
        {
            content: "Type the status",
            trigger: ".modal .o_field_widget[name='status_id'] input",
            run: "edit Promise",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains('Promise of payment')",
            run: "click",
        },
        {
            content: "Comment",
            trigger: ".modal .o_field_widget[name='comment'] textarea",
            run: "edit Will pay on Friday",
        },
        {
            content: "Next",
            trigger: ".modal .modal-footer button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 2: email the customer",
            trigger: ".modal .o_field_widget[name='email_mode'] input[data-value='customer']",
            run: "click",
        },
        {
            content: "The status's acknowledgement is proposed, rendered, the note in place",
            trigger:
                ".modal .o_field_widget[name='email_body']:contains('Thank you for letting us know'):contains('Will pay on Friday')",
        },
        {
            content: "Type the template",
            trigger: ".modal .o_field_widget[name='email_template_id'] input",
            run: "edit Status confirmation",
        },
        {
            content: "Choose it",
            trigger: ".o-autocomplete--dropdown-item:contains('Status confirmation')",
            run: "click",
        },
        {
            content: "The note recalling the status and the comment is shown",
            trigger: ".modal .o_field_widget[name='email_note'] textarea",
        },
        {
            content: "The email of the template chosen is previewed, the note after the greeting",
            trigger:
                ".modal .o_field_widget[name='email_body']:contains('Dear Wizard Customer SA'):contains('Will pay on Friday')",
        },
        {
            content: "Next",
            trigger: ".modal .modal-footer button[name='action_next']",
            run: "click",
        },
        {
            content: "Step 3: the status proposes its follow-up, and says why",
            trigger: ".modal .o_field_widget[name='explanation']:contains('phone call 2 days after')",
        },
        {
            content: "Apply",
            trigger: ".modal .modal-footer button[name='action_apply']",
            run: "click",
        },
        {
            content: "The specific action is shown",
            trigger:
                ".o_form_view:not(:has(.modal)) .o_field_widget[name='is_specific'] input:checked",
        },
    ],
});
