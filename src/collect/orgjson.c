/*
 * Organizations response objects into the snapshot model (see orgjson.h).
 */
#include "config.h"

#include "collect/orgjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define API_DESCRIBE_ORG "organizations:DescribeOrganization"
#define API_LIST_ROOTS "organizations:ListRoots"
#define API_LIST_OUS "organizations:ListOrganizationalUnitsForParent"
#define API_LIST_ACCOUNTS "organizations:ListAccountsForParent"
#define API_LIST_ALL_ACCOUNTS "organizations:ListAccounts"
#define API_LIST_POLICIES "organizations:ListPolicies"
#define API_DESCRIBE_POLICY "organizations:DescribePolicy"
#define API_LIST_TARGETS "organizations:ListTargetsForPolicy"

const char *
orgjson_policy_type_name(enum snap_org_policy_type t)
{
	return t == SNAP_RCP ? ORGJSON_RCP : ORGJSON_SCP;
}

int
orgjson_policy_type_parse(const char *name, enum snap_org_policy_type *t)
{
	if (name != NULL && strcmp(name, ORGJSON_SCP) == 0)
		*t = SNAP_SCP;
	else if (name != NULL && strcmp(name, ORGJSON_RCP) == 0)
		*t = SNAP_RCP;
	else
		return -1;
	return 0;
}

/* A member of obj; NULL when absent or JSON null (both mean "not given"). */
static const cJSON *
member(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNull(v) ? NULL : v;
}

/*
 * A string member. where is the JSON path of obj ("Accounts[2]", or "" for
 * the top level). Absent: NULL, an error when required. Present and not a
 * string: always an error.
 */
static int
get_str(const cJSON *obj, const char *name, bool required, const char *api, const char *where,
    const char **out, struct err *e)
{
	const cJSON *v = member(obj, name);
	const char *dot = where[0] != '\0' ? "." : "";

	*out = NULL;
	if (v == NULL) {
		if (!required)
			return 0;
		err_set(e, "%s: %s%s%s: missing", api, where, dot, name);
		return -1;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		err_set(e, "%s: %s%s%s: not a string", api, where, dot, name);
		return -1;
	}
	if (required && v->valuestring[0] == '\0') {
		err_set(e, "%s: %s%s%s: empty", api, where, dot, name);
		return -1;
	}
	*out = v->valuestring;
	return 0;
}

/* A required object member (the top-level wrapper: "Organization", "Policy"). */
static const cJSON *
get_obj(const cJSON *obj, const char *name, const char *api, const char *where, struct err *e)
{
	const cJSON *v = member(obj, name);
	const char *dot = where[0] != '\0' ? "." : "";

	if (v == NULL) {
		err_set(e, "%s: %s%s%s: missing", api, where, dot, name);
		return NULL;
	}
	if (!cJSON_IsObject(v)) {
		err_set(e, "%s: %s%s%s: not an object", api, where, dot, name);
		return NULL;
	}
	return v;
}

/* The list of a list answer: required (an empty page is "[]"), an array. */
static const cJSON *
get_list(const cJSON *resp, const char *name, const char *api, struct err *e)
{
	const cJSON *v;

	if (!cJSON_IsObject(resp)) {
		err_set(e, "%s: the response is not a JSON object", api);
		return NULL;
	}
	v = member(resp, name);
	if (v == NULL) {
		err_set(e, "%s: %s: missing", api, name);
		return NULL;
	}
	if (!cJSON_IsArray(v)) {
		err_set(e, "%s: %s: not an array", api, name);
		return NULL;
	}
	return v;
}

static bool
is_account_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i == 12;
}

int
orgjson_next_token(const cJSON *resp, const char *api, const char **token, struct err *e)
{
	const cJSON *v = cJSON_IsObject(resp) ? member(resp, "NextToken") : NULL;

	*token = NULL;
	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		err_set(e, "%s: NextToken: not a string", api);
		return -1;
	}
	if (v->valuestring[0] != '\0')
		*token = v->valuestring;
	return 0;
}

