from . import test_planner
