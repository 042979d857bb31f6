/* Unit tests of the edge set JSON form: round trip, determinism, strict
 * reading with errors that name the JSON path; the same form read and
 * written one account at a time (edgestream, util/jsonstream). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/edgejson.h"
#include "audit/edgestream.h"
#include "util/jsonstream.h"
#include "edge_testlib.h"
#include "util/buf.h"
#include "util/fileio.h"
#include <fcntl.h>
#include "checkmain.h"

#define T0 1795000000	/* 2026-11-18T11:06:40Z */

/* A set that uses every field of the model. */
static struct edge_set *
full_set(void)
{
	struct edge_set *s = tl_set(T0, "offline:/dumps/demo");
	struct edge *ed;
	struct edge_account *a;

	s->org_note = tl_dup("single-account mode: AccessDenied from "
	    "organizations:DescribeOrganization");
	tl_account(s, "222222222222", false, "AccessDenied from iam:GetAccountAuthorization"
	    "Details: \"quoted\" \\ and\nnewline", false);
	a = tl_account(s, "111111111111", true, NULL, true);
	a->known_at = T0 - 3600;
	tl_priv(s, "111111111111", "Admin", "auto: allows * on *");
	s->privileged[0].reasons = tl_grow(s->privileged[0].reasons,
	    &s->privileged[0].nreasons, sizeof(char *));
	s->privileged[0].reasons[1] = tl_dup("config: name Admin*");
	tl_priv(s, "111111111111", "Deploy", "auto: allows iam:PassRole on *");
	ed = tl_edge(s, "111111111111", "user/alice", "Admin", "lambda.amazonaws.com,"
	    "ec2.amazonaws.com");
	tl_cond(ed, "aws:RequestedRegion StringEquals eu-west-1");
	tl_caveat(ed, "vpce-0b", "eu-west-1", "com.amazonaws.eu-west-1.events");
	tl_caveat(ed, "vpce-0a", "eu-west-1", "com.amazonaws.eu-west-1.lambda");
	tl_use(ed, "lambda.amazonaws.com", EDGE_USABLE_NO, "lambda:CreateFunction "
	    "lambda:InvokeFunction", "lambda:InvokeFunction");
	tl_use(ed, "ec2.amazonaws.com", EDGE_USABLE_CONDITIONAL, "ec2:RunInstances", NULL);
	tl_alt(ed, EDGE_USABLE_NO, "assume", "arn:aws:iam::111111111111:role/Ops", NULL);
	tl_alt(ed, EDGE_USABLE_NO, "pass", "arn:aws:iam::111111111111:role/Cfn",
	    "cloudformation.amazonaws.com");
	ed = tl_edge(s, "111111111111", "role/Dev", "Admin", "");
	ed->usable = EDGE_USABLE_NO;
	tl_hop(ed, "assume", "arn:aws:iam::111111111111:role/Ops", NULL);
	tl_hop(ed, "pass", "arn:aws:iam::111111111111:role/CfnRole",
	    "cloudformation.amazonaws.com");
	tl_hop(ed, "update", "arn:aws:iam::111111111111:role/FnRole", "lambda.amazonaws.com");
	free(ed->reason);
	ed->reason = NULL;
	edge_set_sort(s);
	return s;
}

static char *
to_text(const struct edge_set *s)
{
	struct buf b;
	struct err e;

	buf_init(&b, 0);
	ck_assert_msg(edgejson_write(s, &b, &e) == 0, "%s", e.msg);
	return buf_steal(&b);
}

