from . import (
    account_move_line,
    dso_collection_action,
    dso_collection_cycle,
    dso_collection_planner,
    dso_collection_scenario,
    dso_collection_step,
    dso_item_status,
    res_company,
    res_config_settings,
    res_partner,
)
