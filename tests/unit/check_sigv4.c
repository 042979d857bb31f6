/*
 * SigV4 against the AWS test suites (tests/data/sigv4, see its README.md):
 * the classic suite (.creq .sts .authz .sreq), the AWS CRT suite's v4 cases
 * in both header and presigned-query form, and smithy-rs's two double-encoding
 * cases; plus unit tests of each stage and of the URI helpers.
 *
 * One test runs every suite case and prints a single summary line
 *   sigv4-suite: N passed, M skipped, K failed
 * with the skipped cases and their reasons listed above it.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/uri.h"
#include "util/buf.h"
#include "util/err.h"

#include "checkmain.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_TIME 1440938160	/* 2015-08-30T12:36:00Z */

/* ---- reading the suite's files ---------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct buf b;
	char tmp[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	buf_init(&b, 16u << 20);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		if (buf_append(&b, tmp, n) != 0)
			break;
	fclose(fp);
	if (len != NULL)
		*len = b.len;
	return buf_steal(&b);
}

static char *
data_path(const char *rel)
{
	const char *top = getenv("top_srcdir");
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s/tests/data/sigv4/%s", top != NULL ? top : ".", rel);
	return buf_steal(&b);
}

#define MAXH 80

/* An HTTP request as the suite writes it: "METHOD TARGET HTTP/1.1", header
 * lines "Name:value" (a line starting with whitespace continues the value
 * before it), an empty line, a body. */
struct hreq {
	char *text;
	char *method;
	char *path;
	char *query;			/* NULL when none */
	char *names[MAXH];
	char *values[MAXH];		/* owned copies (continuations joined) */
	size_t n;
	char *body;
	size_t body_len;
};

static void
hreq_free(struct hreq *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->values[i]);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

static int
hreq_parse(char *text, size_t len, struct hreq *r)
{
	char *line, *next, *end = text + len, *sp, *http;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->text = text;
	/* request line */
	next = memchr(text, '\n', len);
	if (next == NULL)
		next = end;
	*next = '\0';
	line = text;
	sp = strchr(line, ' ');
	if (sp == NULL)
		return -1;
	*sp = '\0';
	r->method = line;
	r->path = sp + 1;
	/* the target may hold spaces (get-space): it ends at the last " HTTP/" */
	http = strstr(r->path, " HTTP/");
	while (http != NULL && strstr(http + 1, " HTTP/") != NULL)
		http = strstr(http + 1, " HTTP/");
	if (http != NULL)
		*http = '\0';
	if ((sp = strchr(r->path, '?')) != NULL) {
		*sp = '\0';
		r->query = sp + 1;
	}
	/* headers */
	line = next < end ? next + 1 : end;
	while (line < end) {
		char *colon;

		next = memchr(line, '\n', (size_t)(end - line));
		if (next == NULL)
			next = end;
		*next = '\0';
		if (*line == '\0') {		/* empty line: the body follows */
			line = next < end ? next + 1 : end;
			break;
		}
		if ((*line == ' ' || *line == '\t') && r->n > 0) {
			char *v = r->values[r->n - 1];
			size_t vl = strlen(v), ll = strlen(line);
			char *nv = realloc(v, vl + ll + 2);

			if (nv == NULL)
				return -1;
			nv[vl] = '\n';
			memcpy(nv + vl + 1, line, ll + 1);
			r->values[r->n - 1] = nv;
		} else {
			if (r->n >= MAXH || (colon = strchr(line, ':')) == NULL)
				return -1;
			*colon = '\0';
			r->names[r->n] = line;
			r->values[r->n] = strdup(colon + 1);
			r->n++;
		}
		line = next < end ? next + 1 : end;
	}
	r->body = line < end ? line : NULL;
	r->body_len = line < end ? (size_t)(end - line) : 0;
	for (i = 0; i < r->n; i++)
		if (r->values[i] == NULL)
			return -1;
	return 0;
}

static int
hreq_load(const char *path, struct hreq *r)
{
	size_t len;
	char *t = slurp(path, &len);

	if (t == NULL)
		return -1;
	return hreq_parse(t, len, r);
}

/* ---- comparing signed requests --------------------------------------- */

struct hline {
	char name[128];
	char value[4096];
};

static int
hline_cmp(const void *a, const void *b)
{
	const struct hline *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : strcmp(x->value, y->value);
}

static void
trim_copy(char *dst, size_t cap, const char *src)
{
	size_t n;

	while (*src == ' ' || *src == '\t')
		src++;
	snprintf(dst, cap, "%s", src);
	n = strlen(dst);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\r'))
		dst[--n] = '\0';
}

/* Header order is not significant in HTTP, and the suites differ in where
 * they put the added headers, so requests are compared as method, path,
 * query parameters (as a set), headers (as a set) and body. */
static void
canon_lines(const char *const *names, const char *const *values, size_t n,
    struct hline *out)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; names[i][j] != '\0' && j + 1 < sizeof(out[i].name); j++)
			out[i].name[j] = (char)((names[i][j] >= 'A' && names[i][j] <= 'Z') ?
			    names[i][j] - 'A' + 'a' : names[i][j]);
		out[i].name[j] = '\0';
		trim_copy(out[i].value, sizeof(out[i].value), values[i]);
	}
	qsort(out, n, sizeof(out[0]), hline_cmp);
}

static int
split_query(const char *q, char out[][512], size_t max)
{
	size_t n = 0;
	const char *s = q != NULL ? q : "";

	while (*s != '\0' && n < max) {
		const char *amp = strchr(s, '&');
		size_t l = amp != NULL ? (size_t)(amp - s) : strlen(s);

		struct buf d;

		/* A URL may carry a parameter raw or escaped: compare decoded. */
		buf_init(&d, 511);
		if (uri_decode(&d, s, l, NULL) == 0)
			snprintf(out[n++], 512, "%s", buf_cstr(&d));
		else
			snprintf(out[n++], 512, "%.*s", (int)l, s);
		buf_free(&d);
		s += l + (amp != NULL ? 1 : 0);
	}
	return (int)n;
}

static int
qcmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool
same_query(const char *a, const char *b)
{
	static char qa[64][512], qb[64][512];
	int na = split_query(a, qa, 64), nb = split_query(b, qb, 64), i;

	if (na != nb)
		return false;
	qsort(qa, (size_t)na, 512, qcmp);
	qsort(qb, (size_t)nb, 512, qcmp);
	for (i = 0; i < na; i++)
		if (strcmp(qa[i], qb[i]) != 0)
			return false;
	return true;
}