START_TEST(test_round_trip)
{
	struct edge_set *s = full_set(), *r;
	char *t1 = to_text(s), *t2;
	const struct edge *ed;
	struct err e;

	r = edgejson_parse(t1, strlen(t1), "mem", &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	t2 = to_text(r);
	ck_assert_str_eq(t1, t2);
	/* Spot checks that the fields really went through, not only that
	 * the writer is consistent with itself. */
	ck_assert_int_eq(r->taken_at, T0);
	ck_assert_str_eq(r->source, "offline:/dumps/demo");
	ck_assert_str_eq(r->org_note, s->org_note);
	ck_assert_uint_eq(r->naccounts, 2);
	ck_assert_str_eq(r->accounts[0].id, "111111111111");
	ck_assert(r->accounts[0].audited && r->accounts[0].org_unknown);
	ck_assert_int_eq(r->accounts[0].known_at, T0 - 3600);
	ck_assert(!r->accounts[1].audited);
	ck_assert_str_eq(r->accounts[1].why, s->accounts[1].why);
	ck_assert_int_eq(r->accounts[1].known_at, 0);
	ck_assert_uint_eq(r->nprivileged, 2);
	ck_assert_uint_eq(r->privileged[0].nreasons, 2);
	ck_assert_str_eq(r->privileged[0].reasons[1], "config: name Admin*");
	ed = edge_set_find(r, "arn:aws:iam::111111111111:user/alice",
	    "arn:aws:iam::111111111111:role/Admin");
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->nservices, 2);
	ck_assert_str_eq(ed->services[0], "ec2.amazonaws.com");
	ck_assert(ed->conditional && !ed->no_service);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion StringEquals eu-west-1");
	ck_assert_uint_eq(ed->ncaveats, 2);
	ck_assert_str_eq(ed->caveats[0].endpoint_id, "vpce-0a");
	ck_assert_str_eq(ed->caveats[1].service_name, "com.amazonaws.eu-west-1.events");
	ck_assert_str_eq(ed->principal_type, "user");
	ck_assert_int_eq(ed->usable, EDGE_USABLE_CONDITIONAL);
	ck_assert_uint_eq(ed->nuses, 2);
	ck_assert_str_eq(ed->uses[0].service, "ec2.amazonaws.com");
	ck_assert_int_eq(ed->uses[0].usable, EDGE_USABLE_CONDITIONAL);
	ck_assert_str_eq(ed->uses[0].actions, "ec2:RunInstances");
	ck_assert_ptr_null(ed->uses[0].refused);
	ck_assert_str_eq(ed->uses[1].actions, "lambda:CreateFunction lambda:InvokeFunction");
	ck_assert_str_eq(ed->uses[1].refused, "lambda:InvokeFunction");
	ck_assert_uint_eq(ed->nalts, 2);
	ck_assert_str_eq(ed->alts[1].path[0].via_service, "cloudformation.amazonaws.com");
	ck_assert(strstr(t1, "\"actions\":[\"lambda:CreateFunction\",\"lambda:InvokeFunction\"]") !=
	    NULL || strstr(t1, "\"lambda:CreateFunction\", \"lambda:InvokeFunction\"") != NULL);
	ed = edge_set_find(r, "arn:aws:iam::111111111111:role/Dev",
	    "arn:aws:iam::111111111111:role/Admin");
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->no_service && ed->nservices == 0 && !ed->conditional);
	ck_assert_ptr_null(ed->reason);
	ck_assert_uint_eq(ed->npath, 3);
	ck_assert_str_eq(ed->path[1].via_service, "cloudformation.amazonaws.com");
	ck_assert_str_eq(ed->path[2].kind, "update");
	ck_assert_str_eq(ed->path[2].via_service, "lambda.amazonaws.com");
	ck_assert_ptr_null(ed->path[0].via_service);
	ck_assert_ptr_nonnull(strstr(t1, "\"taken_at\":\t\"2026-11-18T11:06:40Z\""));
	free(t1);
	free(t2);
	edge_set_free(r);
	edge_set_free(s);
}
END_TEST

START_TEST(test_deterministic)
{
	struct edge_set *a = tl_set(T0, "live"), *b = tl_set(T0, "live");
	char *ta, *tb;

	/* The same content added in another order: equal bytes once sorted. */
	tl_account(a, "1", true, NULL, false);
	tl_account(a, "2", true, NULL, false);
	tl_edge(a, "1", "user/a", "R", "x.amazonaws.com,a.amazonaws.com");
	tl_edge(a, "2", "user/b", "R", "");
	tl_account(b, "2", true, NULL, false);
	tl_account(b, "1", true, NULL, false);
	tl_edge(b, "2", "user/b", "R", "");
	tl_edge(b, "1", "user/a", "R", "a.amazonaws.com,x.amazonaws.com");
	edge_set_sort(a);
	edge_set_sort(b);
	ta = to_text(a);
	tb = to_text(b);
	ck_assert_str_eq(ta, tb);
	free(tb);
	tb = to_text(a);
	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	edge_set_free(a);
	edge_set_free(b);
}
END_TEST

