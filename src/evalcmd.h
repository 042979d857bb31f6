/*
 * The --eval and --eval-batch modes: evaluation request files (man
 * passrole-auditd-eval(5)), one JSON request, or JSON Lines with one
 * request per line, each loaded by the policy layer's request reader
 * (policy/evalcmd.h), evaluated, and written as text or as one JSON
 * result object.
 */
#ifndef PRA_EVALCMD_H
#define PRA_EVALCMD_H

#include <stdbool.h>
#include <stdio.h>

#include "util/err.h"

/* A single request file is parsed whole; a batch file is streamed, one
 * line (one request) at a time, with no bound on its size. */
#define EVALCMD_MAX_FILE (64u * 1024u * 1024u)
#define EVALCMD_MAX_LINE (8u * 1024u * 1024u)

/* Run a file: one request, or JSON Lines with batch (read as a stream: one
 * result line per request line, written as it is evaluated). Output as text
 * or JSON (batch is always JSON, one object per line). */
int evalcmd_run(const char *path, bool batch, bool json, FILE *out, struct err *e);

#endif
