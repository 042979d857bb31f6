/*
 * A saved snapshot file (snapjson.h's form, the state directory's
 * snapshot.json) read one account at a time, for `--audit-now --input
 * FILE`: memory bounded by the largest account, not by the organization.
 *
 * snapfile_open reads the whole file once, checking every account with
 * snapjson's rules (a bad file is refused before any account is audited,
 * naming FILE and the JSON path or line) and keeping the head, the
 * organization, a stub of each account (id, name, parent, management
 * flag: the shell's lookups) and where each account's text is.
 * snapfile_next then reads the accounts back in id order.
 *
 * Ownership: struct snapfile owns the shell and its file; an account
 * snapfile_next gives is the caller's (snap_account_clear).
 */
#ifndef PRA_COLLECT_SNAPFILE_H
#define PRA_COLLECT_SNAPFILE_H

#include <stdint.h>

#include "collect/snapshot.h"
#include "util/err.h"

/* Largest file read, and largest account in it. */
#define SNAPFILE_MAX_BYTES ((uint64_t)64 << 30)
#define SNAPFILE_MAX_ACCOUNT ((size_t)1 << 30)

struct snapfile;

/* NULL with e ("FILE: accounts[2].iam.roles[5].arn: missing",
 * "FILE:LINE: ..."). */
struct snapfile *snapfile_open(const char *path, struct err *e);
/* The head, organization and account stubs, sorted. */
const struct snapshot *snapfile_shell(const struct snapfile *f);
/* The next account in id order into *out (zeroed first): 1, 0 at the end,
 * -1 with e. */
int snapfile_next(struct snapfile *f, struct snap_account *out, struct err *e);
void snapfile_close(struct snapfile *f);

#endif
