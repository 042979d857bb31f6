/*
 * sigv4-sign: sign request descriptions with our SigV4 signer so that test
 * scripts can compare the result with other implementations (botocore, curl).
 *
 * Input on stdin, JSON Lines, one request per line:
 *   {"method", "path", "query", "headers": [[name, value], ...],
 *    "body" (text) or "body_hex" (bytes), "access_key_id",
 *    "secret_access_key", "session_token" (optional), "region", "service",
 *    "time" (epoch seconds), "flags" (optional: integer, or a list of
 *    "no_normalize_path", "single_encode_path", "sign_body",
 *    "omit_session_token")}
 * Output, one line per input line:
 *   {"authorization", "amz_date", "canonical_request", "signed_headers"}
 * or {"error": "..."} for a request that cannot be signed; the exit status is
 * then 1, so that a test never mistakes a refusal for a signature.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/secret.h"

/* One request line: far above what the bounds in sigv4.h accept. */
#define SIGN_MAX_LINE (4u << 20)

/* The request as decoded from one line; every pointer borrows from json
 * except body, which is owned when it came from body_hex. */
struct sign_input {
	struct sigv4_request req;
	struct sigv4_credentials cred;
	struct sigv4_params params;
	struct sigv4_header headers[SIGV4_MAX_HEADERS + 1];
	unsigned char *body_owned;
};

static const char *
sign_string(const cJSON *obj, const char *name, bool required, struct err *e)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (it == NULL || cJSON_IsNull(it)) {
		if (required)
			err_set(e, "field \"%s\" is missing", name);
		return NULL;
	}
	if (!cJSON_IsString(it)) {
		err_set(e, "field \"%s\" is not a string", name);
		return NULL;
	}
	return it->valuestring;
}

static int
sign_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
sign_flags(const cJSON *it, unsigned *flags, struct err *e)
{
	static const struct {
		const char *name;
		unsigned flag;
	} names[] = {
		{ "no_normalize_path", SIGV4_NO_NORMALIZE_PATH },
		{ "single_encode_path", SIGV4_SINGLE_ENCODE_PATH },
		{ "sign_body", SIGV4_SIGN_BODY },
		{ "omit_session_token", SIGV4_OMIT_SESSION_TOKEN },
	};
	const cJSON *f;

	*flags = 0;
	if (it == NULL || cJSON_IsNull(it))
		return 0;
	if (cJSON_IsNumber(it)) {
		if (it->valuedouble < 0 || it->valuedouble > 15 ||
		    it->valuedouble != (double)(unsigned)it->valuedouble) {
			err_set(e, "field \"flags\" is not an integer 0..15");
			return -1;
		}
		*flags = (unsigned)it->valuedouble;
		return 0;
	}
	if (!cJSON_IsArray(it)) {
		err_set(e, "field \"flags\" is neither an integer nor a list");
		return -1;
	}
	cJSON_ArrayForEach(f, it) {
		size_t i;

		if (!cJSON_IsString(f)) {
			err_set(e, "field \"flags\" holds a non-string");
			return -1;
		}
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(f->valuestring, names[i].name) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			err_set(e, "unknown flag \"%s\"", f->valuestring);
			return -1;
		}
		*flags |= names[i].flag;
	}
	return 0;
}

static int
sign_headers(const cJSON *obj, struct sign_input *in, struct err *e)
{
	const cJSON *hs = cJSON_GetObjectItemCaseSensitive(obj, "headers"), *h;
	size_t n = 0;

	if (hs == NULL || !cJSON_IsArray(hs)) {
		err_set(e, "field \"headers\" is missing or not a list");
		return -1;
	}
	cJSON_ArrayForEach(h, hs) {
		const cJSON *name = cJSON_GetArrayItem(h, 0), *value = cJSON_GetArrayItem(h, 1);

		if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != 2 || !cJSON_IsString(name) ||
		    !cJSON_IsString(value)) {
			err_set(e, "headers[%zu] is not a [name, value] pair of strings", n);
			return -1;
		}
		/* One more than the signer takes, so that its own bound is tested. */
		if (n > SIGV4_MAX_HEADERS) {
			err_set(e, "more than %d headers", SIGV4_MAX_HEADERS + 1);
			return -1;
		}
		in->headers[n].name = name->valuestring;
		in->headers[n].value = value->valuestring;
		n++;
	}
	in->req.headers = in->headers;
	in->req.nheaders = n;
	return 0;
}

