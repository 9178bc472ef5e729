from . import dso_collection_send_wizard
