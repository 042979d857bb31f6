/*
 * TEMPORARY, for the branch "state" only (see premerge.h): the functions
 * other helpers implement, failing with a message that says so, so that
 * this branch links. The lead deletes this file at merge.
 */
#include "config.h"

#include "audit/premerge.h"
#include "collect/collect.h"

struct edge_set *
audit_snapshot(const struct snapshot *s, const struct config_audit *cfg, struct err *e)
{
	(void)s, (void)cfg;
	err_set(e, "the audit (audit_snapshot) is not merged into this build");
	return NULL;
}

int
audit_explain(const struct snapshot *s, const struct config_audit *cfg,
    const char *principal, const char *role, const char *service, bool json, FILE *out,
    struct err *e)
{
	(void)s, (void)cfg, (void)principal, (void)role, (void)service, (void)json, (void)out;
	err_set(e, "--explain (audit_explain) is not merged into this build");
	return -1;
}

struct snapshot *
offline_load(const char *dir, struct err *e)
{
	(void)dir;
	err_set(e, "offline input (offline_load) is not merged into this build");
	return NULL;
}

struct snapshot *
collect_snapshot(const struct config *cfg, struct aws_creds_provider *base,
    const volatile sig_atomic_t *stop, struct err *e)
{
	(void)cfg, (void)base, (void)stop;
	err_set(e, "live collection (collect_snapshot) is not merged into this build");
	return NULL;
}
