/*
 * The snapshot: everything one audit looks at, taken at one moment — each
 * account's IAM (users, groups, roles, managed policies), its VPC endpoints
 * per region, and the organization (tree, SCPs, RCPs, attachments).
 *
 * Every part that is fetched records whether it is complete and, if not,
 * why. A part that failed is *unknown*, never *empty*: the audit must not
 * read an incomplete part as "no principals" or "no SCPs".
 *
 * Ownership: the snapshot owns every string and array reachable from it
 * (each one malloc'd on its own); snapshot_free() releases them all. A
 * collector fills one struct snap_account (its own strings and arrays)
 * without touching the rest, so accounts can be filled by different threads
 * and then stored with snapshot_add_account().
 *
 * Policy documents are kept as the decoded JSON text AWS holds (never the
 * percent-encoded form); the audit compiles them with policy_parse().
 */
#ifndef PRA_COLLECT_SNAPSHOT_H
#define PRA_COLLECT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

/* Version of the JSON serialisation (snapjson.c). */
#define SNAPSHOT_FORMAT_VERSION 1

/* Whether a part was fetched in full. complete == false: why says what
 * happened, in words fit for a report: "AccessDenied from
 * iam:GetAccountAuthorizationDetails: ...", "throttled out after 5
 * attempts (organizations:ListPoliciesForTarget)", "not fetched: the
 * account could not be entered (sts:AssumeRole: AccessDenied ...)". */
struct snap_part {
	bool complete;
	char *why;		/* NULL when complete */
};

struct snap_tag {
	char *key;
	char *value;
};

struct snap_inline_policy {
	char *name;
	char *document;		/* JSON text */
};

/* A managed policy as IAM holds it: customer managed (in the account) or
 * AWS managed (arn:aws:iam::aws:policy/...). Only the default version's
 * document is kept. */
struct snap_managed_policy {
	char *arn;
	char *name;
	char *id;
	char *path;
	char *default_version;	/* "v3" */
	char *document;		/* the default version's JSON text */
	bool aws_managed;
	int attachment_count;
};

/* Attached managed policies are referred to by ARN; the document is in
 * snap_iam.policies (GetAccountAuthorizationDetails returns AWS managed
 * policies that are attached in the account with the LocalManagedPolicy /
 * AWSManagedPolicy filters). snapshot_find_policy() finds it. */
struct snap_user {
	char *arn, *name, *id, *path;
	char **groups;		/* group names */
	size_t ngroups;
	struct snap_inline_policy *inline_policies;
	size_t ninline;
	char **attached;	/* managed policy ARNs */
	size_t nattached;
	char *boundary_arn;	/* NULL: no permissions boundary */
	struct snap_tag *tags;
	size_t ntags;
};

struct snap_group {
	char *arn, *name, *id, *path;
	struct snap_inline_policy *inline_policies;
	size_t ninline;
	char **attached;
	size_t nattached;
};

struct snap_role {
	char *arn, *name, *id, *path;
	char *trust_policy;	/* AssumeRolePolicyDocument, JSON text */
	struct snap_inline_policy *inline_policies;
	size_t ninline;
	char **attached;
	size_t nattached;
	char *boundary_arn;
	struct snap_tag *tags;
	size_t ntags;
	char **instance_profiles;	/* instance profile ARNs */
	size_t ninstance_profiles;
	char *last_used;	/* ISO 8601 or NULL */
	char *last_used_region;	/* or NULL */
	/* path "/aws-service-role/": exempt from SCPs, cannot be passed */
	bool service_linked;
};

struct snap_iam {
	struct snap_part part;
	struct snap_user *users;
	size_t nusers;
	struct snap_group *groups;
	size_t ngroups;
	struct snap_role *roles;
	size_t nroles;
	struct snap_managed_policy *policies;
	size_t npolicies;
};

struct snap_endpoint {
	char *id;		/* vpce-... */
	char *type;		/* "Gateway", "Interface", "GatewayLoadBalancer" */
	char *service_name;	/* "com.amazonaws.eu-west-1.events" */
	char *vpc_id;
	char *state;		/* "available", ... */
	char *policy;		/* JSON text; NULL: none, i.e. full access */
};

/* The VPC endpoints of one account in one configured region. */
struct snap_region {
	char *name;
	struct snap_part part;
	struct snap_endpoint *endpoints;
	size_t nendpoints;
};

struct snap_account {
	char *id;		/* 12 digits */
	char *name;		/* from Organizations, or NULL */
	char *email;		/* or NULL */
	char *status;		/* "ACTIVE", ... or NULL */
	char *parent_id;	/* OU or root id; NULL outside an organization */
	bool is_management;
	/* Could the collector act in this account (own credentials or
	 * AssumeRole)? When not, iam and every region are incomplete too. */
	struct snap_part access;
	struct snap_iam iam;
	struct snap_region *regions;
	size_t nregions;
};

struct snap_ou {
	char *id;		/* "ou-..." */
	char *name;
	char *parent_id;	/* the root or another OU */
};

enum snap_org_policy_type { SNAP_SCP, SNAP_RCP };