/* Does (req + added headers, with query q) equal the expected request? */
static bool
same_request(const struct hreq *req, const char *q, const struct sigv4_signed *added,
    const struct hreq *want, char *why, size_t whylen)
{
	const char *names[MAXH + 4], *values[MAXH + 4];
	static struct hline a[MAXH + 4], b[MAXH + 4];
	size_t n = 0, i;

	if (strcmp(req->method, want->method) != 0 || strcmp(req->path, want->path) != 0) {
		snprintf(why, whylen, "request line differs");
		return false;
	}
	if (!same_query(q, want->query)) {
		snprintf(why, whylen, "query differs: got %s, want %s", q != NULL ? q : "",
		    want->query != NULL ? want->query : "");
		return false;
	}
	for (i = 0; i < req->n; i++) {
		names[n] = req->names[i];
		values[n++] = req->values[i];
	}
	for (i = 0; added != NULL && i < added->n; i++) {
		names[n] = added->h[i].name;
		values[n++] = added->h[i].value;
	}
	if (n != want->n) {
		snprintf(why, whylen, "%zu headers, want %zu", n, want->n);
		return false;
	}
	canon_lines(names, values, n, a);
	canon_lines((const char *const *)want->names, (const char *const *)want->values, n, b);
	for (i = 0; i < n; i++) {
		if (strcmp(a[i].name, b[i].name) != 0 || strcmp(a[i].value, b[i].value) != 0) {
			snprintf(why, whylen, "header %s: got '%.200s', want %s: '%.200s'",
			    a[i].name, a[i].value, b[i].name, b[i].value);
			return false;
		}
	}
	if (req->body_len != want->body_len ||
	    (req->body_len > 0 && memcmp(req->body, want->body, req->body_len) != 0)) {
		snprintf(why, whylen, "body differs");
		return false;
	}
	return true;
}

/* ---- the runner -------------------------------------------------------- */

struct tally {
	int passed, skipped, failed;
};

static void
to_sigv4(const struct hreq *r, struct sigv4_header *h, struct sigv4_request *sr)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		h[i].name = r->names[i];
		h[i].value = r->values[i];
	}
	sr->method = r->method;
	sr->path = r->path;
	sr->query = r->query;
	sr->headers = h;
	sr->nheaders = r->n;
	sr->body = r->body;
	sr->body_len = r->body_len;
}

/* Compare got with the file's contents; a missing file is a failure. */
static bool
check_file(const char *dir, const char *file, const char *got, const char *what,
    const char *cname)
{
	char path[1024];
	char *want;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	want = slurp(path, NULL);
	if (want == NULL) {
		printf("FAIL %s: cannot read %s\n", cname, path);
		return false;
	}
	ok = strcmp(got, want) == 0;
	if (!ok)
		printf("FAIL %s: %s\n--- got\n%s\n--- want\n%s\n", cname, what, got, want);
	free(want);
	return ok;
}

/* Trailing newline as some expected files have one. */
static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static bool
check_file_chomped(const char *dir, const char *file, const char *got, const char *what,
    const char *cname)
{
	char path[1024];
	char *want;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	want = slurp(path, NULL);
	if (want == NULL) {
		printf("FAIL %s: cannot read %s\n", cname, path);
		return false;
	}
	chomp(want);
	ok = strcmp(got, want) == 0;
	if (!ok)
		printf("FAIL %s: %s\n--- got\n%s\n--- want\n%s\n", cname, what, got, want);
	free(want);
	return ok;
}

/* Canonical request, string to sign and signature for one request. */
static bool
run_stages(const struct sigv4_request *sr, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, long presign, struct sigv4_canon *c, struct buf *sts,
    char sig[65], const char *cname)
{
	struct err e;
	unsigned char key[32];
	char date8[9];

	if (sigv4_canonical_request(sr, cred, p, presign, c, &e) != 0) {
		printf("FAIL %s: %s\n", cname, e.msg);
		return false;
	}
	if (sigv4_string_to_sign(c->amz_date, p->region, p->service, buf_cstr(&c->creq),
	        c->creq.len, sts, &e) != 0) {
		printf("FAIL %s: %s\n", cname, e.msg);
		return false;
	}
	memcpy(date8, c->amz_date, 8);
	date8[8] = '\0';
	if (sigv4_signing_key(cred->secret_access_key, date8, p->region, p->service, key, &e) != 0 ||
	    sigv4_signature_hex(key, buf_cstr(sts), sts->len, sig, &e) != 0) {
		printf("FAIL %s: %s\n", cname, e.msg);
		return false;
	}
	return true;
}

/* The classic suite: NAME/NAME.{req,creq,sts,authz,sreq}. */
static void
run_classic_case(const char *dir, const char *name, struct tally *t)
{
	char path[1024], cname[256], why[600];
	struct hreq r, want;
	struct sigv4_header h[MAXH];
	struct sigv4_request sr;
	struct sigv4_credentials cred = { AKID, SECRET, NULL };
	struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, 0 };
	struct sigv4_canon c;
	struct sigv4_signed s = { 0 };
	struct buf sts;
	struct err e;
	char sig[65], *token = NULL;
	bool ok = true;

	snprintf(cname, sizeof(cname), "aws4_testsuite/%s", name);
	snprintf(path, sizeof(path), "%s/%s.req", dir, name);
	if (hreq_load(path, &r) != 0) {
		printf("FAIL %s: cannot parse %s\n", cname, path);
		t->failed++;
		return;
	}
	if (strcmp(name, "get-vanilla-with-session-token") == 0)
		cred.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
	if (strncmp(name, "post-sts-header-", 16) == 0) {
		char *rp = data_path("aws4_testsuite/post-sts-token/readme.txt");
		char *readme = slurp(rp, NULL), *tk;

		free(rp);
		tk = readme != NULL ? strstr(readme, "AQoD") : NULL;
		token = tk != NULL ? strdup(tk) : NULL;
		free(readme);
		if (token != NULL)
			chomp(token);
		cred.session_token = token;
		if (strcmp(name, "post-sts-header-after") == 0)
			p.flags |= SIGV4_OMIT_SESSION_TOKEN;
	}
	to_sigv4(&r, h, &sr);
	sigv4_canon_init(&c);
	buf_init(&sts, 1 << 16);
	ok = run_stages(&sr, &cred, &p, 0, &c, &sts, sig, cname);
	snprintf(path, sizeof(path), "%s.creq", name);
	ok = ok && check_file(dir, path, buf_cstr(&c.creq), "canonical request", cname);
	snprintf(path, sizeof(path), "%s.sts", name);
	ok = ok && check_file(dir, path, buf_cstr(&sts), "string to sign", cname);
	if (ok && sigv4_sign(&sr, &cred, &p, &s, &e) != 0) {
		printf("FAIL %s: %s\n", cname, e.msg);
		ok = false;
	}
	snprintf(path, sizeof(path), "%s.authz", name);
	ok = ok && check_file(dir, path, sigv4_signed_get(&s, "Authorization"),
	    "Authorization", cname);
	if (ok && strcmp(name, "get-vanilla-with-session-token") == 0) {
		/* Upstream defect (tests/data/sigv4/README.md): this .sreq carries
		 * get-vanilla's signature; the .authz above is the right one. */
		printf("skip %s.sreq: upstream file has get-vanilla's signature (known defect)\n",
		    cname);
		/* The case's other files passed; this one comparison is skipped. */
		t->skipped++;
	} else if (ok) {
		snprintf(path, sizeof(path), "%s/%s.sreq", dir, name);
		if (hreq_load(path, &want) != 0) {
			printf("FAIL %s: cannot parse %s\n", cname, path);
			ok = false;
		} else {
			if (!same_request(&r, r.query, &s, &want, why, sizeof(why))) {
				printf("FAIL %s: signed request: %s\n", cname, why);
				ok = false;
			}
			hreq_free(&want);
		}
	}
	if (ok)
		t->passed++;
	else
		t->failed++;
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	buf_free(&sts);
	hreq_free(&r);
	free(token);
}