START_TEST(test_empty_set)
{
	struct edge_set *s = tl_set(T0, "live"), *r;
	char *t = to_text(s);
	struct err e;

	r = edgejson_parse(t, strlen(t), "mem", &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_uint_eq(r->nedges + r->naccounts + r->nprivileged, 0);
	ck_assert_ptr_null(r->org_note);
	free(t);
	edge_set_free(r);
	edge_set_free(s);
}
END_TEST

/* The smallest valid document with one account, role and edge; the bad
 * input cases each change one thing in it. */
static const char base_doc[] =
"{\"format\":\"passrole-auditd-edges\",\"version\":1,"
"\"taken_at\":\"2026-11-18T11:06:40Z\",\"source\":\"live\",\"org_note\":null,"
"\"accounts\":[{\"id\":\"1\",\"audited\":true,\"why\":null,\"org_unknown\":false,"
"\"known_at\":null}],"
"\"privileged\":[{\"role_arn\":\"R\",\"account\":\"1\",\"reasons\":[\"why\"]}],"
"\"edges\":[{\"principal_arn\":\"P\",\"principal_type\":\"user\",\"account\":\"1\","
"\"role_arn\":\"R\",\"services\":[\"a\",\"b\"],\"no_service\":false,"
"\"conditional\":false,\"conditions\":null,"
"\"path\":[{\"kind\":\"pass\",\"arn\":\"S\",\"via_service\":\"c\"}],"
"\"reason\":\"r\",\"caveats\":[{\"endpoint_id\":\"v\",\"region\":\"g\","
"\"service_name\":\"n\",\"message\":\"m\"}]}]}\n";

/* base_doc with the first occurrence of from replaced by to. */
static char *
mutate(const char *from, const char *to)
{
	const char *at = strstr(base_doc, from);
	char *out;

	ck_assert_msg(at != NULL, "'%s' not in the base document", from);
	out = malloc(sizeof(base_doc) + strlen(to));
	ck_assert_ptr_nonnull(out);
	memcpy(out, base_doc, (size_t)(at - base_doc));
	strcpy(out + (at - base_doc), to);
	strcat(out, at + strlen(from));
	return out;
}

START_TEST(test_base_doc_valid)
{
	struct err e;
	struct edge_set *s = edgejson_parse(base_doc, strlen(base_doc), "t.json", &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_uint_eq(s->nedges, 1);
	edge_set_free(s);
	ck_assert_ptr_null(edgejson_parse("[]", 2, "t.json", &e));
	ck_assert_str_eq(e.msg, "t.json: (top level): not an object");
}
END_TEST

/* stream: what edgestream_open says where it differs from edgejson_parse
 * (NULL: the same). */
static const struct {
	const char *from, *to, *msg, *stream;
} bad_cases[] = {
	{ "{\"format\"", "[{\"format\"", "t.json:1: not valid JSON (syntax error)",
	  "t.json:1: not a JSON object" },
	{ "]}]}\n", "]}]}\n{}", "t.json:2: text after the JSON document", NULL },
	{ "\"version\":1,", "\"version\":1,\"extra\":2,", "t.json: extra: unknown key", NULL },
	{ "\"version\":1,", "\"version\":1,\"version\":1,", "t.json: version: given twice", NULL },
	{ "\"version\":1,", "\"version\":3,",
	  "t.json: version: version 3 is not supported (this program reads versions 1 to 2)", NULL },
	/* Version 2 edges say how usable they are. */
	{ "\"version\":1,", "\"version\":2,", "t.json: edges[0].usable: missing", NULL },
	{ "\"version\":1,", "\"version\":1.5,", "t.json: version: not an integer", NULL },
	{ "passrole-auditd-edges", "something-else",
	  "t.json: format: not \"passrole-auditd-edges\"", NULL },
	{ "\"org_note\":null,", "", "t.json: org_note: missing", NULL },
	{ "\"taken_at\":\"2026-11-18T11:06:40Z\"", "\"taken_at\":\"2026-02-30T00:00:00Z\"",
	  "t.json: taken_at: not a valid UTC time", NULL },
	{ "\"taken_at\":\"2026-11-18T11:06:40Z\"", "\"taken_at\":1795000000",
	  "t.json: taken_at: not a time string", NULL },
	{ "\"accounts\":[{", "\"accounts\":[7,{", "t.json: accounts[0]: not an object", NULL },
	{ "\"why\":null", "\"why\":\"x\"",
	  "t.json: accounts[0].why: must be null for an audited account", NULL },
	{ "\"audited\":true", "\"audited\":1", "t.json: accounts[0].audited: not true or false", NULL },
	{ "\"reasons\":[\"why\"]", "\"reasons\":\"why\"",
	  "t.json: privileged[0].reasons: not an array", NULL },
	{ "[\"a\",\"b\"]", "[\"a\",7]", "t.json: edges[0].services[1]: not a string", NULL },
	{ "[\"a\",\"b\"]", "[\"a\",\"a\"]", "t.json: edges[0].services[1]: given twice", NULL },
	{ "[\"a\",\"b\"]", "[\"a\",\"\"]", "t.json: edges[0].services[1]: empty string", NULL },
	{ "\"principal_type\":\"user\"", "\"principal_type\":\"group\"",
	  "t.json: edges[0].principal_type: not \"user\" or \"role\"", NULL },
	{ "\"conditions\":null", "\"conditions\":\"c\"",
	  "t.json: edges[0].conditions: must be null when conditional is false", NULL },
	{ "\"conditional\":false", "\"conditional\":true",
	  "t.json: edges[0].conditions: must say the conditions of a conditional edge", NULL },
	{ "\"no_service\":false", "\"no_service\":true",
	  "t.json: edges[0].no_service: true although services are listed", NULL },
	{ "\"kind\":\"pass\"", "\"kind\":\"jump\"",
	  "t.json: edges[0].path[0].kind: not \"assume\" or \"pass\"", NULL },
	{ "\"via_service\":\"c\"", "\"via_service\":null",
	  "t.json: edges[0].path[0].via_service: missing for a \"pass\" hop", NULL },
	{ "\"message\":\"m\"", "\"message\":\"m\",\"x\":1",
	  "t.json: edges[0].caveats[0].x: unknown key", NULL },
	{ "\"region\":\"g\",", "", "t.json: edges[0].caveats[0].region: missing", NULL },
	{ "\"role_arn\":\"R\",\"services\"", "\"role_arn\":null,\"services\"",
	  "t.json: edges[0].role_arn: not a string", NULL },
	{ "\"edges\":[{\"principal_arn\":\"P\"",
	  "\"edges\":[{\"principal_arn\":\"P\",\"principal_type\":\"role\",\"account\":\"1\","
	  "\"role_arn\":\"R\",\"services\":[],\"no_service\":true,\"conditional\":false,"
	  "\"conditions\":null,\"path\":[],\"reason\":null,\"caveats\":[]},"
	  "{\"principal_arn\":\"P\"",
	  "t.json: edges: two edges for P -> R", NULL },
};

START_TEST(test_bad_input)
{
	char *doc = mutate(bad_cases[_i].from, bad_cases[_i].to);
	struct err e;
	struct edge_set *s;

	err_clear(&e);
	s = edgejson_parse(doc, strlen(doc), "t.json", &e);
	ck_assert_msg(s == NULL, "case %d parsed", _i);
	ck_assert_str_eq(e.msg, bad_cases[_i].msg);
	free(doc);
}
END_TEST

START_TEST(test_files)
{
	char dir[] = "/tmp/pra-edgejson.XXXXXX", path[128];
	struct err e;
	struct edge_set *s;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/absent.json", dir);
	ck_assert_ptr_null(edgejson_read_file(path, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "absent.json: cannot open: No such file"));
	snprintf(path, sizeof(path), "%s/empty.json", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert_ptr_null(edgejson_read_file(path, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "empty.json:1: not valid JSON (the file is empty)"));
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(base_doc, fp);
	fclose(fp);
	s = edgejson_read_file(path, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	edge_set_free(s);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* What the writer accepts reads back; what breaks the model is refused
 * before a file is written, so a save cannot make the state unloadable. */
START_TEST(test_write_checks)
{
	struct edge_set *s = tl_set(0, ""), *r;
	struct edge *ed;
	struct buf b;
	struct err e;
	char *t;

	tl_account(s, "1", false, "", false);
	ed = tl_edge(s, "1", "user/a", "R", "x.amazonaws.com");
	free(ed->reason);
	ed->reason = tl_dup("");
	edge_set_sort(s);
	t = to_text(s);
	r = edgejson_parse(t, strlen(t), "mem", &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(r->edges[0].reason, "");
	ck_assert_int_eq(r->taken_at, 0);
	ck_assert_str_eq(r->accounts[0].why, "");
	edge_set_free(r);
	free(t);

	s->edges[0].conditional = true;
	buf_init(&b, 0);
	ck_assert_int_eq(edgejson_write(s, &b, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: not saved: edge set to save: "
	    "edges[0].conditions: must say the conditions of a conditional edge");
	ck_assert_uint_eq(b.len, 0);
	s->edges[0].conditional = false;
	tl_edge(s, "1", "user/a", "R", "");
	edge_set_sort(s);
	ck_assert_int_eq(edgejson_write(s, &b, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: not saved: edge set to save: edges: two "
	    "edges for arn:aws:iam::1:user/a -> arn:aws:iam::1:role/R");
	free(s->edges[0].account);
	s->edges[0].account = NULL;
	ck_assert_int_eq(edgejson_write(s, &b, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, ".account: not a string"));
	buf_free(&b);
	edge_set_free(s);
}
END_TEST


/* ---- the same form, one account at a time (edgestream) ---- */

/* A private working directory (Check runs each test in its own
 * process), so that messages name "t.json" as the tables do. */
static void
in_tmpdir(char dir[32])
{
	strcpy(dir, "/tmp/pra-edgestream.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

static void
out_tmpdir(const char *dir)
{
	ck_assert_int_eq(system("rm -f ./*.json ./*.part.*"), 0);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}

static void
put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The whole set an edgestream holds, read account by account (plus the
 * entries of accounts the file does not list: ids given in extra). */
static struct edge_set *
stream_set(struct edgestream *es, const char *const *extra)
{
	const struct edge_set *h = edgestream_head(es);
	struct edge_set *s = tl_set(h->taken_at, h->source);
	struct err e;

	s->org_note = tl_dup(h->org_note);
	for (size_t i = 0; i < h->naccounts; i++) {
		ck_assert_int_eq(edge_set_add_account(s, &h->accounts[i], h->accounts[i].known_at), 0);
		ck_assert_msg(edgestream_account(es, h->accounts[i].id, s, &e) == 0, "%s", e.msg);
	}
	for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
		ck_assert_msg(edgestream_account(es, extra[i], s, &e) == 0, "%s", e.msg);
	edge_set_sort(s);
	return s;
}

/* s written account by account, as --write-edges does. */
static void
stream_write(const char *path, const struct edge_set *s)
{
	struct edgestream_writer *w;
	struct err e;

	w = edgestream_writer_open(path, &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	for (size_t i = 0; i < s->naccounts; i++) {
		struct edge_set *one = tl_set(s->taken_at, s->source);
		const char *id = s->accounts[i].id;

		ck_assert_int_eq(edge_set_add_account(one, &s->accounts[i], s->accounts[i].known_at), 0);
		for (size_t k = 0; k < s->nedges; k++)
			if (strcmp(s->edges[k].account, id) == 0)
				ck_assert_int_eq(edge_set_add_edge(one, &s->edges[k]), 0);
		for (size_t k = 0; k < s->nprivileged; k++)
			if (strcmp(s->privileged[k].account, id) == 0)
				ck_assert_int_eq(edge_set_add_privileged(one, &s->privileged[k]), 0);
		edge_set_sort(one);
		ck_assert_msg(edgestream_writer_add(w, one, &e) == 0, "%s", e.msg);
		edge_set_free(one);
	}
	ck_assert_msg(edgestream_writer_commit(w, s, &e) == 0, "%s", e.msg);
}

/* Written by account, read whole and by account: the same set, field for
 * field (edgejson_write's text is the comparison). And the whole
 * writer's file reads by account too. */
START_TEST(test_stream_round_trip)
{
	struct edge_set *s = full_set(), *r;
	struct edgestream *es;
	char dir[32], *t0 = to_text(s), *t;
	struct err e;

	in_tmpdir(dir);
	stream_write("w.json", s);
	r = edgejson_read_file("w.json", &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	t = to_text(r);
	ck_assert_str_eq(t, t0);
	free(t);
	edge_set_free(r);

	es = edgestream_open("w.json", &e);
	ck_assert_msg(es != NULL, "%s", e.msg);
	ck_assert_uint_eq(edgestream_count_edges(es, "111111111111"), 2);
	ck_assert_uint_eq(edgestream_count_privileged(es, "111111111111"), 2);
	ck_assert_uint_eq(edgestream_count_edges(es, "222222222222"), 0);
	r = stream_set(es, NULL);
	t = to_text(r);
	ck_assert_str_eq(t, t0);
	free(t);
	edge_set_free(r);
	edgestream_close(es);

	put_file("whole.json", t0);
	es = edgestream_open("whole.json", &e);
	ck_assert_msg(es != NULL, "%s", e.msg);
	r = stream_set(es, NULL);
	t = to_text(r);
	ck_assert_str_eq(t, t0);
	free(t);
	edge_set_free(r);
	edgestream_close(es);
	free(t0);
	edge_set_free(s);
	out_tmpdir(dir);
}
END_TEST

/* Every bad input edgejson_parse refuses, refused with the same words
 * (duplicates show when their account is read). */
START_TEST(test_stream_bad_input)
{
	char *doc = mutate(bad_cases[_i].from, bad_cases[_i].to), dir[32];
	const char *want = bad_cases[_i].stream != NULL ? bad_cases[_i].stream : bad_cases[_i].msg;
	struct edgestream *es;
	struct edge_set *s;
	struct err e;

	in_tmpdir(dir);
	put_file("t.json", doc);
	err_clear(&e);
	es = edgestream_open("t.json", &e);
	if (es != NULL) {
		s = edge_set_new(NULL);
		ck_assert_ptr_nonnull(s);
		ck_assert_msg(edgestream_account(es, "1", s, &e) == 0, "%s", e.msg);
		edge_set_free(s);
		/* Read as state.c reads an account: sorted, then checked. */
		s = stream_set(es, NULL);
		ck_assert_msg(edgejson_check_unique(s, "t.json", &e) != 0, "case %d read", _i);
		edge_set_free(s);
		edgestream_close(es);
	}
	ck_assert_str_eq(e.msg, want);
	free(doc);
	out_tmpdir(dir);
}
END_TEST

/* A file edited by hand may list entries in any order: each account
 * still gets exactly its own, also those the accounts array omits. */
START_TEST(test_stream_interleaved)
{
	static const char *const extra[] = { "3", NULL };
	struct edge_set *s = tl_set(T0, "live"), *r;
	struct edgestream *es;
	char dir[32], *t0, *t;
	struct err e;

	tl_account(s, "1", true, NULL, false);
	tl_account(s, "2", true, NULL, false);
	tl_edge(s, "2", "user/b", "R", "");
	tl_edge(s, "1", "user/a", "R", "a.amazonaws.com");
	tl_edge(s, "2", "role/c", "R", "a.amazonaws.com");
	tl_edge(s, "3", "user/d", "R", "");
	tl_edge(s, "1", "user/e", "R", "");
	tl_priv(s, "2", "R", "r");
	tl_priv(s, "1", "R", "r");
	/* Not sorted: the file keeps this order. */
	in_tmpdir(dir);
	t = NULL;
	{
		cJSON *o = edgejson_build(s, NULL);

		ck_assert_ptr_nonnull(o);
		t = cJSON_Print(o);
		cJSON_Delete(o);
	}
	put_file("mixed.json", t);
	free(t);
	es = edgestream_open("mixed.json", &e);
	ck_assert_msg(es != NULL, "%s", e.msg);
	ck_assert_uint_eq(edgestream_count_edges(es, "1"), 2);
	ck_assert_uint_eq(edgestream_count_edges(es, "2"), 2);
	ck_assert_uint_eq(edgestream_count_edges(es, "3"), 1);
	ck_assert_uint_eq(edgestream_count_privileged(es, "1"), 1);
	r = stream_set(es, extra);
	edge_set_sort(s);
	t0 = to_text(s);
	t = to_text(r);
	ck_assert_str_eq(t, t0);
	free(t);
	free(t0);
	edge_set_free(r);
	edgestream_close(es);
	edge_set_free(s);
	out_tmpdir(dir);
}
END_TEST

/* Enough edges that each account's entries span several index ranges
 * (1 MiB each): every one read back once. */
START_TEST(test_stream_large)
{
	struct edge_set *s = tl_set(T0, "live"), *r;
	struct edgestream *es;
	char dir[32], name[32], *t0, *t;
	struct err e;

	struct edge_set *tmpl = tl_set(T0, "live");

	tl_account(s, "1", true, NULL, false);
	tl_account(s, "2", true, NULL, false);
	tl_edge(tmpl, "1", "user/u", "Admin", "lambda.amazonaws.com");
	tl_edge(tmpl, "2", "user/u", "Admin", "lambda.amazonaws.com");
	/* Long reasons: few edges, yet megabytes. */
	for (size_t k = 0; k < 2; k++) {
		free(tmpl->edges[k].reason);
		tmpl->edges[k].reason = malloc(3001);
		ck_assert_ptr_nonnull(tmpl->edges[k].reason);
		memset(tmpl->edges[k].reason, 'r', 3000);
		tmpl->edges[k].reason[3000] = '\0';
	}
	s->edges = calloc(1500, sizeof(*s->edges));
	ck_assert_ptr_nonnull(s->edges);
	for (int i = 0; i < 1500; i++) {
		struct edge *ed = &s->edges[s->nedges++];

		ck_assert_int_eq(edge_copy(ed, &tmpl->edges[i % 3 == 0]), 0);
		snprintf(name, sizeof(name), "user/u%05d", i);
		free(ed->principal_arn);
		ed->principal_arn = tl_cat("arn:aws:iam::", ed->account, ":", name);
	}
	edge_set_free(tmpl);
	edge_set_sort(s);
	in_tmpdir(dir);
	stream_write("big.json", s);
	es = edgestream_open("big.json", &e);
	ck_assert_msg(es != NULL, "%s", e.msg);
	ck_assert_uint_eq(edgestream_count_edges(es, "1"), 1000);
	ck_assert_uint_eq(edgestream_count_edges(es, "2"), 500);
	r = stream_set(es, NULL);
	t0 = to_text(s);
	t = to_text(r);
	ck_assert(strlen(t0) > (4u << 20));
	ck_assert_str_eq(t, t0);
	free(t);
	free(t0);
	edge_set_free(r);
	edgestream_close(es);
	edge_set_free(s);
	out_tmpdir(dir);
}
END_TEST

/* What the writer refuses leaves the file that was there untouched. */
START_TEST(test_stream_write_checks)
{
	struct edge_set *a = tl_set(T0, "live"), *b = tl_set(T0, "live");
	struct edgestream_writer *w;
	struct edge *ed;
	char dir[32], *before;
	struct err e;
	struct buf f;

	in_tmpdir(dir);
	put_file("keep.json", "old\n");
	tl_account(a, "2", true, NULL, false);
	tl_account(b, "1", true, NULL, false);
	w = edgestream_writer_open("keep.json", &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	ck_assert_int_eq(edgestream_writer_add(w, a, &e), 0);
	ck_assert_int_eq(edgestream_writer_add(w, b, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: --write-edges: accounts out of order (1 after 2)");
	edgestream_writer_abort(w);

	ed = tl_edge(b, "1", "user/a", "R", "x.amazonaws.com");
	ed->conditional = true;
	w = edgestream_writer_open("keep.json", &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	ck_assert_int_eq(edgestream_writer_add(w, b, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: not saved: edge set to save: "
	    "edges[0].conditions: must say the conditions of a conditional edge");
	edgestream_writer_abort(w);
	ed->conditional = false;
	tl_edge(b, "1", "user/a", "R", "");
	w = edgestream_writer_open("keep.json", &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	ck_assert_int_eq(edgestream_writer_add(w, b, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: not saved: edge arn:aws:iam::1:user/a -> "
	    "arn:aws:iam::1:role/R out of order or twice");
	edgestream_writer_abort(w);

	/* A bad account record is refused at commit. */
	w = edgestream_writer_open("keep.json", &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	free(a->accounts[0].why);
	a->accounts[0].why = tl_dup("x");
	ck_assert_int_eq(edgestream_writer_add(w, a, &e), 0);
	ck_assert_int_eq(edgestream_writer_commit(w, a, &e), -1);
	ck_assert_str_eq(e.msg, "internal error: not saved: edge set to save: "
	    "accounts[0].why: must be null for an audited account");

	buf_init(&f, 0);
	ck_assert_int_eq(fileio_read(AT_FDCWD, "keep.json", 0, 100, &f, NULL), 0);
	before = buf_steal(&f);
	ck_assert_str_eq(before, "old\n");
	free(before);
	/* No temporary file left beside it. */
	ck_assert_int_eq(system("test -z \"$(ls -A | grep -v '^keep.json$')\""), 0);
	edge_set_free(a);
	edge_set_free(b);
	out_tmpdir(dir);
}
END_TEST

/* The structure between values, which cJSON never sees. */
static const struct {
	const char *doc, *msg;
} stream_syntax[] = {
	{ "", "s.json:1: not valid JSON (the file is empty)" },
	{ "{\"a\":[1],\n\"b\":[1,2", "s.json:2: the file ends inside an array" },
	{ "{\"a\":[1]\n\n\"b\":[2]}", "s.json:3: expected ',' or '}' after a value" },
	{ "{\"a\" 1}", "s.json:1: expected ':' after a key" },
	{ "{7:1}", "s.json:1: expected a key (a string)" },
	{ "{\"a\":[1 2]}", "s.json:1: expected ',' or ']' after an element" },
	{ "{\"a\":[1,]}", "s.json:1: a value is missing" },
	{ "{\"a\":[{\"x\":\n\"\\u0000\"}]}",
	  "s.json:2: a \\u0000 (NUL) in a string, which no AWS name or document has" },
	{ "{\"a\":[{\"x\":tru}]}", "s.json:1: not valid JSON (syntax error)" },
	{ "{\"a\":[\"12345678901234567890\"]}", "s.json:1: a value longer than the limit of 16 bytes" },
	{ "{\"a\":[[1}]}", "s.json:1: not valid JSON (syntax error)" },
	{ "{\"a\":[1]}x", "s.json:1: text after the JSON document" },
	{ "{\"a\":[\"x\n", "s.json:1: the file ends inside a value" },
};

/* Walk doc as the edge reader does: every key's value an array read
 * element by element, or a value read whole. */
static int
walk(const char *path, struct err *e)
{
	struct jsonstream *js = jsonstream_open(path, 1 << 20, 16, e);
	char *key = NULL;
	cJSON *v;
	int r = -1, k;

	if (js == NULL || jsonstream_object_begin(js, e) != 0)
		goto out;
	while ((k = jsonstream_key(js, &key, e)) == 1) {
		free(key);
		if (jsonstream_array_begin(js, e) != 0) {
			r = -1;
			goto out;
		}
		while ((k = jsonstream_element(js, &v, NULL, NULL, e)) == 1)
			cJSON_Delete(v);
		if (k < 0)
			goto out;
	}
	r = k;
out:
	jsonstream_close(js);
	return r;
}

START_TEST(test_stream_syntax)
{
	char dir[32];
	struct err e;

	in_tmpdir(dir);
	put_file("s.json", stream_syntax[_i].doc);
	err_clear(&e);
	ck_assert_int_eq(walk("s.json", &e), -1);
	ck_assert_str_eq(e.msg, stream_syntax[_i].msg);
	put_file("s.json", "\n{ \"a\" : [ 1 , {\"b\":\"]},\\\"[\"} ] ,\"c\":[]}\n\n");
	ck_assert_msg(walk("s.json", &e) == 0, "%s", e.msg);
	out_tmpdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("edgejson");
	TCase *tc = tcase_create("edgejson");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_empty_set);
	tcase_add_test(tc, test_base_doc_valid);
	tcase_add_loop_test(tc, test_bad_input, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_write_checks);
	tcase_add_test(tc, test_stream_round_trip);
	tcase_add_loop_test(tc, test_stream_bad_input, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_stream_interleaved);
	tcase_add_test(tc, test_stream_large);
	tcase_add_test(tc, test_stream_write_checks);
	tcase_add_loop_test(tc, test_stream_syntax, 0,
	    (int)(sizeof(stream_syntax) / sizeof(stream_syntax[0])));
	suite_add_tcase(s, tc);
	return check_main(s);
}
