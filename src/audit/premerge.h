/*
 * TEMPORARY, for the branch "state" only: the lead deletes this file and
 * premerge.c at merge (and their lines in src/audit/local.mk), and replaces
 * each `#include "audit/premerge.h"` with
 *     #include "audit/audit.h"
 *     #include "collect/offline.h"
 *
 * These are the signatures the helpers "audit" and "snapjson" write, copied
 * from the lead's instructions so that run.c and modes.c compile and link
 * before their work is merged. collect_snapshot() is declared in
 * collect/collect.h already; premerge.c defines it only to link.
 */
#ifndef PRA_AUDIT_PREMERGE_H
#define PRA_AUDIT_PREMERGE_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/edge.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

struct edge_set *audit_snapshot(const struct snapshot *s, const struct config_audit *cfg,
    struct err *e);
int audit_explain(const struct snapshot *s, const struct config_audit *cfg,
    const char *principal, const char *role, const char *service, bool json, FILE *out,
    struct err *e);
struct snapshot *offline_load(const char *dir, struct err *e);

#endif