static void
run_classic_dir(const char *rel, struct tally *t)
{
	char *dir = data_path(rel);
	struct dirent **ents;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n > 0, "cannot read %s", dir);
	for (i = 0; i < n; i++) {
		char sub[1024], req[1200];
		FILE *fp;

		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", dir, ents[i]->d_name);
			snprintf(req, sizeof(req), "%s/%s.req", sub, ents[i]->d_name);
			if ((fp = fopen(req, "r")) != NULL) {
				fclose(fp);
				run_classic_case(sub, ents[i]->d_name, t);
			} else if (strcmp(ents[i]->d_name, "normalize-path") == 0 ||
			    strcmp(ents[i]->d_name, "post-sts-token") == 0) {
				char r2[512];

				snprintf(r2, sizeof(r2), "%s/%s", rel, ents[i]->d_name);
				run_classic_dir(r2, t);
			}
		}
		free(ents[i]);
	}
	free(ents);
	free(dir);
}

static time_t
parse_iso(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

/* The CRT suite: context.json, request.txt, header-* and query-* files. */
static void
run_crt_case(const char *dir, const char *name, struct tally *t)
{
	char path[1024], cname[256], why[600];
	char *ctxtext, *q = NULL;
	cJSON *ctx = NULL, *creds, *item;
	struct hreq r, want;
	struct sigv4_header h[MAXH];
	struct sigv4_request sr;
	struct sigv4_credentials cred = { NULL, NULL, NULL };
	struct sigv4_params p = { NULL, NULL, 0, 0 };
	struct sigv4_canon c, cq;
	struct sigv4_signed s = { 0 };
	struct buf sts, stsq, pq;
	struct err e;
	char sig[65], sigq[65];
	long expires = 3600;
	bool ok;

	snprintf(cname, sizeof(cname), "aws-signing-test-suite/v4/%s", name);
	snprintf(path, sizeof(path), "%s/context.json", dir);
	ctxtext = slurp(path, NULL);
	ctx = ctxtext != NULL ? cJSON_Parse(ctxtext) : NULL;
	free(ctxtext);
	snprintf(path, sizeof(path), "%s/request.txt", dir);
	if (ctx == NULL || hreq_load(path, &r) != 0) {
		printf("FAIL %s: cannot read the case\n", cname);
		cJSON_Delete(ctx);
		t->failed++;
		return;
	}
	creds = cJSON_GetObjectItem(ctx, "credentials");
	cred.access_key_id = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "access_key_id"));
	cred.secret_access_key = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "secret_access_key"));
	cred.session_token = cJSON_GetStringValue(cJSON_GetObjectItem(creds, "token"));
	p.region = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "region"));
	p.service = cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "service"));
	p.when = parse_iso(cJSON_GetStringValue(cJSON_GetObjectItem(ctx, "timestamp")));
	if (cJSON_IsFalse(cJSON_GetObjectItem(ctx, "normalize")))
		p.flags |= SIGV4_NO_NORMALIZE_PATH;
	if (cJSON_IsTrue(cJSON_GetObjectItem(ctx, "sign_body")))
		p.flags |= SIGV4_SIGN_BODY;
	if (cJSON_IsTrue(cJSON_GetObjectItem(ctx, "omit_session_token")))
		p.flags |= SIGV4_OMIT_SESSION_TOKEN;
	if ((item = cJSON_GetObjectItem(ctx, "expiration_in_seconds")) != NULL && cJSON_IsNumber(item))
		expires = (long)item->valuedouble;

	to_sigv4(&r, h, &sr);
	sigv4_canon_init(&c);
	sigv4_canon_init(&cq);
	buf_init(&sts, 1 << 16);
	buf_init(&stsq, 1 << 16);
	buf_init(&pq, 1 << 16);

	/* header signing */
	ok = run_stages(&sr, &cred, &p, 0, &c, &sts, sig, cname);
	ok = ok && check_file(dir, "header-canonical-request.txt", buf_cstr(&c.creq),
	    "header canonical request", cname);
	ok = ok && check_file(dir, "header-string-to-sign.txt", buf_cstr(&sts),
	    "header string to sign", cname);
	ok = ok && check_file(dir, "header-signature.txt", sig, "header signature", cname);
	if (ok && sigv4_sign(&sr, &cred, &p, &s, &e) != 0) {
		printf("FAIL %s: %s\n", cname, e.msg);
		ok = false;
	}
	if (ok) {
		snprintf(path, sizeof(path), "%s/header-signed-request.txt", dir);
		if (hreq_load(path, &want) != 0) {
			printf("FAIL %s: cannot parse %s\n", cname, path);
			ok = false;
		} else {
			if (!same_request(&r, r.query, &s, &want, why, sizeof(why))) {
				printf("FAIL %s: header signed request: %s\n", cname, why);
				ok = false;
			}
			hreq_free(&want);
		}
	}

	/* presigned URL */
	ok = ok && run_stages(&sr, &cred, &p, expires, &cq, &stsq, sigq, cname);
	ok = ok && check_file(dir, "query-canonical-request.txt", buf_cstr(&cq.creq),
	    "query canonical request", cname);
	ok = ok && check_file(dir, "query-string-to-sign.txt", buf_cstr(&stsq),
	    "query string to sign", cname);
	ok = ok && check_file(dir, "query-signature.txt", sigq, "query signature", cname);
	if (ok && sigv4_presign(&sr, &cred, &p, expires, &pq, &e) != 0) {
		printf("FAIL %s: presign: %s\n", cname, e.msg);
		ok = false;
	}
	if (ok) {
		snprintf(path, sizeof(path), "%s/query-signed-request.txt", dir);
		if (hreq_load(path, &want) != 0) {
			printf("FAIL %s: cannot parse %s\n", cname, path);
			ok = false;
		} else {
			struct sigv4_signed extra = { 0 };

			/* an omitted token is sent after signing, as a parameter */
			q = strdup(buf_cstr(&pq));
			if (q != NULL && cred.session_token != NULL &&
			    (p.flags & SIGV4_OMIT_SESSION_TOKEN)) {
				struct buf b = BUF_INIT;

				buf_puts(&b, q);
				buf_puts(&b, "&X-Amz-Security-Token=");
				uri_encode(&b, cred.session_token, strlen(cred.session_token), false);
				free(q);
				q = buf_steal(&b);
			}
			if (!same_request(&r, q, &extra, &want, why, sizeof(why))) {
				printf("FAIL %s: query signed request: %s\n", cname, why);
				ok = false;
			}
			hreq_free(&want);
		}
	}
	if (ok)
		t->passed++;
	else
		t->failed++;
	free(q);
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	sigv4_canon_free(&cq);
	buf_free(&sts);
	buf_free(&stsq);
	buf_free(&pq);
	hreq_free(&r);
	cJSON_Delete(ctx);
}

