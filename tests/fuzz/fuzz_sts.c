/*
 * libFuzzer target: STS AssumeRole / AssumeRoleWithWebIdentity answers
 * (creds_sts_parse), success and error bodies alike, up to the 64 KiB body
 * limit and past it.
 *
 * Input: byte 0 picks the HTTP status (even: 200, odd: 400 + it) and the
 * call (bit 1: AssumeRoleWithWebIdentity); the rest is the body (in
 * fuzz_expand's "\0REPEAT N" form for limits/sts, past 64 KiB). Checked:
 * credentials come only from a 200 and have all three strings; a refusal
 * leaves the output empty and names the call and the role.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/credentials.h"
#include "aws/creds/creds_sts.h"
#include "fuzzutil.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_credentials c;
	struct err e = { "" };
	const uint8_t *body;
	const char *api;
	char prefix[128];
	uint8_t *big;
	size_t len;
	long status;

	if (size < 1)
		return 0;
	body = data + 1;
	len = size - 1;
	fuzz_expand(&body, &len, &big);
	status = (data[0] & 1) == 0 ? 200 : 400 + data[0];
	api = (data[0] & 2) != 0 ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole";
	memset(&c, 0, sizeof(c));
	if (creds_sts_parse((const char *)body, len, status, api, "fuzz-role", &c, &e) != 0) {
		snprintf(prefix, sizeof(prefix), "%s (role fuzz-role): ", api);
		if (c.access_key_id != NULL || c.secret_access_key != NULL ||
		    c.session_token != NULL || strncmp(e.msg, prefix, strlen(prefix)) != 0)
			abort();
		free(big);
		return 0;
	}
	if (status != 200 || c.access_key_id == NULL || c.access_key_id[0] == '\0' ||
	    c.secret_access_key == NULL || c.secret_access_key[0] == '\0' ||
	    c.session_token == NULL || c.session_token[0] == '\0' || c.expiration < 0)
		abort();
	aws_credentials_clear(&c);
	free(big);
	return 0;
}
