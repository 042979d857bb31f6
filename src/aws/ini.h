/*
 * A bounded parser for the AWS shared configuration and credentials files
 * (~/.aws/config, ~/.aws/credentials), which are INI files with the
 * conventions of botocore's parser:
 *   - '#' or ';' at the start of a line (after blanks) begins a comment; a
 *     value is everything after the first '=' up to the end of the line, so a
 *     '#' inside a value is part of it (no inline comments);
 *   - keys are matched without regard to case (Python's ConfigParser lowers
 *     them), section names exactly, with the blanks around them removed;
 *   - an indented line after a key is a nested setting (for example the
 *     lines under "s3 =") and belongs to that key, never to the section;
 *   - a duplicate section or key, a setting outside a section or a line that
 *     is neither is an error naming the file and line (ConfigParser is strict
 *     about the same things).
 * Values may be secrets, so they are wiped when the file is freed.
 */
#ifndef PRA_AWS_INI_H
#define PRA_AWS_INI_H

#include <stddef.h>

#include "util/err.h"

#define INI_MAX_BYTES ((size_t)1 << 20)
#define INI_MAX_LINE 8192
#define INI_MAX_SECTIONS 4096
#define INI_MAX_KEYS 1024

struct ini_entry {
	char *key;		/* owned */
	char *value;		/* owned, wiped on free */
	unsigned line;
};

struct ini_section {
	char *name;		/* owned, blanks collapsed: "profile dev" */
	unsigned line;
	struct ini_entry *entries;
	size_t n, cap;
};

struct ini_file {
	char *path;		/* owned, for messages */
	struct ini_section *sections;
	size_t n, cap;
};

/* Parse len bytes; path names the file in messages. *out owned by the caller
 * (ini_free). -1 with e naming path:line on bad input or ENOMEM. */
int ini_parse(const char *data, size_t len, const char *path, struct ini_file **out,
    struct err *e);
void ini_free(struct ini_file *f);

/* Section by exact (collapsed) name, or NULL. f may be NULL. */
const struct ini_section *ini_section(const struct ini_file *f, const char *name);
/* Entry by key (case-insensitive), or NULL. s may be NULL. */
const struct ini_entry *ini_entry(const struct ini_section *s, const char *key);
/* Value by key, or NULL. */
const char *ini_get(const struct ini_section *s, const char *key);

#endif
