from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_date

from .common import DsoCollectionCommon


@tagged("post_install", "-at_install")
class TestActionModel(DsoCollectionCommon):
    """The action model as the agenda's screens use it: defaults, names,
    clear errors, activities and what each button says next."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write({"email": "ap@acme.example", "mobile": "+32470123456"})
        cls.line_a = cls._create_item(
            cls.customer, 1000, "2026-02-10", invoice_date="2026-01-10"
        )
        cls.line_b = cls._create_item(
            cls.customer, 400, "2026-02-20", invoice_date="2026-01-20"
        )
        cls.Action = cls.env["dso.collection.action"]

    def _new_specific(self, **vals):
        return self.Action.create(
            {
                "partner_id": self.customer.id,
                "is_specific": True,
                "action_type": "call",
                "date": "2026-03-02",
                "user_id": self.collector.id,
                "line_ids": [Command.set((self.line_a | self.line_b).ids)],
                **vals,
            }
        )

    # Defect 1: New, defaults, names, clear errors ---------------------------

    def test_new_action_without_date_is_not_late(self):
        # Agenda > New used to crash in _compute_is_late while the date is empty.
        draft = self.Action.new({"state": "todo", "date": False})
        self.assertFalse(draft.is_late)
        self.assertEqual(draft.late_color, 0)

    @freeze_time("2026-03-02")
    def test_new_from_the_agenda_gets_today_and_the_user(self):
        Action = self.Action.with_user(self.collector).with_context(
            default_is_specific=True
        )
        form = Form(Action)
        self.assertEqual(form.date, fields.Date.to_date("2026-03-02"))
        self.assertEqual(form.user_id, self.collector)
        self.assertFalse(form.is_late)
        form.partner_id = self.customer
        form.action_type = "call"
        form.line_ids.add(self.line_a)
        action = form.save()
        self.assertEqual(action.name, f"Phone call: {self.line_a.move_name}")
        self.assertEqual(action.user_id, self.collector)
        self.assertEqual(action.date, fields.Date.to_date("2026-03-02"))

    def test_specific_action_named_from_type_and_items(self):
        action = self._new_specific()
        self.assertEqual(
            action.name,
            f"Phone call: {self.line_a.move_name}, {self.line_b.move_name}",
        )
        letter = self._new_specific(action_type="letter", name="")
        self.assertTrue(letter.name.startswith("Letter: "))

    def test_name_emptied_in_the_form_is_given_back(self):
        action = self._new_specific(name="Call Mr Smith")
        action.name = False
        self.assertEqual(
            action.name,
            f"Phone call: {self.line_a.move_name}, {self.line_b.move_name}",
        )

    def test_missing_values_are_clear_errors(self):
        base = {
            "is_specific": True,
            "date": "2026-03-02",
            "line_ids": [Command.set(self.line_a.ids)],
        }
        with self.assertRaisesRegex(
            ValidationError, "needs a value in “Customer”: choose the customer"
        ):
            self.Action.create({**base, "action_type": "call"})
        with self.assertRaisesRegex(
            ValidationError, "needs a value in “Action type”: choose its type"
        ):
            self.Action.create({**base, "partner_id": self.customer.id})
        with self.assertRaisesRegex(
            ValidationError, "needs a value in “Date”: set the day it is due"
        ):
            self.Action.create(
                {
                    **base,
                    "partner_id": self.customer.id,
                    "action_type": "call",
                    "date": False,
                }
            )

    def test_clearing_a_required_value_is_a_clear_error(self):
        action = self._new_specific(name="Call Mr Smith")
        with self.assertRaisesRegex(
            ValidationError,
            "Action Call Mr Smith for Acme Corp needs a value in “Date”",
        ):
            action.write({"date": False})
        with self.assertRaisesRegex(ValidationError, "“Customer”"):
            action.write({"partner_id": False})

    def test_calendar_title_names_the_customer(self):
        action = self._new_specific(name="Phone call")
        self.assertEqual(action.display_name, "Acme Corp: Phone call")

    # Follow-up mixin and wording (items 6, defect 11) ---------------------

    def test_followup_fields_defined_once(self):
        for model in (
            "dso.collection.step",
            "dso.item.status",
            "dso.collection.action",
        ):
            Model = self.env[model]
            self.assertIn(model, self.env["dso.followup.mixin"]._inherit_children)
            for fname in ("action_type", "mail_template_id", "sms_template_id"):
                self.assertIn(fname, Model._fields)
            # The rule "only emails can be automatic" is the mixin's.
            self.assertEqual(
                type(Model)._check_automatic,
                type(self.env["dso.followup.mixin"])._check_automatic,
            )

    def test_only_emails_automatic_wording(self):
        with self.assertRaises(ValidationError) as error:
            self.scenario.step_ids[0].write({"action_type": "sms"})
        message = str(error.exception)
        self.assertIn(
            "Step “Pre-due reminder” of scenario “Test scenario” cannot be "
            "automatic: only emails are sent automatically, and its action type "
            "is “SMS”.",
            message,
        )
        self.assertNotIn("a SMS", message)
        status = self.env["dso.item.status"].create(
            {"name": "Call back", "action_type": "email", "automatic": True}
        )
        with self.assertRaisesRegex(
            ValidationError,
            "The follow-up of status “Call back” cannot be automatic: .* “Phone call”",
        ):
            status.action_type = "call"
        with self.assertRaisesRegex(
            ValidationError, "Action “Letter: .*” for Acme Corp cannot be automatic"
        ):
            self._new_specific(action_type="letter", automatic=True)

    def test_unticking_automatic_clears_to_confirm(self):
        with Form(self.scenario) as scenario_form:
            with scenario_form.step_ids.edit(1) as step:
                self.assertTrue(step.to_confirm)
                step.automatic = False
                self.assertFalse(step.to_confirm)
        self.assertFalse(self.step_first.to_confirm)

    def test_labels_are_sentence_case(self):
        models = (
            "dso.collection.action",
            "dso.collection.step",
            "dso.item.status",
            "dso.collection.customer",
            "dso.collection.send.wizard",
        )
        title_case = [
            (model, fname, field.string)
            for model in models
            for fname, field in self.env[model]._fields.items()
            if field._module == "dso_collection"
            and not field.automatic  # Odoo's own: id, write_date, display_name
            and any(word[:1].isupper() for word in field.string.split()[1:])
            and "SMS" not in field.string
        ]
        self.assertEqual(title_case, [])

    def test_labels(self):
        status_field = self.env["dso.item.status"]._fields["exclude_from_scenario"]
        self.assertEqual(status_field.string, "Exclude from scenario")
        self.assertEqual(self.Action._fields["state"].string, "State")
        arch = etree.fromstring(
            self.Action.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        self.assertEqual(
            arch.find(".//filter[@name='groupby_state']").get("string"), "State"
        )
        self.assertFalse(arch.xpath("//*[@string='Status']"))

    def test_help_says_what_is_not_used_yet(self):
        # Interactive emails carry their link since the portal release: the
        # help no longer says they are plain emails until then.
        for help_text in (
            self.env["res.partner"]._fields["dso_interactive_email"].help,
            self.env["res.company"]._fields["dso_default_interactive_email"].help,
        ):
            self.assertNotIn("until the portal is installed", help_text)
            self.assertIn("plain emails", help_text)
        # The status's follow-up is used since the status wizard: its help
        # no longer says it is not.
        Status = self.env["dso.item.status"]
        for fname in ("action_type", "delay", "mail_template_id", "automatic"):
            self.assertNotIn("Not applied yet", Status._fields[fname].help)
        self.assertIn("status wizard", Status._fields["action_type"].help)

    # Activities (item 4) ----------------------------------------------------

    def test_activity_is_odoo_automated_one_with_user_dates(self):
        action = self._new_specific()
        activity = action.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.automated)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.summary, action.name)
        self.assertIn(format_date(self.env, self.line_a.date_maturity), activity.note)
        self.assertNotIn("2026-02-10", activity.note)
        self.assertIn("+32470123456", activity.note)

    def test_activity_follows_date_collector_and_type(self):
        action = self._new_specific()
        other = self._create_collector("dso_other", "Otto Other")
        action.write({"date": "2026-03-20", "user_id": other.id})
        activity = action.activity_ids
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-03-20"))
        self.assertEqual(activity.user_id, other)
        action.action_type = "letter"
        self.assertEqual(
            action.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_todo"),
        )
        self.assertEqual(len(action.activity_ids), 1)

    def test_activity_done_by_hand_and_own_activity(self):
        action = self._new_specific()
        # An activity the collector adds by hand is theirs: finishing it does
        # not carry the action out.
        own = action.activity_schedule(
            "mail.mail_activity_data_email", user_id=self.collector.id, automated=False
        )
        own.action_feedback(feedback="Sent the statement")
        self.assertEqual(action.state, "todo")
        action.activity_ids.action_feedback(feedback="Will pay Friday")
        self.assertEqual(action.state, "done")
        self.assertIn("Will pay Friday", action.note)

    def test_done_and_cancel_close_the_activity(self):
        done = self._new_specific()
        done.action_done()
        self.assertFalse(done.activity_ids)
        done_messages = done.message_ids.filtered(
            lambda message: "Collection action done." in (message.body or "")
        )
        self.assertTrue(done_messages)
        cancelled = self._new_specific(line_ids=[Command.set(self.line_b.ids)])
        cancelled.action_cancel()
        self.assertFalse(cancelled.activity_ids)

    def test_agenda_opens_on_my_open_actions(self):
        # Issue 21, defect 12: the collector lands on "My actions".
        context = self.env.ref("dso_collection.dso_collection_action_action").context
        self.assertIn("'search_default_filter_mine': 1", context)
        self.assertIn("'search_default_filter_open': 1", context)

    def test_status_form_and_settings_show_what_was_asked(self):
        # The acknowledgement template is set on the status form; rates read
        # with two decimals in Settings ("10.00", not "10.0000").
        form = self.env["dso.item.status"].get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="ack_template_id"', form["arch"])
        settings = self.env["res.config.settings"].get_views([(False, "form")])
        arch = etree.fromstring(settings["views"]["form"]["arch"])
        rate = arch.find(".//field[@name='dso_penalty_fixed_rate']")
        self.assertEqual(rate.get("digits"), "[16, 2]")

    def test_state_written_by_any_path_closes_the_activity(self):
        # An import, the demo or a script writes the state itself: the
        # collector's activity must not stay open (issue 21, defect 10).
        done = self._new_specific()
        cancelled = self._new_specific(line_ids=[Command.set(self.line_b.ids)])
        self.assertTrue(done.activity_ids and cancelled.activity_ids)
        done.write({"state": "done"})
        cancelled.write({"state": "cancel"})
        self.assertFalse(done.activity_ids)
        self.assertFalse(cancelled.activity_ids)
        self.assertTrue(
            done.message_ids.filtered(
                lambda message: "Collection action done." in (message.body or "")
            ),
            "the activity was marked done, not deleted",
        )
        # Reopened (a bounced email), a manual action gets its activity back.
        done.write({"state": "todo"})
        self.assertEqual(len(done.activity_ids), 1)

    def test_no_assignment_notification_for_a_done_action(self):
        def assignments(action):
            return self.env["mail.message"].search(
                [
                    ("model", "=", action._name),
                    ("res_id", "=", action.id),
                    ("message_type", "=", "user_notification"),
                ]
            )

        # The accountant creates them for the collector: an open action tells
        # the collector, one recorded as already done does not.
        # (The tests' default context turns mail tracking and subscriptions
        # off: on here, as in production.)
        Action = self.Action.with_context(
            tracking_disable=False, mail_create_nosubscribe=False
        )
        vals = {
            "partner_id": self.customer.id,
            "is_specific": True,
            "action_type": "email",
            "date": "2026-03-02",
            "user_id": self.collector.id,
            "line_ids": [Command.set(self.line_a.ids)],
        }
        self.assertTrue(assignments(Action.create(vals)))
        done = Action.create({**vals, "state": "done"})
        self.assertFalse(assignments(done))

    def test_specific_action_name_in_every_language(self):
        # Like a planned action, a specific action named from its type and
        # items reads in each user's language (issue 21, defect 12).
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_collection"], ["fr_FR"])
        action = self._new_specific()
        number = self.line_a.move_name
        self.assertTrue(
            action.with_context(lang="en_US").name.startswith("Phone call: ")
        )
        self.assertTrue(
            action.with_context(lang="fr_FR").name.startswith("Appel téléphonique"),
            action.with_context(lang="fr_FR").name,
        )
        self.assertIn(number, action.with_context(lang="fr_FR").name)
        # The collector's activity takes the name in the collector's language.
        self.assertEqual(
            action.activity_ids.summary, action.with_context(lang="en_US").name
        )
        # A name given by the collector stays as given.
        named = self._new_specific(
            name="Call Laura", line_ids=[Command.set(self.line_b.ids)]
        )
        self.assertEqual(named.with_context(lang="fr_FR").name, "Call Laura")

    def test_activities_scheduled_in_batch(self):
        customers = self.env["res.partner"]
        for index in range(6):
            customers |= self._create_customer(
                f"Batch {index}", phone=f"0470 00 00 0{index}"
            )
        actions = self.Action.with_context(dso_planning=True).create(
            [
                {
                    "name": "Phone call",
                    "partner_id": customer.id,
                    "action_type": "call",
                    "date": "2026-03-02",
                    "user_id": self.collector.id,
                }
                for customer in customers
            ]
        )
        Model = type(self.Action)
        with patch.object(
            Model,
            "activity_schedule",
            autospec=True,
            side_effect=Model.activity_schedule,
        ) as schedule:
            actions._dso_schedule_activities()
        self.assertEqual(schedule.call_count, 1)
        self.assertEqual(len(actions.activity_ids), 6)
        for action, customer in zip(actions, customers, strict=True):
            self.assertIn(customer.phone, action.activity_ids.note)

    # Defect 9: what comes next ------------------------------------------------

    @freeze_time("2026-03-01")
    def test_done_names_the_next_action(self):
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(first.step_id, self.step_first)
        result = first.action_done()
        nxt = self._open_action()
        self.assertEqual(nxt.step_id, self.step_call)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(
            result["params"]["message"],
            # The type in brackets only when the name does not say it
            # (issue 21: "Phone call (Phone call)").
            f"Next for Acme Corp: Phone call on {format_date(self.env, nxt.date)}",
        )
        self.assertEqual(result["params"]["next"]["tag"], "soft_reload")

    @freeze_time("2026-03-01")
    def test_plan_now_says_what_is_planned(self):
        result = self.customer.action_dso_plan()
        action = self._open_action()
        self.assertTrue(action)
        self.assertEqual(
            result["params"]["message"],
            f"Next for Acme Corp: First reminder (Email) on "
            f"{format_date(self.env, action.date)}",
        )
        nobody = self._create_customer("Nothing Owed Ltd")
        result = nobody.action_dso_plan()
        self.assertEqual(
            result["params"]["message"], "Nothing more planned for Nothing Owed Ltd"
        )

    @freeze_time("2026-03-01")
    def test_confirm_says_what_is_next(self):
        self._plan("2026-03-01")
        first = self._open_action()
        self.assertEqual(first.state, "to_confirm")
        result = first.action_confirm()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("Next for Acme Corp:", result["params"]["message"])
