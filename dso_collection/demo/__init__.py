from . import dso_collection_demo
