from . import (
    base_partner_merge_automatic_wizard,
    dso_assign_wizard,
    dso_collection_send_wizard,
    dso_collection_simulator,
    dso_feedback_reject_wizard,
    dso_payment_plan_wizard,
    dso_scenario_restore_wizard,
    dso_status_change_wizard,
)
