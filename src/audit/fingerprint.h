/*
 * What one account's audit rests on, as a SHA-256: its canonical snapshot
 * part (the snapjson text of the account), the organization facts that
 * apply to it (mode, completeness, the chain of parents from the root, and
 * every SCP and RCP attached to a level of that chain, with its content),
 * the partition, the audit settings, and the model version of this
 * program. Two runs with the same fingerprint for an account would compute
 * the same edges for it, so the second reuses the first's (run.c).
 *
 * Bump AUDIT_MODEL_VERSION with any change to the evaluation or to what an
 * edge holds: saved edges of an older model are then recomputed.
 */
#ifndef PRA_AUDIT_FINGERPRINT_H
#define PRA_AUDIT_FINGERPRINT_H

#include <stddef.h>

#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

#define AUDIT_MODEL_VERSION "passrole-auditd model 3"
#define FINGERPRINT_HEX 65	/* 64 hex digits and a NUL */

/* text/len: snapjson_account_text(a). cfg may be NULL (the defaults).
 * 0 with out set, or -1 with e (a broken parent chain, or OpenSSL). */
int fingerprint_account(const struct snapshot *shell, const struct snap_account *a,
    const char *text, size_t len, const struct config_audit *cfg,
    char out[FINGERPRINT_HEX], struct err *e);

#endif
