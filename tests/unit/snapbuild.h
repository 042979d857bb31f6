/*
 * Building snapshots in memory for tests and benchmarks: an organization,
 * accounts with users, groups, roles, managed policies and VPC endpoints.
 * Every helper aborts on allocation failure (test code). Pointers to users,
 * roles and groups stay valid only until the next one is added to the same
 * account; accounts are addressed by id.
 */
#ifndef PRA_TESTS_SNAPBUILD_H
#define PRA_TESTS_SNAPBUILD_H

#include "collect/snapshot.h"

/* A snapshot without an organization (mode NONE, complete), partition aws. */
struct snapshot *sb_new(void);
/* Turn on an organization: id, root, management account; SCPs enabled. */
void sb_org(struct snapshot *s, const char *org_id, const char *root_id, const char *mgmt);
void sb_ou(struct snapshot *s, const char *id, const char *name, const char *parent);
/* An SCP or RCP attached to the listed targets (NULL-terminated). */
void sb_org_policy(struct snapshot *s, enum snap_org_policy_type type, const char *id,
    const char *name, const char *content, ...) __attribute__((sentinel));
/* FullAWSAccess at the root and at every OU and account passed. */
struct snap_account *sb_account(struct snapshot *s, const char *id, const char *parent);
struct snap_account *sb_acct(struct snapshot *s, const char *id);

/* Customer managed policy arn:aws:iam::ACCOUNT:policy/NAME (path "/"); or
 * AWS managed (arn:aws:iam::aws:policy/NAME) with aws = true. Returns the
 * ARN (owned by the snapshot). */
const char *sb_policy(struct snap_account *a, const char *name, const char *doc, bool aws);

struct snap_user *sb_user(struct snap_account *a, const char *name);
void sb_user_inline(struct snap_user *u, const char *name, const char *doc);
void sb_user_attach(struct snap_user *u, const char *arn);
void sb_user_group(struct snap_user *u, const char *group);
void sb_user_boundary(struct snap_user *u, const char *arn);
void sb_user_tag(struct snap_user *u, const char *key, const char *value);

struct snap_group *sb_group(struct snap_account *a, const char *name);
void sb_group_inline(struct snap_group *g, const char *name, const char *doc);
void sb_group_attach(struct snap_group *g, const char *arn);

/* path NULL: "/"; "/aws-service-role/..." makes a service-linked role. */
struct snap_role *sb_role(struct snap_account *a, const char *name, const char *path,
    const char *trust);
void sb_role_inline(struct snap_role *r, const char *name, const char *doc);
void sb_role_attach(struct snap_role *r, const char *arn);
void sb_role_boundary(struct snap_role *r, const char *arn);
void sb_role_tag(struct snap_role *r, const char *key, const char *value);

/* A trust policy trusting the listed service principals (NULL-terminated). */
const char *sb_trust_services(char *buf, size_t cap, ...) __attribute__((sentinel));

/* An interface endpoint com.amazonaws.REGION.SERVICE (policy NULL: none). */
void sb_endpoint(struct snap_account *a, const char *region, const char *id,
    const char *service, const char *policy);

#endif
