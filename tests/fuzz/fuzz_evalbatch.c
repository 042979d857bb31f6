/*
 * libFuzzer target: `--eval-batch FILE`, the JSON Lines request reader,
 * through its public entry point evalcmd_run (the line splitter with its
 * 64 KiB read chunks and its line limit, then each request loaded,
 * evaluated and written). The input is written to a file in a scratch
 * directory; inputs in fuzz_expand's "\0REPEAT N" form reach the line
 * limit.
 *
 * Checked: one output line per input line that is not blank (a request's
 * result or its error, so that results stay aligned with requests), each
 * one a JSON object; the run fails exactly when some line reported an
 * error.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzzutil.h"
#include "evalcmd.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_BATCH_MAX_LINES 20000

static char batch_path[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_log();
	snprintf(batch_path, sizeof(batch_path), "%s/batch.jsonl", fuzz_dir());
	return 0;
}

/* The lines evalcmd must answer: every line but the blank ones (only
 * spaces, tabs and CRs; a line longer than the limit is answered with an
 * error whatever it holds). The last line needs no newline. */
static size_t
count_lines(const uint8_t *p, size_t n)
{
	size_t lines = 0, i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t len = nl != NULL ? (size_t)(nl - (p + i)) : n - i, k = 0;

		while (k < len && (p[i + k] == ' ' || p[i + k] == '\t' || p[i + k] == '\r'))
			k++;
		if (k < len || len > EVALCMD_MAX_LINE)
			lines++;
		i += len + 1;
	}
	return lines;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	char *out = NULL, *line, *nl;
	size_t outlen = 0, nout = 0;
	bool any_error = false;
	uint8_t *big;
	FILE *fp;
	int rc;

	fuzz_expand(&data, &size, &big);
	/*
	 * Each line is a request loaded and evaluated (about 15 us under
	 * ASan): "\0REPEAT 7101000" of "0000\n" is a valid batch of 1.4
	 * million requests that takes 20 s, a timeout that says nothing about
	 * the reader. The splitter's limits are reached by long lines, not by
	 * many, so a batch of more lines than this is skipped.
	 */
	if (big != NULL && count_lines(data, size) > FUZZ_BATCH_MAX_LINES) {
		free(big);
		return 0;
	}
	if (fuzz_write_file(batch_path, data, size) != 0)
		abort();
	if ((fp = open_memstream(&out, &outlen)) == NULL)
		abort();
	rc = evalcmd_run(batch_path, true, true, fp, &e);
	if (fclose(fp) != 0)
		abort();
	for (line = out; line < out + outlen; line = nl + 1) {
		cJSON *o;

		if ((nl = memchr(line, '\n', outlen - (size_t)(line - out))) == NULL)
			abort();	/* every output line ends in a newline */
		*nl = '\0';
		if ((o = cJSON_Parse(line)) == NULL || !cJSON_IsObject(o))
			abort();
		if (cJSON_GetObjectItemCaseSensitive(o, "line") != NULL &&
		    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "error")))
			any_error = true;
		cJSON_Delete(o);
		nout++;
	}
	if (nout != count_lines(data, size) || (rc != 0) != any_error ||
	    (rc != 0 && e.msg[0] == '\0'))
		abort();
	free(out);
	free(big);
	return 0;
}
