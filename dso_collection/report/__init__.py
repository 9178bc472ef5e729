from . import dso_collection_letter, dso_collection_letter_handover