int
orgjson_describe_organization(const cJSON *resp, struct snap_org *org, struct err *e)
{
	const cJSON *o;
	const char *id, *mgmt;
	char *nid = NULL, *nmgmt = NULL;

	if (!cJSON_IsObject(resp)) {
		err_set(e, "%s: the response is not a JSON object", API_DESCRIBE_ORG);
		return -1;
	}
	if ((o = get_obj(resp, "Organization", API_DESCRIBE_ORG, "", e)) == NULL ||
	    get_str(o, "Id", true, API_DESCRIBE_ORG, "Organization", &id, e) != 0 ||
	    get_str(o, "MasterAccountId", true, API_DESCRIBE_ORG, "Organization", &mgmt, e) != 0)
		return -1;
	if (!is_account_id(mgmt)) {
		err_set(e, "%s: Organization.MasterAccountId: '%s' is not a 12-digit account id",
		    API_DESCRIBE_ORG, mgmt);
		return -1;
	}
	if ((nid = snap_strdup(id, e)) == NULL || (nmgmt = snap_strdup(mgmt, e)) == NULL) {
		free(nid);
		return -1;
	}
	free(org->id);
	free(org->management_account);
	org->id = nid;
	org->management_account = nmgmt;
	return 0;
}

int
orgjson_list_roots(const cJSON *resp, struct snap_org *org, struct err *e)
{
	const cJSON *roots, *root, *types, *t;
	const char *id, *type, *status;
	bool scp = false, rcp = false;
	char where[64];
	int i = 0, j;

	if ((roots = get_list(resp, "Roots", API_LIST_ROOTS, e)) == NULL)
		return -1;
	cJSON_ArrayForEach(root, roots) {
		snprintf(where, sizeof(where), "Roots[%d]", i);
		if (!cJSON_IsObject(root)) {
			err_set(e, "%s: %s: not an object", API_LIST_ROOTS, where);
			return -1;
		}
		if (get_str(root, "Id", true, API_LIST_ROOTS, where, &id, e) != 0)
			return -1;
		if (org->root_id != NULL || i > 0) {
			err_set(e, "%s: %s: a second root (%s); an organization has one",
			    API_LIST_ROOTS, where, id);
			return -1;
		}
		types = member(root, "PolicyTypes");
		if (types != NULL && !cJSON_IsArray(types)) {
			err_set(e, "%s: %s.PolicyTypes: not an array", API_LIST_ROOTS, where);
			return -1;
		}
		j = 0;
		cJSON_ArrayForEach(t, types) {
			char tw[96];

			snprintf(tw, sizeof(tw), "%s.PolicyTypes[%d]", where, j++);
			if (!cJSON_IsObject(t)) {
				err_set(e, "%s: %s: not an object", API_LIST_ROOTS, tw);
				return -1;
			}
			if (get_str(t, "Type", true, API_LIST_ROOTS, tw, &type, e) != 0 ||
			    get_str(t, "Status", true, API_LIST_ROOTS, tw, &status, e) != 0)
				return -1;
			/* PENDING_ENABLE / PENDING_DISABLE: not in force yet, or
			 * no longer; AWS evaluates only ENABLED types. */
			if (strcmp(status, "ENABLED") != 0)
				continue;
			if (strcmp(type, ORGJSON_SCP) == 0)
				scp = true;
			else if (strcmp(type, ORGJSON_RCP) == 0)
				rcp = true;
		}
		if ((org->root_id = snap_strdup(id, e)) == NULL)
			return -1;
		org->scp_enabled = scp;
		org->rcp_enabled = rcp;
		i++;
	}
	return 0;
}

static bool
ou_known(const struct snap_org *org, const char *id)
{
	for (size_t i = 0; i < org->nous; i++)
		if (strcmp(org->ous[i].id, id) == 0)
			return true;
	return false;
}

int
orgjson_list_ous(const cJSON *resp, const char *parent_id, struct snap_org *org,
    struct err *e)
{
	const cJSON *list, *ou;
	const char *id, *name;
	struct snap_ou tmp, *slot;
	char where[64];
	int i = 0;

	if ((list = get_list(resp, "OrganizationalUnits", API_LIST_OUS, e)) == NULL)
		return -1;
	cJSON_ArrayForEach(ou, list) {
		snprintf(where, sizeof(where), "OrganizationalUnits[%d]", i++);
		if (!cJSON_IsObject(ou)) {
			err_set(e, "%s: %s: not an object", API_LIST_OUS, where);
			return -1;
		}
		if (get_str(ou, "Id", true, API_LIST_OUS, where, &id, e) != 0 ||
		    get_str(ou, "Name", false, API_LIST_OUS, where, &name, e) != 0)
			return -1;
		if (ou_known(org, id) || (parent_id != NULL && strcmp(id, parent_id) == 0)) {
			err_set(e, "%s: %s.Id: OU %s is listed twice in the tree", API_LIST_OUS,
			    where, id);
			return -1;
		}
		memset(&tmp, 0, sizeof(tmp));
		if ((tmp.id = snap_strdup(id, e)) == NULL ||
		    (name != NULL && (tmp.name = snap_strdup(name, e)) == NULL) ||
		    (parent_id != NULL && (tmp.parent_id = snap_strdup(parent_id, e)) == NULL) ||
		    (slot = snap_push((void **)&org->ous, &org->nous, sizeof(*slot), e)) == NULL) {
			free(tmp.id), free(tmp.name), free(tmp.parent_id);
			return -1;
		}
		*slot = tmp;
	}
	return 0;
}

