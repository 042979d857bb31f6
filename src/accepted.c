/* Accepted edges: the file, its checks, the matching (accepted.h). */
#include "config.h"

#include "accepted.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

static void
entry_clear(struct accepted_entry *en)
{
	free(en->principal);
	free(en->role);
	for (size_t i = 0; i < en->nservices; i++)
		free(en->services[i]);
	free(en->services);
	free(en->reason);
	free(en->accepted_by);
	free(en->expires);
	memset(en, 0, sizeof(*en));
}

void
accepted_free(struct accepted_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		entry_clear(&l->v[i]);
	free(l->v);
	free(l->path);
	free(l);
}

static unsigned
line_of(const config_setting_t *s, unsigned fallback)
{
	unsigned l = config_setting_source_line(s);

	return l > 0 ? l : fallback;
}

/* A required (or optional) non-empty string member; problems go to d. */
static int
get_text(const char *path, const config_setting_t *grp, size_t i, const char *name,
    bool required, char **out, struct confdiag *d)
{
	const config_setting_t *s = config_setting_get_member(grp, name);
	const char *v;
	char where[64];

	snprintf(where, sizeof(where), "accepted[%zu].%s", i, name);
	if (s == NULL) {
		if (required)
			confdiag_add(d, path, line_of(grp, 0), where, "missing");
		return required ? -1 : 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(s)) == NULL || v[0] == '\0') {
		confdiag_add(d, path, line_of(s, line_of(grp, 0)), where, "expected a non-empty "
		    "string");
		return -1;
	}
	if (strlen(v) > 2048) {
		confdiag_add(d, path, line_of(s, 0), where, "longer than 2048 characters");
		return -1;
	}
	if ((*out = strdup(v)) == NULL) {
		confdiag_add(d, path, line_of(s, 0), where, "out of memory");
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DD", a real date; *at: the first second of the next day, UTC. */
static int
parse_date(const char *s, time_t *at)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm;
	int y, m, dd;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 ||
	    s[4] != '-' || s[7] != '-' || y < 2000 || y > 9999 || m < 1 || m > 12 || dd < 1 ||
	    dd > mdays[m - 1])
		return -1;
	if (m == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = dd + 1;	/* timegm normalizes the day after */
	*at = timegm(&tm);
	return 0;
}

static const char *const known_members[] = {
	"principal", "role", "services", "reason", "accepted_by", "expires",
};

static int
load_entry(const char *path, const config_setting_t *grp, size_t i,
    struct accepted_entry *en, struct confdiag *d)
{
	const config_setting_t *sv;
	char where[64];
	int bad = 0;

	en->line = line_of(grp, 0);
	snprintf(where, sizeof(where), "accepted[%zu]", i);
	if (config_setting_type(grp) != CONFIG_TYPE_GROUP) {
		confdiag_add(d, path, en->line, where, "expected a group { ... }");
		return -1;
	}
	for (int k = 0; k < config_setting_length(grp); k++) {
		const config_setting_t *m = config_setting_get_elem(grp, (unsigned)k);
		const char *name = config_setting_name(m);
		size_t j;

		for (j = 0; j < sizeof(known_members) / sizeof(known_members[0]); j++)
			if (name != NULL && strcmp(name, known_members[j]) == 0)
				break;
		if (j == sizeof(known_members) / sizeof(known_members[0])) {
			confdiag_add(d, path, line_of(m, en->line), where, "unknown member \"%s\" "
			    "(known: principal, role, services, reason, accepted_by, expires)",
			    name != NULL ? name : "?");
			bad = -1;
		}
	}
	bad |= get_text(path, grp, i, "principal", true, &en->principal, d);
	bad |= get_text(path, grp, i, "role", true, &en->role, d);
	bad |= get_text(path, grp, i, "reason", true, &en->reason, d);
	bad |= get_text(path, grp, i, "accepted_by", true, &en->accepted_by, d);
	if (get_text(path, grp, i, "expires", true, &en->expires, d) != 0) {
		bad = -1;
	} else if (parse_date(en->expires, &en->expires_at) != 0) {
		confdiag_add(d, path, line_of(config_setting_get_member(grp, "expires"), en->line),
		    where, "expires: \"%s\" is not a date YYYY-MM-DD", en->expires);
		bad = -1;
	}
	if ((sv = config_setting_get_member(grp, "services")) != NULL) {
		int n = config_setting_length(sv);

		en->has_services = true;
		if ((config_setting_type(sv) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(sv) != CONFIG_TYPE_LIST) || n > 1024) {
			confdiag_add(d, path, line_of(sv, en->line), where, "services: expected a "
			    "list of at most 1024 service names");
			return -1;
		}
		if (n > 0 && (en->services = calloc((size_t)n, sizeof(char *))) == NULL) {
			confdiag_add(d, path, en->line, where, "out of memory");
			return -1;
		}
		for (int k = 0; k < n; k++) {
			const config_setting_t *el = config_setting_get_elem(sv, (unsigned)k);
			const char *v = config_setting_get_string(el);

			if (v == NULL || v[0] == '\0' || strlen(v) > 256) {
				confdiag_add(d, path, line_of(el, line_of(sv, en->line)), where,
				    "services[%d]: expected a service name such as "
				    "\"lambda.amazonaws.com\"", k);
				return -1;
			}
			if ((en->services[en->nservices] = strdup(v)) == NULL) {
				confdiag_add(d, path, en->line, where, "out of memory");
				return -1;
			}
			en->nservices++;
		}
	}
	return bad != 0 ? -1 : 0;
}

