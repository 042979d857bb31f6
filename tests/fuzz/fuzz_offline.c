/*
 * libFuzzer target: the offline loader of AWS CLI dumps (offline_load, as
 * `--input DIR` runs it) on a dump directory built from the input.
 *
 * Input: files, each introduced by a line "== RELATIVE/PATH" and followed
 * by its content up to the next such line (the content's last newline
 * belongs to the separator). Paths are made of components of
 * [A-Za-z0-9_.-] that are not "." or "..", at most 6 deep; any other path
 * skips its file. Folders are made as needed ("== 111122223333/" alone
 * makes an account folder).
 *
 * Checked: a refusal names a path inside the dump; an accepted dump is a
 * snapshot whose source names the dump, with accounts sorted by unique
 * 12-digit ids, that the snapshot JSON writer accepts.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/offline.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "fuzzutil.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dump_dir[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	snprintf(dump_dir, sizeof(dump_dir), "%s/dump", fuzz_dir());
	return 0;
}

/* Make the folders of rel (a checked path) under dump_dir and return the
 * full path in out; false when rel is not a path this target writes. A
 * trailing '/' names a folder only. */
static bool
make_path(const char *rel, size_t n, char *out, size_t outsz, bool *is_dir)
{
	size_t i, start = 0, depth = 0;
	int len;

	if (n == 0 || n > 200)
		return false;
	*is_dir = rel[n - 1] == '/';
	for (i = 0; i <= n; i++) {
		if (i < n && rel[i] != '/') {
			char c = rel[i];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
				return false;
			continue;
		}
		/* a component [start, i) */
		if (i == n && *is_dir)
			break;
		if (i == start || (i - start == 1 && rel[start] == '.') ||
		    (i - start == 2 && rel[start] == '.' && rel[start + 1] == '.') || ++depth > 6)
			return false;
		len = snprintf(out, outsz, "%s/%.*s", dump_dir, (int)i, rel);
		if (len < 0 || (size_t)len >= outsz)
			return false;
		if (i < n && mkdir(out, 0700) != 0 && errno != EEXIST)
			return false;
		start = i + 1;
	}
	if (*is_dir) {
		len = snprintf(out, outsz, "%s/%.*s", dump_dir, (int)(n - 1), rel);
		return len > 0 && (size_t)len < outsz;
	}
	return true;
}

static void
write_dump(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char path[4500], rel[256];
	bool is_dir;

	while (p < end) {
		const uint8_t *nl, *next, *body;
		size_t n;

		/* p is at "== PATH\n" (anything before the first one is dropped) */
		if ((size_t)(end - p) < 3 || memcmp(p, "== ", 3) != 0) {
			const uint8_t *q = memmem(p, (size_t)(end - p), "\n== ", 4);

			if (q == NULL)
				return;
			p = q + 1;
			continue;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (nl != NULL ? (size_t)(nl - p) : (size_t)(end - p)) - 3;
		body = nl != NULL ? nl + 1 : end;
		next = memmem(body, (size_t)(end - body), "\n== ", 4);
		if (n < sizeof(rel)) {
			memcpy(rel, p + 3, n);
			rel[n] = '\0';
			if (strlen(rel) == n && make_path(rel, n, path, sizeof(path), &is_dir)) {
				if (is_dir) {
					if (mkdir(path, 0700) != 0 && errno != EEXIST)
						abort();
				} else {
					/* A folder or a file in the way: no file. */
					(void)fuzz_write_file(path, body, next != NULL ?
					    (size_t)(next - body) : (size_t)(end - body));
				}
			}
		}
		if (next == NULL)
			return;
		p = next + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct snapshot *s;
	struct buf out;
	char source[4300];

	fuzz_empty_dir(dump_dir);
	write_dump(data, size);
	if ((s = offline_load(dump_dir, &e)) == NULL) {
		if (strstr(e.msg, dump_dir) == NULL && strcmp(e.msg, "out of memory") != 0)
			abort();
		return 0;
	}
	snprintf(source, sizeof(source), "offline:%s", dump_dir);
	if (s->source == NULL || strcmp(s->source, source) != 0)
		abort();
	for (size_t i = 0; i < s->naccounts; i++) {
		const char *id = s->accounts[i].id;

		if (id == NULL || strlen(id) != 12 || strspn(id, "0123456789") != 12 ||
		    (i > 0 && strcmp(s->accounts[i - 1].id, id) >= 0))
			abort();
	}
	buf_init(&out, 0);
	if (snapjson_write(s, &out, &e) != 0)
		abort();
	buf_free(&out);
	snapshot_free(s);
	return 0;
}