int
orgjson_list_accounts(const cJSON *resp, const char *parent_id, struct snapshot *s,
    struct err *e)
{
	const char *api = parent_id != NULL ? API_LIST_ACCOUNTS : API_LIST_ALL_ACCOUNTS;
	const cJSON *list, *acct;
	const char *id, *name, *email, *status;
	struct snap_account a;
	char where[64];
	int i = 0;

	if ((list = get_list(resp, "Accounts", api, e)) == NULL)
		return -1;
	cJSON_ArrayForEach(acct, list) {
		snprintf(where, sizeof(where), "Accounts[%d]", i++);
		if (!cJSON_IsObject(acct)) {
			err_set(e, "%s: %s: not an object", api, where);
			return -1;
		}
		if (get_str(acct, "Id", true, api, where, &id, e) != 0 ||
		    get_str(acct, "Name", false, api, where, &name, e) != 0 ||
		    get_str(acct, "Email", false, api, where, &email, e) != 0 ||
		    get_str(acct, "Status", false, api, where, &status, e) != 0)
			return -1;
		if (!is_account_id(id)) {
			err_set(e, "%s: %s.Id: '%s' is not a 12-digit account id", api, where, id);
			return -1;
		}
		if (snapshot_find_account(s, id) != NULL) {
			err_set(e, "%s: %s.Id: account %s is listed twice", api, where, id);
			return -1;
		}
		memset(&a, 0, sizeof(a));
		if ((a.id = snap_strdup(id, e)) == NULL ||
		    (name != NULL && (a.name = snap_strdup(name, e)) == NULL) ||
		    (email != NULL && (a.email = snap_strdup(email, e)) == NULL) ||
		    (status != NULL && (a.status = snap_strdup(status, e)) == NULL) ||
		    (parent_id != NULL && (a.parent_id = snap_strdup(parent_id, e)) == NULL) ||
		    snap_part_fail(&a.access, "not fetched") != 0 ||
		    snap_part_fail(&a.iam.part, "not fetched") != 0) {
			err_set(e, "out of memory");
			snap_account_clear(&a);
			return -1;
		}
		a.is_management = s->org.management_account != NULL &&
		    strcmp(id, s->org.management_account) == 0;
		if (snapshot_add_account(s, &a, e) != 0)
			return -1;
	}
	return 0;
}

struct snap_org_policy *
orgjson_find_policy(const struct snap_org *org, const char *id)
{
	for (size_t i = 0; i < org->npolicies; i++)
		if (org->policies[i].id != NULL && strcmp(org->policies[i].id, id) == 0)
			return &org->policies[i];
	return NULL;
}

static void
policy_free(struct snap_org_policy *p)
{
	free(p->id), free(p->arn), free(p->name), free(p->content);
	for (size_t i = 0; i < p->ntargets; i++)
		free(p->targets[i]);
	free(p->targets);
	memset(p, 0, sizeof(*p));
}

/*
 * Read a PolicySummary (a ListPolicies entry or DescribePolicy's summary)
 * into *p. want: the filter's type (Type must match when present), or NULL
 * when Type is required and decides.
 */
static int
read_summary(const cJSON *sum, const enum snap_org_policy_type *want, const char *api,
    const char *where, struct snap_org_policy *p, struct err *e)
{
	const char *id, *arn, *name, *type;
	const cJSON *managed;
	enum snap_org_policy_type t;

	memset(p, 0, sizeof(*p));
	if (get_str(sum, "Id", true, api, where, &id, e) != 0 ||
	    get_str(sum, "Arn", false, api, where, &arn, e) != 0 ||
	    get_str(sum, "Name", false, api, where, &name, e) != 0 ||
	    get_str(sum, "Type", want == NULL, api, where, &type, e) != 0)
		return -1;
	if (type != NULL) {
		if (orgjson_policy_type_parse(type, &t) != 0) {
			err_set(e, "%s: %s.Type: '%s' is not %s or %s", api, where, type,
			    ORGJSON_SCP, ORGJSON_RCP);
			return -1;
		}
		if (want != NULL && t != *want) {
			err_set(e, "%s: %s.Type: %s in a list filtered on %s", api, where, type,
			    orgjson_policy_type_name(*want));
			return -1;
		}
	} else {
		t = *want;
	}
	managed = member(sum, "AwsManaged");
	if (managed != NULL && !cJSON_IsBool(managed)) {
		err_set(e, "%s: %s.AwsManaged: not a boolean", api, where);
		return -1;
	}
	p->type = t;
	p->aws_managed = cJSON_IsTrue(managed);
	if ((p->id = snap_strdup(id, e)) == NULL ||
	    (arn != NULL && (p->arn = snap_strdup(arn, e)) == NULL) ||
	    (name != NULL && (p->name = snap_strdup(name, e)) == NULL)) {
		policy_free(p);
		return -1;
	}
	return 0;
}

