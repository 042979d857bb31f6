/*
 * A loopback test server for C tests: a Python script (the AWS emulator, the
 * metadata mock) started with $PYTHON3 on a free 127.0.0.1 port, found
 * through the port file it writes, driven through its JSON control API, and
 * stopped by the test. Optionally over TLS with a throw-away self-signed
 * certificate for 127.0.0.1 (the script must take --tls-cert/--tls-key).
 */
#ifndef PRA_TESTSERVER_H
#define PRA_TESTSERVER_H

#include <sys/types.h>

#include "util/buf.h"

struct testserver {
	pid_t pid;
	int port;
	char url[64];		/* http://127.0.0.1:PORT or https://... */
	char dir[64];		/* private temporary folder: port file, certificate */
	char portfile[128];
	char cert[128];		/* TLS: the certificate, a CA bundle for clients; else "" */
	char key[128];
};

/* Run $PYTHON3 SCRIPT ARGS... --port-file F (script relative to top_srcdir,
 * args NULL-terminated) and wait up to 15 s for the port; exits the test
 * program when the server does not come up or exits first. */
void testserver_start(struct testserver *s, const char *script, const char *const *args);
/* The same over TLS: makes a self-signed certificate for 127.0.0.1 with
 * openssl(1) and adds --tls-cert CERT --tls-key KEY to the arguments. */
void testserver_start_tls(struct testserver *s, const char *script, const char *const *args);
void testserver_stop(struct testserver *s);
/* GET (body NULL) or POST (JSON body) a control path; returns the HTTP
 * status and appends the answer to out (may be NULL). Asserts the transfer
 * itself worked. */
long testserver_request(const struct testserver *s, const char *path, const char *body,
    struct buf *out);
/* testserver_request that asserts HTTP 200 and returns the body, which the
 * caller frees. */
char *testserver_ctl(const struct testserver *s, const char *path, const char *body);

#endif
