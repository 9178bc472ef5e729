from . import (
    dso_assign_wizard,
    dso_collection_send_wizard,
    dso_scenario_restore_wizard,
    dso_status_change_wizard,
)
