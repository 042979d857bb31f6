#include "config.h"

#include "aws/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/uri.h"
#include "util/secret.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* One header as it goes into the canonical request: lower-case name and the
 * trimmed, space-folded value (both owned). */
struct sigv4_hdr {
	char *name;
	char *value;
	size_t order;		/* input position: duplicates keep their order */
};

/* One query parameter, both parts already in canonical (encoded) form. */
struct sigv4_param {
	char *key;
	char *value;
};

void
sigv4_canon_init(struct sigv4_canon *c)
{
	buf_init(&c->creq, SIGV4_MAX_CANONICAL);
	buf_init(&c->signed_headers, SIGV4_MAX_CANONICAL);
	buf_init(&c->query, SIGV4_MAX_CANONICAL);
	c->amz_date[0] = '\0';
	c->payload_hash[0] = '\0';
}

void
sigv4_canon_free(struct sigv4_canon *c)
{
	/* A canonical request may carry a session token. */
	buf_free_secret(&c->creq);
	buf_free(&c->signed_headers);
	buf_free_secret(&c->query);
}

static void
sigv4_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static void
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data != NULL ? data : (const void *)"", len, md);
	sigv4_hex(md, sizeof(md), out);
}

static int
sigv4_hmac(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[32])
{
	unsigned int outlen = 0;

	if (keylen > INT32_MAX)
		return -1;
	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) == NULL ||
	    outlen != 32)
		return -1;
	return 0;
}

/* "20150830T123600Z": exactly the basic ISO 8601 form SigV4 uses. */
static bool
sigv4_valid_amz_date(const char *s)
{
	size_t i;

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int
sigv4_format_date(time_t when, char out[17], struct err *e)
{
	struct tm tm;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16) {
		err_set(e, "SigV4: cannot format the signing time");
		return -1;
	}
	return 0;
}

/* Trim and fold every run of whitespace (including the line breaks of an
 * obsolete folded header) into one space, as the SigV4 "Trimall" rule says. */
static char *
sigv4_trimall(const char *v)
{
	size_t n = strlen(v), i, o = 0;
	bool space = false;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = v[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (space) {
			out[o++] = ' ';
			space = false;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

static char *
sigv4_lower(const char *s)
{
	size_t n = strlen(s), i;
	char *out = malloc(n + 1);

	if (out == NULL)
		return NULL;
	for (i = 0; i <= n; i++)
		out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	return out;
}

static int
sigv4_hdr_cmp(const void *a, const void *b)
{
	const struct sigv4_hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
sigv4_hdrs_free(struct sigv4_hdr *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		secret_free(h[i].value);
	}
}

static bool
sigv4_has_header(const struct sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return true;
	return false;
}

static const char *
sigv4_header_value(const struct sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static int
sigv4_hdr_add(struct sigv4_hdr *h, size_t *n, const char *name, const char *value,
    struct err *e)
{
	if (*n >= SIGV4_MAX_HEADERS + 3) {
		err_set(e, "SigV4: more than %d headers", SIGV4_MAX_HEADERS);
		return -1;
	}
	h[*n].name = sigv4_lower(name);
	h[*n].value = sigv4_trimall(value);
	h[*n].order = *n;
	if (h[*n].name == NULL || h[*n].value == NULL) {
		free(h[*n].name);
		free(h[*n].value);
		err_set(e, "SigV4: out of memory");
		return -1;
	}
	(*n)++;
	return 0;
}

/* Header names are tokens: no separators, no controls, no spaces. */
static bool
sigv4_valid_header_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c) != NULL)
			return false;
	}
	return true;
}

/* True when s holds a byte that would break the header or the credential
 * scope it goes into: controls (CR/LF would split a header), DEL, and the
 * extra characters in bad (NULL: none). */
static bool
sigv4_has_bad_byte(const char *s, const char *bad)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || (bad != NULL && strchr(bad, c) != NULL))
			return true;
	}
	return false;
}

