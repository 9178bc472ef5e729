from contextlib import contextmanager

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DsoCollectionCommon, DsoCollectionMultiCompanyCommon


def _groups_of_filters(search_arch):
    """{filter name: index of its group}: filters between two separators are
    OR-ed by the search panel, filters of different groups are AND-ed."""
    groups, index = {}, 0
    for node in etree.fromstring(search_arch):
        if node.tag == "separator":
            index += 1
        elif node.tag == "filter":
            groups[node.get("name")] = index
    return groups


@tagged("post_install", "-at_install")
class TestScreens(DsoCollectionCommon):
    """The screens a collector works in: the agenda's views and buttons, the
    open items and the customers to collect."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ap@acme.example"
        cls.line_a = cls._create_item(
            cls.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        cls.line_b = cls._create_item(
            cls.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        cls.Action = cls.env["dso.collection.action"]

    def _views(self, model, *view_types):
        views = self.env[model].get_views(
            [(False, view_type) for view_type in view_types]
        )
        return {
            view_type: etree.fromstring(views["views"][view_type]["arch"])
            for view_type in view_types
        }

    def _email_action(self, **vals):
        return self.Action.create(
            {
                "name": "First reminder",
                "partner_id": self.customer.id,
                "is_specific": True,
                "action_type": "email",
                "date": "2026-03-01",
                "user_id": self.collector.id,
                "line_ids": [Command.set(self.line_a.ids)],
                "mail_template_id": self.env.ref(
                    "dso_collection.mail_template_dso_first_reminder"
                ).id,
                **vals,
            }
        )

    # Agenda (defects 1, 2c, 4, 5) ---------------------------------------------

    def test_agenda_today_narrows_open(self):
        views = self.Action.get_views([(False, "search")])["views"]
        groups = _groups_of_filters(views["search"]["arch"])
        self.assertNotEqual(groups["filter_open"], groups["filter_today"])

    @freeze_time("2026-03-05")
    def test_agenda_today_filter(self):
        today_action = self._email_action(date="2026-03-05")
        later = self._email_action(date="2026-03-09")
        arch = etree.fromstring(
            self.Action.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        domain = safe_eval(
            arch.find(".//filter[@name='filter_today']").get("domain"),
            {"context_today": lambda: fields.Date.to_date("2026-03-05")},
        )
        open_domain = safe_eval(
            arch.find(".//filter[@name='filter_open']").get("domain")
        )
        mine = [("id", "in", (today_action | later).ids)]
        self.assertEqual(self.Action.search(mine + open_domain), today_action | later)
        # Open and Today are AND-ed: Today narrows the open actions.
        self.assertEqual(self.Action.search(mine + open_domain + domain), today_action)

    @freeze_time("2026-03-05")
    def test_kanban_late_card_is_red(self):
        late = self._email_action(date="2026-03-01")
        on_time = self._email_action(date="2026-03-09")
        self.assertEqual((late.late_color, on_time.late_color), (1, 0))
        kanban = self._views("dso.collection.action", "kanban")["kanban"]
        self.assertEqual(kanban.get("highlight_color"), "late_color")
        self.assertEqual(kanban.get("quick_create"), "false")

    def test_calendar_shows_the_customer(self):
        action = self._email_action()
        calendar = self._views("dso.collection.action", "calendar")["calendar"]
        # The event title is the display name, which starts with the customer.
        self.assertFalse(calendar.get("create_name_field"))
        self.assertEqual(action.display_name, "Acme Corp: First reminder")

    def test_list_row_sends_and_only_calls_are_done_in_one_click(self):
        list_view = self._views("dso.collection.action", "list")["list"]
        done = list_view.find(".//button[@name='action_done']")
        send = list_view.find(".//button[@name='action_open_send_wizard']")
        self.assertIn("action_type != 'call'", done.get("invisible"))
        self.assertIn("action_type == 'call'", send.get("invisible"))
        form = self._views("dso.collection.action", "form")["form"]
        self.assertFalse(form.xpath("//header/button[@name='action_send']"))
        done_buttons = form.xpath("//header/button[@name='action_done']")
        self.assertEqual(len(done_buttons), 1)
        self.assertIn("action_type != 'call'", done_buttons[0].get("invisible"))

    def test_send_wizard_names_the_recipients_and_sends(self):
        action = self._email_action()
        result = action.with_user(self.collector).action_open_send_wizard()
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        self.assertEqual(wizard.mode, "send")
        # The message was filled from its template before the question.
        self.assertTrue(action.subject)
        self.assertIn("ap@acme.example", wizard.recipients_display)
        self.assertEqual(
            wizard.question,
            f"Email to {action.recipients_display}: send it now?",
        )
        answer = wizard.with_user(self.collector).action_send()
        self.env.invalidate_all()
        self.assertTrue(action.exists())
        self.assertEqual(action.state, "done")
        self.assertTrue(action.mail_id)
        self.assertEqual(answer["tag"], "display_notification")
        self.assertEqual(
            answer["params"]["next"]["type"], "ir.actions.act_window_close"
        )

    def test_done_without_sending_asks_first(self):
        action = self._email_action()
        result = action.with_user(self.collector).action_open_done_wizard()
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        self.assertEqual(action.state, "todo", "asking changes nothing")
        self.assertEqual(
            wizard.question,
            "Mark as done without sending? Nothing will be sent to "
            f"{action.recipients_display}.",
        )
        self.assertIn("ap@acme.example", wizard.question)
        wizard.with_user(self.collector).action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(action.mail_id)

    def test_form_shows_the_recipients(self):
        form = self._views("dso.collection.action", "form")["form"]
        recipients = form.xpath(
            "//page[@name='message']//field[@name='recipients_display']"
        )
        self.assertEqual(len(recipients), 1)
        action = self._email_action()
        self.assertIn("ap@acme.example", action.recipients_display)
        action.action_send()
        self.assertIn("ap@acme.example", action.recipients_display)

    # Open items (defect 6) ------------------------------------------------------

    def test_open_items_list(self):
        action = self.env.ref("dso_collection.account_move_line_action_dso_items")
        views = self.env["account.move.line"].get_views(
            [(action.view_id.id, "list"), (action.search_view_id.id, "search")]
        )["views"]
        list_view = etree.fromstring(views["list"]["arch"])
        self.assertEqual(list_view.get("multi_edit"), "1")
        number = list_view.find(".//field[@name='move_name']")
        self.assertTrue(number.get("width"))
        customer = list_view.find(".//field[@name='partner_id']")
        self.assertEqual(customer.get("optional"), "show")
        search = etree.fromstring(views["search"]["arch"])
        self.assertEqual(
            search.find(".//field[@name='partner_id']").get("string"), "Customer"
        )

    @freeze_time("2026-03-05")
    def test_status_on_several_items_dates_them_today(self):
        promise = self.env.ref("dso_collection.dso_item_status_promise")
        lines = (self.line_a | self.line_b).with_user(self.collector)
        lines.write({"dso_status_id": promise.id})
        self.assertEqual(lines.mapped("dso_status_id"), promise)
        self.assertEqual(
            lines.mapped("dso_status_date"), [fields.Date.to_date("2026-03-05")] * 2
        )
        # A date given with the status is kept.
        self.line_a.write(
            {"dso_status_id": promise.id, "dso_status_date": "2026-03-20"}
        )
        self.assertEqual(self.line_a.dso_status_date, fields.Date.to_date("2026-03-20"))

    # Scenario steps (defect 8) -----------------------------------------------

    def test_sms_step_shows_its_template(self):
        form = self._views("dso.collection.scenario", "form")["form"]
        steps = form.find(".//field[@name='step_ids']/list")
        sms = steps.find("field[@name='sms_template_id']")
        mail = steps.find("field[@name='mail_template_id']")
        self.assertEqual(sms.get("invisible"), "action_type != 'sms'")
        self.assertIn("'sms'", mail.get("invisible"))


@tagged("post_install", "-at_install")
class TestScreensCustomers(DsoCollectionMultiCompanyCommon):
    """Customers to collect (defect 7): sortable, filterable, one row per
    customer and company, nothing listed that owes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Customer = cls.env["dso.collection.customer"]
        cls.big = cls._create_customer("Big Debtor SA")
        cls.small = cls._create_customer("Small Debtor SPRL")
        cls.settled = cls._create_customer("Settled NV")
        cls.other = cls._create_customer("Other Collector BV")
        cls.other.dso_collector_id = cls._create_collector("dso_other", "Otto Other")
        cls.big_lines = cls._create_item(
            cls.big, 5000, "2026-01-10"
        ) | cls._create_item(cls.big, 700, "2026-04-30")
        cls.small_line = cls._create_item(cls.small, 300, "2026-02-25")
        cls._create_item(cls.other, 900, "2026-04-10")
        # Settled: an invoice and its credit note, both open: a zero balance.
        cls._create_invoice(cls.settled, amount=250, due_date="2026-02-01")
        cls._create_invoice(
            cls.settled, amount=250, due_date="2026-02-01", move_type="out_refund"
        )
        cls.shared_line_2 = cls._create_item(
            cls.shared_customer, 1200, "2026-02-01", company=cls.company_2
        )

    def _rows(self, domain=(), order=None, user=None, companies=None):
        Customer = self.Customer.with_user(user or self.collector)
        if companies:
            Customer = Customer.with_context(allowed_company_ids=companies.ids)
        return Customer.search(list(domain), order=order)

    @freeze_time("2026-03-05")
    def test_figures_and_next_action_with_its_date(self):
        self._plan("2026-03-05", partners=self.big | self.small | self.other)
        rows = self._rows()
        # Issue 21: the settled customer (zero balance, nothing planned) is
        # listed "to reconcile": its overdue invoice is offset by a credit
        # note nobody matched.
        self.assertEqual(
            set(rows.mapped("partner_id.name")),
            {"Big Debtor SA", "Small Debtor SPRL", "Other Collector BV", "Settled NV"},
        )
        settled = rows.filtered(lambda row: row.partner_id == self.settled)
        self.assertTrue(settled.to_reconcile)
        self.assertEqual(
            (settled.balance, settled.overdue_amount, settled.credit_amount),
            (0.0, 250.0, 250.0),
        )
        self.assertFalse(settled.next_action_id)
        self.assertEqual(rows.filtered("to_reconcile"), settled)
        big = rows.filtered(lambda row: row.partner_id == self.big)
        self.assertEqual(big.balance, 5700.0)
        self.assertEqual(big.overdue_amount, 5000.0)
        self.assertEqual(big.leader_line_id, self.big_lines[0])
        self.assertEqual(
            big.leader_line_id, self._customer_view(self.big).dso_leader_line_id
        )
        action = self._open_action(self.big)
        self.assertEqual(big.next_action_id, action)
        self.assertEqual(big.next_action_name, action.name)
        self.assertEqual(big.next_action_date, action.date)
        self.assertTrue(big.next_action_late)
        self.assertEqual(big.scenario_id, self.scenario)
        self.assertEqual(big.collector_id, self.collector)
        opened = big.action_open_partner()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), ("res.partner", self.big.id)
        )

    @freeze_time("2026-03-05")
    def test_sort_and_filters(self):
        self._plan("2026-03-05", partners=self.big | self.small | self.other)
        by_overdue = self._rows(order="overdue_amount desc, id")
        # The settled customer is listed "to reconcile" (issue 21), with its
        # 250 overdue offset by a credit note.
        self.assertEqual(
            by_overdue.mapped("partner_id.name"),
            ["Big Debtor SA", "Small Debtor SPRL", "Settled NV", "Other Collector BV"],
        )
        # (The customer to reconcile has nothing planned: no date to sort.)
        planned = self._rows(
            [("next_action_date", "!=", False)], order="next_action_date desc, id"
        )
        self.assertEqual(len(planned), 3)
        self.assertEqual(
            planned[:1].next_action_date, max(planned.mapped("next_action_date"))
        )
        self.assertEqual(
            self._rows([("overdue_amount", ">", 0)]).partner_id,
            self.big | self.small | self.settled,
        )
        self.assertEqual(
            self._rows([("next_action_late", "=", True)]).partner_id,
            self.big | self.small,
        )
        self.assertEqual(
            self._rows([("collector_id", "=", self.collector.id)]).partner_id,
            self.big | self.small | self.settled,
        )
        self.assertEqual(
            self._rows([("scenario_id", "=", self.scenario.id)]).partner_id,
            self.big | self.small | self.other | self.settled,
        )
        self.assertEqual(
            self._rows([("to_reconcile", "=", True)]).partner_id, self.settled
        )
        groups = self.Customer.with_user(self.collector)._read_group(
            [], ["collector_id"], ["__count"]
        )
        self.assertEqual(dict(groups)[self.collector], 3)

    @freeze_time("2026-03-05")
    def test_a_page_and_its_count_from_one_query(self):
        """Issue 23: the list's page and the pager's count come from one
        evaluation of the report's query, and are what a search and a
        search_count give, page by page, for a collector and a manager of
        both companies."""
        self._plan("2026-03-05", partners=self.big | self.small | self.other)
        self.env.user.company_ids |= self.company_2
        spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "overdue_amount": {},
            "next_action_name": {},
            "next_action_date": {},
        }
        for user, companies in (
            (self.collector, self.company),
            (self.env.user, self.company | self.company_2),
        ):
            Customer = self.Customer.with_user(user).with_context(
                allowed_company_ids=companies.ids
            )
            everyone = Customer.search([])
            self.assertGreater(len(everyone), 2)
            for offset, limit, count_limit in (
                (0, 2, None),
                (2, 2, None),
                (0, 2, 3),
                (len(everyone), 2, None),
                (0, 80, 10001),
            ):
                with self.subTest(user=user.login, offset=offset, limit=limit):
                    Customer.env.invalidate_all()
                    queries = []
                    with contextmanager(self._patchExecute)(queries, flush=False):
                        result = Customer.web_search_read(
                            [],
                            spec,
                            offset=offset,
                            limit=limit,
                            count_limit=count_limit,
                        )
                    page = Customer.search([], offset=offset, limit=limit)
                    self.assertEqual([row["id"] for row in result["records"]], page.ids)
                    # Odoo's figures: 0 past the last row, the rows seen
                    # once past count_limit.
                    expected = Customer.search_count([], limit=count_limit)
                    if not page:
                        expected = 0
                    elif offset + len(page) >= (count_limit or expected + 1):
                        expected = offset + len(page)
                    self.assertEqual(result["length"], expected)
                    for row, record in zip(result["records"], page, strict=True):
                        self.assertEqual(row["overdue_amount"], record.overdue_amount)
                        self.assertEqual(row["partner_id"]["id"], record.partner_id.id)
                        self.assertEqual(
                            row["next_action_name"], record.next_action_name or False
                        )
                    # One evaluation of the report.
                    evaluations = [
                        query for query in queries if "dso_collection_customer" in query
                    ]
                    self.assertEqual(len(evaluations), 1)

    def test_filters_in_the_search_view(self):
        arch = etree.fromstring(
            self.Customer.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        names = {node.get("name") for node in arch.iter("filter")}
        self.assertLessEqual(
            {
                "filter_mine",
                "filter_overdue",
                "filter_next_late",
                "groupby_scenario",
                "groupby_collector",
            },
            names,
        )
        list_view = etree.fromstring(
            self.Customer.get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertEqual(list_view.get("action"), "action_open_partner")
        self.assertTrue(
            list_view.find(".//field[@name='next_action_date']") is not None
        )

    @freeze_time("2026-03-05")
    def test_one_row_per_company_and_company_rule(self):
        self._plan("2026-03-05", partners=self.shared_customer, company=self.company_2)
        rows_2 = self._rows(user=self.collector_2)
        self.assertEqual(rows_2.partner_id, self.shared_customer)
        self.assertEqual(rows_2.company_id, self.company_2)
        self.assertEqual(rows_2.collector_id, self.collector_2)
        self.assertEqual(rows_2.scenario_id, self.scenario_2)
        self.assertEqual(rows_2.balance, 1200.0)
        # The collector of the first company sees nothing of the second.
        self.assertFalse(self._rows([("partner_id", "=", self.shared_customer.id)]))
        # A user of both companies sees one row per company.
        self.env.user.company_ids |= self.company_2
        both = self._rows(
            [("partner_id", "in", (self.shared_customer | self.big).ids)],
            user=self.env.user,
            companies=self.company | self.company_2,
        )
        self.assertEqual(
            {(row.partner_id, row.company_id) for row in both},
            {(self.shared_customer, self.company_2), (self.big, self.company)},
        )


@tagged("post_install", "-at_install")
class TestMenusAndWideScreens(DsoCollectionCommon):
    """Issue 21: four top-level menus, five with Risk (issue 24); the app
    opens on the dashboard for credit managers and on the agenda (their own
    actions) for collectors;
    the lists that were too wide or cut."""

    TOP_MENUS = [
        "dso_collection.dso_collection_menu_top_agenda",
        "dso_collection.dso_collection_menu_top_customers",
        "dso_collection.dso_collection_menu_top_risk",
        "dso_collection.dso_collection_menu_reporting",
        "dso_collection.dso_collection_menu_config",
    ]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._create_collector(
            "dso_menu_manager", groups="dso_collection.group_dso_manager"
        )
        cls.root = cls.env.ref("dso_collection.dso_collection_menu_root")

    def _menus(self, user):
        return self.env["ir.ui.menu"].with_user(user).load_menus(False)

    def _children(self, menus, menu_id):
        return [menus[child]["xmlid"] for child in menus[menu_id]["children"]]

    def test_five_top_level_menus(self):
        for user, expected in (
            (self.manager, self.TOP_MENUS),
            (self.collector, self.TOP_MENUS[:4]),
        ):
            with self.subTest(user=user.login):
                menus = self._menus(user)
                self.assertEqual(self._children(menus, self.root.id), expected)
                # Everything else is one level down, under one of the five.
                tops = {
                    menu_id
                    for menu_id in menus[self.root.id]["children"]
                    if menus[menu_id]["xmlid"] in expected
                }
                for menu_id, menu in menus.items():
                    if menu_id in ("root", self.root.id) or menu_id in tops:
                        continue
                    if menu.get("app_id") == self.root.id:
                        self.assertIn(menu["parent_id"][0], tops, menu["xmlid"])
        menus = self._menus(self.manager)
        reporting = self.env.ref("dso_collection.dso_collection_menu_reporting")
        self.assertEqual(
            self._children(menus, reporting.id)[0],
            "dso_collection.dso_collection_menu_dashboard",
        )
        customers = self.env.ref("dso_collection.dso_collection_menu_top_customers")
        self.assertEqual(
            self._children(menus, customers.id),
            [
                "dso_collection.dso_collection_menu_customers",
                "dso_collection.dso_collection_menu_items",
                "dso_collection.dso_collection_menu_review",
                "dso_collection.dso_collection_menu_unowned_exclusions",
                "dso_collection.dso_collection_menu_feedback",
                "dso_collection.dso_collection_menu_promises",
                "dso_collection.dso_collection_menu_plans",
            ],
        )
        agenda = self.env.ref("dso_collection.dso_collection_menu_top_agenda")
        self.assertEqual(
            self._children(menus, agenda.id),
            [
                "dso_collection.dso_collection_menu_agenda",
                "dso_collection.dso_collection_menu_agenda_cash_impact",
            ],
        )

    def test_app_opens_on_the_dashboard_for_managers_agenda_for_collectors(self):
        home = self.env.ref("dso_collection.dso_collection_home_action")
        for user, first in (
            (self.manager, "dso_collection.dso_collection_dashboard_action"),
            (self.collector, "dso_collection.dso_collection_action_action"),
        ):
            with self.subTest(user=user.login):
                web_menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
                self.assertEqual(web_menus[self.root.id]["actionID"], home.id)
                opened = home.with_user(user).run()
                self.assertEqual(opened["id"], self.env.ref(first).id)

    def test_agenda_by_cash_impact_shows_my_actions_first(self):
        action = self.env.ref("dso_collection.dso_collection_action_action_cash_impact")
        context = safe_eval(action.context)
        self.assertEqual(context.get("search_default_filter_mine"), 1)
        self.assertEqual(context.get("search_default_filter_open"), 1)
        search = etree.fromstring(
            self.env["dso.collection.action"].get_views(
                [(action.search_view_id.id, "search")]
            )["views"]["search"]["arch"]
        )
        mine = search.find(".//filter[@name='filter_mine']")
        self.assertEqual(mine.get("domain"), "[('user_id', '=', uid)]")

    def _list(self, model, view_xmlid=None):
        view_id = self.env.ref(view_xmlid).id if view_xmlid else False
        views = self.env[model].get_views([(view_id, "list")])["views"]
        return etree.fromstring(views["list"]["arch"])

    @staticmethod
    def _shown_columns(list_view):
        return [
            node.get("name")
            for node in list_view
            if node.tag in ("field", "button")
            and node.get("optional") != "hide"
            and node.get("column_invisible") not in ("1", "True", "true")
        ]

    def test_open_items_comment_on_one_line(self):
        list_view = self._list(
            "account.move.line", "dso_collection.account_move_line_view_list_dso"
        )
        comment = list_view.find(".//field[@name='dso_comment']")
        self.assertIn("text-nowrap", comment.get("class", "").split())
        self.assertTrue(comment.get("width"), "a fixed width: no sideways scroll")

    def test_customer_answers_list_fits(self):
        list_view = self._list("dso.item.feedback")
        for name in ("move_id", "kind", "state", "status_id"):
            self.assertTrue(
                list_view.find(f".//field[@name='{name}']").get("width"), name
            )
        shown = self._shown_columns(list_view)
        self.assertLessEqual(len(shown), 12, shown)
        self.assertIn("comment", shown)
        self.assertIn(
            "text-nowrap",
            list_view.find(".//field[@name='comment']").get("class", "").split(),
        )

    def test_item_status_form_says_what_the_follow_up_does(self):
        form = self.env["dso.item.status"].get_views([(False, "form")])["views"]
        arch = form["form"]["arch"]
        self.assertNotIn("nothing applies", arch)
        self.assertIn("Creates its follow-up", arch)
