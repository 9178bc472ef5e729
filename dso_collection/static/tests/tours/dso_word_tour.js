/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * The customer says it paid, on the page of its interactive email: "paid
 * today, reference WIRE-TOUR-7, 1,000.00". tests/test_word_tour.py opens
 * the page and checks the answer.
 */
registry.category("web_tour.tours").add("dso_word_paid_answer_tour", {
    steps: () => [
        {
            content: "The invoice is listed",
            trigger: ".o_dso_item:contains('1,000.00') select.o_dso_kind",
            run: "select paid",
        },
        {
            content: "Paid today",
            trigger: ".o_dso_item:contains('1,000.00') input.o_dso_date",
            run() {
                // A date input: its value is set as the browser's picker does.
                const input = document.querySelector(".o_dso_item input.o_dso_date");
                input.value = new window.Date().toISOString().slice(0, 10);
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "with the reference of the transfer",
            trigger: ".o_dso_item:contains('1,000.00') input.o_dso_reference",
            run: "edit WIRE-TOUR-7",
        },
        {
            content: "and the amount paid",
            trigger: ".o_dso_item:contains('1,000.00') input.o_dso_amount",
            run: "edit 1000.00",
        },
        {
            content: "Send the answer",
            trigger: "button.o_dso_submit",
            run: "click",
        },
        {
            content: "The answer waits for the collector",
            trigger: ".o_dso_pending:contains('WIRE-TOUR-7')",
        },
    ],
});

/**
 * The collector's side: the agenda's Held filter shows the automatic email
 * held with its reason (dso_word_collector_tour); the customer's answer
 * shows the matched bank line and the collector validates it
 * (dso_word_answer_decision_tour).
 */
registry.category("web_tour.tours").add("dso_word_collector_tour", {
    steps: () => [
        {
            content: "The held automatic email, with the customer's word as reason",
            trigger:
                ".o_list_view .o_data_row:contains('Word Tour Customer'):contains('WIRE-TOUR-7'):contains('to validate')",
        },
    ],
});

registry.category("web_tour.tours").add("dso_word_answer_decision_tour", {
    steps: () => [
        {
            content: "The answer shows the matched bank line",
            trigger:
                ".o_list_view .o_data_row:contains('Word Tour Customer'):contains('Bank transfer WIRE-TOUR-7') td[name='partner_id']",
            run: "click",
        },
        {
            content: "The form too",
            trigger:
                ".o_form_view .o_field_widget[name='match_statement_label']:contains('WIRE-TOUR-7')",
        },
        {
            content: "Validate the answer",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_validate']",
            run: "click",
        },
        {
            content: "Validated (the status's follow-up may open next)",
            trigger:
                ".o_form_view:not(:has(.o_statusbar_buttons button[name='action_validate']:visible))",
        },
    ],
});
