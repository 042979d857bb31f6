/*
 * The program's modes, one function each, called by main() once the command
 * line is parsed, logging is set up and the config is loaded and valid.
 * Each returns an enum cli_exit code.
 *
 * The bodies in modes.c are where the AWS transport, the policy engine and
 * the audit are wired in; until a part is merged its mode says so and fails.
 */
#ifndef PRA_MODES_H
#define PRA_MODES_H

#include "cli.h"
#include "conf.h"

/* No mode option: the audit loop (detaching unless -f). */
int mode_daemon(const struct config *cfg, const struct cli_opts *opts);
/* --audit-now: one audit; CLI_EXIT_OK, _CHANGES or _INCOMPLETE. */
int mode_audit_now(const struct config *cfg, const struct cli_opts *opts);
/* --explain PRINCIPAL ROLE [--service S]: the layer-by-layer reasoning. */
int mode_explain(const struct config *cfg, const struct cli_opts *opts);
/* --list-privileged: the privileged roles and why; CLI_EXIT_OK or _INCOMPLETE. */
int mode_list_privileged(const struct config *cfg, const struct cli_opts *opts);
/* --whoami: the AWS identity the daemon would use. */
int mode_whoami(const struct config *cfg, const struct cli_opts *opts);
/* --eval FILE (opts->mode_arg): one policy-evaluation request. */
int mode_eval(const struct config *cfg, const struct cli_opts *opts);
/* --eval-batch FILE (opts->mode_arg): many requests. */
int mode_eval_batch(const struct config *cfg, const struct cli_opts *opts);

#endif