static void
run_crt_suite(struct tally *t)
{
	char *dir = data_path("aws-signing-test-suite/v4");
	char *list = data_path("aws-signing-test-suite/v4a-cases.txt");
	char *names;
	struct dirent **ents;
	int n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n > 0, "cannot read %s", dir);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char sub[1024];

			snprintf(sub, sizeof(sub), "%s/%s", dir, ents[i]->d_name);
			run_crt_case(sub, ents[i]->d_name, t);
		}
		free(ents[i]);
	}
	free(ents);
	/* SigV4a is ECDSA P-256 signing, which passrole-auditd does not use. */
	names = slurp(list, NULL);
	ck_assert_msg(names != NULL, "cannot read %s", list);
	for (char *l = strtok(names, "\n"); l != NULL; l = strtok(NULL, "\n")) {
		printf("skip aws-signing-test-suite/v4a/%s: SigV4a (ECDSA) is not used\n", l);
		t->skipped++;
	}
	free(names);
	free(list);
	free(dir);
}

/* smithy-rs's double-encoding cases; parameters from tests/data/sigv4/README.md. */
static void
run_smithy_extra(struct tally *t)
{
	char *dir = data_path("smithy-rs-extra/double-encode-path");
	char path[1024], why[600];
	struct hreq r, want;
	struct sigv4_header h[MAXH];
	struct sigv4_request sr;
	struct sigv4_credentials cred = { "ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", NULL };
	struct sigv4_params p = { "us-east-1", "service", 0, 0 };
	struct sigv4_canon c;
	struct sigv4_signed s = { 0 };
	struct buf sts;
	struct err e;
	char sig[65];
	bool ok;

	/* double-encode-path: the canonical request was made at another time
	 * than the request's own X-amz-date, so sign it without that header. */
	snprintf(path, sizeof(path), "%s/request.txt", dir);
	ck_assert(hreq_load(path, &r) == 0);
	to_sigv4(&r, h, &sr);
	sr.nheaders = 0;
	for (size_t i = 0; i < r.n; i++)
		if (strcasecmp(r.names[i], "x-amz-date") != 0)
			h[sr.nheaders++] = (struct sigv4_header){ r.names[i], r.values[i] };
	p.when = parse_iso("2021-05-11T15:40:45Z");
	sigv4_canon_init(&c);
	buf_init(&sts, 1 << 16);
	ok = run_stages(&sr, &cred, &p, 0, &c, &sts, sig, "smithy-rs-extra/double-encode-path");
	ok = ok && check_file(dir, "header-canonical-request.txt", buf_cstr(&c.creq),
	    "canonical request", "smithy-rs-extra/double-encode-path");
	to_sigv4(&r, h, &sr);
	p.when = SUITE_TIME;
	if (ok && sigv4_sign(&sr, &cred, &p, &s, &e) != 0) {
		printf("FAIL double-encode-path: %s\n", e.msg);
		ok = false;
	}
	if (ok) {
		snprintf(path, sizeof(path), "%s/header-signed-request.txt", dir);
		ck_assert(hreq_load(path, &want) == 0);
		if (!same_request(&r, r.query, &s, &want, why, sizeof(why))) {
			printf("FAIL smithy-rs-extra/double-encode-path: signed request: %s\n", why);
			ok = false;
		}
		hreq_free(&want);
	}
	ok ? t->passed++ : t->failed++;
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	buf_free(&sts);
	hreq_free(&r);
	free(dir);

	/* double-url-encode: a Lambda path with %3A that must become %253A. */
	dir = data_path("smithy-rs-extra/double-url-encode");
	snprintf(path, sizeof(path), "%s/request.txt", dir);
	ck_assert(hreq_load(path, &r) == 0);
	to_sigv4(&r, h, &sr);
	cred = (struct sigv4_credentials){ AKID, SECRET, NULL };
	p = (struct sigv4_params){ "us-east-2", "lambda", parse_iso("2021-05-11T15:40:45Z"), 0 };
	sigv4_canon_init(&c);
	buf_init(&sts, 1 << 16);
	memset(&s, 0, sizeof(s));
	ok = run_stages(&sr, &cred, &p, 0, &c, &sts, sig, "smithy-rs-extra/double-url-encode");
	ok = ok && check_file(dir, "header-canonical-request.txt", buf_cstr(&c.creq),
	    "canonical request", "smithy-rs-extra/double-url-encode");
	ok = ok && check_file_chomped(dir, "header-string-to-sign.txt", buf_cstr(&sts),
	    "string to sign", "smithy-rs-extra/double-url-encode");
	if (ok && sigv4_sign(&sr, &cred, &p, &s, &e) != 0) {
		printf("FAIL double-url-encode: %s\n", e.msg);
		ok = false;
	}
	if (ok) {
		snprintf(path, sizeof(path), "%s/header-signed-request.txt", dir);
		ck_assert(hreq_load(path, &want) == 0);
		if (!same_request(&r, r.query, &s, &want, why, sizeof(why))) {
			printf("FAIL smithy-rs-extra/double-url-encode: signed request: %s\n", why);
			ok = false;
		}
		hreq_free(&want);
	}
	ok ? t->passed++ : t->failed++;
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	buf_free(&sts);
	hreq_free(&r);
	free(dir);
}

