from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DsoCollectionCommon

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestOpenItemDefinitions(DsoCollectionCommon):
    """ "Open item" and "overdue" are defined once in each language (SQL,
    domain, Python, and the searchable fields built on them): the
    definitions agree on every kind of item."""

    @classmethod
    def _receivable_entry(cls, partner, amount, entry_date):
        """A journal entry with a receivable line and no due date: its date
        is its due date."""
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": entry_date,
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Opening balance",
                            "account_id": account.id,
                            "partner_id": partner.id,
                            "debit": debit,
                            "credit": credit,
                        }
                    )
                    for account, debit, credit in (
                        (cls.company_data["default_account_receivable"], amount, 0),
                        (cls.company_data["default_account_revenue"], 0, amount),
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _items(self):
        """One item of each kind, with whether it is open and overdue on
        TODAY and its days overdue."""
        customer = self.customer
        paid = self._create_invoice(customer, amount=100, due_date="2026-02-10")
        self._pay(paid, date="2026-02-15")
        partial = self._create_invoice(customer, amount=1000, due_date="2026-02-10")
        self._pay(partial, 600.0, date="2026-02-15")
        draft = self._create_invoice(customer, amount=200, due_date="2026-02-10")
        draft.button_draft()
        cases = {
            # kind: (move, open, overdue, days overdue)
            "paid": (paid, False, False, 0),
            "partly paid, past due": (partial, True, True, 19),
            "credit note": (
                self._create_invoice(
                    customer,
                    amount=300,
                    due_date="2026-01-05",
                    move_type="out_refund",
                ),
                True,
                False,
                0,
            ),
            "not due": (
                self._create_invoice(customer, amount=400, due_date="2026-03-20"),
                True,
                False,
                0,
            ),
            "due today": (
                self._create_invoice(customer, amount=500, due_date="2026-03-01"),
                True,
                False,
                0,
            ),
            "past due": (
                self._create_invoice(customer, amount=600, due_date="2026-02-20"),
                True,
                True,
                9,
            ),
            "draft, past due": (draft, False, False, 0),
            "no due date, dated in the past": (
                self._receivable_entry(customer, 250.0, "2026-02-01"),
                True,
                True,
                28,
            ),
        }
        items = {}
        for kind, (move, is_open, overdue, days) in cases.items():
            line = self._receivable(move)
            line.ensure_one()
            items[kind] = (line, is_open, overdue, days)
        entry_line = items["no due date, dated in the past"][0]
        self.assertFalse(entry_line.date_maturity)
        return items

    def _sql_flags(self, lines):
        """{id: (open, overdue)} as the SQL definitions say."""
        Line = self.env["account.move.line"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT aml.id, %s, %s FROM account_move_line aml WHERE aml.id IN %s",
                Line._dso_open_sql(SQL("aml")),
                Line._dso_overdue_sql(SQL("aml"), TODAY),
                tuple(lines.ids),
            )
        )
        return {row[0]: tuple(row[1:]) for row in self.env.cr.fetchall()}

    @freeze_time("2026-03-01")
    def test_sql_domain_and_python_agree(self):
        items = self._items()
        Line = self.env["account.move.line"]
        lines = Line.union(*(line for line, *_flags in items.values()))
        in_lines = [("id", "in", lines.ids)]
        sql = self._sql_flags(lines)
        by_domain = (
            Line.search(in_lines + Line._dso_open_domain()),
            Line.search(in_lines + Line._dso_overdue_domain(TODAY)),
        )
        by_field = (
            Line.search([*in_lines, ("dso_is_open", "=", True)]),
            Line.search([*in_lines, ("dso_is_overdue", "=", True)]),
        )
        by_field_negated = (
            lines - Line.search([*in_lines, ("dso_is_open", "!=", True)]),
            lines - Line.search([*in_lines, ("dso_is_overdue", "=", False)]),
        )
        self.env.invalidate_all()
        for kind, (line, is_open, overdue, days) in items.items():
            with self.subTest(kind):
                expected = (is_open, overdue)
                self.assertEqual(
                    (line._dso_is_open(), line._dso_is_overdue(TODAY)),
                    expected,
                    "Python",
                )
                self.assertEqual(sql[line.id], expected, "SQL")
                self.assertEqual(
                    (line in by_domain[0], line in by_domain[1]), expected, "domain"
                )
                self.assertEqual(
                    (line.dso_is_open, line.dso_is_overdue), expected, "fields"
                )
                self.assertEqual(
                    (line in by_field[0], line in by_field[1]), expected, "search"
                )
                self.assertEqual(
                    (line in by_field_negated[0], line in by_field_negated[1]),
                    expected,
                    "negated search",
                )
                self.assertEqual(line.dso_days_overdue, days)

    @freeze_time("2026-03-01")
    def test_customer_figures_use_the_definitions(self):
        """The customer's overdue amount, its open items and the overdue
        items of the templates count the overdue items, and only them."""
        items = self._items()
        overdue = [
            line for line, _open, is_overdue, _days in items.values() if is_overdue
        ]
        open_lines = [
            line for line, is_open, _overdue, _days in items.values() if is_open
        ]
        customer = self._customer_view()
        self.assertEqual(
            customer.dso_overdue_amount, sum(line.amount_residual for line in overdue)
        )
        self.assertEqual(customer.dso_overdue_amount, 400.0 + 600.0 + 250.0)
        self.assertEqual(
            customer.dso_open_line_ids,
            self.env["account.move.line"].union(*open_lines),
        )
        all_lines = self.env["account.move.line"].union(
            *(line for line, *_flags in items.values())
        )
        self.assertEqual(
            self.env["dso.hashtag"]._overdue_items(all_lines),
            self.env["account.move.line"].union(*overdue),
        )
