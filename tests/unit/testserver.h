/*
 * A loopback test server for C tests: a Python script (the AWS emulator, the
 * metadata mock) started with $PYTHON3 on a free 127.0.0.1 port, found
 * through the port file it writes, driven through its JSON control API, and
 * stopped by the test.
 */
#ifndef PRA_TESTSERVER_H
#define PRA_TESTSERVER_H

#include <sys/types.h>

struct testserver {
	pid_t pid;
	int port;
	char url[64];		/* http://127.0.0.1:PORT */
	char portfile[300];
};

/* Run $PYTHON3 SCRIPT ARGS... --port-file F (script relative to top_srcdir,
 * args NULL-terminated) and wait up to 15 s for the port; exits the test
 * program when the server does not come up. */
void testserver_start(struct testserver *s, const char *script, const char *const *args);
void testserver_stop(struct testserver *s);
/* GET (body NULL) or POST a control path; asserts HTTP 200 and returns the
 * body, which the caller frees. */
char *testserver_ctl(const struct testserver *s, const char *path, const char *body);

#endif
