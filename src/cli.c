#include "config.h"

#include "cli.h"

#include <getopt.h>
#include <string.h>

enum {
	OPT_AUDIT_NOW = 256,
	OPT_CHECK_CONFIG,
	OPT_WHOAMI,
	OPT_EVAL,
	OPT_EVAL_BATCH,
	OPT_FORMAT,
	OPT_HELP,
	OPT_VERSION,
	OPT_DUMP_SCHEMA,
	OPT_EXPLAIN,
	OPT_SERVICE,
	OPT_LIST_PRIVILEGED,
	OPT_INPUT,
	OPT_STATE_DIR,
	OPT_NO_STATE,
	OPT_BASELINE,
	OPT_WRITE_EDGES,
	OPT_CHANGES_ONLY,
	OPT_SUMMARY,
	OPT_ACCOUNT,
	OPT_ROLE,
	OPT_PRINCIPAL,
	OPT_NO_ALERTS,
};

static const struct option cli_longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "foreground", no_argument, NULL, 'f' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "audit-now", no_argument, NULL, OPT_AUDIT_NOW },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
	{ "whoami", no_argument, NULL, OPT_WHOAMI },
	{ "eval", required_argument, NULL, OPT_EVAL },
	{ "eval-batch", required_argument, NULL, OPT_EVAL_BATCH },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "dump-schema", no_argument, NULL, OPT_DUMP_SCHEMA },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "service", required_argument, NULL, OPT_SERVICE },
	{ "list-privileged", no_argument, NULL, OPT_LIST_PRIVILEGED },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "no-state", no_argument, NULL, OPT_NO_STATE },
	{ "no-alerts", no_argument, NULL, OPT_NO_ALERTS },
	{ "changes-only", no_argument, NULL, OPT_CHANGES_ONLY },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "account", required_argument, NULL, OPT_ACCOUNT },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "principal", required_argument, NULL, OPT_PRINCIPAL },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "write-edges", required_argument, NULL, OPT_WRITE_EDGES },
	{ NULL, 0, NULL, 0 },
};

const char *
cli_mode_option(enum cli_mode mode)
{
	switch (mode) {
	case CLI_MODE_DAEMON: return "";
	case CLI_MODE_AUDIT_NOW: return "--audit-now";
	case CLI_MODE_CHECK_CONFIG: return "--check-config";
	case CLI_MODE_WHOAMI: return "--whoami";
	case CLI_MODE_EVAL: return "--eval";
	case CLI_MODE_EVAL_BATCH: return "--eval-batch";
	case CLI_MODE_EXPLAIN: return "--explain";
	case CLI_MODE_LIST_PRIVILEGED: return "--list-privileged";
	case CLI_MODE_HELP: return "--help";
	case CLI_MODE_VERSION: return "--version";
	case CLI_MODE_DUMP_SCHEMA: return "--dump-schema";
	}
	return "";
}

static int
set_mode(struct cli_opts *o, enum cli_mode m, struct err *e)
{
	if (o->mode != CLI_MODE_DAEMON && o->mode != m) {
		err_set(e, "%s and %s cannot be used together",
		    cli_mode_option(o->mode), cli_mode_option(m));
		return -1;
	}
	if (o->mode == m && m != CLI_MODE_DAEMON) {
		err_set(e, "%s given twice", cli_mode_option(m));
		return -1;
	}
	o->mode = m;
	return 0;
}

/* An option that takes a non-empty value and may be given once. */
static int
set_value(const char **slot, const char *opt, const char *what, const char *arg,
    struct err *e)
{
	if (*slot != NULL) {
		err_set(e, "%s given twice", opt);
		return -1;
	}
	if (arg[0] == '\0') {
		err_set(e, "%s needs %s", opt, what);
		return -1;
	}
	*slot = arg;
	return 0;
}

/* One more pattern of a repeatable filter option. */
static int
add_pattern(const char **list, size_t *n, const char *opt, const char *arg, struct err *e)
{
	if (arg[0] == '\0') {
		err_set(e, "%s needs a pattern", opt);
		return -1;
	}
	if (*n == CLI_FILTER_MAX) {
		err_set(e, "%s given more than %d times", opt, CLI_FILTER_MAX);
		return -1;
	}
	list[(*n)++] = arg;
	return 0;
}

