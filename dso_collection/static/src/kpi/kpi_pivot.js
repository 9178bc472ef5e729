/** @odoo-module */

import { registry } from "@web/core/registry";
import { cartesian, sections } from "@web/core/utils/arrays";
import { PivotModel } from "@web/views/pivot/pivot_model";
import { pivotView } from "@web/views/pivot/pivot_view";

/**
 * The KPI pivot: the read_groups of a group it opens (the group alone, by
 * its rows, by its columns, by both) in one call, `dso_read_groups`, which
 * reads the KPI query once for all of them. Odoo's pivot sends one
 * read_group for each, and each one evaluated the whole query.
 *
 * A load (the first display, a new search) asks for the total first, then
 * for its groups: the groups are asked with the total, in the same call,
 * and handed out when the pivot asks for them (`dsoPrefetched`).
 */
export class DsoKpiPivotModel extends PivotModel {
    setup() {
        super.setup(...arguments);
        // The groupings being collected for a call, by the `mapping` the
        // pivot shares between the groupings of one group it opens.
        this.dsoBatches = new WeakMap();
        // During a load: the groupings it will ask, and the answers asked
        // ahead, by request.
        this.dsoLoadGroupBys = null;
        this.dsoPrefetched = new Map();
    }

    /**
     * @override
     */
    async _loadData(config, prune = true) {
        const { fullRowGroupBys, fullColGroupBys } = config.metaData;
        this.dsoLoadGroupBys = cartesian(sections(fullRowGroupBys), sections(fullColGroupBys)).map(
            ([rowGroupBy, colGroupBy]) => this._getGroupBySpecs(rowGroupBy, colGroupBy)
        );
        this.dsoPrefetched = new Map();
        try {
            return await super._loadData(config, prune);
        } finally {
            this.dsoLoadGroupBys = null;
            this.dsoPrefetched = new Map();
        }
    }

    /**
     * @override
     */
    async _getSubGroups(groupBy, params) {
        const { resModel, groupDomain, measureSpecs, kwargs, mapping } = params;
        if (this.orm.isSample) {
            // the sample server answers read_group only
            return super._getSubGroups(groupBy, params);
        }
        const key = JSON.stringify(groupBy);
        if (mapping[key]) {
            return mapping[key];
        }
        const request = (spec) =>
            JSON.stringify([resModel, groupDomain, measureSpecs, kwargs, spec]);
        if (this.dsoPrefetched.has(request(groupBy))) {
            mapping[key] = this.dsoPrefetched.get(request(groupBy));
            return mapping[key];
        }
        let batch = this.dsoBatches.get(mapping);
        const first = !batch;
        if (first) {
            batch = { groupBys: [] };
            this.dsoBatches.set(mapping, batch);
            batch.result = Promise.resolve().then(() => {
                this.dsoBatches.delete(mapping);
                return this.orm.call(
                    resModel,
                    "dso_read_groups",
                    [groupDomain, measureSpecs, batch.groupBys.map((spec) => [...new Set(spec)])],
                    kwargs
                );
            });
        }
        const index = batch.groupBys.push(groupBy) - 1;
        mapping[key] = batch.result.then((results) => results[index]);
        if (first && this.dsoLoadGroupBys) {
            // The first call of a load: the load's other groupings with it.
            const ahead = this.dsoLoadGroupBys;
            this.dsoLoadGroupBys = null;
            for (const spec of ahead) {
                if (JSON.stringify(spec) !== key && !this.dsoPrefetched.has(request(spec))) {
                    const aheadIndex = batch.groupBys.push(spec) - 1;
                    this.dsoPrefetched.set(
                        request(spec),
                        batch.result.then((results) => results[aheadIndex])
                    );
                }
            }
        }
        return mapping[key];
    }
}

registry.category("views").add("dso_kpi_pivot", {
    ...pivotView,
    Model: DsoKpiPivotModel,
});
