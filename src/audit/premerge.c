/*
 * TEMPORARY, for the branch "state" only (see premerge.h): the functions
 * the helpers "snapjson" and "org" implement, failing with a message that
 * says so, so that this branch links. The lead deletes this file at merge.
 */
#include "config.h"

#include "audit/premerge.h"
#include "collect/collect.h"

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
