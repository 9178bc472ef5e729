from . import (
    dso_collection_demo,
    dso_collection_demo_commitment,
    dso_collection_demo_insight,
    dso_collection_demo_interactive,
    dso_collection_demo_risk,
)
