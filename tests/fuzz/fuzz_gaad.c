/*
 * libFuzzer target: the GetAccountAuthorizationDetails page parser
 * (collect_iam_parse_page) on arbitrary bytes, through the same bounded XML
 * tree the client builds.
 *
 * Checked on every input: a page is taken whole or not at all (a refused
 * page adds nothing and its message names the API); an accepted page yields
 * entities with their required fields, and parsing it again appends the same
 * number of entities (the scratch-then-merge path). Everything must free
 * cleanly (leak detection is on in run.sh).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "collect/collect_iam.h"
#include "collect/snapshot.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GAAD_PREFIX "iam:GetAccountAuthorizationDetails: "

static bool
str_ok(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void
check_entities(const struct snap_iam *iam)
{
	for (size_t i = 0; i < iam->nusers; i++) {
		const struct snap_user *u = &iam->users[i];

		if (!str_ok(u->arn) || !str_ok(u->name))
			abort();
		for (size_t j = 0; j < u->ninline; j++)
			if (!str_ok(u->inline_policies[j].name) || !str_ok(u->inline_policies[j].document))
				abort();
		for (size_t j = 0; j < u->ntags; j++)
			if (!str_ok(u->tags[j].key) || u->tags[j].value == NULL)
				abort();
	}
	for (size_t i = 0; i < iam->ngroups; i++)
		if (!str_ok(iam->groups[i].arn) || !str_ok(iam->groups[i].name))
			abort();
	for (size_t i = 0; i < iam->nroles; i++) {
		const struct snap_role *r = &iam->roles[i];

		if (!str_ok(r->arn) || !str_ok(r->name) || !str_ok(r->trust_policy))
			abort();
		for (size_t j = 0; j < r->ninstance_profiles; j++)
			if (!str_ok(r->instance_profiles[j]))
				abort();
	}
	for (size_t i = 0; i < iam->npolicies; i++) {
		const struct snap_managed_policy *p = &iam->policies[i];

		if (!str_ok(p->arn) || !str_ok(p->name) || !str_ok(p->document) ||
		    p->attachment_count < 0)
			abort();
	}
}

static size_t
count(const struct snap_iam *iam)
{
	return iam->nusers + iam->ngroups + iam->nroles + iam->npolicies;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml_limits lim = { (size_t)1 << 20, 32, 50000 };
	struct xml_doc *doc = NULL;
	const struct xml_node *res;
	struct snap_account a;
	struct err e = { "" };
	char *marker = NULL;
	bool trunc = false;
	size_t n;
	int rc;

	if (xml_parse((const char *)data, size, &lim, &doc, &e) != 0)
		return 0;
	res = xml_child(doc->root, "GetAccountAuthorizationDetailsResult");
	if (res == NULL)
		res = doc->root;
	memset(&a, 0, sizeof(a));
	rc = collect_iam_parse_page(res, &a.iam, &trunc, &marker, &e);
	if (rc == COLLECT_PAGE_BAD) {
		if (count(&a.iam) != 0 || strncmp(e.msg, GAAD_PREFIX, strlen(GAAD_PREFIX)) != 0 ||
		    marker != NULL)
			abort();
	} else if (rc == COLLECT_PAGE_OK) {
		if (marker != NULL && marker[0] == '\0')
			abort();
		check_entities(&a.iam);
		n = count(&a.iam);
		free(marker);
		marker = NULL;
		if (collect_iam_parse_page(res, &a.iam, &trunc, &marker, &e) != COLLECT_PAGE_OK ||
		    count(&a.iam) != 2 * n)
			abort();
		check_entities(&a.iam);
	} else if (rc != COLLECT_PAGE_NOMEM) {
		abort();
	}
	free(marker);
	snap_account_clear(&a);
	xml_free(doc);
	return 0;
}
