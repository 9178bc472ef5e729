"""How a scheduled action of the collection commits its work, batch by batch.

The planner (``dso.collection.planner._cron_plan``) and the automatic
sending (``dso.collection.send._cron_send_automatic``) inherit this mixin:
each batch is committed on its own, so a crash or a time-out keeps the work
done, and a batch that met a concurrent update is run again.
"""

import logging
import random
import threading
import time

from odoo import api, models
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)

_logger = logging.getLogger(__name__)


class DsoCollectionBatchMixin(models.AbstractModel):
    _name = "dso.collection.batch.mixin"
    _description = "Collection scheduled action run in batches"

    @api.model
    def _dso_can_commit(self):
        """Whether a scheduled action may commit its batches: when it runs as
        the scheduled action, so that a crash or a time-out keeps the work
        done (planning and sending resume where they stopped). Called from
        anywhere else (demo data loading in a savepoint, a script) or in a
        test, the caller owns the transaction."""
        return bool(self.env.context.get("ir_cron_progress_id")) and not getattr(
            threading.current_thread(), "testing", False
        )

    @api.model
    def _dso_run_batch(self, batch):
        """Run ``batch()``, one batch of a scheduled action, and commit it
        (``_dso_can_commit``; else the caller owns the transaction).

        Odoo's transactions see the database as it was when they began
        (REPEATABLE READ): a row another worker changed since cannot be
        locked or changed. The batch is then rolled back and run again in
        a new transaction, a few times, as Odoo retries a request: nothing
        of it was saved, so nothing is done twice.
        """
        if not self._dso_can_commit():
            return batch()
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                result = batch()
                self.env.cr.commit()  # pylint: disable=invalid-commit
                return result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                # As odoo.service.model.retrying does.
                self.env.cr.rollback()
                self.env.transaction.reset()
                if attempt == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                    raise
                _logger.info(
                    "Collection batch rolled back after a concurrent update, "
                    "run again (attempt %s): %s",
                    attempt + 1,
                    error.pgcode,
                )
                # Let the other worker finish its batch.
                time.sleep(random.uniform(0.1, 0.5) * attempt)
        return None