struct snap_org_policy {
	char *id;		/* "p-..." */
	char *arn;
	char *name;
	enum snap_org_policy_type type;
	bool aws_managed;	/* FullAWSAccess, RCPFullAWSAccess */
	char *content;		/* JSON text */
	char **targets;		/* root, OU and account ids it is attached to */
	size_t ntargets;
};

enum snap_org_mode {
	/* Organizations answered: the tree and policies below are the org's
	 * (subject to part.complete). */
	SNAP_ORG_PRESENT,
	/* AWSOrganizationsNotInUseException: a standalone account, known to
	 * have no SCPs and no RCPs. */
	SNAP_ORG_NONE,
	/* Organizations could not be read (AccessDenied, throttled, ...):
	 * single-account mode, SCPs and RCPs unknown. part.why says why. */
	SNAP_ORG_UNKNOWN,
};

struct snap_org {
	enum snap_org_mode mode;
	struct snap_part part;
	char *id;		/* "o-..." */
	char *management_account;
	char *root_id;		/* "r-..." */
	bool scp_enabled;	/* policy types enabled on the root */
	bool rcp_enabled;
	struct snap_ou *ous;
	size_t nous;
	struct snap_org_policy *policies;
	size_t npolicies;
};

struct snapshot {
	int format_version;	/* SNAPSHOT_FORMAT_VERSION */
	time_t taken_at;
	char *partition;	/* "aws", "aws-cn", "aws-us-gov" */
	/* Where it came from: "live" or "offline:DIR" (for reports). */
	char *source;
	struct snap_org org;
	struct snap_account *accounts;	/* sorted by id after snapshot_sort() */
	size_t naccounts;
};

/* A new empty snapshot (org mode SNAP_ORG_UNKNOWN, part incomplete with
 * why "not fetched"); NULL on allocation failure with e set. */
struct snapshot *snapshot_new(struct err *e);
void snapshot_free(struct snapshot *s);

/* Move *a into the snapshot (the snapshot takes its strings and arrays;
 * *a is zeroed). 0, or -1 with e set (*a is then freed). */
int snapshot_add_account(struct snapshot *s, struct snap_account *a, struct err *e);

/* Free what an account owns (for a collector that gives up on one). */
void snap_account_clear(struct snap_account *a);
void snap_org_clear(struct snap_org *o);

/* Record a failure: complete = false, why = a copy of the formatted text.
 * A part already incomplete keeps its first reason. 0 or -1 (ENOMEM). */
int snap_part_fail(struct snap_part *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int snap_part_ok(struct snap_part *p);

/* Sort accounts by id and, in each, users/groups/roles/policies by ARN,
 * endpoints by id, regions by name; OUs and org policies by id. Makes the
 * JSON form and every report deterministic. */
void snapshot_sort(struct snapshot *s);
/* The same for one account (users, groups, roles, policies, regions,
 * endpoints). */
void snapshot_sort_account(struct snap_account *a);

/* Move shell's organization, partition, source, taken_at and format
 * version into s (replacing s's own), and sort s's accounts: s's accounts
 * were read one at a time from a source whose shell holds the rest. */
void snapshot_take_shell(struct snapshot *s, struct snapshot *shell);

/* Move *slot (an account of a source's shell) into *out, leaving in the
 * slot a stub with its id, parent and management flag for the shell's
 * lookups. 0, or -1 with e (ENOMEM: *out is the caller's all the same). */
int snapshot_move_account(struct snap_account *slot, struct snap_account *out,
    struct err *e);

/* A whole snapshot from a source read one account at a time (offline,
 * live): every account next gives (1 each, 0 at the end, -1 with e), then
 * shell's organization and facts (snapshot_take_shell). NULL with e. */
typedef int (*snapshot_next_fn)(void *src, struct snap_account *out, struct err *e);
struct snapshot *snapshot_gather(snapshot_next_fn next, void *src, struct snapshot *shell,
    struct err *e);

/* Lookups; NULL when absent. */
struct snap_account *snapshot_find_account(const struct snapshot *s, const char *id);
const struct snap_managed_policy *snapshot_find_policy(const struct snap_account *a,
    const char *arn);
const struct snap_group *snapshot_find_group(const struct snap_account *a, const char *name);
const struct snap_role *snapshot_find_role(const struct snap_account *a, const char *arn);
const struct snap_ou *snapshot_find_ou(const struct snapshot *s, const char *id);

/*
 * The chain of organization parents of an account, root first: ids[0] is
 * the root, then each OU down to the account's parent; the account itself
 * is not included. Returns the number of entries (at most max), or -1 with
 * e set when the chain is broken (unknown parent, cycle, depth > max).
 */
int snapshot_parent_chain(const struct snapshot *s, const struct snap_account *a,
    const char **ids, size_t max, struct err *e);

/* Is every part of the snapshot complete (org, every account's access,
 * iam and regions)? */
bool snapshot_complete(const struct snapshot *s);

/* String helpers for collectors: a malloc'd copy (NULL in, NULL out), and
 * growing an array of elsize elements by one zeroed element, returning it.
 * NULL on ENOMEM with e set. */
char *snap_strdup(const char *s, struct err *e);
void *snap_push(void **arr, size_t *n, size_t elsize, struct err *e);

#endif
