/*
 * libFuzzer target: a saved run of the state directory as a run reads it
 * (state_load: gen-N/run.json, then each account's file it lists). The
 * input is run.json up to the first NUL byte and, after it, the file of
 * account 111111111111; both are written into a scratch state directory.
 *
 * Checked: a refusal gives no set and an error naming the state directory;
 * an accepted run loads to a set that saves (as the next generation) and
 * loads back to the same edges.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/edge.h"
#include "audit/edgejson.h"
#include "audit/state.h"
#include "fuzzutil.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t runlen = nul != NULL ? (size_t)(nul - data) : size;
	char dir[PATH_MAX], gen[PATH_MAX + 32], path[PATH_MAX + 64];
	struct edge_set *s = NULL, *back = NULL;
	struct state *st;
	struct buf one, two;

	fuzz_quiet_log();
	snprintf(dir, sizeof(dir), "%s/state", fuzz_dir());
	fuzz_empty_dir(dir);
	snprintf(gen, sizeof(gen), "%s/gen-0000000001", dir);
	if (mkdir(gen, 0700) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/run.json", gen);
	if (fuzz_write_file(path, data, runlen) != 0)
		abort();
	if (nul != NULL) {
		snprintf(path, sizeof(path), "%s/111111111111.edges.json", gen);
		if (fuzz_write_file(path, nul + 1, size - runlen - 1) != 0)
			abort();
	}
	if ((st = state_open(dir, &e)) == NULL || state_lock(st, 0, NULL, &e) != 0)
		abort();
	if (state_load(st, &s, NULL, &e) != 0) {
		if (s != NULL || strstr(e.msg, "gen-0000000001") == NULL)
			abort();
		state_close(st);
		return 0;
	}
	if (s == NULL)
		abort();
	buf_init(&one, 0);
	buf_init(&two, 0);
	if (state_save(st, s, 2, NULL, &e) != 0 || state_load(st, &back, NULL, &e) != 0 ||
	    back == NULL) {
		fprintf(stderr, "fuzz_state: an accepted run does not save and load: %s\n", e.msg);
		abort();
	}
	if (edgejson_write(s, &one, &e) != 0 || edgejson_write(back, &two, &e) != 0) {
		fprintf(stderr, "fuzz_state: a loaded run does not write: %s\n", e.msg);
		abort();
	}
	if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
		abort();
	buf_free(&one);
	buf_free(&two);
	edge_set_free(s);
	edge_set_free(back);
	state_close(st);
	return 0;
}