/* Everything later stages assume, checked once: the lookups that run before
 * the canonical headers are built (X-Amz-Date, Host) must never meet a NULL
 * name, and what the signer copies into headers it returns (access key id,
 * session token, region, service) must not be able to split or forge one. */
static int
sigv4_check_request(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, struct err *e)
{
	size_t i;

	if (req == NULL || cred == NULL || p == NULL) {
		err_set(e, "SigV4: no request, credentials or parameters");
		return -1;
	}
	if (req->nheaders > SIGV4_MAX_HEADERS) {
		err_set(e, "SigV4: more than %d headers", SIGV4_MAX_HEADERS);
		return -1;
	}
	if (req->nheaders > 0 && req->headers == NULL) {
		err_set(e, "SigV4: %zu headers announced but none given", req->nheaders);
		return -1;
	}
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL || req->headers[i].value == NULL ||
		    !sigv4_valid_header_name(req->headers[i].name)) {
			err_set(e, "SigV4: header %zu has an invalid name", i);
			return -1;
		}
	}
	if (req->method == NULL || *req->method == '\0' || p->region == NULL ||
	    p->service == NULL || *p->region == '\0' || *p->service == '\0' ||
	    cred->access_key_id == NULL || *cred->access_key_id == '\0') {
		err_set(e, "SigV4: method, region, service and access key id are required");
		return -1;
	}
	if (!sigv4_valid_header_name(req->method)) {
		err_set(e, "SigV4: invalid method");
		return -1;
	}
	if (sigv4_has_bad_byte(p->region, "/ ,;=") || sigv4_has_bad_byte(p->service, "/ ,;=")) {
		err_set(e, "SigV4: invalid region or service name");
		return -1;
	}
	/* The key id is not secret, but the token is: name neither's content. */
	if (sigv4_has_bad_byte(cred->access_key_id, "/ ,;=")) {
		err_set(e, "SigV4: the access key id holds a character it cannot have");
		return -1;
	}
	if (cred->session_token != NULL &&
	    (*cred->session_token == '\0' || sigv4_has_bad_byte(cred->session_token, NULL))) {
		err_set(e, "SigV4: the session token is empty or holds a control character");
		return -1;
	}
	return 0;
}

/* Canonical headers and the signed-header list, from the request's headers
 * plus those the signer adds. */
static int
sigv4_canonical_headers(const struct sigv4_request *req,
    const struct sigv4_credentials *cred, const struct sigv4_params *p,
    bool presign, const char *amz_date, const char *payload_hash,
    struct buf *canon, struct buf *signed_headers, struct err *e)
{
	struct sigv4_hdr h[SIGV4_MAX_HEADERS + 3];
	size_t n = 0, i;
	int rc = -1;

