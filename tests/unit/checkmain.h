/*
 * The main() of a Check suite: run it, let Check print its summary line
 * ("100%: Checks: N, Failures: 0, Errors: 0"), release what the logger
 * holds (registered secrets) so valgrind sees no leak, and turn the result
 * into the exit status the automake harness reads. Header-only so a suite
 * needs no extra source in its build fragment.
 */
#ifndef PRA_CHECKMAIN_H
#define PRA_CHECKMAIN_H

#include <check.h>
#include <stdlib.h>

#include "log.h"

/* fork: CK_FORK_GETENV (Check's default: fork unless CK_FORK=no), or
 * CK_NOFORK for suites whose tests share a server's state in this process. */
static inline int
check_run(Suite *s, enum fork_status fork)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, fork);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	log_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static inline int
check_main(Suite *s)
{
	return check_run(s, CK_FORK_GETENV);
}

#endif
