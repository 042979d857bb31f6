#include "config.h"

#include "testserver.h"

#include <check.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
testserver_fail(struct testserver *s, const char *script, const char *why)
{
	fprintf(stderr, "%s: %s\n", script, why);
	testserver_stop(s);
	exit(EXIT_FAILURE);
}

/* openssl req for a one-day certificate of 127.0.0.1 (name and address). */
static int
testserver_make_cert(struct testserver *s)
{
	pid_t pid;
	int st, fd;

	snprintf(s->cert, sizeof(s->cert), "%s/cert.pem", s->dir);
	snprintf(s->key, sizeof(s->key), "%s/key.pem", s->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("openssl", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
		    "-keyout", s->key, "-out", s->cert, "-days", "1", "-subj", "/CN=127.0.0.1",
		    "-addext", "subjectAltName=IP:127.0.0.1", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

static void
testserver_launch(struct testserver *s, const char *script, const char *const *args, bool tls)
{
	const char *py = getenv("PYTHON3"), *top = getenv("top_srcdir");
	const char *argv[40];
	char path[512];
	size_t n = 0;
	FILE *f;
	int i, st;

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	if (py == NULL || py[0] == '\0')
		py = "/usr/bin/python3";
	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", script);
	snprintf(s->dir, sizeof(s->dir), "/tmp/pra-testserver-XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		s->dir[0] = '\0';
		testserver_fail(s, script, "cannot create a temporary folder");
	}
	snprintf(s->portfile, sizeof(s->portfile), "%s/port", s->dir);
	if (tls && testserver_make_cert(s) != 0)
		testserver_fail(s, script, "openssl req could not make a test certificate");
	argv[n++] = py;
	argv[n++] = path;
	for (i = 0; args != NULL && args[i] != NULL && n < 32; i++)
		argv[n++] = args[i];
	if (tls) {
		argv[n++] = "--tls-cert";
		argv[n++] = s->cert;
		argv[n++] = "--tls-key";
		argv[n++] = s->key;
	}
	argv[n++] = "--port-file";
	argv[n++] = s->portfile;
	argv[n] = NULL;
	s->pid = fork();
	if (s->pid == 0) {
		execv(py, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 300 && s->port <= 0; i++) {
		if ((f = fopen(s->portfile, "r")) != NULL) {
			if (fscanf(f, "%d", &s->port) != 1)
				s->port = 0;
			fclose(f);
		}
		if (s->port > 0)
			break;
		if (s->pid < 0 || waitpid(s->pid, &st, WNOHANG) != 0) {
			s->pid = -1;
			testserver_fail(s, script, "exited before it wrote its port");
		}
		usleep(50000);
	}
	if (s->port <= 0)
		testserver_fail(s, script, "did not start");
	snprintf(s->url, sizeof(s->url), "%s://127.0.0.1:%d", tls ? "https" : "http", s->port);
}

void
testserver_start(struct testserver *s, const char *script, const char *const *args)
{
	testserver_launch(s, script, args, false);
}

void
testserver_start_tls(struct testserver *s, const char *script, const char *const *args)
{
	testserver_launch(s, script, args, true);
}

void
testserver_stop(struct testserver *s)
{
	int st;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &st, 0);
		s->pid = -1;
	}
	if (s->dir[0] != '\0') {
		unlink(s->portfile);
		if (s->cert[0] != '\0')
			unlink(s->cert);
		if (s->key[0] != '\0')
			unlink(s->key);
		if (rmdir(s->dir) != 0)
			fprintf(stderr, "could not remove %s\n", s->dir);
		s->dir[0] = '\0';
	}
}

static size_t
testserver_sink(char *p, size_t sz, size_t n, void *ud)
{
	return buf_append(ud, p, sz * n) == 0 ? sz * n : 0;
}

long
testserver_request(const struct testserver *s, const char *path, const char *body,
    struct buf *out)
{
	struct buf sink = BUF_INIT;
	struct curl_slist *h = NULL;
	char url[512];
	long status = 0;
	CURL *c = curl_easy_init();

	ck_assert_ptr_nonnull(c);
	snprintf(url, sizeof(url), "%s%s", s->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, testserver_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out != NULL ? out : &sink);
	if (s->cert[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, s->cert);
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_free(&sink);
	return status;
}

char *
testserver_ctl(const struct testserver *s, const char *path, const char *body)
{
	struct buf b = BUF_INIT;
	long status = testserver_request(s, path, body, &b);

	ck_assert_msg(status == 200, "%s%s: HTTP %ld: %s", s->url, path, status, buf_cstr(&b));
	buf_putc(&b, '\0');
	return buf_steal(&b);
}