	if (req->nheaders > SIGV4_MAX_HEADERS) {
		err_set(e, "SigV4: more than %d headers", SIGV4_MAX_HEADERS);
		return -1;
	}
	if (!sigv4_has_header(req, "host")) {
		err_set(e, "SigV4: the request has no Host header");
		return -1;
	}
	for (i = 0; i < req->nheaders; i++) {
		if (strlen(req->headers[i].value) > SIGV4_MAX_HEADER_VALUE) {
			err_set(e, "SigV4: header %s is longer than %d bytes",
			    req->headers[i].name, SIGV4_MAX_HEADER_VALUE);
			goto out;
		}
		/* A token header present but not to be signed is left out. */
		if ((p->flags & SIGV4_OMIT_SESSION_TOKEN) &&
		    strcasecmp(req->headers[i].name, "x-amz-security-token") == 0)
			continue;
		if (sigv4_hdr_add(h, &n, req->headers[i].name, req->headers[i].value, e) != 0)
			goto out;
	}
	if (!presign) {
		if (!sigv4_has_header(req, "x-amz-date") &&
		    sigv4_hdr_add(h, &n, "x-amz-date", amz_date, e) != 0)
			goto out;
		if (cred->session_token != NULL && !(p->flags & SIGV4_OMIT_SESSION_TOKEN) &&
		    !sigv4_has_header(req, "x-amz-security-token") &&
		    sigv4_hdr_add(h, &n, "x-amz-security-token", cred->session_token, e) != 0)
			goto out;
		if ((p->flags & SIGV4_SIGN_BODY) && !sigv4_has_header(req, "x-amz-content-sha256") &&
		    sigv4_hdr_add(h, &n, "x-amz-content-sha256", payload_hash, e) != 0)
			goto out;
	}
	qsort(h, n, sizeof(h[0]), sigv4_hdr_cmp);
	for (i = 0; i < n; i++) {
		bool dup = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;

		if (dup) {
			/* Repeated headers: one line, values joined by commas. */
			if (buf_putc(canon, ',') != 0 || buf_puts(canon, h[i].value) != 0)
				goto full;
			continue;
		}
		if (i > 0 && (buf_putc(canon, '\n') != 0 || buf_putc(signed_headers, ';') != 0))
			goto full;
		if (buf_puts(canon, h[i].name) != 0 || buf_putc(canon, ':') != 0 ||
		    buf_puts(canon, h[i].value) != 0 || buf_puts(signed_headers, h[i].name) != 0)
			goto full;
	}
	if (buf_putc(canon, '\n') != 0)
		goto full;
	rc = 0;
	goto out;
full:
	err_set(e, "SigV4: canonical headers larger than %u bytes", SIGV4_MAX_CANONICAL);
out:
	sigv4_hdrs_free(h, n);
	return rc;
}

/* Remove . and .. segments and empty segments, keeping a trailing slash. */
static int
sigv4_normalize_path(const char *path, struct buf *out)
{
	const char *seg[SIGV4_MAX_PATH / 2 + 1];
	size_t segl[SIGV4_MAX_PATH / 2 + 1];
	size_t n = 0, i, len = strlen(path);
	const char *s = path, *end = path + len;
	bool trailing = false;

	while (s < end) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		size_t l = slash != NULL ? (size_t)(slash - s) : (size_t)(end - s);

		trailing = slash != NULL;
		if (l == 0 || (l == 1 && s[0] == '.')) {
			/* "a/." ends in a directory, like "a/" */
			trailing = trailing || l == 1;
		} else if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (n > 0)
				n--;
			trailing = true;
		} else {
			seg[n] = s;
			segl[n] = l;
			n++;
		}
		s += l + (slash != NULL ? 1 : 0);
	}
	if (buf_putc(out, '/') != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (buf_append(out, seg[i], segl[i]) != 0)
			return -1;
		if ((i + 1 < n || trailing) && buf_putc(out, '/') != 0)
			return -1;
	}
	return 0;
}

static int
sigv4_canonical_uri(const char *path, unsigned flags, struct buf *out, struct err *e)
{
	struct buf norm, dec;
	const char *s, *end;
	int rc = -1;

	buf_init(&norm, SIGV4_MAX_PATH * 2);
	buf_init(&dec, SIGV4_MAX_PATH * 2);
	if (path == NULL || *path == '\0')
		path = "/";
	if (strlen(path) > SIGV4_MAX_PATH) {
		err_set(e, "SigV4: path longer than %d bytes", SIGV4_MAX_PATH);
		goto out;
	}
	if (flags & SIGV4_SINGLE_ENCODE_PATH) {
		/* S3 style: the path is encoded exactly once, so undo the
		 * sender's escapes first. */
		if (uri_decode(&dec, path, strlen(path), e) != 0) {
			err_prefix(e, "SigV4: path");
			goto out;
		}
		path = buf_cstr(&dec);
	}
	if (flags & SIGV4_NO_NORMALIZE_PATH) {
		if (buf_puts(&norm, path) != 0)
			goto full;
	} else if (sigv4_normalize_path(path, &norm) != 0) {
		goto full;
	}
	s = buf_cstr(&norm);
	end = s + norm.len;
	/* Each segment is encoded on its own so that the slashes stay. */
	while (s < end) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		size_t l = slash != NULL ? (size_t)(slash - s) : (size_t)(end - s);

		if (uri_encode(out, s, l, false) != 0)
			goto full;
		if (slash != NULL && buf_putc(out, '/') != 0)
			goto full;
		s += l + (slash != NULL ? 1 : 0);
	}
	rc = 0;
	goto out;