int
orgjson_list_policies(const cJSON *resp, enum snap_org_policy_type type,
    struct snap_org *org, struct err *e)
{
	const cJSON *list, *pol;
	struct snap_org_policy tmp, *slot;
	char where[64];
	int i = 0;

	if ((list = get_list(resp, "Policies", API_LIST_POLICIES, e)) == NULL)
		return -1;
	cJSON_ArrayForEach(pol, list) {
		snprintf(where, sizeof(where), "Policies[%d]", i++);
		if (!cJSON_IsObject(pol)) {
			err_set(e, "%s: %s: not an object", API_LIST_POLICIES, where);
			return -1;
		}
		if (read_summary(pol, &type, API_LIST_POLICIES, where, &tmp, e) != 0)
			return -1;
		if (orgjson_find_policy(org, tmp.id) != NULL) {
			err_set(e, "%s: %s.Id: policy %s is listed twice", API_LIST_POLICIES, where,
			    tmp.id);
			policy_free(&tmp);
			return -1;
		}
		slot = snap_push((void **)&org->policies, &org->npolicies, sizeof(*slot), e);
		if (slot == NULL) {
			policy_free(&tmp);
			return -1;
		}
		*slot = tmp;
	}
	return 0;
}

int
orgjson_describe_policy(const cJSON *resp, struct snap_org *org,
    struct snap_org_policy **out, struct err *e)
{
	const cJSON *pol, *sum;
	const char *id, *content;
	struct snap_org_policy tmp, *p;
	char *c;

	if (out != NULL)
		*out = NULL;
	if (!cJSON_IsObject(resp)) {
		err_set(e, "%s: the response is not a JSON object", API_DESCRIBE_POLICY);
		return -1;
	}
	if ((pol = get_obj(resp, "Policy", API_DESCRIBE_POLICY, "", e)) == NULL ||
	    (sum = get_obj(pol, "PolicySummary", API_DESCRIBE_POLICY, "Policy", e)) == NULL ||
	    get_str(sum, "Id", true, API_DESCRIBE_POLICY, "Policy.PolicySummary", &id, e) != 0 ||
	    get_str(pol, "Content", true, API_DESCRIBE_POLICY, "Policy", &content, e) != 0)
		return -1;
	if ((c = snap_strdup(content, e)) == NULL)
		return -1;
	p = orgjson_find_policy(org, id);
	if (p == NULL) {
		if (read_summary(sum, NULL, API_DESCRIBE_POLICY, "Policy.PolicySummary", &tmp,
		    e) != 0) {
			free(c);
			return -1;
		}
		p = snap_push((void **)&org->policies, &org->npolicies, sizeof(*p), e);
		if (p == NULL) {
			policy_free(&tmp);
			free(c);
			return -1;
		}
		*p = tmp;
	}
	free(p->content);
	p->content = c;
	if (out != NULL)
		*out = p;
	return 0;
}

int
orgjson_list_targets(const cJSON *resp, struct snap_org_policy *p, struct err *e)
{
	const cJSON *list, *t;
	const char *id;
	char where[64], *d, **slot;
	bool dup;
	int i = 0;

	if ((list = get_list(resp, "Targets", API_LIST_TARGETS, e)) == NULL)
		return -1;
	cJSON_ArrayForEach(t, list) {
		snprintf(where, sizeof(where), "Targets[%d]", i++);
		if (!cJSON_IsObject(t)) {
			err_set(e, "%s: %s: not an object", API_LIST_TARGETS, where);
			return -1;
		}
		if (get_str(t, "TargetId", true, API_LIST_TARGETS, where, &id, e) != 0)
			return -1;
		dup = false;
		for (size_t k = 0; k < p->ntargets && !dup; k++)
			dup = strcmp(p->targets[k], id) == 0;
		if (dup)
			continue;
		if ((d = snap_strdup(id, e)) == NULL)
			return -1;
		slot = snap_push((void **)&p->targets, &p->ntargets, sizeof(*slot), e);
		if (slot == NULL) {
			free(d);
			return -1;
		}
		*slot = d;
	}
	return 0;
}
