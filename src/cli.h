/*
 * The command line: one parse into a struct that main() dispatches on, the
 * help text and the exit codes every mode shares.
 */
#ifndef PRA_CLI_H
#define PRA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "log.h"
#include "util/err.h"

/* The program's exit codes, documented in --help and passrole-auditd(8).
 * When an audit finds changes and was also incomplete, it exits
 * CLI_EXIT_CHANGES: a change is a finding to act on, and the report says
 * what could not be seen; an error (1) wins over both. */
enum cli_exit {
	CLI_EXIT_OK = 0,		/* success; audit: no change */
	CLI_EXIT_ERROR = 1,		/* error, including an invalid config */
	CLI_EXIT_CHANGES = 2,		/* audit: changes found */
	CLI_EXIT_INCOMPLETE = 3,	/* audit: could not see everything */
	CLI_EXIT_USAGE = 64,		/* bad command line (EX_USAGE) */
};

enum cli_mode {
	CLI_MODE_DAEMON = 0,	/* no mode option: run the audit loop */
	CLI_MODE_AUDIT_NOW,
	CLI_MODE_CHECK_CONFIG,
	CLI_MODE_WHOAMI,
	CLI_MODE_EVAL,
	CLI_MODE_EVAL_BATCH,
	CLI_MODE_EXPLAIN,
	CLI_MODE_LIST_PRIVILEGED,
	CLI_MODE_HELP,
	CLI_MODE_VERSION,
	CLI_MODE_DUMP_SCHEMA,	/* hidden: the settings table, for the docs test */
};

enum cli_format {
	CLI_FORMAT_TEXT = 0,
	CLI_FORMAT_JSON,
	CLI_FORMAT_JSONL,	/* --audit-now only: one JSON object per line */
};

#define CLI_DEFAULT_CONFIG SYSCONFDIR "/passrole-auditd/passrole-auditd.conf"

/* Patterns one filter option may be given (--account, --role,
 * --principal): more is a usage error, not silently ignored. */
#define CLI_FILTER_MAX 32

/* Strings point into argv, which must outlive the struct. */
struct cli_opts {
	enum cli_mode mode;
	const char *config_path;	/* CLI_DEFAULT_CONFIG unless -c */
	bool config_path_given;		/* -c was used */
	bool foreground;
	int verbosity;			/* +1 per -v, -1 per -q */
	enum cli_format format;
	bool format_given;
	const char *mode_arg;		/* FILE of --eval / --eval-batch */
	/* --explain PRINCIPAL ROLE [--service S] */
	const char *explain_principal;
	const char *explain_role;
	const char *explain_service;	/* NULL: every service the role trusts */
	/* The audit's input and state (--audit-now; --input also with
	 * --explain and --list-privileged). */
	const char *input_dir;		/* --input DIR: offline snapshot; NULL: live */
	const char *state_dir;		/* --state-dir DIR; NULL: the config's */
	bool no_state;			/* --no-state */
	/* --no-alerts: queue no alert and save no state (so that the changes
	 * seen are not consumed without their alerts). */
	bool no_alerts;
	const char *baseline;		/* --baseline FILE */
	const char *write_edges;	/* --write-edges FILE */
	/* --audit-now's report: the changes and the counts, or the counts
	 * only; no edges (an unchanged account's saved edges are then not
	 * even read). */
	bool changes_only;		/* --changes-only */
	bool summary;			/* --summary */
	/* --account, --role, --principal PATTERN (each repeatable): what the
	 * report shows (report.h's struct report_filter). */
	const char *accounts[CLI_FILTER_MAX];
	size_t naccounts;
	const char *roles[CLI_FILTER_MAX];
	size_t nroles;
	const char *principals[CLI_FILTER_MAX];
	size_t nprincipals;
};

/*
 * Parse argv. 0 on success; -1 on a usage error, with a one-line message in
 * e (the caller prints it, the "Try" hint, and exits CLI_EXIT_USAGE).
 * --help and --version end the parse where they stand, as in GNU tools.
 */
int cli_parse(int argc, char *const argv[], struct cli_opts *out, struct err *e);

/* The long option that selects mode ("--audit-now"), or "" for the daemon. */
const char *cli_mode_option(enum cli_mode mode);

/* base moved by verbosity steps, kept within error..debug. */
enum log_level cli_log_level(enum log_level base, int verbosity);

void cli_help(FILE *fp);
void cli_usage_error(FILE *fp, const char *msg);

#endif