full:
	err_set(e, "SigV4: canonical path too large");
out:
	buf_free(&norm);
	buf_free(&dec);
	return rc;
}

static int
sigv4_param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Decode one query component when it is validly escaped, then encode it the
 * canonical way; text with a stray '%' is taken literally. */
static char *
sigv4_query_component(const char *s, size_t len)
{
	struct buf dec, enc;

	buf_init(&dec, SIGV4_MAX_QUERY);
	buf_init(&enc, SIGV4_MAX_QUERY * 3);
	if (uri_decode(&dec, s, len, NULL) != 0) {
		buf_reset(&dec);
		if (buf_append(&dec, s, len) != 0)
			goto fail;
	}
	if (uri_encode(&enc, dec.data != NULL ? dec.data : "", dec.len, false) != 0)
		goto fail;
	buf_free_secret(&dec);
	return buf_steal(&enc);
fail:
	buf_free_secret(&dec);
	buf_free_secret(&enc);
	return NULL;
}

static int
sigv4_param_add(struct sigv4_param *pv, size_t *n, const char *k, size_t kl,
    const char *v, size_t vl, struct err *e)
{
	if (*n >= SIGV4_MAX_QUERY_PARAMS) {
		err_set(e, "SigV4: more than %d query parameters", SIGV4_MAX_QUERY_PARAMS);
		return -1;
	}
	pv[*n].key = sigv4_query_component(k, kl);
	pv[*n].value = sigv4_query_component(v, vl);
	if (pv[*n].key == NULL || pv[*n].value == NULL) {
		free(pv[*n].key);
		secret_free(pv[*n].value);
		err_set(e, "SigV4: out of memory");
		return -1;
	}
	(*n)++;
	return 0;
}

/* A parameter the signer itself adds: its value is text, not escapes, so a
 * '%' in it (a session token may hold one) is encoded like anything else. */
static int
sigv4_param_add_literal(struct sigv4_param *pv, size_t *n, const char *k, const char *v,
    struct err *e)
{
	struct buf b;

	if (*n >= SIGV4_MAX_QUERY_PARAMS) {
		err_set(e, "SigV4: more than %d query parameters", SIGV4_MAX_QUERY_PARAMS);
		return -1;
	}
	buf_init(&b, SIGV4_MAX_QUERY * 3);
	pv[*n].key = strdup(k);
	if (pv[*n].key == NULL || uri_encode(&b, v, strlen(v), false) != 0) {
		free(pv[*n].key);
		buf_free_secret(&b);
		err_set(e, "SigV4: %s does not fit the query", k);
		return -1;
	}
	pv[*n].value = buf_steal(&b);
	(*n)++;
	return 0;
}

/* The canonical query string: parameters decoded, re-encoded, sorted by
 * name then value; a parameter without '=' gets an empty value. With
 * presign, the X-Amz-* authentication parameters are part of it. */
static int
sigv4_canonical_query(const struct sigv4_request *req,
    const struct sigv4_credentials *cred, const struct sigv4_params *p,
    long presign_expires, const char *amz_date, const char *signed_headers,
    struct buf *out, struct err *e)
{
	struct sigv4_param *pv;
	size_t n = 0, i;
	const char *q = req->query != NULL ? req->query : "";
	size_t qlen = strlen(q);
	int rc = -1;

