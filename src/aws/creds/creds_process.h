/*
 * credential_process: run a command and read credentials from its standard
 * output (JSON, Version 1). As botocore does, the command line is split with
 * POSIX shell quoting rules (quotes and backslashes, no expansion) and run
 * directly (PATH lookup, no shell), so ';', '|', '$(...)' and '*' are passed
 * to the program literally. The child gets /dev/null as stdin and its own
 * process group, which is killed when the timeout ends. Standard output is
 * bounded; standard error is never logged, only its size and a scrubbed first
 * line appear in an error.
 */
#ifndef PRA_AWS_CREDS_PROCESS_H
#define PRA_AWS_CREDS_PROCESS_H

#include <stddef.h>

#include "aws/credentials.h"
#include "util/err.h"

#define CREDS_PROCESS_CMD_MAX 8192
#define CREDS_PROCESS_ARGS_MAX 256
#define CREDS_PROCESS_STDOUT_MAX ((size_t)64 << 10)

/* Split cmd into a NULL-terminated argv (owned: creds_process_argv_free).
 * -1 with e on unbalanced quotes, a trailing backslash, no words or too many. */
int creds_process_split(const char *cmd, char ***argv, size_t *argc, struct err *e);
void creds_process_argv_free(char **argv);

/* Run cmd for profile (named in messages). env: the child's environment
 * (NULL: this process's). CREDS_FOUND or CREDS_ERROR. */
int creds_process_fetch(const char *cmd, const char *profile, const char *const *env,
    long timeout_ms, struct aws_credentials *out, struct err *e);

#endif
