/*
 * libFuzzer target: a snapshot file read one account at a time
 * (snapfile_open, snapfile_next over util/jsonstream), as `--audit-now
 * --input snapshot.json` reads it; checked against the whole-file reader
 * (snapjson_read) on the same bytes.
 *
 * Checked: both accept or both refuse (a refusal here names the file);
 * an accepted file gives, account by account, the snapshot the whole
 * reader gives (compared as snapjson_write text).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/snapfile.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/buf.h"
#include "util/err.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4200];

static int
next(void *src, struct snap_account *out, struct err *e)
{
	return snapfile_next(src, out, e);
}

static char *
text(const struct snapshot *s)
{
	struct buf b;

	buf_init(&b, 0);
	if (snapjson_write(s, &b, NULL) != 0)
		abort();
	return buf_steal(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" }, we = { "" };
	struct snapshot *whole = NULL, *got;
	struct snapfile *f;
	char *a, *b;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/snapshot.json", fuzz_dir());
	if (fuzz_write_file(path, data, size) != 0)
		abort();
	if (snapjson_read((const char *)data, size, &whole, &we) != 0)
		whole = NULL;
	if ((f = snapfile_open(path, &e)) == NULL) {
		if (whole != NULL || strncmp(e.msg, path, strlen(path)) != 0)
			abort();
		return 0;
	}
	if (whole == NULL)
		abort();
	/* The shell's organization moves into the gathered snapshot. */
	if ((got = snapshot_gather(next, f, (struct snapshot *)snapfile_shell(f), &e)) == NULL)
		abort();
	snapshot_sort(whole);
	a = text(whole);
	b = text(got);
	if (strcmp(a, b) != 0)
		abort();
	free(a);
	free(b);
	snapshot_free(got);
	snapshot_free(whole);
	snapfile_close(f);
	return 0;
}
