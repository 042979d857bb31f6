#include "config.h"

#include "testserver.h"

#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"

void
testserver_start(struct testserver *s, const char *script, const char *const *args)
{
	const char *py = getenv("PYTHON3"), *top = getenv("top_srcdir");
	const char *argv[32];
	char path[512];
	size_t n = 0;
	FILE *f;
	int i;

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	if (py == NULL)
		py = "/usr/bin/python3";
	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", script);
	snprintf(s->portfile, sizeof(s->portfile), "/tmp/pra-testserver.%ld.%p.port",
	    (long)getpid(), (void *)s);
	unlink(s->portfile);
	argv[n++] = py;
	argv[n++] = path;
	for (i = 0; args != NULL && args[i] != NULL && n < 28; i++)
		argv[n++] = args[i];
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
		if (s->port <= 0)
			usleep(50000);
	}
	if (s->port <= 0) {
		fprintf(stderr, "%s did not start\n", script);
		testserver_stop(s);
		exit(EXIT_FAILURE);
	}
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
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
	if (s->portfile[0] != '\0')
		unlink(s->portfile);
}

static size_t
testserver_sink(char *p, size_t sz, size_t n, void *ud)
{
	return buf_append(ud, p, sz * n) == 0 ? sz * n : 0;
}

char *
testserver_ctl(const struct testserver *s, const char *path, const char *body)
{
	struct buf b = BUF_INIT;
	char url[512];
	long status = 0;
	CURL *c = curl_easy_init();

	ck_assert_ptr_nonnull(c);
	snprintf(url, sizeof(url), "%s%s", s->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, testserver_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	ck_assert_int_eq(status, 200);
	buf_putc(&b, '\0');
	return buf_steal(&b);
}
