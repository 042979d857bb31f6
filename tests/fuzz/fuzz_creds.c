/*
 * libFuzzer target: the credential documents the chain reads from outside
 * the process (creds_json_parse: the container endpoint's and instance
 * metadata's JSON, credential_process output), the times in them, and the
 * excerpts of untrusted text that go into error messages.
 *
 * Input: byte 0 picks the parser: 0 container/IMDS JSON, 1 credential_process
 * JSON, 2 an Expiration time, 3 the masked and plain excerpts (byte 1 the
 * output size), 4 the instance metadata role list; the rest is the
 * document.
 *
 * Checked: accepted credentials have a key id and a secret; a refusal
 * leaves the output empty and names the source; a parsed time formats and
 * parses back to itself; a masked excerpt fits, holds no control character
 * and no run of 16 key-like characters (where a secret would hide); a role
 * name taken from the list is a valid one, the list's first line.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/credentials.h"
#include "aws/creds/creds_imds.h"
#include "aws/creds/creds_util.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WHAT "fuzz credentials"

static void
fuzz_json(const char *body, size_t len, enum creds_json_kind kind)
{
	struct aws_credentials c;
	struct err e = { "" };

	memset(&c, 0, sizeof(c));
	if (creds_json_parse(body, len, kind, WHAT, &c, &e) != 0) {
		if (c.access_key_id != NULL || c.secret_access_key != NULL ||
		    c.session_token != NULL || strncmp(e.msg, WHAT ": ", strlen(WHAT) + 2) != 0)
			abort();
		return;
	}
	if (c.access_key_id == NULL || c.access_key_id[0] == '\0' ||
	    c.secret_access_key == NULL || c.secret_access_key[0] == '\0' ||
	    (c.session_token != NULL && c.session_token[0] == '\0') || c.expiration < 0 ||
	    (kind == CREDS_JSON_METADATA && c.expiration == 0))
		abort();
	aws_credentials_clear(&c);
}

static void
fuzz_time(const char *s)
{
	char text[64];
	time_t t, back;

	if (creds_time_parse(s, &t) != 0)
		return;
	if (t < 0)
		abort();
	/* Up to year 9999, the four-digit years the format has. */
	if (t >= (time_t)253402300800LL)
		return;
	creds_time_format(t, text, sizeof(text));
	if (creds_time_parse(text, &back) != 0 || back != t)
		abort();
}

static bool
keylike(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

static void
fuzz_excerpt(const char *s, size_t len, size_t max)
{
	char out[257];
	size_t n, run = 0, i;

	memset(out, 'X', sizeof(out));
	creds_safe_excerpt(s, len, out, max);
	if (max == 0)
		return;
	if ((n = strnlen(out, max)) == max)
		abort();
	for (i = 0; i < n; i++) {
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
		run = keylike((unsigned char)out[i]) ? run + 1 : 0;
		if (run >= 16)
			abort();
	}
	memset(out, 'X', sizeof(out));
	creds_plain_excerpt(s, len, out, max);
	if ((n = strnlen(out, max)) == max)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
}

static void
fuzz_role(const char *list)
{
	struct err e = { "" };
	char role[160];
	size_t n;

	memset(role, 'X', sizeof(role));
	if (creds_imds_role_name(list, role, sizeof(role), &e) != CREDS_FOUND) {
		if (e.msg[0] == '\0')
			abort();
		return;
	}
	n = strlen(role);
	if (n == 0 || n > 128 || strncmp(list, role, n) != 0 ||
	    strspn(role, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-") != n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 2)
		return 0;
	/* The sources hand over NUL-terminated bodies (buf_cstr). */
	if ((text = malloc(size - 1 + 1)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		fuzz_json(text, size - 1, CREDS_JSON_METADATA);
		break;
	case 1:
		fuzz_json(text, size - 1, CREDS_JSON_PROCESS);
		break;
	case 2:
		fuzz_time(text);
		break;
	case 3:
		fuzz_excerpt(text + 1, size - 2, (size_t)(unsigned char)text[0]);
		break;
	default:
		fuzz_role(text);
		break;
	}
	free(text);
	return 0;
}
