/*
 * A table-driven config schema on top of libconfig. One table lists every
 * setting (dotted path, type, bounds, default, flags, one-line doc) together
 * with where its value lives in a plain C struct; the engine here applies
 * the defaults, walks a parsed libconfig tree against the table, stores the
 * values it accepts and collects every problem it finds (not just the
 * first) as "FILE:LINE: path: problem". New settings are new table rows.
 *
 * The engine knows nothing about passrole-auditd's settings: config.c owns
 * the project's table and struct, and tests can run the engine on tables of
 * their own.
 */
#ifndef PRA_CONFSCHEMA_H
#define PRA_CONFSCHEMA_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

enum confschema_type {
	CONFSCHEMA_GROUP = 0,	/* no field; holds other settings */
	CONFSCHEMA_STRING,	/* field: char * (owned, NULL when unset) */
	CONFSCHEMA_INT,		/* field: int, within [min, max] */
	CONFSCHEMA_BOOL,	/* field: bool */
	CONFSCHEMA_ENUM,	/* field: int (or an int-sized enum): index into values */
	CONFSCHEMA_STRLIST,	/* field: struct confschema_strlist */
	/*
	 * A libconfig list of groups, "( { ... }, { ... } )": field is a
	 * pointer to an owned array of elem_size-byte elements, and the size_t
	 * at count_offset their number, within [min, max] (max 0: up to
	 * CONFSCHEMA_LIST_MAX). sub is the schema of one element, with paths
	 * and offsets relative to it. Problems inside name the element the
	 * way libconfig paths do: "alerts.webhooks.[1].url" (0-based). In
	 * docs (confschema_dump) an element's settings are "path.[].name".
	 */
	CONFSCHEMA_GROUPLIST,
};

#define CONFSCHEMA_SECRET   0x1u	/* never printed, wiped on free */
#define CONFSCHEMA_REQUIRED 0x2u	/* must be present in the file */

/* Hard limits: a config file is operator input, but still bounded. */
#define CONFSCHEMA_STRING_MAX 4096	/* bytes in one string value */
#define CONFSCHEMA_LIST_MAX   1024	/* elements in one list */
#define CONFSCHEMA_PATH_MAX   256	/* bytes in one dotted path */
#define CONFSCHEMA_DIAG_MAX   100	/* problems kept; more are counted */

struct confschema_strlist {
	char **items;	/* owned, each owned */
	size_t n;
};

/*
 * Extra validation of a string value (a URL, a region name...). Returns 0
 * when the value is acceptable, or -1 after writing a short reason (no
 * trailing period) to why. The value is quoted before the reason, except
 * for secrets, whose reason alone is shown: a check used on a secret must
 * not put the value in why.
 */
typedef int (*confschema_check_fn)(const char *value, char *why, size_t whylen);

struct confschema_entry {
	const char *path;		/* dotted: "aws.retry.max_attempts" */
	enum confschema_type type;
	size_t offset;			/* of the field in the target struct */
	long long min, max;		/* CONFSCHEMA_INT */
	const char *const *values;	/* CONFSCHEMA_ENUM, NULL-terminated */
	const char *def;		/* default as text; NULL = unset */
	unsigned flags;			/* CONFSCHEMA_SECRET | CONFSCHEMA_REQUIRED */
	confschema_check_fn check;	/* CONFSCHEMA_STRING, may be NULL */
	const char *doc;		/* one line, no trailing period */
	/* CONFSCHEMA_GROUPLIST only: */
	const struct confschema *sub;	/* one element's settings */
	size_t elem_size;
	size_t count_offset;		/* of the size_t element count */
};

struct confschema {
	const struct confschema_entry *entries;
	size_t n;
};

/* The problems found in one load, each a complete "FILE:LINE: path: ..." line. */
struct confdiag {
	char **msgs;	/* owned */
	size_t n, cap;
	size_t dropped;	/* problems beyond CONFSCHEMA_DIAG_MAX, counted only */
};

#define CONFDIAG_INIT { NULL, 0, 0, 0 }

/*
 * Record one problem. file may be NULL (then "<config>"), line 0 means the
 * line is unknown, path may be NULL. Running out of memory is itself
 * recorded as a dropped problem, so a caller can always trust n + dropped.
 */
void confdiag_add(struct confdiag *d, const char *file, unsigned line,
    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
size_t confdiag_count(const struct confdiag *d);
void confdiag_free(struct confdiag *d);

/* Entry with exactly this dotted path, or NULL. */
const struct confschema_entry *confschema_find(const struct confschema *s,
    const char *path);
/*
 * The schema path an unknown setting was probably meant to be: a sibling
 * within edit distance 2 or equal ignoring case, else any setting anywhere
 * with the same last name (a setting put in the wrong group). NULL if none.
 */
const struct confschema_entry *confschema_suggest(const struct confschema *s,
    const char *path);
/* Levenshtein distance, giving up (returning limit + 1) beyond limit. */
size_t confschema_edit_distance(const char *a, const char *b, size_t limit);

/* Check the table itself: parents before children, defaults that pass
 * their own bounds and checks, docs present. 0, or -1 and e. */
int confschema_selfcheck(const struct confschema *s, struct err *e);

/* Store every default in out (whose fields must be zeroed or freed).
 * Lists, of strings or of groups, start empty. */
int confschema_defaults(const struct confschema *s, void *out, struct err *e);

/*
 * Validate the parsed tree lc against s and store the accepted values in out
 * (which already holds the defaults). file names the top file for problems
 * whose setting has no source file of its own. Every problem goes to d;
 * returns the number of problems added.
 */
size_t confschema_apply(const struct confschema *s, const config_t *lc,
    const char *file, void *out, struct confdiag *d);

/* Free the strings and lists in out, wiping secrets; fields become unset. */
void confschema_free(const struct confschema *s, void *out);

/* Print every setting as libconfig text that loads back as the same
 * settings: groups nested ("aws = { retry = { ... }; };"), lists of groups
 * as "name = ( { ... }, { ... } );", an unset string as "# name is not
 * set" and a secret as "# name is set: a secret, not shown" (never its
 * value, and no placeholder that could be loaded in its stead). -1 on a
 * write error. */
int confschema_print(const struct confschema *s, const void *in, FILE *fp);

/* Machine-readable schema, one setting per line, tab-separated:
 * path, type, range or values, default, flags, doc. The settings of a list
 * of groups' elements follow it as "path.[].name". */
int confschema_dump(const struct confschema *s, FILE *fp);

const char *confschema_type_name(enum confschema_type t);

/*
 * The file a setting was read from: its own file (an @include changes it),
 * with the config's include directory put in front of a relative name as
 * libconfig did to open it; fallback when libconfig does not know (a
 * string parse). The result may be written to buf.
 */
const char *confschema_setting_file(const config_setting_t *st,
    const char *fallback, char *buf, size_t buflen);

/* Find path in lc, or its nearest existing ancestor group; never NULL
 * for a tree with a root. *exact tells which. */
const config_setting_t *confschema_locate(const config_t *lc, const char *path,
    bool *exact);

#endif
