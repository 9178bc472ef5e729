from . import (
    test_automatic_sending,
    test_channels,
    test_hashtags,
    test_install,
    test_multi_company,
    test_penalties,
    test_planner,
    test_security,
    test_ui,
)
