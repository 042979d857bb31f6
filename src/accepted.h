/*
 * Accepted edges (audit.accepted_file): edges that are known and intended,
 * each accepted by someone, for a reason, until a date. An accepted edge is
 * reported as accepted and never alerted; an entry that has expired, or no
 * longer matches any edge, raises an alert of its own (alert.h).
 *
 * The file is libconfig, like the config (passrole-auditd.conf(5),
 * ACCEPTED EDGES):
 *
 *   accepted = (
 *     { principal = "arn:aws:iam::111122223333:user/automation/ci-*";
 *       role = "deploy-*";            # a role name or ARN pattern
 *       services = [ "cloudformation.amazonaws.com" ];   # optional
 *       reason = "CI deploys stacks";
 *       accepted_by = "alice@example.com";
 *       expires = "2027-06-30"; }     # valid through that day (UTC)
 *   );
 *
 * principal and role are patterns with * and ? (fnmatch without flags); a
 * role pattern without "arn:" is matched against the role's name (the part
 * of its ARN after the last '/'). With services, every service the edge's
 * role can be passed to must be listed: a new service is a new risk and is
 * not accepted. An edge that no service can use matches only an entry
 * without services. An expired entry accepts nothing.
 *
 * Ownership: struct accepted_list owns every string in it.
 */
#ifndef PRA_ACCEPTED_H
#define PRA_ACCEPTED_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "confschema.h"

#define ACCEPTED_MAX_ENTRIES 10000
#define ACCEPTED_FILE_MAX (4 * 1024 * 1024)

struct accepted_entry {
	char *principal;
	char *role;
	char **services;	/* NULL with nservices 0: any */
	size_t nservices;
	bool has_services;
	char *reason;
	char *accepted_by;
	char *expires;		/* "YYYY-MM-DD" as written */
	time_t expires_at;	/* the first second after that day, UTC */
	unsigned line;		/* where the entry starts in the file */
};

struct accepted_list {
	char *path;
	struct accepted_entry *v;
	size_t n;
};

/* Read and check path. *out (free with accepted_free) on success; on
 * failure every problem is in d as "FILE:LINE: accepted[i].field: ..."
 * and -1 is returned. */
int accepted_load(const char *path, struct accepted_list **out, struct confdiag *d);
void accepted_free(struct accepted_list *l);

bool accepted_expired(const struct accepted_entry *en, time_t now);
/* Whether en accepts this edge (expiry not considered). */
bool accepted_entry_matches(const struct accepted_entry *en, const char *principal,
    const char *role, char *const *services, size_t nservices);
/* The first entry, in file order, that accepts the edge at time now (not
 * expired), or NULL; *index (may be NULL) gets its index. l may be NULL. */
const struct accepted_entry *accepted_match(const struct accepted_list *l,
    const char *principal, const char *role, char *const *services, size_t nservices,
    time_t now, size_t *index);

#endif