/* The checks that involve several options, once all are read. */
static int
check_combinations(const struct cli_opts *o, struct err *e)
{
	bool audit = o->mode == CLI_MODE_AUDIT_NOW;

	if (o->format_given && o->mode != CLI_MODE_AUDIT_NOW &&
	    o->mode != CLI_MODE_WHOAMI && o->mode != CLI_MODE_EVAL &&
	    o->mode != CLI_MODE_EVAL_BATCH && o->mode != CLI_MODE_EXPLAIN &&
	    o->mode != CLI_MODE_LIST_PRIVILEGED) {
		err_set(e, "--format applies only to --audit-now, --explain, "
		    "--list-privileged, --whoami, --eval and --eval-batch");
		return -1;
	}
	if (o->format == CLI_FORMAT_JSONL && o->mode != CLI_MODE_AUDIT_NOW) {
		err_set(e, "--format jsonl applies only to --audit-now (the others print "
		    "one JSON document: use --format json)");
		return -1;
	}
	if (o->input_dir != NULL && !audit && o->mode != CLI_MODE_EXPLAIN &&
	    o->mode != CLI_MODE_LIST_PRIVILEGED) {
		err_set(e, "--input applies only to --audit-now, --explain and "
		    "--list-privileged");
		return -1;
	}
	if (o->explain_service != NULL && o->mode != CLI_MODE_EXPLAIN) {
		err_set(e, "--service applies only to --explain");
		return -1;
	}
	if (!audit && (o->state_dir != NULL || o->no_state || o->baseline != NULL ||
	    o->write_edges != NULL || o->no_alerts)) {
		err_set(e, "%s applies only to --audit-now", o->no_alerts ? "--no-alerts" :
		    o->state_dir != NULL ?
		    "--state-dir" : o->no_state ? "--no-state" : o->baseline != NULL ?
		    "--baseline" : "--write-edges");
		return -1;
	}
	if ((o->changes_only || o->summary) && !audit) {
		err_set(e, "%s applies only to --audit-now", o->summary ? "--summary" :
		    "--changes-only");
		return -1;
	}
	if (o->naccounts + o->nroles + o->nprincipals > 0 && !audit) {
		err_set(e, "%s applies only to --audit-now", o->naccounts > 0 ? "--account" :
		    o->nroles > 0 ? "--role" : "--principal");
		return -1;
	}
	if (o->changes_only && o->summary) {
		err_set(e, "--summary and --changes-only cannot be combined (--summary "
		    "prints no changes, --changes-only prints them)");
		return -1;
	}
	if (o->state_dir != NULL && (o->no_state || o->baseline != NULL)) {
		err_set(e, "--state-dir cannot be used with %s",
		    o->no_state ? "--no-state" : "--baseline");
		return -1;
	}
	return 0;
}

/* The option as the user typed it, for error messages. */
static const char *
typed(char *const argv[], int idx)
{
	return idx > 0 ? argv[idx] : "?";
}

/* getopt's optopt is a long option's value, not a character, when the
 * culprit was a long option; tell which one the user typed. */
static bool
is_long(char *const argv[], int idx)
{
	return strncmp(typed(argv, idx), "--", 2) == 0;
}