	if (qlen > SIGV4_MAX_QUERY) {
		err_set(e, "SigV4: query string longer than %d bytes", SIGV4_MAX_QUERY);
		return -1;
	}
	pv = calloc(SIGV4_MAX_QUERY_PARAMS, sizeof(*pv));
	if (pv == NULL) {
		err_set(e, "SigV4: out of memory");
		return -1;
	}
	while (qlen > 0) {
		const char *amp = memchr(q, '&', qlen);
		size_t l = amp != NULL ? (size_t)(amp - q) : qlen;
		const char *eq = memchr(q, '=', l);

		if (l > 0) {
			size_t kl = eq != NULL ? (size_t)(eq - q) : l;
			const char *v = eq != NULL ? eq + 1 : "";
			size_t vl = eq != NULL ? l - kl - 1 : 0;

			if (sigv4_param_add(pv, &n, q, kl, v, vl, e) != 0)
				goto out;
		}
		q += l + (amp != NULL ? 1 : 0);
		qlen -= l + (amp != NULL ? 1 : 0);
	}
	if (presign_expires > 0) {
		char date8[9], scope[512], cred_s[1024], exp_s[32];

		memcpy(date8, amz_date, 8);
		date8[8] = '\0';
		snprintf(scope, sizeof(scope), "%s/%s/%s/aws4_request", date8, p->region, p->service);
		if ((size_t)snprintf(cred_s, sizeof(cred_s), "%s/%s", cred->access_key_id, scope) >=
		    sizeof(cred_s)) {
			err_set(e, "SigV4: credential scope too long");
			goto out;
		}
		snprintf(exp_s, sizeof(exp_s), "%ld", presign_expires);
		if (sigv4_param_add_literal(pv, &n, "X-Amz-Algorithm", SIGV4_ALGORITHM, e) != 0 ||
		    sigv4_param_add_literal(pv, &n, "X-Amz-Credential", cred_s, e) != 0 ||
		    sigv4_param_add_literal(pv, &n, "X-Amz-Date", amz_date, e) != 0 ||
		    sigv4_param_add_literal(pv, &n, "X-Amz-Expires", exp_s, e) != 0 ||
		    sigv4_param_add_literal(pv, &n, "X-Amz-SignedHeaders", signed_headers, e) != 0)
			goto out;
		if (cred->session_token != NULL && !(p->flags & SIGV4_OMIT_SESSION_TOKEN) &&
		    sigv4_param_add_literal(pv, &n, "X-Amz-Security-Token", cred->session_token, e) != 0)
			goto out;
	}
	qsort(pv, n, sizeof(pv[0]), sigv4_param_cmp);
	for (i = 0; i < n; i++) {
		if ((i > 0 && buf_putc(out, '&') != 0) || buf_puts(out, pv[i].key) != 0 ||
		    buf_putc(out, '=') != 0 || buf_puts(out, pv[i].value) != 0) {
			err_set(e, "SigV4: canonical query too large");
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(pv[i].key);
		secret_free(pv[i].value);
	}
	free(pv);
	return rc;
}

int
sigv4_canonical_request(const struct sigv4_request *req,
    const struct sigv4_credentials *cred, const struct sigv4_params *p,
    long presign_expires, struct sigv4_canon *out, struct err *e)
{
	struct buf headers;
	const char *date_hdr;
	bool presign = presign_expires > 0;
	int rc = -1;

	buf_init(&headers, SIGV4_MAX_CANONICAL);
	if (sigv4_check_request(req, cred, p, e) != 0)
		goto out;
	date_hdr = presign ? NULL : sigv4_header_value(req, "x-amz-date");
	if (date_hdr != NULL) {
		if (!sigv4_valid_amz_date(date_hdr)) {
			err_set(e, "SigV4: X-Amz-Date is not of the form YYYYMMDDTHHMMSSZ");
			goto out;
		}
		memcpy(out->amz_date, date_hdr, 17);
	} else if (sigv4_format_date(p->when, out->amz_date, e) != 0) {
		goto out;
	}
	sigv4_sha256_hex(req->body, req->body != NULL ? req->body_len : 0, out->payload_hash);

	if (sigv4_canonical_headers(req, cred, p, presign, out->amz_date, out->payload_hash,
	        &headers, &out->signed_headers, e) != 0)
		goto out;
	if (sigv4_canonical_query(req, cred, p, presign_expires, out->amz_date,
	        buf_cstr(&out->signed_headers), &out->query, e) != 0)
		goto out;

	if (buf_puts(&out->creq, req->method) != 0 || buf_putc(&out->creq, '\n') != 0)
		goto full;
	if (sigv4_canonical_uri(req->path, p->flags, &out->creq, e) != 0)
		goto out;
	if (buf_putc(&out->creq, '\n') != 0 ||
	    buf_append(&out->creq, buf_cstr(&out->query), out->query.len) != 0 ||
	    buf_putc(&out->creq, '\n') != 0 ||
	    buf_append(&out->creq, buf_cstr(&headers), headers.len) != 0 ||
	    buf_putc(&out->creq, '\n') != 0 ||
	    buf_puts(&out->creq, buf_cstr(&out->signed_headers)) != 0 ||
	    buf_putc(&out->creq, '\n') != 0 ||
	    buf_puts(&out->creq, out->payload_hash) != 0)
		goto full;
	rc = 0;
	goto out;
full:
	err_set(e, "SigV4: canonical request larger than %u bytes", SIGV4_MAX_CANONICAL);
out:
	buf_free_secret(&headers);
	return rc;
}

int
sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
    const char *creq, size_t creq_len, struct buf *out, struct err *e)
{
	char hash[65];

	sigv4_sha256_hex(creq, creq_len, hash);
	if (buf_printf(out, "%s\n%s\n%.8s/%s/%s/aws4_request\n%s", SIGV4_ALGORITHM,
	        amz_date, amz_date, region, service, hash) != 0) {
		err_set(e, "SigV4: string to sign too large");
		return -1;
	}
	return 0;
}

