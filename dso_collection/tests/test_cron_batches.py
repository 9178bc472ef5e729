from psycopg2 import errors

from odoo.tests import TransactionCase, tagged

from odoo.addons.dso_collection.models import dso_collection_batch_mixin


@tagged("post_install", "-at_install")
class TestCronBatches(TransactionCase):
    """A batch of a scheduled action that another worker's commit got in the
    way of is rolled back and run again, a few times; never committed half."""

    def setUp(self):
        super().setUp()
        # The planner's scheduled action, one of the models that run batches.
        Planner = self.registry["dso.collection.planner"]
        self.patch(Planner, "_dso_can_commit", lambda self: True)
        self.calls = []
        # The test's transaction must survive: count instead of committing.
        self.patch(self.env.cr, "commit", lambda: self.calls.append("commit"))
        self.patch(self.env.cr, "rollback", lambda: self.calls.append("rollback"))
        self.patch(type(self.env.transaction), "reset", lambda transaction: None)
        self.patch(dso_collection_batch_mixin.time, "sleep", lambda seconds: None)

    def _failing(self, times, result):
        attempts = []

        def batch():
            attempts.append(1)
            if len(attempts) <= times:
                raise errors.SerializationFailure("concurrent update")
            return result

        return batch, attempts

    def test_batch_runs_again_after_a_concurrent_update(self):
        batch, attempts = self._failing(2, 7)
        result = self.env["dso.collection.planner"]._dso_run_batch(batch)
        self.assertEqual(result, 7)
        self.assertEqual(len(attempts), 3)
        self.assertEqual(self.calls, ["rollback", "rollback", "commit"])

    def test_batch_gives_up_after_five_attempts(self):
        batch, attempts = self._failing(10, 7)
        with self.assertRaises(errors.SerializationFailure):
            self.env["dso.collection.planner"]._dso_run_batch(batch)
        self.assertEqual(len(attempts), 5)
        self.assertNotIn("commit", self.calls)

    def test_other_errors_are_not_retried(self):
        def batch():
            raise ValueError("a bug")

        with self.assertRaises(ValueError):
            self.env["dso.collection.planner"]._dso_run_batch(batch)
        self.assertEqual(self.calls, [])
