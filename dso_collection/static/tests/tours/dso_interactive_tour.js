/** @odoo-module */

import { registry } from "@web/core/registry";

/**
 * The customer's answer page of an interactive email, as the customer uses
 * it: a comment on the 1,000.00 invoice and a dispute on the 500.00 one,
 * sent together. tests/test_interactive_ui.py opens the page and checks
 * the answers.
 */
registry.category("web_tour.tours").add("dso_interactive_answer_tour", {
    steps: () => [
        {
            content: "Both open invoices are listed",
            trigger: ".o_dso_item:contains('500.00')",
        },
        {
            content: "with what they owe in all",
            trigger: ".o_dso_total_due:contains('1,500.00')",
        },
        {
            content: "and a breadcrumb",
            trigger: ".o_portal_submenu .o_dso_breadcrumb",
        },
        {
            content: "Before an answer is chosen, the answer is its only field",
            trigger:
                ".o_dso_item:contains('1,000.00'):not(:has([data-dso-kinds])):not(:has(textarea)) select.o_dso_kind",
        },
        {
            content: "First invoice: a comment",
            trigger: ".o_dso_item:contains('1,000.00') select.o_dso_kind",
            run: "select comment",
        },
        {
            content: "The comment, the only field of a comment",
            trigger:
                ".o_dso_item:contains('1,000.00'):has([data-dso-kinds='paid promise'].d-none):has([data-dso-kinds='paid dispute'].d-none) textarea.o_dso_comment",
            run: "edit Paid by wire last week",
        },
        {
            content: "Second invoice: a dispute",
            trigger: ".o_dso_item:contains('500.00') select.o_dso_kind",
            run: "select dispute",
        },
        {
            content: "Its reason; no payment date nor reference for a dispute",
            trigger:
                ".o_dso_item:contains('500.00'):has([data-dso-kinds='paid promise'].d-none):has([data-dso-kinds='paid'].d-none) select.o_dso_reason",
            run: "select quality",
        },
        {
            content: "What is wrong",
            trigger: ".o_dso_item:contains('500.00') textarea.o_dso_comment",
            run: "edit Two chairs arrived broken",
        },
        {
            content: "Send both answers",
            trigger: "button.o_dso_submit",
            run: "click",
        },
        {
            content: "The page confirms what was received",
            trigger: ".o_dso_received:contains('Two chairs arrived broken')",
        },
        {
            content: "The answers wait for the collector",
            trigger: ".o_dso_pending:contains('Paid by wire last week')",
        },
    ],
});

/**
 * The collector's side: in Collection > Customer answers, validate the
 * dispute and reject the comment with a reason.
 */
registry.category("web_tour.tours").add("dso_feedback_decision_tour", {
    steps: () => [
        {
            content: "Validate the dispute",
            trigger: ".o_list_view .o_data_row:contains('Dispute') button[name='action_validate']",
            run: "click",
        },
        {
            content: "The validated answer leaves the pending list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Dispute'))) .o_data_row",
        },
        {
            content: "Reject the comment",
            trigger:
                ".o_list_view .o_data_row:contains('Comment') button[name='action_open_reject_wizard']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit No payment received",
        },
        {
            content: "Reject",
            trigger: ".modal button[name='action_reject']",
            run: "click",
        },
        {
            content: "Nothing left to validate",
            trigger: ".o_view_nocontent",
        },
    ],
});

/**
 * The portal home of a customer's contact: the Collection card shows the
 * number of invoices past due.
 */
registry.category("web_tour.tours").add("dso_portal_home_count_tour", {
    steps: () => [
        {
            content: "The card shows the count",
            trigger:
                ".o_portal_index_card:not(.d-none) [data-placeholder_count='dso_collection_count']:contains('2')",
        },
    ],
});
