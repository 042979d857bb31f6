/*
 * libFuzzer target: the Organizations answers (orgjson_*), as the live
 * collector and the offline loader feed them: a sequence of JSON 1.1
 * responses applied to one snapshot, so that pages interact (a second root,
 * an OU or account or policy seen twice, DescribePolicy for a policy not
 * listed, targets added twice).
 *
 * Input: records separated by NUL bytes, each an operation letter then the
 * JSON response: o DescribeOrganization, r ListRoots, u
 * ListOrganizationalUnitsForParent (parent: the root, else "r-fuzz"), a
 * ListAccountsForParent (same parent), A ListAccounts, s/R ListPolicies
 * (SCP/RCP), p DescribePolicy, t ListTargetsForPolicy (the first policy), n
 * a NextToken alone. Records that are not JSON are skipped.
 *
 * Checked after every record: a refusal names an organizations: API; the
 * model stays what the readers promise: at most one root, unique OU,
 * account and policy ids with their required fields, 12-digit account ids,
 * unique targets per policy, and nothing removed by a later page.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collect/orgjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
str_ok(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void
check_model(const struct snapshot *s)
{
	const struct snap_org *o = &s->org;

	for (size_t i = 0; i < o->nous; i++) {
		if (!str_ok(o->ous[i].id) || !str_ok(o->ous[i].parent_id))
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->ous[i].id, o->ous[j].id) == 0)
				abort();
	}
	for (size_t i = 0; i < s->naccounts; i++) {
		const char *id = s->accounts[i].id;

		if (id == NULL || strlen(id) != 12 || strspn(id, "0123456789") != 12)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(id, s->accounts[j].id) == 0)
				abort();
	}
	for (size_t i = 0; i < o->npolicies; i++) {
		const struct snap_org_policy *p = &o->policies[i];

		if (!str_ok(p->id) || (p->type != SNAP_SCP && p->type != SNAP_RCP))
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->id, o->policies[j].id) == 0)
				abort();
		for (size_t k = 0; k < p->ntargets; k++) {
			if (!str_ok(p->targets[k]))
				abort();
			for (size_t j = 0; j < k; j++)
				if (strcmp(p->targets[k], p->targets[j]) == 0)
					abort();
		}
		if (orgjson_find_policy(o, p->id) != p)
			abort();
	}
}

static int
apply(struct snapshot *s, char op, const cJSON *resp, struct err *e)
{
	const char *parent = s->org.root_id != NULL ? s->org.root_id : "r-fuzz";
	struct snap_org_policy *p = NULL;
	const char *token;

	switch (op) {
	case 'o':
		return orgjson_describe_organization(resp, &s->org, e);
	case 'r':
		return orgjson_list_roots(resp, &s->org, e);
	case 'u':
		return orgjson_list_ous(resp, parent, &s->org, e);
	case 'a':
		return orgjson_list_accounts(resp, parent, s, e);
	case 'A':
		return orgjson_list_accounts(resp, NULL, s, e);
	case 's':
		return orgjson_list_policies(resp, SNAP_SCP, &s->org, e);
	case 'R':
		return orgjson_list_policies(resp, SNAP_RCP, &s->org, e);
	case 'p':
		if (orgjson_describe_policy(resp, &s->org, &p, e) != 0)
			return -1;
		if (p == NULL || p->content == NULL || orgjson_find_policy(&s->org, p->id) != p)
			abort();
		return 0;
	case 't':
		if (s->org.npolicies == 0)
			return 0;
		return orgjson_list_targets(resp, &s->org.policies[0], e);
	case 'n':
		if (orgjson_next_token(resp, "organizations:ListRoots", &token, e) != 0)
			return -1;
		if (token != NULL && token[0] == '\0')
			abort();
		return 0;
	default:
		return 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct snapshot *s = snapshot_new(&e);
	const uint8_t *p = data, *end = data + size;

	if (s == NULL)
		abort();
	while (p < end) {
		const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		size_t nous = s->org.nous, nacc = s->naccounts, npol = s->org.npolicies;
		bool had_root = s->org.root_id != NULL;
		cJSON *resp;

		if (len > 1 && (resp = cJSON_ParseWithLength((const char *)p + 1, len - 1)) != NULL) {
			err_clear(&e);
			if (apply(s, (char)p[0], resp, &e) != 0 &&
			    strncmp(e.msg, "organizations:", 14) != 0)
				abort();
			cJSON_Delete(resp);
			check_model(s);
			if (s->org.nous < nous || s->naccounts < nacc || s->org.npolicies < npol ||
			    (had_root && s->org.root_id == NULL))
				abort();
		}
		p += len + (nul != NULL);
	}
	snapshot_free(s);
	return 0;
}
