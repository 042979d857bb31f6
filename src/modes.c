/*
 * Mode bodies. The parts these modes need (AWS transport, policy engine,
 * audit) are built on other branches; each function below is replaced when
 * its part is merged. Until then the mode fails clearly instead of
 * pretending to work.
 */
#include "config.h"

#include "modes.h"

static int
not_yet(const char *what)
{
	log_error("%s is not available in this build yet", what);
	return CLI_EXIT_ERROR;
}

int
mode_daemon(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("the daemon (audit loop)");
}

int
mode_audit_now(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("--audit-now");
}

int
mode_whoami(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("--whoami");
}

int
mode_eval(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("--eval");
}

int
mode_eval_batch(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("--eval-batch");
}