START_TEST(test_aws_suites)
{
	struct tally t = { 0, 0, 0 };

	run_classic_dir("aws4_testsuite", &t);
	run_crt_suite(&t);
	run_smithy_extra(&t);
	printf("sigv4-suite: %d passed, %d skipped, %d failed\n", t.passed, t.skipped, t.failed);
	fflush(stdout);
	/* 34 classic (24 + 8 normalize-path + 2 post-sts-token) + 38 CRT v4 +
	 * 2 smithy-rs cases; skipped: 40 SigV4a cases and one defective .sreq.
	 * Exact counts, so that a case lost from the data cannot pass unseen. */
	ck_assert_int_eq(t.failed, 0);
	ck_assert_int_eq(t.passed, 74);
	ck_assert_int_eq(t.skipped, 41);
}
END_TEST

/* ---- stage and edge-case unit tests ----------------------------------- */

START_TEST(test_signing_key_doc_example)
{
	/* AWS General Reference, "Examples of how to derive a signing key". */
	unsigned char key[32];
	char hex[65];
	struct err e;
	static const char want[] =
	    "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";

	ck_assert_int_eq(sigv4_signing_key(SECRET, "20120215", "us-east-1", "iam", key, &e), 0);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", key[i]);
	ck_assert_str_eq(hex, want);
	ck_assert_int_eq(sigv4_signing_key("", "20120215", "us-east-1", "iam", key, &e), -1);
}
END_TEST

static int
sign_simple(const char *path, const char *query, const struct sigv4_header *h, size_t nh,
    const char *token, unsigned flags, struct sigv4_canon *c, struct sigv4_signed *s,
    struct err *e)
{
	struct sigv4_request r = { "POST", path, query, h, nh, "Action=GetCallerIdentity&Version=2011-06-15", 43 };
	struct sigv4_credentials cred = { AKID, SECRET, token };
	struct sigv4_params p = { "us-east-1", "sts", SUITE_TIME, flags };

	if (c != NULL && sigv4_canonical_request(&r, &cred, &p, 0, c, e) != 0)
		return -1;
	return s != NULL ? sigv4_sign(&r, &cred, &p, s, e) : 0;
}

START_TEST(test_sign_adds_headers_in_order)
{
	struct sigv4_header h[] = { { "Host", "sts.amazonaws.com" },
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" } };
	struct sigv4_signed s = { 0 };
	struct sigv4_canon c;
	struct err e;

	sigv4_canon_init(&c);
	ck_assert_int_eq(sign_simple("/", NULL, h, 2, "tok+en/=", SIGV4_SIGN_BODY, &c, &s, &e), 0);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.h[0].name, "X-Amz-Date");
	ck_assert_str_eq(s.h[0].value, "20150830T123600Z");
	ck_assert_str_eq(s.h[1].name, "X-Amz-Security-Token");
	ck_assert_str_eq(s.h[1].value, "tok+en/=");
	ck_assert_str_eq(s.h[2].name, "X-Amz-Content-Sha256");
	ck_assert_str_eq(s.h[3].name, "Authorization");
	ck_assert_str_eq(buf_cstr(&c.signed_headers),
	    "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	ck_assert_ptr_nonnull(strstr(buf_cstr(&c.creq), "\nx-amz-security-token:tok+en/=\n"));
	ck_assert_ptr_nonnull(strstr(sigv4_signed_get(&s, "authorization"),
	    "Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders="));
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
}
END_TEST

START_TEST(test_sign_refuses_bad_requests)
{
	struct sigv4_header nohost[] = { { "Content-Type", "x" } };
	struct sigv4_header badname[] = { { "Host", "h" }, { "Bad Name", "x" } };
	struct sigv4_header baddate[] = { { "Host", "h" }, { "X-Amz-Date", "2015-08-30" } };
	struct sigv4_header many[SIGV4_MAX_HEADERS + 1];
	char names[SIGV4_MAX_HEADERS + 1][16];
	struct sigv4_signed s = { 0 };
	struct err e;

	ck_assert_int_eq(sign_simple("/", NULL, nohost, 1, NULL, 0, NULL, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "Host"));
	ck_assert_int_eq(sign_simple("/", NULL, badname, 2, NULL, 0, NULL, &s, &e), -1);
	ck_assert_int_eq(sign_simple("/", NULL, baddate, 2, NULL, 0, NULL, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "X-Amz-Date"));
	for (int i = 0; i <= SIGV4_MAX_HEADERS; i++) {
		snprintf(names[i], sizeof(names[i]), "h%d", i);
		many[i] = (struct sigv4_header){ names[i], "v" };
	}
	many[0].name = "Host";
	ck_assert_int_eq(sign_simple("/", NULL, many, SIGV4_MAX_HEADERS + 1, NULL, 0, NULL, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "headers"));
	sigv4_signed_free(&s);
}
END_TEST

START_TEST(test_query_canonicalisation)
{
	struct sigv4_header h[] = { { "Host", "example.amazonaws.com" } };
	struct sigv4_canon c;
	struct err e;

	sigv4_canon_init(&c);
	/* decoded, re-encoded, sorted by name then value; bare key gets '=';
	 * empty segments dropped; '+' is a literal plus, not a space */
	ck_assert_int_eq(sign_simple("/", "b=2&a=z&&a=y&c&d=%7e&e=a+b&f=%zz", h, 1, NULL, 0, &c, NULL, &e), 0);
	ck_assert_str_eq(buf_cstr(&c.query), "a=y&a=z&b=2&c=&d=~&e=a%2Bb&f=%25zz");
	sigv4_canon_free(&c);
}
END_TEST

START_TEST(test_path_normalisation)
{
	static const struct {
		const char *in, *norm, *raw;
	} cases[] = {
		{ "", "/", "/" },
		{ "/", "/", "/" },
		{ "//a//b//", "/a/b/", "//a//b//" },
		{ "/a/./b/../c", "/a/c", "/a/./b/../c" },
		{ "/a/..", "/", "/a/.." },
		{ "/../..", "/", "/../.." },
		{ "/a/b/.", "/a/b/", "/a/b/." },
		{ "/x y/%41", "/x%20y/%2541", "/x%20y/%2541" },
	};
	struct sigv4_header h[] = { { "Host", "example.amazonaws.com" } };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sigv4_canon c;
		struct err e;
		char want[256];

		sigv4_canon_init(&c);
		ck_assert_int_eq(sign_simple(cases[i].in, NULL, h, 1, NULL, 0, &c, NULL, &e), 0);
		snprintf(want, sizeof(want), "POST\n%s\n", cases[i].norm);
		ck_assert_msg(strncmp(buf_cstr(&c.creq), want, strlen(want)) == 0,
		    "%s: got %s", cases[i].in, buf_cstr(&c.creq));
		sigv4_canon_free(&c);
		sigv4_canon_init(&c);
		ck_assert_int_eq(sign_simple(cases[i].in, NULL, h, 1, NULL, SIGV4_NO_NORMALIZE_PATH,
		    &c, NULL, &e), 0);
		snprintf(want, sizeof(want), "POST\n%s\n", cases[i].raw);
		ck_assert_msg(strncmp(buf_cstr(&c.creq), want, strlen(want)) == 0,
		    "%s (raw): got %s", cases[i].in, buf_cstr(&c.creq));
		sigv4_canon_free(&c);
	}
	{
		/* S3 style: one encoding of the decoded path */
		struct sigv4_canon c;
		struct err e;

		sigv4_canon_init(&c);
		ck_assert_int_eq(sign_simple("/a%3Ab", NULL, h, 1, NULL, SIGV4_SINGLE_ENCODE_PATH,
		    &c, NULL, &e), 0);
		ck_assert(strncmp(buf_cstr(&c.creq), "POST\n/a%3Ab\n", 12) == 0);
		sigv4_canon_free(&c);
	}
}
END_TEST

