/*
 * The text report's layout, for people at a terminal (report.c streams the
 * run and calls these; report.h says what is shown):
 *
 *   Audit of SOURCE at TIME: complete | INCOMPLETE ...
 *   Summary          accounts, privileged roles, edges by class, changes,
 *                    the run compared with and saved as; a filter, if any
 *   Changes          one entry each, its details indented under it
 *   Edges by role    per account, per role: its principals, each with the
 *                    services, conditions, path and caveats (reasons: -v)
 *   Privileged roles and why
 *   Not audited      accounts not compared, and why
 *
 * Every line fits the width: long texts wrap at spaces, an ARN or a word
 * longer than its column at a '/', ':' or ',' (else anywhere), nothing is
 * cut. ARNs are shortened without losing identity: under an account
 * heading "role/path/Name", elsewhere "ACCOUNT:role/path/Name" (the
 * partition and "iam" are the same for every ARN of a report).
 */
#ifndef PRA_AUDIT_REPORTTEXT_H
#define PRA_AUDIT_REPORTTEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/report.h"

#define REPORTTEXT_DEFAULT_WIDTH 100
#define REPORTTEXT_MIN_WIDTH 40
#define REPORTTEXT_MAX_WIDTH 1000

/* $COLUMNS when it is a number, else out's terminal width (TIOCGWINSZ),
 * else REPORTTEXT_DEFAULT_WIDTH; within MIN..MAX. */
unsigned reporttext_width(FILE *out);

/* What the report shows, counted for the summary as the accounts stream
 * by. A new class of edge (a severity) is one more counter here and one
 * more part in reporttext.c's edge_classes(). */
struct reporttext_tally {
	size_t edges;
	size_t unconditional, conditional;
	size_t indirect;	/* through another role (a path) */
	size_t caveated;	/* denied through some VPC endpoint */
	size_t roles;		/* roles with at least one edge shown */
	size_t privileged;
};

/* One account's shown entries (one: a single account's set, already
 * filtered): its edges grouped by role to edges, its privileged roles to
 * priv, both spools; counted into t. 0, or -1 (ENOMEM or a write error). */
int reporttext_account(FILE *edges, FILE *priv, const struct edge_set *one,
    const struct report_view *v, struct reporttext_tally *t);

/* Only the counting (--summary, --changes-only). 0, or -1 (ENOMEM). */
int reporttext_count(struct reporttext_tally *t, const struct edge_set *one);

/* The whole report, once the run is over: the head and the summary, the
 * changes, then the spools (from their start) and the accounts not
 * audited. tally: NULL when the run did not hand over every account's
 * entries (--summary, --changes-only): the summary then gives totals. */
struct reporttext_end {
	const struct audit_result *r;
	enum report_scope scope;
	const struct report_view *view;
	const struct reporttext_tally *tally;
	FILE *edges, *priv;
};
int reporttext_finish(FILE *out, const struct reporttext_end *x, struct err *e);

/* --list-privileged in text, width columns. */
int reporttext_privileged(FILE *out, const struct edge_set *s, unsigned width, struct err *e);

/* report.c's: append what spool holds to out. */
int report_copy_spool(FILE *out, FILE *spool, struct err *e);

/* A line of text from outside the report's own words (an accepted entry's
 * note) at indent, control bytes escaped, wrapped to width. 0 or -1. */
int reporttext_note(FILE *out, unsigned width, size_t indent, const char *text);

#endif
