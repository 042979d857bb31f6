/*
 * The audit of generated snapshots (tests/unit/snapgen.h) against golden
 * edge files in tests/data/audit-gen/, written by the brute-force audit
 * that tried every principal against every role before the transitive
 * paths were indexed by trust policy: any change to the edges, their
 * reasons, conditions, caveats or paths shows as a difference here.
 *
 * With PRA_AUDITGEN_WRITE=DIR set the suite writes DIR/NAME.json instead of
 * comparing (to regenerate the files from a trusted build).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/edgejson.h"
#include "aws_testdata.h"
#include "checkmain.h"
#include "snapgen.h"

struct gen_case {
	const char *name;
	struct sg_params p;
	int max_depth;
};

static const struct gen_case cases[] = {
	{ "seed1", { 1, 1, 12, 30, 20, true }, 3 },
	{ "seed2", { 2, 2, 8, 25, 15, true }, 3 },
	{ "seed3", { 3, 1, 0, 40, 10, false }, 4 },
	{ "seed4", { 4, 3, 10, 20, 25, false }, 3 },
	{ "seed5", { 5, 1, 16, 45, 8, true }, 5 },
	{ "seed6", { 6, 1, 15, 35, 30, true }, 1 },
	{ "seed7", { 7, 1, 6, 40, 2, false }, 6 },
	{ "seed8", { 8, 2, 4, 40, 3, true }, 3 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct config_audit
gen_cfg(const struct gen_case *c)
{
	struct config_audit cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.auto_privileged = true;
	cfg.max_depth = c->max_depth;
	cfg.max_alternatives = 1;
	return cfg;
}

static char *gen_text(const struct edge_set *set);

/* The edge file of a case as text; fails the test on error. */
static char *
gen_edges(const struct gen_case *c)
{
	struct snapshot *s = sg_generate(&c->p);
	struct config_audit cfg = gen_cfg(c);
	struct edge_set *set;
	struct err e;
	char *text;

	set = audit_snapshot(s, &cfg, &e);
	ck_assert_msg(set != NULL, "%s: %s", c->name, e.msg);
	text = gen_text(set);
	edge_set_free(set);
	snapshot_free(s);
	return text;
}

/* Line number and both lines of the first difference, for the message. */
static void
gen_first_diff(const char *a, const char *b, char *out, size_t cap)
{
	size_t line = 1;
	const char *la = a, *lb = b;

	while (*a != '\0' && *a == *b) {
		if (*a == '\n') {
			line++;
			la = a + 1;
			lb = b + 1;
		}
		a++, b++;
	}
	snprintf(out, cap, "line %zu:\n  got:    %.*s\n  golden: %.*s", line,
	    (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
}

START_TEST(test_golden)
{
	const struct gen_case *c = &cases[_i];
	const char *dir = getenv("PRA_AUDITGEN_WRITE");
	char *got = gen_edges(c), *want, rel[256], diff[8192];

	if (dir != NULL) {
		char path[4096];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s.json", dir, c->name);
		fp = fopen(path, "w");
		ck_assert_msg(fp != NULL, "cannot write %s", path);
		ck_assert_uint_eq(fwrite(got, 1, strlen(got), fp), strlen(got));
		ck_assert_int_eq(fclose(fp), 0);
		free(got);
		return;
	}
	snprintf(rel, sizeof(rel), "audit-gen/%s.json", c->name);
	want = testdata_read(rel, NULL);
	if (strcmp(got, want) != 0) {
		gen_first_diff(got, want, diff, sizeof(diff));
		ck_abort_msg("%s: the edges differ from tests/data/%s at %s", c->name, rel, diff);
	}
	free(got);
	free(want);
}
END_TEST

static char *
gen_text(const struct edge_set *set)
{
	struct buf b;
	struct err e;
	char *text;

	buf_init(&b, (size_t)64 << 20);
	ck_assert_msg(edgejson_write(set, &b, &e) == 0, "%s", e.msg);
	text = buf_steal(&b);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* --list-privileged's audit_privileged gives audit_snapshot's accounts,
 * org note and privileged roles, and computes no edge. */
START_TEST(test_privileged_only)
{
	const struct gen_case *c = &cases[_i];
	struct snapshot *s = sg_generate(&c->p);
	struct config_audit cfg = gen_cfg(c);
	struct edge_set *full, *priv;
	struct err e;
	char *a, *b;

	full = audit_snapshot(s, &cfg, &e);
	ck_assert_msg(full != NULL, "%s: %s", c->name, e.msg);
	priv = audit_privileged(s, &cfg, &e);
	ck_assert_msg(priv != NULL, "%s: %s", c->name, e.msg);
	ck_assert_uint_gt(full->nedges, 0);
	ck_assert_uint_gt(priv->nprivileged, 0);
	ck_assert_uint_eq(priv->nedges, 0);
	for (size_t i = 0; i < full->nedges; i++)
		edge_clear(&full->edges[i]);
	full->nedges = 0;
	a = gen_text(full);
	b = gen_text(priv);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	edge_set_free(full);
	edge_set_free(priv);
	snapshot_free(s);
}
END_TEST

/* The generator is a pure function of its parameters (the golden files
 * depend on it), and the audit of one snapshot gives the same text twice. */
START_TEST(test_deterministic)
{
	char *a = gen_edges(&cases[0]), *b = gen_edges(&cases[0]);

	ck_assert_str_eq(a, b);
	ck_assert_msg(strstr(a, "\"path\"") != NULL, "seed1 has no transitive path to check");
	free(a);
	free(b);
}
END_TEST

static Suite *
auditgen_suite(void)
{
	Suite *s = suite_create("auditgen");
	TCase *tc = tcase_create("golden");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_golden, 0, (int)NCASES);
	tcase_add_test(tc, test_deterministic);
	tcase_add_loop_test(tc, test_privileged_only, 0, (int)NCASES);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(auditgen_suite());
}