int
accepted_load(const char *path, struct accepted_list **out, struct confdiag *d)
{
	struct accepted_list *l = NULL;
	const config_setting_t *root, *list;
	struct stat sb;
	config_t lc;
	int n, problems = 0;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		confdiag_add(d, path, 0, NULL, "cannot read the accepted edges: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > ACCEPTED_FILE_MAX) {
		confdiag_add(d, path, 0, NULL, "the accepted edges must be a regular file of at "
		    "most %d bytes", ACCEPTED_FILE_MAX);
		return -1;
	}
	config_init(&lc);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		confdiag_add(d, path, config_error_type(&lc) == CONFIG_ERR_FILE_IO ? 0 :
		    (unsigned)config_error_line(&lc), NULL, "%s", config_error_type(&lc) ==
		    CONFIG_ERR_FILE_IO ? "cannot read the accepted edges" : config_error_text(&lc));
		problems++;
		goto out;
	}
	root = config_root_setting(&lc);
	for (int k = 0; k < config_setting_length(root); k++) {
		const config_setting_t *m = config_setting_get_elem(root, (unsigned)k);

		if (strcmp(config_setting_name(m), "accepted") != 0) {
			confdiag_add(d, path, line_of(m, 0), NULL, "unknown setting \"%s\" (the file "
			    "holds one list: accepted = ( { ... }, ... );)", config_setting_name(m));
			problems++;
		}
	}
	list = config_lookup(&lc, "accepted");
	if (list == NULL || config_setting_type(list) != CONFIG_TYPE_LIST) {
		confdiag_add(d, path, list != NULL ? line_of(list, 0) : 0, "accepted",
		    "expected a list: accepted = ( { ... }, ... );");
		problems++;
		goto out;
	}
	n = config_setting_length(list);
	if (n > ACCEPTED_MAX_ENTRIES) {
		confdiag_add(d, path, line_of(list, 0), "accepted", "more than %d entries",
		    ACCEPTED_MAX_ENTRIES);
		problems++;
		goto out;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL || (l->path = strdup(path)) == NULL ||
	    (n > 0 && (l->v = calloc((size_t)n, sizeof(*l->v))) == NULL)) {
		confdiag_add(d, path, 0, NULL, "out of memory");
		problems++;
		goto out;
	}
	for (int i = 0; i < n; i++) {
		l->n++;
		if (load_entry(path, config_setting_get_elem(list, (unsigned)i), (size_t)i,
		    &l->v[i], d) != 0)
			problems++;
	}
out:
	config_destroy(&lc);
	if (problems > 0) {
		accepted_free(l);
		return -1;
	}
	*out = l;
	return 0;
}

bool
accepted_expired(const struct accepted_entry *en, time_t now)
{
	return now >= en->expires_at;
}

static bool
role_matches(const char *pattern, const char *role)
{
	const char *name;

	if (role == NULL)
		return false;
	if (strncmp(pattern, "arn:", 4) == 0)
		return fnmatch(pattern, role, 0) == 0;
	name = strrchr(role, '/');
	return fnmatch(pattern, name != NULL ? name + 1 : role, 0) == 0;
}

bool
accepted_entry_matches(const struct accepted_entry *en, const char *principal,
    const char *role, char *const *services, size_t nservices)
{
	if (principal == NULL || fnmatch(en->principal, principal, 0) != 0 ||
	    !role_matches(en->role, role))
		return false;
	if (!en->has_services)
		return true;
	/* Listed services bound what is accepted: every one the role can be
	 * passed to must be in the list. */
	for (size_t i = 0; i < nservices; i++) {
		size_t k;

		for (k = 0; k < en->nservices; k++)
			if (services[i] != NULL && strcmp(services[i], en->services[k]) == 0)
				break;
		if (k == en->nservices)
			return false;
	}
	return nservices > 0;
}

const struct accepted_entry *
accepted_match(const struct accepted_list *l, const char *principal, const char *role,
    char *const *services, size_t nservices, time_t now, size_t *index)
{
	for (size_t i = 0; l != NULL && i < l->n; i++) {
		if (accepted_expired(&l->v[i], now) ||
		    !accepted_entry_matches(&l->v[i], principal, role, services, nservices))
			continue;
		if (index != NULL)
			*index = i;
		return &l->v[i];
	}
	return NULL;
}
