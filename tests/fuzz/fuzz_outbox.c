/*
 * libFuzzer target: the outbox reader, through outbox_open as the daemon
 * opens it (with the same check of each entry's alert as deliver.c), on a
 * state directory whose outbox/ holds the fuzzer's files.
 *
 * Input: records separated by NUL bytes, each a file name, a newline and
 * the file's content. Names other than [A-Za-z0-9_-][A-Za-z0-9._-]{0,99}
 * and "corrupt" are skipped (the outbox's own temporary and quarantine
 * names are not the fuzzer's to write). Inputs in fuzz_expand's
 * "\0REPEAT N" form reach the 1 MiB entry limit.
 *
 * Checked: opening never fails on bad entries: every file is either queued
 * or moved to corrupt/; the queue is in sequence order with a next
 * sequence number above every entry's; each queued entry's alert reads
 * back with its id; an entry marked delivered to a sink reads back so
 * after the outbox is closed and opened again (or, when its list is full,
 * the mark is refused and the entry reads back as it was).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "alert/alert.h"
#include "alert/outbox.h"
#include "fuzzutil.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char state_dir[4200], outbox_dir[4300];

#define FUZZ_OUTBOX_MAX_RECORDS 4096

static size_t
memchr_count(const uint8_t *p, size_t n, uint8_t c)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] == c;
	return k;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	snprintf(state_dir, sizeof(state_dir), "%s/state", fuzz_dir());
	snprintf(outbox_dir, sizeof(outbox_dir), "%s/outbox", state_dir);
	return 0;
}

/* deliver.c's check: an entry is kept only if its alert reads back as a
 * valid alert with the file's id. */
static int
check_entry(const cJSON *j, const char *id, struct err *e)
{
	struct alert a;

	if (alert_from_json(j, &a, e) != 0)
		return -1;
	if (strcmp(a.id, id) != 0) {
		err_set(e, "alert id does not match the file name");
		alert_free(&a);
		return -1;
	}
	alert_free(&a);
	return 0;
}

static bool
name_ok(const uint8_t *p, size_t n)
{
	if (n == 0 || n > 100 || p[0] == '.' || (n == 7 && memcmp(p, "corrupt", 7) == 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '_' || p[i] == '-'))
			return false;
	return true;
}

/* Write the records; the number of distinct files written. */
static size_t
write_entries(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char path[4500];
	size_t files = 0;
	struct stat st;

	while (p < end) {
		const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
		const uint8_t *rend = nul != NULL ? nul : end;
		const uint8_t *nl = memchr(p, '\n', (size_t)(rend - p));

		if (nl != NULL && name_ok(p, (size_t)(nl - p))) {
			snprintf(path, sizeof(path), "%s/%.*s", outbox_dir, (int)(nl - p), p);
			if (stat(path, &st) != 0)
				files++;
			if (fuzz_write_file(path, nl + 1, (size_t)(rend - nl - 1)) != 0)
				abort();
		}
		p = rend + (nul != NULL);
	}
	return files;
}

static void
check_queue(struct outbox *ob)
{
	for (size_t i = 0; i < ob->n; i++) {
		struct err e = { "" };
		const cJSON *id;
		cJSON *a;

		if ((i > 0 && ob->v[i - 1].seq > ob->v[i].seq) || ob->v[i].seq >= ob->next_seq)
			abort();
		if ((a = outbox_read_alert(ob, i, &e)) == NULL)
			abort();
		id = cJSON_GetObjectItemCaseSensitive(a, "id");
		if (!cJSON_IsString(id) || strcmp(id->valuestring, ob->v[i].id) != 0)
			abort();
		cJSON_Delete(a);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct outbox *ob;
	uint8_t *big;
	size_t files, n;
	bool full = false;
	char id[65];

	fuzz_expand(&data, &size, &big);
	/*
	 * "\0REPEAT 4000004" of "\0A\n" is 1.3 million records, each a write
	 * of the same file: 27 s of file system work that says nothing about
	 * the reader, which a fuzzing run then reports as a timeout. The
	 * expanded form is for long entries (the 1 MiB limit), not for many.
	 */
	if (big != NULL && memchr_count(data, size, '\0') > FUZZ_OUTBOX_MAX_RECORDS) {
		free(big);
		return 0;
	}
	fuzz_empty_dir(state_dir);
	if (mkdir(outbox_dir, 0700) != 0)
		abort();
	files = write_entries(data, size);
	free(big);
	if ((ob = outbox_open(state_dir, 0, check_entry, &e)) == NULL)
		abort();
	if (ob->n + ob->quarantined != files)
		abort();
	check_queue(ob);
	n = ob->n;
	if (n > 0) {
		/* A full list refuses another sink (and is left as it was). */
		full = ob->v[0].ndelivered >= OUTBOX_DELIVERED_MAX &&
		    !outbox_entry_delivered(&ob->v[0], "webhook:fuzz");
		memcpy(id, ob->v[0].id, sizeof(id));
		if ((outbox_mark_delivered(ob, 0, "webhook:fuzz", &e) != 0) != full ||
		    outbox_entry_delivered(&ob->v[0], "webhook:fuzz") == full)
			abort();
	}
	outbox_close(ob);
	if (n > 0) {
		long i;

		if ((ob = outbox_open(state_dir, 0, check_entry, &e)) == NULL || ob->n != n ||
		    ob->quarantined != 0 || (i = outbox_find(ob, id)) < 0 ||
		    outbox_entry_delivered(&ob->v[i], "webhook:fuzz") == full)
			abort();
		check_queue(ob);
		outbox_close(ob);
	}
	return 0;
}