static int
sign_body(const cJSON *obj, struct sign_input *in, struct err *e)
{
	const char *text = sign_string(obj, "body", false, e);
	const char *hex = sign_string(obj, "body_hex", false, e);
	size_t len, i;

	if (e != NULL && e->msg[0] != '\0')
		return -1;
	if (text != NULL && hex != NULL) {
		err_set(e, "fields \"body\" and \"body_hex\" exclude each other");
		return -1;
	}
	if (hex == NULL) {
		in->req.body = text;
		in->req.body_len = text != NULL ? strlen(text) : 0;
		return 0;
	}
	len = strlen(hex);
	if (len % 2 != 0) {
		err_set(e, "field \"body_hex\" has an odd length");
		return -1;
	}
	if ((in->body_owned = malloc(len / 2 + 1)) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	for (i = 0; i < len / 2; i++) {
		int hi = sign_hexval((unsigned char)hex[2 * i]);
		int lo = sign_hexval((unsigned char)hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			err_set(e, "field \"body_hex\" has a non-hex digit at offset %zu", 2 * i);
			return -1;
		}
		in->body_owned[i] = (unsigned char)(hi << 4 | lo);
	}
	in->req.body = in->body_owned;
	in->req.body_len = len / 2;
	return 0;
}

static int
sign_decode(const cJSON *obj, struct sign_input *in, struct err *e)
{
	const cJSON *t;

	memset(in, 0, sizeof(*in));
	if (!cJSON_IsObject(obj)) {
		err_set(e, "the line is not a JSON object");
		return -1;
	}
	if ((in->req.method = sign_string(obj, "method", true, e)) == NULL ||
	    (in->req.path = sign_string(obj, "path", true, e)) == NULL)
		return -1;
	in->req.query = sign_string(obj, "query", false, e);
	if (e->msg[0] != '\0')
		return -1;
	if (sign_headers(obj, in, e) != 0 || sign_body(obj, in, e) != 0)
		return -1;
	if ((in->cred.access_key_id = sign_string(obj, "access_key_id", true, e)) == NULL ||
	    (in->cred.secret_access_key = sign_string(obj, "secret_access_key", true, e)) == NULL)
		return -1;
	in->cred.session_token = sign_string(obj, "session_token", false, e);
	if (e->msg[0] != '\0')
		return -1;
	if ((in->params.region = sign_string(obj, "region", true, e)) == NULL ||
	    (in->params.service = sign_string(obj, "service", true, e)) == NULL)
		return -1;
	t = cJSON_GetObjectItemCaseSensitive(obj, "time");
	if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 253402300799.0) {
		err_set(e, "field \"time\" is missing or not epoch seconds up to year 9999");
		return -1;
	}
	in->params.when = (time_t)t->valuedouble;
	return sign_flags(cJSON_GetObjectItemCaseSensitive(obj, "flags"), &in->params.flags, e);
}

/* Sign one request; out receives the JSON answer (owned by the caller). */
static int
sign_one(const struct sign_input *in, char **out, struct err *e)
{
	struct sigv4_canon c;
	struct sigv4_signed s;
	cJSON *res = NULL;
	const char *auth;
	int rc = -1;

	sigv4_canon_init(&c);
	memset(&s, 0, sizeof(s));
	if (sigv4_canonical_request(&in->req, &in->cred, &in->params, 0, &c, e) != 0 ||
	    sigv4_sign(&in->req, &in->cred, &in->params, &s, e) != 0)
		goto out;
	if ((auth = sigv4_signed_get(&s, "Authorization")) == NULL) {
		err_set(e, "the signer returned no Authorization header");
		goto out;
	}
	if ((res = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(res, "authorization", auth) == NULL ||
	    cJSON_AddStringToObject(res, "amz_date", c.amz_date) == NULL ||
	    cJSON_AddStringToObject(res, "canonical_request", buf_cstr(&c.creq)) == NULL ||
	    cJSON_AddStringToObject(res, "signed_headers", buf_cstr(&c.signed_headers)) == NULL ||
	    (*out = cJSON_PrintUnformatted(res)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(res);
	sigv4_signed_free(&s);
	sigv4_canon_free(&c);
	return rc;
}

static int
sign_print_error(unsigned long lineno, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	char *text = NULL;
	int rc = -1;

	if (o != NULL && cJSON_AddStringToObject(o, "error", msg) != NULL &&
	    (text = cJSON_PrintUnformatted(o)) != NULL && printf("%s\n", text) > 0)
		rc = 0;
	fprintf(stderr, "sigv4-sign: line %lu: %s\n", lineno, msg);
	cJSON_free(text);
	cJSON_Delete(o);
	return rc;
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int status = 0;

	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct sign_input in;
		struct err e = { "" };
		cJSON *obj = NULL;
		char *out = NULL;

		lineno++;
		memset(&in, 0, sizeof(in));
		if ((size_t)len > SIGN_MAX_LINE) {
			err_set(&e, "line longer than %u bytes", SIGN_MAX_LINE);
		} else if ((obj = cJSON_ParseWithLength(line, (size_t)len)) == NULL) {
			err_set(&e, "not valid JSON");
		} else if (sign_decode(obj, &in, &e) == 0 && sign_one(&in, &out, &e) == 0) {
			if (printf("%s\n", out) < 0)
				status = 2;
		}
		if (out == NULL) {
			status = status != 0 ? status : 1;
			if (sign_print_error(lineno, e.msg) != 0)
				status = 2;
		}
		/* The line held a secret key; do not leave it in freed memory. */
		secret_wipe(line, cap);
		cJSON_free(out);
		cJSON_Delete(obj);
		free(in.body_owned);
		if (status == 2)
			break;
	}
	free(line);
	if (fflush(stdout) != 0 || ferror(stdin))
		status = 2;
	return status;
}
