/* pra-eval: evaluate policy request files (CONTRACT-EVAL.md) until the
 * daemon's --eval and --eval-batch options exist. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evalcmd.h"

static int
usage(void)
{
	fprintf(stderr, "usage: pra-eval [--format text|json] FILE\n"
	    "       pra-eval --batch FILE.jsonl\n");
	return 2;
}

int
main(int argc, char **argv)
{
	bool batch = false, json = false;
	const char *path = NULL;
	struct err e = { "" };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--batch") == 0) {
			batch = true;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "json") == 0)
				json = true;
			else if (strcmp(argv[i], "text") == 0)
				json = false;
			else
				return usage();
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			if (strcmp(argv[i] + 9, "json") == 0)
				json = true;
			else if (strcmp(argv[i] + 9, "text") != 0)
				return usage();
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage();
		} else if (path == NULL) {
			path = argv[i];
		} else {
			return usage();
		}
	}
	if (path == NULL)
		return usage();
	if (evalcmd_run(path, batch, json || batch, stdout, &e) < 0) {
		fflush(stdout);
		fprintf(stderr, "pra-eval: %s\n", e.msg);
		return 1;
	}
	return 0;
}
