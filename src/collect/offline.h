/*
 * Offline input: the snapshot model from a directory of AWS CLI JSON
 * outputs (`passrole-auditd --audit-now --input DIR`), as scripts/aws-dump
 * writes it, so an organization can be audited without giving the daemon
 * credentials. The README section "Offline input (--input DIR)" is the
 * user's description of the same layout.
 *
 *   DIR/aws-dump.json                      optional: {"dump_version": 1,
 *                                          "taken_at": "2026-11-23T11:07:41Z",
 *                                          "partition": "aws", "regions": [..]}
 *   DIR/org/describe-organization.json     aws organizations describe-organization
 *   DIR/org/list-roots.json                aws organizations list-roots
 *   DIR/org/ous/<parent-id>.json           list-organizational-units-for-parent,
 *                                          for the root and every OU found
 *   DIR/org/accounts/<parent-id>.json      list-accounts-for-parent, same parents
 *   DIR/org/policies/SERVICE_CONTROL_POLICY.json    list-policies --filter ...
 *   DIR/org/policies/RESOURCE_CONTROL_POLICY.json
 *   DIR/org/policy/<policy-id>.json        describe-policy, every listed policy
 *   DIR/org/targets/<policy-id>.json       list-targets-for-policy, same
 *   DIR/<account-id>/iam.json              aws iam get-account-authorization-details
 *   DIR/<account-id>/vpc-endpoints/<region>.json    aws ec2 describe-vpc-endpoints
 *   DIR/<account-id>/access.error          the account could not be entered
 *
 * A command that failed leaves `<same name>.error` (the CLI's stderr) instead
 * of the .json: that part of the snapshot is incomplete with that text as
 * the reason. describe-organization.error naming
 * AWSOrganizationsNotInUseException means a standalone account (SNAP_ORG_NONE:
 * known to have no SCPs or RCPs); any other error there means SNAP_ORG_UNKNOWN.
 * No org/ folder at all also means SNAP_ORG_UNKNOWN ("no organization data"):
 * a dump without it says nothing about SCPs, and the audit must not assume
 * there are none. A file that should be there and is not (an OU listed with
 * no ous/<id>.json, a region named in aws-dump.json with no file) makes its
 * part incomplete naming the file. A file that is there but malformed is an
 * error (offline_load fails naming the file and the JSON path): a dump is
 * fixed by redoing it, not audited around.
 *
 * Accounts: the organization's (from org/accounts/) plus every DIR/<12
 * digits>/ folder. An organization account without a folder is incomplete
 * ("not in the dump"). Regions: those in aws-dump.json's "regions" plus every
 * file in vpc-endpoints/. taken_at: aws-dump.json's, else the newest file's
 * modification time; partition: aws-dump.json's, else the first ARN's.
 * Timestamps the CLI prints as "+00:00" are stored as "Z", the form the IAM
 * API sends, so an offline snapshot matches a live one.
 */
#ifndef PRA_COLLECT_OFFLINE_H
#define PRA_COLLECT_OFFLINE_H

#include "collect/snapshot.h"
#include "util/err.h"

/* Largest file read (an iam.json of a large account with its AWS managed
 * policies stays well below) and largest .error file. */
#define OFFLINE_FILE_MAX ((size_t)256 * 1024 * 1024)
#define OFFLINE_ERROR_MAX ((size_t)64 * 1024)

/* The snapshot of the dump in dir (sorted, source "offline:DIR"), or NULL
 * with e naming the file and JSON path of the first malformed input. */
struct snapshot *offline_load(const char *dir, struct err *e);

/*
 * The same dump, one account at a time, so that an organization larger
 * than memory can be audited. offline_open reads aws-dump.json, the
 * organization and the list of accounts; offline_shell is that snapshot
 * (the organization, and each account as a stub: id, parent, name — no
 * IAM, no regions), sorted. offline_next reads the next account (in id
 * order) into *out, which the caller then owns (snap_account_clear):
 * 1, 0 at the end, -1 with e naming the file. The shell's taken_at and
 * partition are final once offline_next has returned 0.
 */
struct offline_src;
struct offline_src *offline_open(const char *dir, struct err *e);
const struct snapshot *offline_shell(const struct offline_src *o);
int offline_next(struct offline_src *o, struct snap_account *out, struct err *e);
void offline_close(struct offline_src *o);

#endif
