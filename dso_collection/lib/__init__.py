"""Pure code of dso_collection: plain values in, plain values out.

Nothing here reads or writes a record, so each module is tested without a
database (``tests/test_planner_decision.py``, ``tests/test_kpi_formulas.py``,
``tests/test_lang_formats.py``, ``tests/test_simulation_loop.py``).

- ``constants.py``: action types and their groups, open states, the
  effectiveness windows: the values the models share.
- ``planner_decision.py``: the planner's decision for one customer (the
  leader invoice, the step due, its date): the scenario rules 2 to 5 of
  readme/USAGE.md, "Glossary and scenario rules".
- ``simulation.py``: the dunning simulator's dataclasses and day loop.
- ``kpi_formulas.py``: the collection KPIs (DSO, best possible DSO, ADD,
  CEI ...) from summed amounts.
- ``lang_formats.py``: dates and amounts in one language, for thousands of
  values at once.
- ``statement.py``: the statement of account's age bands, credits and
  total from open items.
"""
