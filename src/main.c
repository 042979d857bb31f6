/*
 * passrole-auditd entry point: command line, logging, config, then the mode.
 * The modes themselves live in modes.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "modes.h"
#include "util/secret.h"

/* Print the problems of an invalid config, all of them. */
static void
report_problems(const struct confdiag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		log_error("%s", d->msgs[i]);
	if (d->dropped > 0)
		log_error("... and %zu more problems", d->dropped);
}

/* Load the config named on the command line, or the default one. A missing
 * default file means "all defaults" (the modes that need credentials say
 * so themselves); a missing file named with -c is an error. */
static int
load_config(const struct cli_opts *opts, struct config *cfg)
{
	struct confdiag diag = CONFDIAG_INIT;
	struct err e;
	int rc = -1;

	if (!opts->config_path_given && access(opts->config_path, F_OK) != 0 &&
	    errno == ENOENT) {
		log_notice("%s does not exist; using the default settings",
		    opts->config_path);
		if (config_defaults(cfg, &e) != 0) {
			log_error("%s", e.msg);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (config_load(cfg, opts->config_path, &diag) != 0) {
		report_problems(&diag);
		log_error("%s: invalid configuration (%zu problem%s)",
		    opts->config_path, confdiag_count(&diag),
		    confdiag_count(&diag) == 1 ? "" : "s");
		goto out;
	}
	rc = 0;
out:
	confdiag_free(&diag);
	return rc;
}

static int
check_config(const struct cli_opts *opts, const struct config *cfg)
{
	if (printf("# effective configuration from %s\n"
	    "# (a secret is never shown: to use this as a config, give it again)\n",
	    cfg->path != NULL ? cfg->path : "built-in defaults") < 0 ||
	    config_print(cfg, stdout) != 0) {
		log_error("cannot write the configuration: %s", strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

static int
dispatch(const struct cli_opts *opts, const struct config *cfg)
{
	switch (opts->mode) {
	case CLI_MODE_CHECK_CONFIG:
		return check_config(opts, cfg);
	case CLI_MODE_AUDIT_NOW:
		return mode_audit_now(cfg, opts);
	case CLI_MODE_WHOAMI:
		return mode_whoami(cfg, opts);
	case CLI_MODE_EVAL:
		return mode_eval(cfg, opts);
	case CLI_MODE_EVAL_BATCH:
		return mode_eval_batch(cfg, opts);
	case CLI_MODE_EXPLAIN:
		return mode_explain(cfg, opts);
	case CLI_MODE_LIST_PRIVILEGED:
		return mode_list_privileged(cfg, opts);
	case CLI_MODE_DAEMON:
		return mode_daemon(cfg, opts);
	case CLI_MODE_HELP:
	case CLI_MODE_VERSION:
	case CLI_MODE_DUMP_SCHEMA:
		break;
	}
	log_error("internal error: mode %d reached dispatch", (int)opts->mode);
	return CLI_EXIT_ERROR;
}

int
main(int argc, char **argv)
{
	struct cli_opts opts;
	struct config cfg;
	struct err e;
	enum log_target target;
	int rc = CLI_EXIT_ERROR;

	memset(&cfg, 0, sizeof(cfg));
	if (cli_parse(argc, argv, &opts, &e) != 0) {
		cli_usage_error(stderr, e.msg);
		return CLI_EXIT_USAGE;
	}
	switch (opts.mode) {
	case CLI_MODE_HELP:
		cli_help(stdout);
		return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	case CLI_MODE_VERSION:
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
	case CLI_MODE_DUMP_SCHEMA:
		return confschema_dump(config_schema(), stdout) == 0 ?
		    CLI_EXIT_OK : CLI_EXIT_ERROR;
	default:
		break;
	}

	/* One-shot modes and an operator at a terminal want to see messages;
	 * a daemon under a service manager logs to syslog. */
	target = (opts.foreground || opts.mode != CLI_MODE_DAEMON ||
	    isatty(STDERR_FILENO)) ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG;
	log_init("passrole-auditd", target, cli_log_level(LOG_LVL_INFO,
	    opts.verbosity));

	/* Before the config is read: it may hold a secret access key. */
	if (secret_disable_core_dumps() != 0) {
		log_error("cannot disable core dumps: %s", strerror(errno));
		goto out;
	}
	if (load_config(&opts, &cfg) != 0)
		goto out;
	log_set_level(cli_log_level(cfg.log_level, opts.verbosity));
	rc = dispatch(&opts, &cfg);
out:
	config_free(&cfg);
	log_shutdown();
	return rc;
}
