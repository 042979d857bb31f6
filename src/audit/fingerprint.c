/*
 * Fingerprints of accounts' audit inputs (fingerprint.h).
 */
#include "config.h"

#include "audit/fingerprint.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"

/* Every field goes in with its length, so that no two different inputs
 * can give the same byte stream. */
static int
fp_put(EVP_MD_CTX *c, const void *p, size_t n)
{
	uint64_t len = n;

	return EVP_DigestUpdate(c, &len, sizeof(len)) == 1 &&
	    (n == 0 || EVP_DigestUpdate(c, p, n) == 1) ? 0 : -1;
}

static int
fp_str(EVP_MD_CTX *c, const char *s)
{
	/* NULL and "" differ: NULL is a length no string has. */
	if (s == NULL) {
		uint64_t none = UINT64_MAX;

		return EVP_DigestUpdate(c, &none, sizeof(none)) == 1 ? 0 : -1;
	}
	return fp_put(c, s, strlen(s));
}

static int
fp_int(EVP_MD_CTX *c, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	return fp_str(c, b);
}

static int
fp_strlist(EVP_MD_CTX *c, const struct confschema_strlist *l)
{
	int rc = fp_int(c, (long long)l->n);

	for (size_t i = 0; rc == 0 && i < l->n; i++)
		rc = fp_str(c, l->items[i]);
	return rc;
}

static bool
targets(const struct snap_org_policy *p, const char *id)
{
	for (size_t i = 0; i < p->ntargets; i++)
		if (p->targets[i] != NULL && strcmp(p->targets[i], id) == 0)
			return true;
	return false;
}

/* The organization as it bears on account a. */
static int
fp_org(EVP_MD_CTX *c, const struct snapshot *s, const struct snap_account *a, struct err *e)
{
	const struct snap_org *o = &s->org;
	const char *ids[AUD_MAX_LEVELS];
	int n = 0, rc;

	rc = fp_int(c, o->mode) | fp_int(c, o->part.complete) | fp_str(c, o->part.why) |
	    fp_str(c, o->id) | fp_str(c, o->management_account) | fp_str(c, o->root_id) |
	    fp_int(c, o->scp_enabled) | fp_int(c, o->rcp_enabled);
	if (rc != 0)
		return -1;
	if (o->mode != SNAP_ORG_PRESENT)
		return 0;
	if (a->parent_id != NULL) {
		n = snapshot_parent_chain(s, a, ids, AUD_MAX_LEVELS - 1, e);
		if (n < 0) {
			/* The audit reports the broken chain for this account;
			 * the fingerprint only has to differ from a sound one. */
			return fp_str(c, e->msg);
		}
	}
	ids[n++] = a->id;
	for (int k = 0; k < n; k++) {
		if (fp_str(c, ids[k]) != 0)
			return -1;
		/* Org policies are sorted by id (snapshot_sort). */
		for (size_t i = 0; i < o->npolicies; i++) {
			const struct snap_org_policy *p = &o->policies[i];

			if (!targets(p, ids[k]))
				continue;
			if ((fp_str(c, p->id) | fp_int(c, p->type) | fp_int(c, p->aws_managed) |
			    fp_str(c, p->name) | fp_str(c, p->content)) != 0)
				return -1;
		}
	}
	return 0;
}

int
fingerprint_account(const struct snapshot *shell, const struct snap_account *a,
    const char *text, size_t len, const struct config_audit *cfg,
    char out[FINGERPRINT_HEX], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int rc = -1;

	out[0] = '\0';
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		err_set(e, "fingerprint: SHA-256 unavailable");
		goto out;
	}
	if (fp_str(c, AUDIT_MODEL_VERSION) != 0 || fp_str(c, PACKAGE_VERSION) != 0 ||
	    fp_str(c, shell->partition) != 0 || fp_put(c, text, len) != 0)
		goto fail;
	if (cfg != NULL) {
		if (fp_strlist(c, &cfg->privileged_roles) != 0 ||
		    fp_strlist(c, &cfg->privileged_tags) != 0 ||
		    fp_strlist(c, &cfg->privileged_exclude) != 0 ||
		    fp_int(c, cfg->auto_privileged) != 0 || fp_int(c, cfg->max_depth) != 0)
			goto fail;
	} else if (fp_str(c, "defaults") != 0) {
		goto fail;
	}
	if (fp_org(c, shell, a, e) != 0)
		goto fail;
	if (EVP_DigestFinal_ex(c, md, &mdlen) != 1 || mdlen != 32)
		goto fail;
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	rc = 0;
	goto out;
fail:
	err_set(e, "fingerprint of account %s: SHA-256 failed", a->id);
out:
	EVP_MD_CTX_free(c);
	return rc;
}