int
sigv4_signing_key(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char key[32], struct err *e)
{
	unsigned char k1[32], k2[32], k3[32];
	size_t slen;
	char *seed = NULL;
	int rc = -1;

	if (secret == NULL || *secret == '\0') {
		err_set(e, "SigV4: no secret access key");
		return -1;
	}
	/* The HMAC below reads exactly 8 bytes of date8. */
	if (date8 == NULL || strlen(date8) != 8 || strspn(date8, "0123456789") != 8 ||
	    region == NULL || service == NULL) {
		err_set(e, "SigV4: signing key needs a YYYYMMDD date, a region and a service");
		return -1;
	}
	slen = strlen(secret);
	if ((seed = malloc(slen + 5)) == NULL) {
		err_set(e, "SigV4: out of memory");
		return -1;
	}
	memcpy(seed, "AWS4", 4);
	memcpy(seed + 4, secret, slen + 1);
	if (sigv4_hmac(seed, slen + 4, date8, 8, k1) != 0 ||
	    sigv4_hmac(k1, 32, region, strlen(region), k2) != 0 ||
	    sigv4_hmac(k2, 32, service, strlen(service), k3) != 0 ||
	    sigv4_hmac(k3, 32, "aws4_request", 12, key) != 0) {
		err_set(e, "SigV4: HMAC-SHA256 failed");
		goto out;
	}
	rc = 0;
out:
	secret_wipe(seed, slen + 5);
	free(seed);
	secret_wipe(k1, sizeof(k1));
	secret_wipe(k2, sizeof(k2));
	secret_wipe(k3, sizeof(k3));
	return rc;
}

int
sigv4_signature_hex(const unsigned char key[32], const char *sts, size_t sts_len,
    char hex[65], struct err *e)
{
	unsigned char mac[32];

	if (sigv4_hmac(key, 32, sts, sts_len, mac) != 0) {
		err_set(e, "SigV4: HMAC-SHA256 failed");
		return -1;
	}
	sigv4_hex(mac, sizeof(mac), hex);
	return 0;
}

