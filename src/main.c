/*
 * passrole-auditd entry point. The command line and config modules replace
 * this minimal driver (issue 2); it exists so the build has a program.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: passrole-auditd --version\n");
	return 64;
}
