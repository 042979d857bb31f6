#include "config.h"

#include "aws/ini.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/secret.h"

static char *
ini_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int
ini_isblank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Trim blanks on both sides of [*s, *s + *n). */
static void
ini_trim(const char **s, size_t *n)
{
	while (*n > 0 && ini_isblank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ini_isblank((*s)[*n - 1]))
		(*n)--;
}

static void
ini_section_free(struct ini_section *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->entries[i].key);
		secret_free(s->entries[i].value);
	}
	free(s->entries);
	free(s->name);
}

void
ini_free(struct ini_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		ini_section_free(&f->sections[i]);
	free(f->sections);
	free(f->path);
	free(f);
}

const struct ini_section *
ini_section(const struct ini_file *f, const char *name)
{
	size_t i;

	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->sections[i].name, name) == 0)
			return &f->sections[i];
	return NULL;
}

const struct ini_entry *
ini_entry(const struct ini_section *s, const char *key)
{
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->entries[i].key, key) == 0)
			return &s->entries[i];
	return NULL;
}

const char *
ini_get(const struct ini_section *s, const char *key)
{
	const struct ini_entry *en = ini_entry(s, key);

	return en != NULL ? en->value : NULL;
}

/* "[ profile   dev ]" -> "profile dev": botocore splits the header on blanks. */
static char *
ini_collapse(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	size_t i, j = 0;
	int blank = 0;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (ini_isblank(s[i])) {
			blank = 1;
			continue;
		}
		if (blank && j > 0)
			d[j++] = ' ';
		blank = 0;
		d[j++] = s[i];
	}
	d[j] = '\0';
	return d;
}

static int
ini_add_section(struct ini_file *f, const char *s, size_t n, unsigned line, struct err *e)
{
	struct ini_section *ns;
	char *name;
	size_t i;

	if ((name = ini_collapse(s, n)) == NULL)
		goto nomem;
	if (name[0] == '\0') {
		err_set(e, "%s:%u: empty section name", f->path, line);
		free(name);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->sections[i].name, name) == 0) {
			err_set(e, "%s:%u: section [%s] already defined at line %u", f->path,
			    line, name, f->sections[i].line);
			free(name);
			return -1;
		}
	}
	if (f->n >= INI_MAX_SECTIONS) {
		err_set(e, "%s:%u: more than %d sections", f->path, line, INI_MAX_SECTIONS);
		free(name);
		return -1;
	}
	if (f->n == f->cap) {
		size_t ncap = f->cap == 0 ? 8 : f->cap * 2;

		if ((ns = realloc(f->sections, ncap * sizeof(*ns))) == NULL) {
			free(name);
			goto nomem;
		}
		f->sections = ns;
		f->cap = ncap;
	}
	memset(&f->sections[f->n], 0, sizeof(f->sections[0]));
	f->sections[f->n].name = name;
	f->sections[f->n].line = line;
	f->n++;
	return 0;
nomem:
	err_set(e, "%s:%u: out of memory", f->path, line);
	return -1;
}

static int
ini_add_entry(struct ini_file *f, struct ini_section *s, const char *k, size_t kn,
    const char *v, size_t vn, unsigned line, struct err *e)
{
	struct ini_entry *ne;
	char *key = NULL, *value = NULL;
	size_t i;

	if ((key = ini_strndup(k, kn)) == NULL || (value = ini_strndup(v, vn)) == NULL)
		goto nomem;
	for (i = 0; i < s->n; i++) {
		if (strcasecmp(s->entries[i].key, key) == 0) {
			err_set(e, "%s:%u: key '%s' already set in [%s] at line %u", f->path,
			    line, key, s->name, s->entries[i].line);
			goto fail;
		}
	}
	if (s->n >= INI_MAX_KEYS) {
		err_set(e, "%s:%u: more than %d keys in [%s]", f->path, line, INI_MAX_KEYS,
		    s->name);
		goto fail;
	}
	if (s->n == s->cap) {
		size_t ncap = s->cap == 0 ? 8 : s->cap * 2;

		if ((ne = realloc(s->entries, ncap * sizeof(*ne))) == NULL)
			goto nomem;
		s->entries = ne;
		s->cap = ncap;
	}
	s->entries[s->n].key = key;
	s->entries[s->n].value = value;
	s->entries[s->n].line = line;
	s->n++;
	return 0;
nomem:
	err_set(e, "%s:%u: out of memory", f->path, line);
fail:
	free(key);
	secret_free(value);
	return -1;
}

static int
ini_line(struct ini_file *f, const char *s, size_t n, unsigned line, int *in_key,
    struct err *e)
{
	struct ini_section *cur = f->n > 0 ? &f->sections[f->n - 1] : NULL;
	int indented = n > 0 && ini_isblank(s[0]);
	const char *close, *k, *v;
	size_t kn, vn, i;

	ini_trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	/* Nested settings ("s3 =" followed by indented lines) belong to the key
	 * above; they must not become settings of the profile itself. */
	if (indented && *in_key)
		return 0;
	if (s[0] == '[') {
		close = NULL;
		for (i = n; i > 1; i--) {
			if (s[i - 1] == ']') {
				close = s + i - 1;
				break;
			}
		}
		if (close == NULL) {
			err_set(e, "%s:%u: section header without ']'", f->path, line);
			return -1;
		}
		k = close + 1;
		kn = n - (size_t)(k - s);
		ini_trim(&k, &kn);
		if (kn > 0 && k[0] != '#' && k[0] != ';') {
			err_set(e, "%s:%u: unexpected text after the section header", f->path, line);
			return -1;
		}
		*in_key = 0;
		return ini_add_section(f, s + 1, (size_t)(close - s - 1), line, e);
	}
	for (i = 0; i < n; i++)
		if (s[i] == '=' || s[i] == ':')
			break;
	if (i == n) {
		err_set(e, "%s:%u: expected 'key = value' or a [section]", f->path, line);
		return -1;
	}
	if (cur == NULL) {
		err_set(e, "%s:%u: setting before the first [section]", f->path, line);
		return -1;
	}
	k = s;
	kn = i;
	v = s + i + 1;
	vn = n - i - 1;
	ini_trim(&k, &kn);
	ini_trim(&v, &vn);
	if (kn == 0) {
		err_set(e, "%s:%u: empty key", f->path, line);
		return -1;
	}
	*in_key = 1;
	return ini_add_entry(f, cur, k, kn, v, vn, line, e);
}

int
ini_parse(const char *data, size_t len, const char *path, struct ini_file **out,
    struct err *e)
{
	struct ini_file *f;
	const char *p, *end, *nl;
	unsigned line = 0;
	int in_key = 0, rc = -1;
	size_t n;

	*out = NULL;
	if (path == NULL)
		path = "(config)";
	if ((f = calloc(1, sizeof(*f))) == NULL || (f->path = strdup(path)) == NULL) {
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	if (len > INI_MAX_BYTES) {
		err_set(e, "%s: larger than %zu bytes", path, INI_MAX_BYTES);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL) {
		err_set(e, "%s: contains a NUL byte; not a text file", path);
		goto out;
	}
	p = data;
	end = data + len;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > INI_MAX_LINE) {
			err_set(e, "%s:%u: line longer than %d bytes", path, line, INI_MAX_LINE);
			goto out;
		}
		if (ini_line(f, p, n, line, &in_key, e) != 0)
			goto out;
		p = nl != NULL ? nl + 1 : end;
	}
	*out = f;
	f = NULL;
	rc = 0;
out:
	ini_free(f);
	return rc;
}
