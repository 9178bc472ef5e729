{
    "name": "DSO Collection",
    "summary": "Scenario-driven collection of receivables: leader invoice, "
    "dunning steps, daily collectors' agenda",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "dso_collection developers",
    "website": "https://github.com/dso-collection/dso_collection",
    "category": "Accounting/Accounting",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["python-dateutil"]},
    "data": [
        "security/dso_collection_security.xml",
        "security/ir.model.access.csv",
        "security/dso_collection_rules.xml",
        "data/dso_item_status_data.xml",
        "data/dso_collection_scenario_data.xml",
        "data/res_company_data.xml",
        "data/ir_cron_data.xml",
        "views/dso_collection_scenario_views.xml",
        "views/dso_item_status_views.xml",
        "views/dso_collection_action_views.xml",
        "views/account_move_line_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/dso_collection_menus.xml",
    ],
    "demo": [
        "demo/dso_collection_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "dso_collection/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