START_TEST(test_presign_expiry_bounds)
{
	struct sigv4_header h[] = { { "Host", "example.amazonaws.com" } };
	struct sigv4_request r = { "GET", "/", NULL, h, 1, NULL, 0 };
	struct sigv4_credentials cred = { AKID, SECRET, NULL };
	struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, 0 };
	struct buf out = BUF_INIT;
	struct err e;

	ck_assert_int_eq(sigv4_presign(&r, &cred, &p, 0, &out, &e), -1);
	ck_assert_int_eq(sigv4_presign(&r, &cred, &p, 604801, &out, &e), -1);
	ck_assert_int_eq(sigv4_presign(&r, &cred, &p, 3600, &out, &e), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&out), "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"));
	buf_free(&out);
}
END_TEST

START_TEST(test_uri_encode_decode)
{
	struct buf b = BUF_INIT;
	struct err e;

	ck_assert_int_eq(uri_encode(&b, "aZ09-._~ /+*%\xc3\xa9", 15, false), 0);
	ck_assert_str_eq(buf_cstr(&b), "aZ09-._~%20%2F%2B%2A%25%C3%A9");
	buf_reset(&b);
	ck_assert_int_eq(uri_encode(&b, "/a b/", 5, true), 0);
	ck_assert_str_eq(buf_cstr(&b), "/a%20b/");
	buf_reset(&b);
	ck_assert_int_eq(uri_decode(&b, "%7B%22a%22%3A1%7D+x%2b", 22, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"a\":1}+x+");
	buf_reset(&b);
	ck_assert_int_eq(uri_decode(&b, "ab%2", 4, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "offset 2"));
	ck_assert_int_eq(uri_decode(&b, "%g1", 3, &e), -1);
	ck_assert_int_eq(uri_decode(&b, "%", 1, &e), -1);
	ck_assert(uri_has_escape("a%20b", 5));
	ck_assert(!uri_has_escape("100%", 4));
	ck_assert(!uri_has_escape("%zz", 3));
	buf_free(&b);
	/* bounded output */
	buf_init(&b, 4);
	ck_assert_int_eq(uri_encode(&b, "   ", 3, false), -1);
	ck_assert_int_eq(uri_decode(&b, "abcdef", 6, &e), -1);
	buf_free(&b);
}
END_TEST

#define ck_assert_prefix(got, want) \
	ck_assert_msg(strncmp((got), (want), strlen(want)) == 0, "got %s, want prefix %s", (got), (want))

/* Canonical form of one GET with the given path and query, or NULL with e set. */
static char *
creq_of(const char *path, const char *query, unsigned flags, struct err *e)
{
	struct sigv4_header h[] = { { "Host", "example.amazonaws.com" } };
	struct sigv4_request r = { "GET", path, query, h, 1, NULL, 0 };
	struct sigv4_credentials cred = { AKID, SECRET, NULL };
	struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, flags };
	struct sigv4_canon c;
	char *out = NULL;

	sigv4_canon_init(&c);
	if (sigv4_canonical_request(&r, &cred, &p, 0, &c, e) == 0)
		out = strdup(buf_cstr(&c.creq));
	sigv4_canon_free(&c);
	return out;
}

