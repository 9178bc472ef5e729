/** @odoo-module */

import { registry } from "@web/core/registry";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { ListRenderer } from "@web/views/list/list_renderer";
import { listView } from "@web/views/list/list_view";
import { QualificationRateBanner } from "./qualification_rate_banner";

/** The agenda's list and kanban, with the qualification rate banner on top. */
export class DsoAgendaListRenderer extends ListRenderer {
    static template = "dso_collection.AgendaListRenderer";
    static components = { ...ListRenderer.components, QualificationRateBanner };
}

export class DsoAgendaKanbanRenderer extends KanbanRenderer {
    static template = "dso_collection.AgendaKanbanRenderer";
    static components = { ...KanbanRenderer.components, QualificationRateBanner };
}

registry.category("views").add("dso_agenda_list", {
    ...listView,
    Renderer: DsoAgendaListRenderer,
});

registry.category("views").add("dso_agenda_kanban", {
    ...kanbanView,
    Renderer: DsoAgendaKanbanRenderer,
});