/* Canonical request -> signature, for both header and query signing. */
static int
sigv4_compute(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, long presign_expires, struct sigv4_canon *c,
    char sig[65], struct err *e)
{
	struct buf sts;
	unsigned char key[32];
	char date8[9];
	int rc = -1;

	buf_init(&sts, SIGV4_MAX_CANONICAL);
	if (sigv4_canonical_request(req, cred, p, presign_expires, c, e) != 0)
		goto out;
	if (sigv4_string_to_sign(c->amz_date, p->region, p->service, buf_cstr(&c->creq),
	        c->creq.len, &sts, e) != 0)
		goto out;
	memcpy(date8, c->amz_date, 8);
	date8[8] = '\0';
	if (sigv4_signing_key(cred->secret_access_key, date8, p->region, p->service, key, e) != 0)
		goto out;
	rc = sigv4_signature_hex(key, buf_cstr(&sts), sts.len, sig, e);
out:
	secret_wipe(key, sizeof(key));
	buf_free(&sts);
	return rc;
}

static int
sigv4_signed_add(struct sigv4_signed *s, const char *name, const char *value)
{
	if (s->n >= sizeof(s->h) / sizeof(s->h[0]))
		return -1;
	snprintf(s->h[s->n].name, sizeof(s->h[s->n].name), "%s", name);
	if ((s->h[s->n].value = secret_strdup(value)) == NULL)
		return -1;
	s->n++;
	return 0;
}

int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, struct sigv4_signed *out, struct err *e)
{
	struct sigv4_canon c;
	struct buf auth;
	char sig[65], date8[9];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	sigv4_canon_init(&c);
	buf_init(&auth, 4096);
	if (sigv4_compute(req, cred, p, 0, &c, sig, e) != 0)
		goto out;
	memcpy(date8, c.amz_date, 8);
	date8[8] = '\0';
	if (buf_printf(&auth, "%s Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
	        SIGV4_ALGORITHM, cred->access_key_id, date8, p->region, p->service,
	        buf_cstr(&c.signed_headers), sig) != 0) {
		err_set(e, "SigV4: Authorization header too large");
		goto out;
	}
	if ((!sigv4_has_header(req, "x-amz-date") &&
	        sigv4_signed_add(out, "X-Amz-Date", c.amz_date) != 0) ||
	    (cred->session_token != NULL && !sigv4_has_header(req, "x-amz-security-token") &&
	        sigv4_signed_add(out, "X-Amz-Security-Token", cred->session_token) != 0) ||
	    ((p->flags & SIGV4_SIGN_BODY) && !sigv4_has_header(req, "x-amz-content-sha256") &&
	        sigv4_signed_add(out, "X-Amz-Content-Sha256", c.payload_hash) != 0) ||
	    sigv4_signed_add(out, "Authorization", buf_cstr(&auth)) != 0) {
		err_set(e, "SigV4: out of memory");
		goto out;
	}
	rc = 0;
out:
	/* A signature authorises replays of this request until it expires. */
	secret_wipe(sig, sizeof(sig));
	sigv4_canon_free(&c);
	buf_free_secret(&auth);
	return rc;
}

void
sigv4_signed_free(struct sigv4_signed *s)
{
	size_t i;

	for (i = 0; i < s->n && i < sizeof(s->h) / sizeof(s->h[0]); i++) {
		secret_free(s->h[i].value);
		s->h[i].value = NULL;
	}
	s->n = 0;
}

const char *
sigv4_signed_get(const struct sigv4_signed *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->h[i].name, name) == 0)
			return s->h[i].value;
	return NULL;
}

int
sigv4_presign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, long expires, struct buf *out, struct err *e)
{
	struct sigv4_canon c;
	char sig[65];
	int rc = -1;

	if (expires <= 0 || expires > 604800) {
		err_set(e, "SigV4: presigned URL expiry must be 1..604800 seconds");
		return -1;
	}
	sigv4_canon_init(&c);
	if (sigv4_compute(req, cred, p, expires, &c, sig, e) != 0)
		goto out;
	if (buf_append(out, buf_cstr(&c.query), c.query.len) != 0 ||
	    buf_printf(out, "&X-Amz-Signature=%s", sig) != 0) {
		err_set(e, "SigV4: presigned query too large");
		goto out;
	}
	rc = 0;
out:
	secret_wipe(sig, sizeof(sig));
	sigv4_canon_free(&c);
	return rc;
}