START_TEST(test_utf8_and_empty_keys)
{
	struct err e;
	char *c;

	/* UTF-8 bytes are encoded byte by byte, upper-case hex, in path and query */
	c = creq_of("/\xc3\xa9t\xc3\xa9/\xe2\x82\xac", "k=\xe2\x82\xac&\xc3\xa9=1", 0, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_prefix(c, "GET\n/%C3%A9t%C3%A9/%E2%82%AC\n%C3%A9=1&k=%E2%82%AC\n");
	free(c);
	/* an empty key sorts first and keeps its '='; a bare key gets one */
	c = creq_of("/", "b&=v&a=", 0, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_prefix(c, "GET\n/\n=v&a=&b=\n");
	free(c);
	/* escaped and raw spellings of the same parameter sign the same */
	c = creq_of("/", "a%20b=%7E%2f", 0, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_prefix(c, "GET\n/\na%20b=~%2F\n");
	free(c);
}
END_TEST

START_TEST(test_session_token_signed_or_omitted)
{
	struct sigv4_header h[] = { { "Host", "sts.amazonaws.com" } };
	struct sigv4_signed s = { 0 };
	struct sigv4_canon c;
	struct err e;

	/* signed: in the canonical headers and the signed list */
	sigv4_canon_init(&c);
	ck_assert_int_eq(sign_simple("/", NULL, h, 1, "TOKEN%2F+/=", 0, &c, &s, &e), 0);
	ck_assert_ptr_nonnull(strstr(sigv4_signed_get(&s, "Authorization"),
	    "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
	ck_assert_str_eq(sigv4_signed_get(&s, "X-Amz-Security-Token"), "TOKEN%2F+/=");
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	/* omitted: still returned for the caller to send, but not signed */
	sigv4_canon_init(&c);
	ck_assert_int_eq(sign_simple("/", NULL, h, 1, "TOKEN", SIGV4_OMIT_SESSION_TOKEN, &c, &s,
	    &e), 0);
	ck_assert_ptr_nonnull(strstr(sigv4_signed_get(&s, "Authorization"),
	    "SignedHeaders=host;x-amz-date,"));
	ck_assert_str_eq(sigv4_signed_get(&s, "X-Amz-Security-Token"), "TOKEN");
	ck_assert_ptr_null(strstr(buf_cstr(&c.creq), "TOKEN"));
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	/* a token that would split the header it goes into is refused */
	ck_assert_int_eq(sign_simple("/", NULL, h, 1, "abc\r\nX-Evil: 1", 0, NULL, &s, &e), -1);
	ck_assert_ptr_null(strstr(e.msg, "abc"));
	ck_assert_int_eq(sign_simple("/", NULL, h, 1, "", 0, NULL, &s, &e), -1);
	sigv4_signed_free(&s);
}
END_TEST

START_TEST(test_hostile_requests)
{
	struct sigv4_header nullname[] = { { "Host", "h" }, { NULL, "x" } };
	struct sigv4_header nullvalue[] = { { "Host", "h" }, { "X-A", NULL } };
	struct sigv4_header h[] = { { "Host", "h" } };
	struct sigv4_request r = { "GET", "/", NULL, nullname, 2, NULL, 0 };
	struct sigv4_credentials cred = { AKID, SECRET, NULL };
	struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, 0 };
	struct sigv4_signed s = { 0 };
	struct buf out = BUF_INIT;
	unsigned char key[32];
	struct err e;

	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_int_eq(sigv4_presign(&r, &cred, &p, 60, &out, &e), -1);
	r.headers = nullvalue;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	r.headers = NULL;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	r.headers = h;
	r.nheaders = 1;
	r.method = "GET /x";
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	r.method = "GET";
	p.region = "us-east-1\n";
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	p.region = "us-east-1";
	p.service = "a/b";
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	p.service = "service";
	cred.access_key_id = "AKID, Signature=0";
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	cred.access_key_id = AKID;
	cred.secret_access_key = NULL;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	cred.secret_access_key = SECRET;
	/* a bad escape in a path to be decoded (S3 rule) names the offset */
	r.path = "/a%zz";
	p.flags = SIGV4_SINGLE_ENCODE_PATH;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "offset 2"));
	/* ...but with the default rule it is just text */
	p.flags = 0;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
	sigv4_signed_free(&s);
	ck_assert_int_eq(sigv4_signing_key(SECRET, "2015083", "us-east-1", "iam", key, &e), -1);
	ck_assert_int_eq(sigv4_signing_key(SECRET, "2015083x", "us-east-1", "iam", key, &e), -1);
	ck_assert_int_eq(sigv4_signing_key(SECRET, "20150830", NULL, "iam", key, &e), -1);
	buf_free(&out);
}
END_TEST

START_TEST(test_bounds)
{
	struct sigv4_header h[] = { { "Host", "h" }, { "X-Big", NULL } };
	struct sigv4_request r = { "GET", "/", NULL, h, 1, NULL, 0 };
	struct sigv4_credentials cred = { AKID, SECRET, NULL };
	struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, 0 };
	struct sigv4_signed s = { 0 };
	size_t big = SIGV4_MAX_QUERY + 2, i;
	char *text = malloc(big + 1);
	struct err e;

	ck_assert_ptr_nonnull(text);
	/* path: the limit itself is accepted, one more byte is not */
	text[0] = '/';
	memset(text + 1, 'a', SIGV4_MAX_PATH - 1);
	text[SIGV4_MAX_PATH] = '\0';
	r.path = text;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
	sigv4_signed_free(&s);
	text[SIGV4_MAX_PATH] = 'a';
	text[SIGV4_MAX_PATH + 1] = '\0';
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "path"));
	/* the deepest path normalises without overflowing its segment table */
	for (i = 0; i + 1 < SIGV4_MAX_PATH; i += 2)
		memcpy(text + i, "/a", 2);
	text[SIGV4_MAX_PATH] = '\0';
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
	sigv4_signed_free(&s);
	r.path = "/";
	/* query string length */
	memset(text, 'q', big);
	text[big] = '\0';
	r.query = text;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "query"));
	/* query parameter count: SIGV4_MAX_QUERY_PARAMS + 1 "a&a&..." */
	for (i = 0; i < SIGV4_MAX_QUERY_PARAMS + 1; i++)
		memcpy(text + 2 * i, "a&", 2);
	text[2 * SIGV4_MAX_QUERY_PARAMS + 1] = '\0';
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "parameters"));
	text[2 * SIGV4_MAX_QUERY_PARAMS - 1] = '\0';
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
	sigv4_signed_free(&s);
	r.query = NULL;
	/* header value length */
	memset(text, 'v', SIGV4_MAX_HEADER_VALUE + 1);
	text[SIGV4_MAX_HEADER_VALUE + 1] = '\0';
	h[1].value = text;
	r.nheaders = 2;
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "X-Big"));
	text[SIGV4_MAX_HEADER_VALUE] = '\0';
	ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
	sigv4_signed_free(&s);
	free(text);
}
END_TEST

/* A fixed-seed generator: the same inputs on every run, so a failure can be
 * reproduced; xorshift is enough for test inputs. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* Random text of 0..max-1 bytes, no NUL, biased towards the bytes the
 * canonicalisation treats specially. */
static void
rng_text(char *out, size_t max)
{
	static const char special[] = "%/.&=+ \t\r\n,;:~?#aA0";
	size_t n = rng() % max, i;

	for (i = 0; i < n; i++) {
		unsigned r = rng() % 4;

		out[i] = r < 2 ? special[rng() % (sizeof(special) - 1)] : (char)(1 + rng() % 255);
	}
	out[n] = '\0';
}