int
cli_parse(int argc, char *const argv[], struct cli_opts *o, struct err *e)
{
	int c, cur;

	memset(o, 0, sizeof(*o));
	o->mode = CLI_MODE_DAEMON;
	o->config_path = CLI_DEFAULT_CONFIG;
	o->format = CLI_FORMAT_TEXT;

	/* optind = 0 makes glibc start over, so tests can parse repeatedly;
	 * a leading ':' reports a missing argument apart from an unknown
	 * option, and opterr = 0 leaves the wording to us. */
	optind = 0;
	opterr = 0;
	for (;;) {
		/* Without permutation ('+'), optind names the argument being
		 * read, which is the one to blame if it is bad. */
		cur = optind == 0 ? 1 : optind;
		c = getopt_long(argc, argv, "+:c:fvq", cli_longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'c':
			if (o->config_path_given) {
				err_set(e, "-c/--config given twice");
				return -1;
			}
			if (optarg[0] == '\0') {
				err_set(e, "-c/--config needs a file name");
				return -1;
			}
			o->config_path = optarg;
			o->config_path_given = true;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'v':
			o->verbosity++;
			break;
		case 'q':
			o->verbosity--;
			break;
		case OPT_AUDIT_NOW:
			if (set_mode(o, CLI_MODE_AUDIT_NOW, e) != 0)
				return -1;
			break;
		case OPT_CHECK_CONFIG:
			if (set_mode(o, CLI_MODE_CHECK_CONFIG, e) != 0)
				return -1;
			break;
		case OPT_WHOAMI:
			if (set_mode(o, CLI_MODE_WHOAMI, e) != 0)
				return -1;
			break;
		case OPT_EVAL:
		case OPT_EVAL_BATCH:
			if (set_mode(o, c == OPT_EVAL ? CLI_MODE_EVAL :
			    CLI_MODE_EVAL_BATCH, e) != 0)
				return -1;
			if (optarg[0] == '\0') {
				err_set(e, "%s needs a file name", cli_mode_option(o->mode));
				return -1;
			}
			o->mode_arg = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				o->format = CLI_FORMAT_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				o->format = CLI_FORMAT_JSON;
			} else if (strcmp(optarg, "jsonl") == 0) {
				o->format = CLI_FORMAT_JSONL;
			} else {
				err_set(e, "--format: '%s' is not one of text, json, jsonl", optarg);
				return -1;
			}
			o->format_given = true;
			break;
		case OPT_EXPLAIN:
			if (set_mode(o, CLI_MODE_EXPLAIN, e) != 0)
				return -1;
			/* The role is the next argument: getopt takes one
			 * value per option, --explain takes two. */
			if (optarg[0] == '\0' || optind >= argc ||
			    argv[optind][0] == '\0' ||
			    strncmp(argv[optind], "--", 2) == 0) {
				err_set(e, "--explain needs a principal and a role");
				return -1;
			}
			o->explain_principal = optarg;
			o->explain_role = argv[optind++];
			break;
		case OPT_SERVICE:
			if (set_value(&o->explain_service, "--service", "a service principal "
			    "(lambda.amazonaws.com)", optarg, e) != 0)
				return -1;
			break;
		case OPT_LIST_PRIVILEGED:
			if (set_mode(o, CLI_MODE_LIST_PRIVILEGED, e) != 0)
				return -1;
			break;
		case OPT_INPUT:
			if (set_value(&o->input_dir, "--input", "a directory", optarg, e) != 0)
				return -1;
			break;
		case OPT_STATE_DIR:
			if (set_value(&o->state_dir, "--state-dir", "a directory", optarg,
			    e) != 0)
				return -1;
			break;
		case OPT_NO_STATE:
			o->no_state = true;
			break;
		case OPT_NO_ALERTS:
			o->no_alerts = true;
			break;
		case OPT_CHANGES_ONLY:
			o->changes_only = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_ACCOUNT:
			if (add_pattern(o->accounts, &o->naccounts, "--account", optarg, e) != 0)
				return -1;
			break;
		case OPT_ROLE:
			if (add_pattern(o->roles, &o->nroles, "--role", optarg, e) != 0)
				return -1;
			break;
		case OPT_PRINCIPAL:
			if (add_pattern(o->principals, &o->nprincipals, "--principal", optarg,
			    e) != 0)
				return -1;
			break;
		case OPT_BASELINE:
			if (set_value(&o->baseline, "--baseline", "a file name", optarg, e) != 0)
				return -1;
			break;
		case OPT_WRITE_EDGES:
			if (set_value(&o->write_edges, "--write-edges", "a file name", optarg,
			    e) != 0)
				return -1;
			break;
		case OPT_DUMP_SCHEMA:
			if (set_mode(o, CLI_MODE_DUMP_SCHEMA, e) != 0)
				return -1;
			break;
		case OPT_HELP:
			o->mode = CLI_MODE_HELP;
			return 0;
		case OPT_VERSION:
			o->mode = CLI_MODE_VERSION;
			return 0;
		case ':':
			if (is_long(argv, cur))
				err_set(e, "option '%s' requires an argument",
				    typed(argv, cur));
			else
				err_set(e, "option '-%c' requires an argument", optopt);
			return -1;
		case '?':
		default:
			if (!is_long(argv, cur))
				err_set(e, "invalid option -- '%c'", optopt);
			else if (strchr(typed(argv, cur), '=') != NULL)
				err_set(e, "option '%.*s' does not take an argument",
				    (int)strcspn(typed(argv, cur), "="),
				    typed(argv, cur));
			else
				err_set(e, "unrecognized option '%s'",
				    typed(argv, cur));
			return -1;
		}
	}
	if (optind < argc) {
		err_set(e, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return check_combinations(o, e);
}

enum log_level
cli_log_level(enum log_level base, int verbosity)
{
	int lvl = (int)base + verbosity;

	if (lvl < (int)LOG_LVL_ERROR)
		lvl = LOG_LVL_ERROR;
	if (lvl > (int)LOG_LVL_DEBUG)
		lvl = LOG_LVL_DEBUG;
	return (enum log_level)lvl;
}

void
cli_help(FILE *fp)
{
	fprintf(fp,
"Usage: passrole-auditd [OPTION]...\n"
"Audit who can effectively iam:PassRole which privileged AWS role, and report\n"
"when that changes. Without a mode option it runs as a daemon.\n"
"\n"
"Modes (at most one):\n"
"      --audit-now         run one audit, report the changes, and exit\n"
"      --explain PRINCIPAL ROLE\n"
"                          why PRINCIPAL can or cannot pass ROLE, layer by layer\n"
"      --list-privileged   list the privileged roles and why each is one\n"
"      --check-config      validate the config and print the effective settings\n"
"      --whoami            print the AWS identity the daemon would use\n"
"      --eval FILE         evaluate one policy-evaluation request file\n"
"      --eval-batch FILE   evaluate a file of policy-evaluation requests\n"
"\n"
"Options:\n"
"  -c, --config FILE       config file (default %s)\n"
"  -f, --foreground        log to standard error instead of syslog (the daemon\n"
"                          never forks, with or without -f)\n"
"  -v, --verbose           log more (repeat for more; info -> debug)\n"
"  -q, --quiet             log less (repeat for less; info -> notice -> ...)\n"
"      --format text|json  output format of --audit-now, --explain,\n"
"                          --list-privileged, --whoami, --eval*; --audit-now\n"
"                          also takes jsonl (one JSON object per line)\n"
"      --input DIR         audit the AWS CLI dumps in DIR instead of fetching\n"
"                          (with --audit-now, --explain, --list-privileged)\n"
"      --service S         with --explain: passing to service S only\n"
"      --state-dir DIR     with --audit-now: keep edge sets in DIR instead of\n"
"                          the configured state_dir\n"
"      --no-state          with --audit-now: neither read nor write saved state\n"
"                          (the run is a baseline unless --baseline is given)\n"
"      --no-alerts         with --audit-now: queue no alert and save no state\n"
"                          (the changes stay for the next run to alert)\n"
"      --baseline FILE     with --audit-now: diff against the edge set in FILE\n"
"                          instead of the saved state (implies --no-state)\n"
"      --write-edges FILE  with --audit-now: also write the edge set, as the\n"
"                          state keeps it, to FILE (a later --baseline)\n"
"      --changes-only      with --audit-now: report the changes and the counts,\n"
"                          not every edge\n"
"      --summary           with --audit-now: report the counts only\n"
"      --account PATTERN   with --audit-now: show only the accounts whose id\n"
"                          matches the glob PATTERN (repeatable: any matches)\n"
"      --role PATTERN      with --audit-now: show only the edges to, and the\n"
"                          privileged roles, whose ARN or name matches\n"
"      --principal PATTERN with --audit-now: show only the edges from the\n"
"                          principals whose ARN or name matches; the filters\n"
"                          apply to the output only (every account is still\n"
"                          audited, compared and saved)\n"
"      --help              print this help and exit\n"
"      --version           print the version and exit\n"
"\n"
"Exit status:\n"
"   0  success; for an audit: no change, or a first run (baseline)\n"
"   1  error, including an invalid config\n"
"   2  audit: changes found (also when the audit was incomplete)\n"
"   3  audit, --list-privileged: incomplete (some data could not be read), no\n"
"      change found in what could be read\n"
"  64  command-line usage error\n"
"\n"
"See passrole-auditd(8) and passrole-auditd.conf(5).\n",
	    CLI_DEFAULT_CONFIG);
}

void
cli_usage_error(FILE *fp, const char *msg)
{
	fprintf(fp, "passrole-auditd: %s\n"
	    "Try 'passrole-auditd --help' for more information.\n", msg);
}
