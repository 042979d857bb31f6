/* Unit tests of the state directory (atomic numbered saves, keep N, a
 * corrupt newest file, the lock, leftovers of a killed save), of the merge
 * that carries unaudited accounts' edges, and of audit_run_edges, the
 * state half of an audit run. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/edgejson.h"
#include "audit/edgepack.h"
#include "audit/run.h"
#include "audit/state.h"
#include "conf.h"
#include "edge_testlib.h"
#include "util/buf.h"
#include "checkmain.h"

#define A "111111111111"
#define B "222222222222"
#define ARN(acct, res) "arn:aws:iam::" acct ":" res

static char tmpdir[64];
static char sdir[128];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pra-state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(sdir, sizeof(sdir), "%s/state", tmpdir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
text_of(const struct edge_set *s)
{
	struct buf b;
	struct err e;

	buf_init(&b, 0);
	ck_assert_msg(edgejson_write(s, &b, &e) == 0, "%s", e.msg);
	return buf_steal(&b);
}

static char *
file_text(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	buf_init(&b, 0);
	buf_puts(&b, "");
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ck_assert_int_eq(buf_append(&b, chunk, n), 0);
	fclose(fp);
	return buf_steal(&b);
}

static struct edge_set *
sample(time_t t, const char *principal)
{
	struct edge_set *s = tl_set(t, "live");

	struct edge *ed;

	tl_account(s, A, true, NULL, false);
	ed = tl_edge(s, A, principal, "Admin", "ec2.amazonaws.com");
	tl_use(ed, "ec2.amazonaws.com", EDGE_USABLE_YES,
	    "ec2:RunInstances iam:CreateInstanceProfile iam:AddRoleToInstanceProfile", NULL);
	tl_alt(ed, EDGE_USABLE_NO, NULL, NULL, NULL);
	tl_alt(ed, EDGE_USABLE_YES, "assume", ARN(A, "role/Ops"), NULL);
	tl_priv(s, A, "Admin", "auto: allows * on *");
	edge_set_sort(s);
	return s;
}

static struct state *
open_locked(void)
{
	struct err e;
	struct state *st = state_open(sdir, &e);

	ck_assert_msg(st != NULL, "%s", e.msg);
	ck_assert_msg(state_lock(st, 0, NULL, &e) == 0, "%s", e.msg);
	return st;
}

static void
expect_seqs(struct state *st, const uint64_t *want, size_t nwant)
{
	uint64_t *seqs;
	size_t n;
	struct err e;

	ck_assert_msg(state_list(st, &seqs, &n, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(n, nwant);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(seqs[i], want[i]);
	free(seqs);
}

START_TEST(test_save_load)
{
	struct edge_set *s1 = sample(1000, "user/a"), *s2 = sample(2000, "user/b"), *got;
	struct state *st;
	struct stat sb;
	char path[PATH_MAX], *t1, *t2;
	uint64_t seq;
	struct err e;

	st = open_locked();
	ck_assert_int_eq(stat(sdir, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	ck_assert_int_eq(state_load(st, &got, &seq, &e), 0);
	ck_assert_ptr_null(got);
	ck_assert_uint_eq(seq, 0);

	umask(0);	/* the files must be 0600 whatever the umask */
	ck_assert_msg(state_save(st, s1, 10, &seq, &e) == 0, "%s", e.msg);
	umask(022);
	ck_assert_uint_eq(seq, 1);
	state_file_name(st, 1, path, sizeof(path));
	ck_assert_str_eq(path + strlen(sdir), "/gen-0000000001");
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	strcat(path, "/run.json");
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_msg(state_save(st, s2, 10, &seq, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(seq, 2);
	ck_assert_int_eq(state_load(st, &got, &seq, &e), 0);
	ck_assert_uint_eq(seq, 2);
	t1 = text_of(s2);
	t2 = text_of(got);
	ck_assert_str_eq(t1, t2);
	free(t1), free(t2);
	edge_set_free(got);
	state_close(st);
	edge_set_free(s1);
	edge_set_free(s2);
}
END_TEST

START_TEST(test_keep)
{
	struct edge_set *s = sample(1000, "user/a");
	struct state *st = open_locked();
	static const uint64_t want3[] = { 3, 4, 5 }, want1[] = { 6 };
	struct err e;

	for (int i = 0; i < 5; i++)
		ck_assert_msg(state_save(st, s, 3, NULL, &e) == 0, "%s", e.msg);
	expect_seqs(st, want3, 3);
	ck_assert_msg(state_save(st, s, 1, NULL, &e) == 0, "%s", e.msg);
	expect_seqs(st, want1, 1);
	ck_assert_int_eq(state_save(st, s, 0, NULL, &e), -1);
	state_close(st);
	edge_set_free(s);
}
END_TEST

static struct config
test_config(void)
{
	struct config c;
	struct err e;

	ck_assert_msg(config_defaults(&c, &e) == 0, "%s", e.msg);
	c.audit.state_keep = 5;
	return c;
}

START_TEST(test_corrupt_newest)
{
	struct edge_set *s = sample(1000, "user/a"), *got = NULL;
	struct config cfg = test_config();
	struct audit_run_opts ro = { .state_dir = sdir };
	struct audit_result r;
	struct state *st = open_locked();
	static const uint64_t want[] = { 1, 2 };
	char p1[PATH_MAX], p2[PATH_MAX], *before1, *after1, *after2;
	const char *bad = "{\"format\":\"passrole-auditd-edges\",\"version\":1,\"taken_at\":"
	    "\"2026-11-18T11:06:40Z\",\"source\":\"live\",\"org_note\":null,\"accounts\":[],"
	    "\"privileged\":[],\"edges\":[{\"principal_arn\":7}]}";
	struct err e;
	FILE *fp;

	ck_assert_int_eq(state_save(st, s, 10, NULL, &e), 0);
	ck_assert_int_eq(state_save(st, s, 10, NULL, &e), 0);
	state_file_name(st, 1, p1, sizeof(p1));
	state_file_name(st, 2, p2, sizeof(p2));
	strcat(p1, "/run.json");
	strcat(p2, "/run.json");
	ck_assert_int_eq(unlink(p2), 0);
	fp = fopen(p2, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(bad, fp);
	fclose(fp);
	before1 = file_text(p1);

	ck_assert_int_eq(state_load(st, &got, NULL, &e), -1);
	ck_assert_ptr_null(got);
	ck_assert_msg(strstr(e.msg, "/gen-0000000002/run.json: format: must be "
	    "\"passrole-auditd-state\"") != NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "gen-0000000001, is kept") != NULL, "%s", e.msg);
	state_close(st);

	/* A run fails before it saves: both files stay as they were. */
	ck_assert_int_eq(audit_run_edges(&cfg, &ro, sample(3000, "user/new"), NULL, &r, &e),
	    -1);
	ck_assert_msg(strstr(e.msg, "gen-0000000002/run.json") != NULL, "%s", e.msg);
	ck_assert_ptr_null(r.cur);
	st = open_locked();
	expect_seqs(st, want, 2);
	state_close(st);
	after1 = file_text(p1);
	after2 = file_text(p2);
	ck_assert_str_eq(before1, after1);
	ck_assert_str_eq(after2, bad);
	free(before1), free(after1), free(after2);

	/* Moved aside, the previous good one is the current one again. */
	{
		char aside[PATH_MAX];

		snprintf(aside, sizeof(aside), "%s/aside", tmpdir);
		snprintf(p2, sizeof(p2), "%s/gen-0000000002", sdir);
		ck_assert_int_eq(rename(p2, aside), 0);
	}
	ck_assert_msg(audit_run_edges(&cfg, &ro, sample(3000, "user/a"), NULL, &r, &e) == 0,
	    "%s", e.msg);
	ck_assert(!r.diff.baseline);
	ck_assert_uint_eq(r.seq, 2);
	audit_result_free(&r);
	config_free(&cfg);
	edge_set_free(s);
}
END_TEST

START_TEST(test_unreadable_newest)
{
	struct edge_set *s = sample(1000, "user/a"), *got = NULL;
	struct state *st = open_locked();
	char p[PATH_MAX];
	struct err e;

	ck_assert_int_eq(state_save(st, s, 10, NULL, &e), 0);
	state_file_name(st, 2, p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	strcat(p, "/run.json");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(state_load(st, &got, NULL, &e), -1);
	ck_assert_msg(strstr(e.msg, "gen-0000000002/run.json: not a regular file") !=
	    NULL, "%s", e.msg);
	ck_assert_int_eq(rmdir(p), 0);
	*strrchr(p, '/') = '\0';
	ck_assert_int_eq(rmdir(p), 0);
	state_close(st);
	edge_set_free(s);
}
END_TEST

START_TEST(test_lock)
{
	struct state *st1 = open_locked(), *st2;
	volatile sig_atomic_t stop = 1;
	struct edge_set *got;
	char want[64];
	struct err e;

	st2 = state_open(sdir, &e);
	ck_assert_ptr_nonnull(st2);
	ck_assert_int_eq(state_load(st2, &got, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "without the lock"));
	ck_assert_int_eq(state_lock(st2, 0, NULL, &e), -1);
	snprintf(want, sizeof(want), "is locked by process %ld", (long)getpid());
	ck_assert_msg(strstr(e.msg, want) != NULL, "%s", e.msg);
	/* A stop request ends the wait at once, not after 30 s. */
	ck_assert_int_eq(state_lock(st2, 30, &stop, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "interrupted"));
	state_unlock(st1);
	ck_assert_msg(state_lock(st2, 0, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(state_lock(st1, 0, NULL, &e), -1);
	state_close(st2);	/* closing releases it */
	ck_assert_msg(state_lock(st1, 0, NULL, &e) == 0, "%s", e.msg);
	state_close(st1);
}
END_TEST

START_TEST(test_leftover_temp_files)
{
	struct edge_set *s = sample(1000, "user/a"), *got;
	struct state *st = open_locked();
	static const uint64_t want[] = { 1 };
	char p[PATH_MAX];
	struct stat sb;
	struct err e;
	FILE *fp;

	/* What a save killed before its rename leaves behind. */
	snprintf(p, sizeof(p), "%s/.edges-0000000001.tmp", sdir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"format\":\"passrole-au", fp);
	fclose(fp);
	/* A generation killed before its rename. */
	snprintf(p, sizeof(p), "%s/.gen-0000000004.tmp", sdir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/.gen-0000000004.tmp/111111111111.edges.json", sdir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/.gen-0000000004.tmp", sdir);
	ck_assert_int_eq(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/.edges-0000000009.tmp", sdir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert_int_eq(state_load(st, &got, NULL, &e), 0);
	ck_assert_ptr_null(got);
	ck_assert_msg(state_save(st, s, 10, NULL, &e) == 0, "%s", e.msg);
	expect_seqs(st, want, 1);
	ck_assert_int_eq(stat(p, &sb), -1);
	snprintf(p, sizeof(p), "%s/.edges-0000000001.tmp", sdir);
	ck_assert_int_eq(stat(p, &sb), -1);
	snprintf(p, sizeof(p), "%s/.gen-0000000004.tmp", sdir);
	ck_assert_int_eq(stat(p, &sb), -1);
	ck_assert_int_eq(state_load(st, &got, NULL, &e), 0);
	ck_assert_ptr_nonnull(got);
	edge_set_free(got);
	state_close(st);
	edge_set_free(s);
}
END_TEST

START_TEST(test_merge)
{
	struct edge_set *prev = tl_set(1000, "live"), *cur = tl_set(2000, "live"), *m;
	const struct edge_account *a;
	struct err e;

	tl_account(prev, A, true, NULL, false);
	tl_account(prev, B, true, NULL, false);
	tl_account(prev, "333333333333", true, NULL, false);
	tl_account(prev, "444444444444", true, NULL, false);
	tl_edge(prev, A, "user/old", "Admin", "ec2.amazonaws.com");
	tl_edge(prev, B, "user/bob", "Admin", "ec2.amazonaws.com");
	tl_priv(prev, B, "Admin", "auto");
	tl_edge(prev, "333333333333", "user/carol", "Admin", "ec2.amazonaws.com");
	tl_edge(prev, "444444444444", "user/dan", "Admin", "ec2.amazonaws.com");
	tl_account(cur, A, true, NULL, false);
	tl_account(cur, B, false, "AccessDenied", false);
	/* 333 audited without the SCPs, which the previous run had */
	tl_account(cur, "333333333333", true, NULL, true);
	tl_edge(cur, "333333333333", "user/carol", "Admin", "ec2.amazonaws.com");
	tl_edge(cur, "333333333333", "user/scpdenied", "Admin", "ec2.amazonaws.com");
	/* 444 absent: left the org (cur read the org) */
	tl_edge(cur, A, "user/new", "Admin", "ec2.amazonaws.com");
	edge_set_sort(prev);
	edge_set_sort(cur);

	m = state_merge(prev, cur, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	ck_assert_uint_eq(m->naccounts, 3);
	a = edge_set_account(m, B);
	ck_assert(a->audited && a->why == NULL && a->known_at == 1000);
	a = edge_set_account(m, "333333333333");
	ck_assert(a->audited && !a->org_unknown && a->known_at == 1000);
	a = edge_set_account(m, A);
	ck_assert(a->audited && a->known_at == 0);
	ck_assert_ptr_null(edge_set_account(m, "444444444444"));
	ck_assert_uint_eq(m->nedges, 3);
	ck_assert_ptr_nonnull(edge_set_find(m, ARN(A, "user/new"), ARN(A, "role/Admin")));
	ck_assert_ptr_null(edge_set_find(m, ARN(A, "user/old"), ARN(A, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(m, ARN(B, "user/bob"), ARN(B, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(m, ARN("333333333333", "user/carol"),
	    ARN("333333333333", "role/Admin")));
	ck_assert_ptr_null(edge_set_find(m, ARN("333333333333", "user/scpdenied"),
	    ARN("333333333333", "role/Admin")));
	ck_assert_uint_eq(m->nprivileged, 1);
	ck_assert_str_eq(m->privileged[0].account, B);
	ck_assert_int_eq(m->taken_at, 2000);

	/* Carried again: the time the edges were seen stays the first one. */
	{
		struct edge_set *m2 = state_merge(m, cur, &e);

		ck_assert_ptr_nonnull(m2);
		ck_assert_int_eq(edge_set_account(m2, B)->known_at, 1000);
		edge_set_free(m2);
	}
	edge_set_free(m);

	/* Single-account mode: the account list is unknown, 444 is carried. */
	cur->org_note = tl_dup("single-account mode: AccessDenied");
	m = state_merge(prev, cur, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(edge_set_account(m, "444444444444"));
	ck_assert_ptr_nonnull(edge_set_find(m, ARN("444444444444", "user/dan"),
	    ARN("444444444444", "role/Admin")));
	edge_set_free(m);

	/* No previous set: cur as it is. */
	m = state_merge(NULL, cur, &e);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->nedges, cur->nedges);
	ck_assert(!edge_set_account(m, B)->audited);
	edge_set_free(m);
	edge_set_free(prev);
	edge_set_free(cur);
}
END_TEST

static struct edge_set *
run_set(time_t t, bool b_audited, bool with_bob)
{
	struct edge_set *s = tl_set(t, "live");

	tl_account(s, A, true, NULL, false);
	tl_account(s, B, b_audited, b_audited ? NULL : "throttled out", false);
	tl_edge(s, A, "user/alice", "Admin", "ec2.amazonaws.com");
	if (b_audited && with_bob)
		tl_edge(s, B, "user/bob", "Admin", "ec2.amazonaws.com");
	return s;
}

/* The carry-over end to end: a run that cannot see B keeps B's edges in
 * the state, so that when B's edge really disappears later, the next
 * complete run reports it lost. */
START_TEST(test_run_carry_over)
{
	struct config cfg = test_config();
	struct audit_run_opts ro = { .state_dir = sdir };
	struct audit_result r;
	struct err e;

	ck_assert_msg(audit_run_edges(&cfg, &ro, run_set(1000, true, true), NULL, &r, &e) == 0,
	    "%s", e.msg);
	ck_assert(r.diff.baseline && r.saved && r.complete);
	ck_assert_uint_eq(r.seq, 1);
	ck_assert(!audit_result_changed(&r));
	audit_result_free(&r);

	ck_assert_msg(audit_run_edges(&cfg, &ro, run_set(2000, false, true), NULL, &r, &e) == 0,
	    "%s", e.msg);
	ck_assert(!r.diff.baseline && r.saved && !r.complete);
	ck_assert_uint_eq(r.diff.n, 0);
	ck_assert_uint_eq(r.diff.nnot_audited, 1);
	ck_assert_str_eq(r.diff.not_audited[0].why, "throttled out");
	audit_result_free(&r);
	{
		/* B's last known edges are kept, with when they were seen. */
		struct state *st = open_locked();
		struct state_run *pr = NULL;

		ck_assert_msg(state_current(st, &pr, &e) == 0, "%s", e.msg);
		ck_assert_int_eq(pr->taken_at, 2000);
		ck_assert_int_eq(state_run_account(pr, B)->known_at, 1000);
		ck_assert(state_run_account(pr, B)->audited);
		ck_assert_int_eq(state_run_account(pr, A)->known_at, 0);
		state_run_free(pr);
		state_close(st);
	}

	ck_assert_msg(audit_run_edges(&cfg, &ro, run_set(3000, true, false), NULL, &r, &e) == 0,
	    "%s", e.msg);
	ck_assert(r.complete);
	ck_assert_uint_eq(r.seq, 3);
	ck_assert_uint_eq(r.diff.n, 1);
	ck_assert_int_eq(r.diff.entries[0].kind, DIFF_LOST);
	ck_assert_str_eq(r.diff.entries[0].old_edge->principal_arn, ARN(B, "user/bob"));
	ck_assert_int_eq(r.prev_taken_at, 2000);
	ck_assert_uint_eq(r.prev_seq, 2);
	ck_assert(audit_result_changed(&r));
	audit_result_free(&r);
	config_free(&cfg);
}
END_TEST

START_TEST(test_run_writes_nothing)
{
	struct config cfg = test_config();
	struct audit_run_opts ro = { .state_dir = sdir };
	volatile sig_atomic_t stop = 1;
	struct audit_result r;
	struct edge_set *none = tl_set(1000, "live");
	struct stat sb;
	struct err e;

	/* Interrupted: nothing is created at all. */
	ck_assert_int_eq(audit_run_edges(&cfg, &ro, run_set(1000, true, true), &stop, &r, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "interrupted"));
	ck_assert_int_eq(stat(sdir, &sb), -1);

	/* --no-state: a baseline, and no directory either. */
	ro.no_state = true;
	ck_assert_int_eq(audit_run_edges(&cfg, &ro, run_set(1000, true, true), NULL, &r, &e),
	    0);
	ck_assert(r.diff.baseline && !r.saved);
	audit_result_free(&r);
	ck_assert_int_eq(stat(sdir, &sb), -1);

	/* A run that audited no account leaves the state as it was. */
	ro.no_state = false;
	tl_account(none, A, false, "AccessDenied", false);
	ck_assert_int_eq(audit_run_edges(&cfg, &ro, none, NULL, &r, &e), 0);
	ck_assert(!r.saved && !r.complete);
	audit_result_free(&r);
	{
		struct state *st = open_locked();

		expect_seqs(st, NULL, 0);
		state_close(st);
	}
	config_free(&cfg);
}
END_TEST

START_TEST(test_run_baseline_file)
{
	struct config cfg = test_config();
	struct audit_run_opts ro = { .no_state = true };
	struct audit_result r;
	char file[PATH_MAX];
	struct stat sb;
	struct err e;

	snprintf(file, sizeof(file), "%s/edges.json", tmpdir);
	ro.write_edges = file;
	ck_assert_msg(audit_run_edges(&cfg, &ro, run_set(1000, true, true), NULL, &r, &e) == 0,
	    "%s", e.msg);
	audit_result_free(&r);
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	ro.write_edges = NULL;
	ro.baseline = file;
	ck_assert_msg(audit_run_edges(&cfg, &ro, run_set(2000, true, false), NULL, &r, &e) == 0,
	    "%s", e.msg);
	ck_assert(!r.diff.baseline && !r.saved);
	ck_assert_uint_eq(r.diff.n, 1);
	ck_assert_int_eq(r.diff.entries[0].kind, DIFF_LOST);
	audit_result_free(&r);
	ck_assert_int_eq(stat(sdir, &sb), -1);

	snprintf(file, sizeof(file), "%s/absent.json", tmpdir);
	ck_assert_int_eq(audit_run_edges(&cfg, &ro, run_set(2000, true, false), NULL, &r, &e),
	    -1);
	ck_assert_msg(strstr(e.msg, "--baseline: ") == e.msg && strstr(e.msg, "absent.json"),
	    "%s", e.msg);
	config_free(&cfg);
}
END_TEST


/* The compact account file: every field of an edge round-trips, and
 * shared strings are stored once. */
START_TEST(test_edgepack_roundtrip)
{
	struct edge_set *s = tl_set(1000, "live"), *back = tl_set(1000, "live");
	struct edge *ed;
	struct buf b;
	char *t1, *t2;
	struct err e;

	tl_account(s, A, true, NULL, false);
	tl_account(back, A, true, NULL, false);
	ed = tl_edge(s, A, "user/alice", "Admin", "ec2.amazonaws.com,lambda.amazonaws.com");
	tl_cond(ed, "aws:RequestedRegion StringEquals eu-west-1");
	ed = tl_edge(s, A, "user/carol", "Deploy", "");
	tl_hop(ed, "assume", ARN(A, "role/Ops"), NULL);
	tl_hop(ed, "pass", ARN(A, "role/Fn"), "lambda.amazonaws.com");
	tl_caveat(ed, "vpce-0abc", "eu-west-1", "com.amazonaws.eu-west-1.events");
	tl_use(ed, "lambda.amazonaws.com", EDGE_USABLE_NO, "lambda:CreateFunction "
	    "lambda:InvokeFunction", "lambda:CreateFunction");
	tl_alt(ed, EDGE_USABLE_NO, NULL, NULL, NULL);
	tl_alt(ed, EDGE_USABLE_NO, "pass", ARN(A, "role/Fn2"), "glue.amazonaws.com");
	tl_hop(ed, "update", ARN(A, "role/Fn3"), "lambda.amazonaws.com");
	for (int i = 0; i < 50; i++) {
		char who[32];

		snprintf(who, sizeof(who), "user/u%02d", i);
		tl_edge(s, A, who, "Admin", "ec2.amazonaws.com");
	}
	tl_edge(s, B, "user/other", "Admin", "ec2.amazonaws.com");
	tl_priv(s, A, "Admin", "auto: allows * on *");
	tl_priv(s, A, "Deploy", "config: name Deploy*");
	edge_set_sort(s);
	buf_init(&b, 0);
	ck_assert_msg(edgepack_write(s, A, &b, &e) == 0, "%s", e.msg);
	/* The reason shared by 52 edges is in the file once. */
	ck_assert_ptr_nonnull(strstr(b.data, "allowed by PassPolicy"));
	ck_assert_ptr_null(strstr(strstr(b.data, "allowed by PassPolicy") + 1,
	    "allowed by PassPolicy"));
	ck_assert_ptr_null(strstr(b.data, B));
	ck_assert_msg(edgepack_parse(b.data, b.len, "f", A, back, &e) == 0, "%s", e.msg);
	edge_set_sort(back);
	/* Equal to s without account B. */
	for (size_t i = 0; i < s->nedges; i++)
		if (strcmp(s->edges[i].account, B) == 0) {
			edge_clear(&s->edges[i]);
			memmove(&s->edges[i], &s->edges[i + 1], (s->nedges - i - 1) * sizeof(*s->edges));
			s->nedges--;
			break;
		}
	t1 = text_of(s);
	t2 = text_of(back);
	ck_assert_str_eq(t1, t2);
	free(t1), free(t2);
	buf_free(&b);
	edge_set_free(s);
	edge_set_free(back);
}
END_TEST

/* A version 2 file (written before edges said how usable they are) is
 * still read; its edges' usability is unknown. */
START_TEST(test_edgepack_v2)
{
	static const char v2[] = "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,"
	    "\"account\":\"" A "\",\"strings\":[\"" ARN(A, "user/a") "\",\"" ARN(A, "role/R")
	    "\",\"ec2.amazonaws.com\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[2],0,null,null,"
	    "[],[]]]}";
	struct edge_set *s = tl_set(1000, "live");
	struct err e;

	ck_assert_msg(edgepack_parse(v2, strlen(v2), "f", A, s, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(s->nedges, 1);
	ck_assert_int_eq(s->edges[0].usable, EDGE_USABLE_UNKNOWN);
	ck_assert_uint_eq(s->edges[0].nuses, 0);
	ck_assert_str_eq(s->edges[0].services[0], "ec2.amazonaws.com");
	edge_set_free(s);
}
END_TEST

/* Damaged files are refused with the file and the place named, and the
 * set they were read into is left as it was. */
START_TEST(test_edgepack_refuses)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"x\"],\"privileged\":[],\"edges\":[[0,\"u\",3,[],0,null,"
		    "null,[],[]]]}", "f: edges[0][2]: string index 3 out of range (0..0)" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    B "\",\"strings\":[],\"privileged\":[],\"edges\":[]}",
		    "f: account: must be \"" A "\"" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":4,\"account\":\""
		    A "\",\"strings\":[],\"privileged\":[],\"edges\":[]}", "f: version: must be 2 or 3" },
		/* Version 3 rows carry usable, uses and alternatives. */
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":3,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[],0,"
		    "null,null,[],[]]]}", "f: edges[0]: must have 12 elements, has 9" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":3,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[],0,"
		    "null,null,[],[],\"x\",[],[]]]}", "f: edges[0][9]: must be one of" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"x\",1,[],0,null,"
		    "null,[],[]]]}", "f: edges[0][1]: must be \"u\" or \"r\"" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[],0,null,"
		    "null,[],[]],[0,\"u\",1,[],0,null,null,[],[]]]}",
		    "f: edges[1]: edges out of order or repeated" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\"],\"privileged\":[],\"edges\":[[0,\"u\",0]]}",
		    "f: edges[0]: must have 9 elements, has 3" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\"],\"privileged\":[],\"edges\":[[0,\"u\",0,[],0,0.5,"
		    "null,[],[]]]}", "f: edges[0][5]: string index 0.5 out of range" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"r\"],\"privileged\":[[1,[0,0]]],\"edges\":[]}",
		    "f: privileged[0][1]: given twice" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[],0,"
		    "null,null,[],[]]]}", "f: edges[0][2]: an empty string" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[0],1,"
		    "null,null,[],[]]]}", "f: edges[0][4]: 1 (no service) although" },
		{ "{\"format\":\"passrole-auditd-account-edges\",\"version\":2,\"account\":\""
		    A "\",\"strings\":[\"a\",\"b\"],\"privileged\":[],\"edges\":[[0,\"u\",1,[],0,"
		    "null,null,[[\"a\",1,0]],[]]]}", "f: edges[0][7][0]: an \"assume\" hop" },
		{ "[1,2", "f: not a JSON object" },
	};
	struct err e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct edge_set *s = sample(1000, "user/a");
		size_t n = s->nedges;

		ck_assert_int_eq(edgepack_parse(cases[i].text, strlen(cases[i].text), "f", A, s,
		    &e), -1);
		ck_assert_msg(strstr(e.msg, cases[i].want) == e.msg, "case %zu: %s", i, e.msg);
		ck_assert_uint_eq(s->nedges, n);
		edge_set_free(s);
	}
}
END_TEST

/* run.json's times are the canonical text this program writes: strptime
 * alone takes "12:0" and years before 1970 (found by fuzz_state: the set
 * then could not be written in the version 1 form). */
START_TEST(test_run_time_canonical)
{
	static const char *const bad[] = { "2026-11-23T12:0:59Z", "1013-11-23T12:00:59Z",
		"2026-02-30T12:00:00Z" };
	struct edge_set *got = NULL;
	char p[PATH_MAX];
	struct err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct state *st;
		FILE *fp;

		snprintf(p, sizeof(p), "%s/gen-0000000001", sdir);
		ck_assert_int_eq(mkdir(sdir, 0700) == 0 || errno == EEXIST, 1);
		ck_assert_int_eq(mkdir(p, 0700) == 0 || errno == EEXIST, 1);
		strcat(p, "/run.json");
		fp = fopen(p, "w");
		ck_assert_ptr_nonnull(fp);
		fprintf(fp, "{\"format\": \"passrole-auditd-state\", \"version\": 2, \"taken_at\": "
		    "\"%s\", \"source\": null, \"org_note\": null, \"accounts\": []}", bad[i]);
		fclose(fp);
		st = open_locked();
		ck_assert_int_eq(state_load(st, &got, NULL, &e), -1);
		ck_assert_msg(strstr(e.msg, "run.json: taken_at: must be a time") != NULL, "%s: %s",
		    bad[i], e.msg);
		state_close(st);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_save_load);
	tcase_add_test(tc, test_edgepack_v2);
	tcase_add_test(tc, test_keep);
	tcase_add_test(tc, test_corrupt_newest);
	tcase_add_test(tc, test_unreadable_newest);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_leftover_temp_files);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_run_carry_over);
	tcase_add_test(tc, test_run_writes_nothing);
	tcase_add_test(tc, test_run_baseline_file);
	tcase_add_test(tc, test_edgepack_roundtrip);
	tcase_add_test(tc, test_edgepack_refuses);
	tcase_add_test(tc, test_run_time_canonical);
	suite_add_tcase(s, tc);
	return check_main(s);
}
