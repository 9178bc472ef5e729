from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import tagged

from .common import DsoCollectionMultiCompanyCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
@freeze_time(f"{TODAY} 10:00:00")
class TestEffectiveness(DsoCollectionMultiCompanyCommon):
    """Reminder effectiveness on a dataset computed by hand, today 2026-06-30.

    Actions done of the test scenario (company A):

    | action | step   | template | done on    | concerned | paid on (days after)  |
    | X      | first  | T1       | 2026-04-10 |      1000 | 2026-04-15 (5)        |
    | Y      | first  | T1       | 2026-04-10 |      2000 | 2026-04-30 (20)       |
    | V      | first  | T1       | 2026-06-15 |       600 | 2026-06-20 (5)        |
    | W      | first  | T1       | 2026-06-25 |       800 | 2026-06-28 (3)        |
    | Z      | notice | T2       | 2026-04-10 |  500 - 100 paid 04-05 = 400 | never |

    Matured (done on or before today - N): at 7 days X, Y, V, Z (W is done
    5 days ago); at 15 days X, Y, V, Z (V exactly 15 days ago); at 30 days
    X, Y, Z.

    Step "first": 7 days (1000 + 0 + 600) / (1000 + 2000 + 600) = 44.44 %,
    15 days the same, 30 days (1000 + 2000) / 3000 = 100 %. Step "notice":
    0 % at every window. The whole scenario at 30 days: 3000 / 3400 =
    88.24 % (an average of the actions' rates would say 66.67 %).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Effectiveness = cls.env["dso.collection.effectiveness"]
        cls.t1 = cls.env.ref("dso_collection.mail_template_dso_first_reminder")
        cls.t2 = cls.env.ref("dso_collection.mail_template_dso_formal_notice")

        def invoice(name, amount, due):
            partner = cls._create_customer(name)
            move = cls._create_invoice(
                partner,
                amount=amount,
                due_date=due,
                invoice_date=fields.Date.subtract(fields.Date.to_date(due), days=30),
            )
            return partner, move

        cls.alpha, cls.inv_x = invoice("Alpha", 1000, "2026-04-01")
        cls.beta, cls.inv_y = invoice("Beta", 2000, "2026-04-01")
        cls.gamma, cls.inv_z = invoice("Gamma", 500, "2026-04-01")
        cls.delta, cls.inv_w = invoice("Delta", 800, "2026-06-01")
        cls.epsilon, cls.inv_v = invoice("Epsilon", 600, "2026-06-01")
        cls._pay(cls.inv_z, amount=100, date="2026-04-05")

        cls.x = cls._done_action(cls.inv_x, "2026-04-10", cls.step_first, cls.t1)
        cls.y = cls._done_action(cls.inv_y, "2026-04-10", cls.step_first, cls.t1)
        cls.v = cls._done_action(cls.inv_v, "2026-06-15", cls.step_first, cls.t1)
        cls.w = cls._done_action(cls.inv_w, "2026-06-25", cls.step_first, cls.t1)
        cls.z = cls._done_action(cls.inv_z, "2026-04-10", cls.step_notice, cls.t2)

        cls._pay(cls.inv_x, date="2026-04-15")
        cls._pay(cls.inv_y, date="2026-04-30")
        cls._pay(cls.inv_v, date="2026-06-20")
        cls._pay(cls.inv_w, date="2026-06-28")

        # An action of company B: never in company A's figures.
        other = cls._create_customer("Other", company=cls.company_2)
        inv_other = cls._create_invoice(
            other,
            amount=5000,
            due_date="2026-04-01",
            invoice_date="2026-03-01",
            company=cls.company_2,
        )
        cls.other = cls._done_action(
            inv_other, "2026-04-10", cls.scenario_2.step_ids[:1], cls.t1
        )

    @classmethod
    def _done_action(cls, move, date_done, step, template):
        line = cls._receivable(move)
        partner = move.partner_id.commercial_partner_id
        cycle = cls.env["dso.collection.cycle"].create(
            {
                "partner_id": partner.id,
                "company_id": move.company_id.id,
                "scenario_id": step.scenario_id.id,
                "leader_line_id": line.id,
                "date_start": date_done,
            }
        )
        return (
            cls.env["dso.collection.action"]
            .with_company(move.company_id)
            .create(
                {
                    "name": step.name,
                    "partner_id": partner.id,
                    "company_id": move.company_id.id,
                    "cycle_id": cycle.id,
                    "step_id": step.id,
                    "action_type": step.action_type,
                    "mail_template_id": template.id,
                    "date": date_done,
                    "state": "done",
                    "date_done": date_done,
                    "line_ids": [Command.set(line.ids)],
                }
            )
        )

    def _row(self, action):
        return self.Effectiveness.search([("action_id", "=", action.id)])

    def _group(self, domain, groupby):
        rows = self.Effectiveness.read_group(
            domain,
            [
                "action_count:sum",
                "amount_concerned:sum",
                "rate_7:avg",
                "rate_15:avg",
                "rate_30:avg",
                "matured_7:sum",
                "matured_30:sum",
            ],
            groupby,
            lazy=False,
        )
        return rows

    def test_rows(self):
        expected = {
            # action: concerned, paid 7, 15, 30, matured 7, 15, 30
            self.x: (1000, 1000, 1000, 1000, 1, 1, 1),
            self.y: (2000, 0, 0, 2000, 1, 1, 1),
            self.v: (600, 600, 600, 600, 1, 1, 0),
            self.w: (800, 800, 800, 800, 0, 0, 0),
            self.z: (400, 0, 0, 0, 1, 1, 1),
        }
        for action, figures in expected.items():
            row = self._row(action)
            with self.subTest(action=action.partner_id.name):
                self.assertEqual(len(row), 1)
                self.assertEqual(
                    (
                        row.amount_concerned,
                        row.amount_paid_7,
                        row.amount_paid_15,
                        row.amount_paid_30,
                        row.matured_7,
                        row.matured_15,
                        row.matured_30,
                    ),
                    figures,
                )
                self.assertEqual(row.step_id, action.step_id)
                self.assertEqual(row.scenario_id, self.scenario)
                self.assertEqual(row.mail_template_id, action.mail_template_id)
        self.assertAlmostEqual(self._row(self.x).rate_7, 100.0)
        self.assertAlmostEqual(self._row(self.y).rate_7, 0.0)
        # Not matured: no rate, not "unpaid".
        self.assertFalse(self._row(self.w).rate_7)
        self.assertFalse(self._row(self.v).rate_30)

    def test_open_and_cancelled_actions_left_out(self):
        self.w.state = "cancel"
        self.assertFalse(self._row(self.w))
        self.assertEqual(
            set(
                self.Effectiveness.search(
                    [("company_id", "=", self.company.id)]
                ).action_id.ids
            ),
            {self.x.id, self.y.id, self.v.id, self.z.id},
        )

    def test_group_rates_by_step(self):
        rows = {
            row["step_id"][0]: row
            for row in self._group([("company_id", "=", self.company.id)], ["step_id"])
        }
        first, notice = rows[self.step_first.id], rows[self.step_notice.id]
        self.assertEqual(first["action_count"], 4)
        self.assertEqual(first["matured_7"], 3)
        self.assertEqual(first["matured_30"], 2)
        self.assertAlmostEqual(first["rate_7"], 1600 / 3600 * 100, places=4)
        self.assertAlmostEqual(first["rate_15"], 1600 / 3600 * 100, places=4)
        self.assertAlmostEqual(first["rate_30"], 100.0, places=4)
        self.assertAlmostEqual(notice["rate_7"], 0.0)
        self.assertAlmostEqual(notice["rate_30"], 0.0)

    def test_group_rate_is_share_not_average(self):
        [total] = self._group([("company_id", "=", self.company.id)], [])
        # 3000 paid of 3400 concerned at 30 days, over X, Y and Z.
        self.assertAlmostEqual(total["rate_30"], 3000 / 3400 * 100, places=4)
        # 1600 paid of 4000 concerned at 7 days, over X, Y, V and Z.
        self.assertAlmostEqual(total["rate_7"], 1600 / 4000 * 100, places=4)
        self.assertEqual(total["amount_concerned"], 4800)

    def test_steps_on_scenario_form(self):
        # 1600 / 3600, shown to one decimal.
        self.assertEqual(self.step_first.dso_rate_7, 44.4)
        self.assertEqual(self.step_first.dso_rate_15, 44.4)
        self.assertEqual(self.step_first.dso_rate_30, 100.0)
        self.assertEqual(
            (
                self.step_first.dso_measured_7,
                self.step_first.dso_measured_15,
                self.step_first.dso_measured_30,
            ),
            (3, 3, 2),
        )
        self.assertEqual(self.step_notice.dso_rate_30, 0.0)
        self.assertEqual(self.step_notice.dso_measured_30, 1)
        self.assertEqual(self.step_call.dso_measured_7, 0)
        self.assertEqual(
            self.scenario.dso_effectiveness_step_ids,
            self.scenario._get_ordered_steps(),
        )

    def test_template_ranking(self):
        ranking = str(self.scenario.dso_template_ranking)
        self.assertIn(self.t1.name, ranking)
        self.assertIn(self.t2.name, ranking)
        # T1 (100 % at 30 days) before T2 (0 %).
        self.assertLess(ranking.index(self.t1.name), ranking.index(self.t2.name))
        self.assertIn("100.0 %", ranking)
        self.assertIn("44.4 %", ranking)
        # Company B's action is not in this scenario: its 5000 is nowhere.
        rows = self.scenario._dso_rank_templates(
            self.Effectiveness._get_rates(
                [("scenario_id", "=", self.scenario.id)],
                ["mail_template_id"],
            )
        )
        self.assertEqual(
            [row["template"] for row in rows], [self.t1.name, self.t2.name]
        )
        self.assertEqual(rows[0]["actions"], 4)
        self.assertEqual(rows[0]["measured_30"], 2)

    def test_effectiveness_page_short_headers(self):
        """Issue 21: "7 d", "15 d", "30 d" as headers, the full name and its
        help in the header's tooltip; measured and done explained."""
        form = self.env["dso.collection.scenario"].get_views([(False, "form")])
        arch = etree.fromstring(form["views"]["form"]["arch"])
        steps = arch.find(".//field[@name='dso_effectiveness_step_ids']/list")
        Step = self.env["dso.collection.step"]
        for days in (7, 15, 30):
            column = steps.find(f"field[@name='dso_rate_{days}']")
            self.assertEqual(column.get("string"), f"{days} d")
            described = Step.fields_get([f"dso_rate_{days}"])[f"dso_rate_{days}"]
            self.assertEqual(described["string"], f"Paid within {days} days (%)")
            self.assertTrue(described["help"])
        self.assertTrue(Step.fields_get(["dso_measured_7"])["dso_measured_7"]["help"])
        [legend] = arch.xpath("//p[contains(@class, 'o_dso_effectiveness_legend')]")
        self.assertIn("Actions done", "".join(legend.itertext()))
        ranking = etree.fromstring(f"<div>{self.scenario.dso_template_ranking}</div>")
        headers = {th.text: th.get("title") for th in ranking.iter("th")}
        self.assertEqual(headers["30 d"], "Paid within 30 days (%)")
        self.assertTrue(headers["Actions done"])
        self.assertTrue(headers["Measured at 30 d"])

    def test_collector_sees_own_company_only(self):
        report = self.Effectiveness.with_user(self.collector)
        self.assertEqual(
            set(report.search([]).action_id.ids),
            {self.x.id, self.y.id, self.v.id, self.w.id, self.z.id},
        )
        [total] = report.read_group([], ["rate_30:avg"], [], lazy=False)
        self.assertAlmostEqual(total["rate_30"], 3000 / 3400 * 100, places=4)

    def test_open_report(self):
        action = self.scenario.action_dso_open_effectiveness()
        self.assertEqual(action["res_model"], "dso.collection.effectiveness")
        self.assertEqual(action["domain"], [("scenario_id", "=", self.scenario.id)])
