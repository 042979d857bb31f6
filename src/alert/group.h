/*
 * Alerts grouped by cause (alerts.group_by = "cause", the default): one
 * alert per input change (or set of changes needed together) behind a
 * run's changes (cause.h), saying what changed and where, how many edges
 * in how many accounts were gained, lost or changed, and listing them.
 * Changes whose cause is unknown are grouped by the reason it is unknown;
 * changes whose causes were never looked for (a diff against --baseline,
 * a diff read from a file) have nothing to group by and keep one alert
 * each, as with alerts.group_by = "edge".
 *
 * A grouped alert is a struct alert of kind ALERT_CAUSE ("cause"):
 *   change    one line: the cause ("managed-policy OrgBaseline
 *             (arn:...) in 210987654321: v1 -> v2"), or the causes, the
 *             first ALERT_GROUP_TEXT_CAUSES then "and N more causes")
 *   reason    one line, bounded: the counts, then the first
 *             ALERT_GROUP_TEXT_ITEMS changes and how many are left out —
 *             what syslog and Slack show
 *   account   the account, when the changes are all in one
 *   severity  the most severe of its changes' (alerts.syslog.<kind>)
 * and in JSON (alert.h's form, plus):
 *   "causes": [ {"kind", "account", "name", "arn", "id", "on", "before",
 *                "after", "verified", "jointly"} ],
 *   "causes_note": string (only when causes is empty),
 *   "counts": {"gained", "lost", "changed", "privileged-added",
 *              "privileged-removed", "accounts"},
 *   "edges": [ {"change", "account", "principal", "role", "services": []} ]
 *             the first ALERT_GROUP_ITEMS_MAX changes, in the diff's order,
 *   "edges_omitted": how many more there were.
 *
 * Its id: hex(SHA-256(P("passrole-auditd grouped alert id 1") P(run)
 * P(each cause's kind, account, name, arn, id, on, before, after,
 * verified, jointly) P(causes_note))) with alert.h's P(): the same cause
 * found by the same run always has the same id.
 *
 * The filters (alerts.min_severity, accounts, roles) choose the changes
 * before they are grouped; a group none of whose changes passes is not
 * raised.
 */
#ifndef PRA_ALERT_GROUP_H
#define PRA_ALERT_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "alert/alert.h"
#include "audit/diff.h"
#include "util/err.h"

#define ALERT_GROUP_ITEMS_MAX 200	/* changes listed in the JSON form */
#define ALERT_GROUP_TEXT_ITEMS 10	/* changes named in reason */
#define ALERT_GROUP_CAUSES_MAX 64	/* causes kept in one alert */
#define ALERT_GROUP_TEXT_CAUSES 5	/* causes named in change */

struct alert_item {
	char *change;		/* "gained", "lost", ... */
	char *account;
	char *principal;	/* NULL for privileged-* */
	char *role;
	char **services;
	size_t nservices;
};

struct alert_group {
	struct diff_cause *causes;
	size_t ncauses;
	char *note;		/* why no cause is known; NULL when causes */
	size_t counts[5];	/* by enum diff_kind */
	size_t naccounts;
	struct alert_item *items;
	size_t nitems;
	size_t omitted;		/* changes not in items */
};

/*
 * Replace the per-change alerts edges[0..d->n) (edges[i] made from
 * d->entries[i]; what is used is moved out, the rest is the caller's to
 * free) by one alert per cause, at the place of the cause's first change,
 * into *out (*n of them; the caller frees with alert_array_free). The
 * changes skip marks (may be NULL: none; an accepted edge's) raise
 * nothing. 0, or -1 with e.
 */
int alert_group_build(const struct config_alerts *c, const struct alert_run *run,
    const struct edge_diff *d, struct alert *edges, const bool *skip, struct alert **out,
    size_t *n,
    struct err *e);

void alert_group_free(struct alert_group *g);

/* Add the group's members to o (alert_to_json); false on ENOMEM. */
bool alert_group_to_json(const struct alert *a, cJSON *o);
/* Read them back into a->group; 0, or -1 with e naming the field. */
int alert_group_from_json(const cJSON *j, struct alert *a, struct err *e);

/* "OrgBaseline (managed-policy, 210987654321) changed: 3 gained in 1
 * account". Owned by the caller; NULL on ENOMEM. */
char *alert_group_summary(const struct alert *a);

#endif
