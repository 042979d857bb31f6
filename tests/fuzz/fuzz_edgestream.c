/*
 * libFuzzer target: the version 1 edge file read one account at a time
 * (edgestream_open, edgestream_account over util/jsonstream), as
 * --baseline reads it; checked against the whole-file reader
 * (edgejson_parse) on the same bytes.
 *
 * Checked: a file the whole reader accepts is accepted here, and the
 * listed accounts' entries read back equal the whole reader's (compared as
 * edgejson_write text); a refusal gives an error that starts with the
 * file's name. The one thing read here and refused whole is a
 * (principal, role) or privileged role given twice under two different
 * accounts, since each account is read and checked on its own.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edge.h"
#include "audit/edgejson.h"
#include "audit/edgestream.h"
#include "util/buf.h"
#include "util/err.h"
#include "fuzzutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4200];

/* The listed accounts' entries of whole, sorted. */
static struct edge_set *
listed(const struct edge_set *whole)
{
	struct edge_set *s = edge_set_new(NULL);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < whole->nedges; i++)
		if (edge_set_account(whole, whole->edges[i].account) != NULL &&
		    edge_set_add_edge(s, &whole->edges[i]) != 0)
			abort();
	for (size_t i = 0; i < whole->nprivileged; i++)
		if (edge_set_account(whole, whole->privileged[i].account) != NULL &&
		    edge_set_add_privileged(s, &whole->privileged[i]) != 0)
			abort();
	edge_set_sort(s);
	return s;
}

/* The entries as the writer writes them (the head is not compared: a
 * source is needed to write, so both get the same). */
static char *
text(struct edge_set *s)
{
	struct buf b;

	free(s->source);
	if ((s->source = strdup("compared")) == NULL)
		abort();
	buf_init(&b, 0);
	if (edgejson_write(s, &b, NULL) != 0)
		abort();
	return buf_steal(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" }, we = { "" };
	struct edge_set *whole, *got = NULL, *want = NULL;
	struct edgestream *es;
	bool ok = true;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/edges.json", fuzz_dir());
	if (fuzz_write_file(path, data, size) != 0)
		abort();
	whole = edgejson_parse((const char *)data, size, path, &we);
	if ((es = edgestream_open(path, &e)) == NULL) {
		if (whole != NULL || strncmp(e.msg, path, strlen(path)) != 0)
			abort();
		return 0;
	}
	if ((got = edge_set_new(NULL)) == NULL)
		abort();
	for (size_t i = 0; i < edgestream_head(es)->naccounts && ok; i++) {
		struct edge_set *one = edge_set_new(NULL);

		if (one == NULL)
			abort();
		if (edgestream_account(es, edgestream_head(es)->accounts[i].id, one, &e) != 0)
			abort();	/* the file did not change */
		edge_set_sort(one);
		if (edgejson_check_unique(one, path, &e) != 0) {
			if (strncmp(e.msg, path, strlen(path)) != 0)
				abort();
			ok = false;
		} else if (edge_set_move_entries(got, one) != 0) {
			abort();
		}
		edge_set_free(one);
	}
	if (whole == NULL) {
		/* Refused whole, read here: only for twice-given entries. */
		if (ok && strstr(we.msg, "two edges for") == NULL &&
		    strstr(we.msg, "is listed twice") == NULL)
			abort();
	} else if (!ok) {
		abort();
	} else {
		char *a, *b;

		edge_set_sort(got);
		want = listed(whole);
		a = text(got);
		b = text(want);
		if (strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
	}
	edge_set_free(got);
	edge_set_free(want);
	edge_set_free(whole);
	edgestream_close(es);
	return 0;
}
