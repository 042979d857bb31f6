/*
 * state-writer: the test tool behind tests/integration/state-kill9.sh.
 *
 *   state-writer write DIR   save edge sets into the state directory DIR,
 *                            one after the other, until killed
 *   state-writer check DIR   exit 0 when the directory loads cleanly and
 *                            every edge file in it is complete and is the
 *                            set the writer made for its number
 *
 * Each set is a function of its number (source "writer:N", 300 + N % 100
 * edges), so a file that holds another number's content, or half of one,
 * is caught, not only a file that does not parse.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edgejson.h"
#include "audit/state.h"

#define KEEP 3

static size_t
edges_for(uint64_t seq)
{
	return 300 + (size_t)(seq % 100);
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL) {
		fprintf(stderr, "state-writer: out of memory\n");
		exit(1);
	}
	return d;
}

static struct edge_set *
make_set(uint64_t seq)
{
	struct edge_set *s = edge_set_new(NULL);
	size_t n = edges_for(seq);
	char b[128];

	if (s == NULL || (s->edges = calloc(n, sizeof(*s->edges))) == NULL ||
	    (s->accounts = calloc(1, sizeof(*s->accounts))) == NULL) {
		fprintf(stderr, "state-writer: out of memory\n");
		exit(1);
	}
	s->taken_at = (time_t)(1700000000 + seq);
	snprintf(b, sizeof(b), "writer:%" PRIu64, seq);
	s->source = xstrdup(b);
	s->naccounts = 1;
	s->accounts[0].id = xstrdup("111111111111");
	s->accounts[0].audited = true;
	for (size_t i = 0; i < n; i++) {
		struct edge *ed = &s->edges[i];

		s->nedges = i + 1;
		snprintf(b, sizeof(b), "arn:aws:iam::111111111111:user/u%06zu", i);
		ed->principal_arn = xstrdup(b);
		ed->principal_type = xstrdup("user");
		ed->account = xstrdup("111111111111");
		ed->role_arn = xstrdup("arn:aws:iam::111111111111:role/Admin");
		ed->services = calloc(1, sizeof(char *));
		if (ed->services == NULL)
			exit(1);
		ed->services[0] = xstrdup("ec2.amazonaws.com");
		ed->nservices = 1;
		ed->reason = xstrdup("allowed by a policy long enough to make each file a few "
		    "hundred kilobytes, so that a kill often lands inside a write");
	}
	edge_set_sort(s);
	return s;
}

static int
matches(const struct edge_set *s, uint64_t seq, const char *path)
{
	char want[64];

	snprintf(want, sizeof(want), "writer:%" PRIu64, seq);
	if (s->source == NULL || strcmp(s->source, want) != 0 || s->nedges != edges_for(seq)) {
		fprintf(stderr, "state-writer: %s holds %s with %zu edges, not %s with %zu\n",
		    path, s->source != NULL ? s->source : "?", s->nedges, want, edges_for(seq));
		return -1;
	}
	return 0;
}

static int
do_write(const char *dir)
{
	struct err e;
	struct state *st = state_open(dir, &e);

	if (st == NULL) {
		fprintf(stderr, "state-writer: %s\n", e.msg);
		return 1;
	}
	for (;;) {
		struct edge_set *prev = NULL, *next;
		uint64_t seq = 0, saved;
		char path[PATH_MAX];

		if (state_lock(st, 10, NULL, &e) != 0 || state_load(st, &prev, &seq, &e) != 0) {
			fprintf(stderr, "state-writer: %s\n", e.msg);
			state_close(st);
			return 2;
		}
		state_file_name(st, seq, path, sizeof(path));
		if (prev != NULL && matches(prev, seq, path) != 0) {
			edge_set_free(prev);
			state_close(st);
			return 2;
		}
		edge_set_free(prev);
		next = make_set(seq + 1);
		if (state_save(st, next, KEEP, &saved, &e) != 0) {
			fprintf(stderr, "state-writer: %s\n", e.msg);
			edge_set_free(next);
			state_close(st);
			return 1;
		}
		edge_set_free(next);
		state_unlock(st);
	}
}

static int
do_check(const char *dir)
{
	struct err e;
	struct state *st = state_open(dir, &e);
	struct edge_set *cur = NULL;
	uint64_t *seqs = NULL, seq = 0;
	size_t n = 0;
	int rc = 1;

	if (st == NULL || state_lock(st, 10, NULL, &e) != 0 ||
	    state_load(st, &cur, &seq, &e) != 0 || state_list(st, &seqs, &n, &e) != 0) {
		fprintf(stderr, "state-writer: %s\n", e.msg);
		goto out;
	}
	/* Every numbered file, not only the newest, must be whole. */
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct edge_set *s;

		state_file_name(st, seqs[i], path, sizeof(path));
		if (state_load_seq(st, seqs[i], &s, &e) != 0) {
			fprintf(stderr, "state-writer: %s\n", e.msg);
			goto out;
		}
		if (matches(s, seqs[i], path) != 0) {
			edge_set_free(s);
			goto out;
		}
		edge_set_free(s);
	}
	printf("seq %" PRIu64 " files %zu\n", seq, n);
	rc = 0;
out:
	free(seqs);
	edge_set_free(cur);
	state_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return do_write(argv[2]);
	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return do_check(argv[2]);
	fprintf(stderr, "usage: state-writer write|check DIR\n");
	return 64;
}