START_TEST(test_random_hostile_inputs)
{
	char path[48], query[64], names[4][16], values[4][40], token[24];
	struct sigv4_header h[5];
	struct err e;
	int accepted = 0, refused = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int it = 0; it < 3000; it++) {
		struct sigv4_request r = { "GET", path, query, h, 1, path, 0 };
		struct sigv4_credentials cred = { AKID, SECRET, NULL };
		struct sigv4_params p = { "us-east-1", "service", SUITE_TIME, rng() % 16 };
		struct sigv4_signed s = { 0 };
		struct buf out = BUF_INIT;
		int rc;

		rng_text(path, sizeof(path));
		rng_text(query, sizeof(query));
		r.body_len = strlen(path);
		h[0] = (struct sigv4_header){ "Host", "example.amazonaws.com" };
		for (size_t i = 0; i < rng() % 5; i++) {
			rng_text(names[i], sizeof(names[i]));
			rng_text(values[i], sizeof(values[i]));
			h[r.nheaders++] = (struct sigv4_header){ names[i], values[i] };
		}
		if (rng() % 3 == 0) {
			rng_text(token, sizeof(token));
			cred.session_token = token;
		}
		memset(&e, 0, sizeof(e));
		if (rng() % 2)
			rc = sigv4_sign(&r, &cred, &p, &s, &e);
		else
			rc = sigv4_presign(&r, &cred, &p, 900, &out, &e);
		ck_assert_msg(rc == 0 || (rc == -1 && e.msg[0] != '\0'), "iteration %d: rc %d", it, rc);
		if (rc == 0) {
			const char *auth = sigv4_signed_get(&s, "Authorization");
			const char *sig = auth != NULL ? strstr(auth, "Signature=") :
			    strstr(buf_cstr(&out), "X-Amz-Signature=");

			ck_assert_ptr_nonnull(sig);
			sig = strchr(sig, '=') + 1;
			ck_assert_uint_eq(strspn(sig, "0123456789abcdef"), 64);
			accepted++;
		} else {
			refused++;
		}
		sigv4_signed_free(&s);
		buf_free(&out);
	}
	/* both outcomes must be exercised, or the generator is useless */
	ck_assert_int_gt(accepted, 300);
	ck_assert_int_gt(refused, 300);
}
END_TEST

START_TEST(test_uri_roundtrip)
{
	char text[64];
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	struct err e;

	rng_state = 0x5147ull;
	for (int it = 0; it < 2000; it++) {
		rng_text(text, sizeof(text));
		buf_reset(&enc);
		buf_reset(&dec);
		ck_assert_int_eq(uri_encode(&enc, text, strlen(text), it % 2 == 0), 0);
		/* only unreserved bytes, '%'+2 upper hex and (paths) '/' remain */
		for (size_t i = 0; i < enc.len; i++) {
			unsigned char c = (unsigned char)enc.data[i];

			ck_assert_msg(isalnum(c) || strchr("-._~%", c) != NULL ||
			    (it % 2 == 0 && c == '/'), "byte 0x%02x left raw", c);
			if (c == '%')
				ck_assert(isxdigit((unsigned char)enc.data[i + 1]) &&
				    !islower((unsigned char)enc.data[i + 1]) &&
				    isxdigit((unsigned char)enc.data[i + 2]) &&
				    !islower((unsigned char)enc.data[i + 2]));
		}
		ck_assert_int_eq(uri_decode(&dec, buf_cstr(&enc), enc.len, &e), 0);
		ck_assert_uint_eq(dec.len, strlen(text));
		ck_assert(memcmp(buf_cstr(&dec), text, dec.len) == 0);
	}
	buf_free(&enc);
	buf_free(&dec);
}
END_TEST

/* The signature depends on what the request means, not how it is written:
 * parameter order, header order and header-name case do not change it. */
START_TEST(test_order_and_case_invariance)
{
	static const char *const orders[] = {
		"Version=2010-05-08&Action=ListRoles&PathPrefix=%2Fx%2F&Tag=b&Tag=a",
		"Tag=a&PathPrefix=/x/&Action=ListRoles&Tag=b&Version=2010-05-08",
		"Tag=b&Version=2010-05-08&Tag=a&Action=ListRoles&PathPrefix=%2fx%2F",
	};
	struct sigv4_header h1[] = { { "Host", "iam.amazonaws.com" }, { "X-B", " 2 " },
		{ "X-A", "1" } };
	struct sigv4_header h2[] = { { "x-a", "1" }, { "HOST", "iam.amazonaws.com" },
		{ "x-B", "2" } };
	struct sigv4_credentials cred = { AKID, SECRET, "tok" };
	struct sigv4_params p = { "us-east-1", "iam", SUITE_TIME, 0 };
	char first[256] = "";
	struct err e;

	for (size_t i = 0; i < 2 * (sizeof(orders) / sizeof(orders[0])); i++) {
		struct sigv4_request r = { "GET", "/", orders[i / 2], i % 2 ? h2 : h1, 3, NULL, 0 };
		struct sigv4_signed s = { 0 };

		ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
		if (i == 0)
			snprintf(first, sizeof(first), "%s", sigv4_signed_get(&s, "Authorization"));
		else
			ck_assert_str_eq(sigv4_signed_get(&s, "Authorization"), first);
		sigv4_signed_free(&s);
	}
	{
		/* ...but a value that differs does change it */
		struct sigv4_request r = { "GET", "/", "Action=ListRoles&Tag=a&Tag=c&Version=2010-05-08&PathPrefix=%2Fx%2F",
			h1, 3, NULL, 0 };
		struct sigv4_signed s = { 0 };

		ck_assert_int_eq(sigv4_sign(&r, &cred, &p, &s, &e), 0);
		ck_assert_str_ne(sigv4_signed_get(&s, "Authorization"), first);
		sigv4_signed_free(&s);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sigv4");
	TCase *tc = tcase_create("sigv4");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_aws_suites);
	tcase_add_test(tc, test_signing_key_doc_example);
	tcase_add_test(tc, test_sign_adds_headers_in_order);
	tcase_add_test(tc, test_sign_refuses_bad_requests);
	tcase_add_test(tc, test_query_canonicalisation);
	tcase_add_test(tc, test_path_normalisation);
	tcase_add_test(tc, test_presign_expiry_bounds);
	tcase_add_test(tc, test_uri_encode_decode);
	tcase_add_test(tc, test_utf8_and_empty_keys);
	tcase_add_test(tc, test_session_token_signed_or_omitted);
	tcase_add_test(tc, test_hostile_requests);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_random_hostile_inputs);
	tcase_add_test(tc, test_uri_roundtrip);
	tcase_add_test(tc, test_order_and_case_invariance);
	suite_add_tcase(s, tc);
	return check_main(s);
}
