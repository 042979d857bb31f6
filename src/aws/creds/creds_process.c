#include "config.h"

#include "aws/creds/creds_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/buf.h"
#include "util/secret.h"

extern char **environ;

#define CREDS_PROCESS_STDERR_KEEP 4096

void
creds_process_argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		secret_free(argv[i]);
	free(argv);
}

static int
creds_process_push(char ***argv, size_t *argc, struct buf *w, struct err *e)
{
	char **nv;

	if (*argc >= CREDS_PROCESS_ARGS_MAX) {
		err_set(e, "credential_process has more than %d arguments", CREDS_PROCESS_ARGS_MAX);
		return -1;
	}
	if ((nv = realloc(*argv, (*argc + 2) * sizeof(*nv))) == NULL)
		goto nomem;
	*argv = nv;
	if (buf_append(w, "", 0) != 0)
		goto nomem;
	nv[*argc] = buf_steal(w);
	nv[++*argc] = NULL;
	return 0;
nomem:
	err_set(e, "out of memory");
	return -1;
}

int
creds_process_split(const char *cmd, char ***argv, size_t *argc, struct err *e)
{
	struct buf w = BUF_INIT;
	const char *p;
	char quote = 0;
	int in_word = 0, rc = -1;

	*argv = NULL;
	*argc = 0;
	if (strlen(cmd) > CREDS_PROCESS_CMD_MAX) {
		err_set(e, "credential_process is longer than %d bytes", CREDS_PROCESS_CMD_MAX);
		return -1;
	}
	for (p = cmd; *p != '\0'; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else if (buf_putc(&w, c) != 0)
				goto nomem;
			continue;
		}
		if (quote == '"') {
			if (c == '"') {
				quote = 0;
				continue;
			}
			/* Inside double quotes a backslash escapes only '"' and '\'. */
			if (c == '\\' && (p[1] == '"' || p[1] == '\\'))
				c = *++p;
			if (buf_putc(&w, c) != 0)
				goto nomem;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word && creds_process_push(argv, argc, &w, e) != 0)
				goto out;
			in_word = 0;
			continue;
		}
		in_word = 1;
		if (c == '\'' || c == '"') {
			quote = c;
			continue;
		}
		if (c == '\\') {
			if (p[1] == '\0') {
				err_set(e, "credential_process ends with a lone backslash");
				goto out;
			}
			c = *++p;
		}
		if (buf_putc(&w, c) != 0)
			goto nomem;
	}
	if (quote != 0) {
		err_set(e, "credential_process has an unclosed %s quote",
		    quote == '"' ? "double" : "single");
		goto out;
	}
	if (in_word && creds_process_push(argv, argc, &w, e) != 0)
		goto out;
	if (*argc == 0) {
		err_set(e, "credential_process is empty");
		goto out;
	}
	rc = 0;
	goto out;
nomem:
	err_set(e, "out of memory");
out:
	buf_free_secret(&w);
	if (rc != 0) {
		creds_process_argv_free(*argv);
		*argv = NULL;
		*argc = 0;
	}
	return rc;
}

static long
creds_process_ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Read one chunk from fd into b (stdout: bounded, error when full; stderr:
 * keeps the first bytes, counts the rest). Returns 1 at EOF, 0, or -1. */
static int
creds_process_drain(int fd, struct buf *b, size_t *total, int bounded)
{
	char chunk[4096];
	ssize_t r;
	size_t keep;
	int rc = 0;

	r = read(fd, chunk, sizeof(chunk));
	if (r < 0) {
		rc = (errno == EINTR || errno == EAGAIN) ? 0 : -1;
		goto out;
	}
	if (r == 0) {
		rc = 1;
		goto out;
	}
	*total += (size_t)r;
	if (bounded) {
		if (buf_append(b, chunk, (size_t)r) != 0)
			rc = -1;
	} else if (b->len < CREDS_PROCESS_STDERR_KEEP) {
		keep = CREDS_PROCESS_STDERR_KEEP - b->len;
		if (buf_append(b, chunk, (size_t)r < keep ? (size_t)r : keep) != 0)
			rc = -1;
	}
out:
	secret_wipe(chunk, sizeof(chunk));
	return rc;
}

static void
creds_process_stderr_note(const struct buf *eb, size_t total, char *out, size_t n)
{
	char first[160];

	if (total == 0) {
		snprintf(out, n, "no output on stderr");
		return;
	}
	creds_safe_excerpt(eb->data != NULL ? eb->data : "", eb->len, first, sizeof(first));
	snprintf(out, n, "stderr: %zu bytes, first line: \"%s\"", total, first);
}

int
creds_process_fetch(const char *cmd, const char *profile, const char *const *env,
    long timeout_ms, struct aws_credentials *out, struct err *e)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct buf ob = BUF_INIT, eb = BUF_INIT;
	struct timespec deadline;
	struct pollfd pfd[2];
	char **argv = NULL;
	char what[160], note[256];
	size_t argc, otot = 0, etot = 0;
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int fa_ok = 0, attr_ok = 0, open_fds, status = 0, rc = CREDS_ERROR, r, killed = 0;
	sigset_t none, deflt;
	pid_t pid = -1;
	long left;

	snprintf(what, sizeof(what), "credential_process of profile %s", profile);
	buf_init(&ob, CREDS_PROCESS_STDOUT_MAX);
	buf_init(&eb, 0);
	if (creds_process_split(cmd, &argv, &argc, e) != 0) {
		err_prefix(e, "profile %s", profile);
		goto out;
	}
	/* Some posix_spawn implementations (and valgrind) only report a failed
	 * exec as exit status 127; say what is wrong before trying. */
	if (strchr(argv[0], '/') != NULL && access(argv[0], X_OK) != 0) {
		err_set(e, "%s: cannot run '%s': %s", what, argv[0], strerror(errno));
		goto out;
	}
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		err_set(e, "%s: pipe: %s", what, strerror(errno));
		goto out;
	}
	if (posix_spawn_file_actions_init(&fa) != 0)
		goto spawn_fail;
	fa_ok = 1;
	if (posix_spawnattr_init(&attr) != 0)
		goto spawn_fail;
	attr_ok = 1;
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGPIPE);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGHUP);
	sigaddset(&deflt, SIGCHLD);
	/* Own process group so the whole tree can be killed on timeout; clean
	 * signal state so a daemon's handlers do not leak into the child. */
	if (posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, outp[1], 1) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, errp[1], 2) != 0 ||
	    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF) != 0 ||
	    posix_spawnattr_setpgroup(&attr, 0) != 0 ||
	    posix_spawnattr_setsigmask(&attr, &none) != 0 ||
	    posix_spawnattr_setsigdefault(&attr, &deflt) != 0)
		goto spawn_fail;
	r = posix_spawnp(&pid, argv[0], &fa, &attr, argv,
	    env != NULL ? (char *const *)env : environ);
	if (r != 0) {
		pid = -1;
		err_set(e, "%s: cannot run '%s': %s", what, argv[0], strerror(r));
		goto out;
	}
	log_debug("%s: started %s (pid %ld)", what, argv[0], (long)pid);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	open_fds = 2;
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if ((left = creds_process_ms_left(&deadline)) <= 0)
			goto timeout;
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, "%s: poll: %s", what, strerror(errno));
			goto out;
		}
		if (pfd[0].fd >= 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			r = creds_process_drain(pfd[0].fd, &ob, &otot, 1);
			if (r < 0) {
				err_set(e, "%s: standard output larger than %zu bytes", what,
				    CREDS_PROCESS_STDOUT_MAX);
				goto out;
			}
			if (r == 1) {
				pfd[0].fd = -1;
				open_fds--;
			}
		}
		if (pfd[1].fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			r = creds_process_drain(pfd[1].fd, &eb, &etot, 0);
			if (r != 0) {
				pfd[1].fd = -1;
				open_fds--;
			}
		}
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			err_set(e, "%s: waitpid: %s", what, strerror(errno));
			goto out;
		}
		if (creds_process_ms_left(&deadline) <= 0)
			goto timeout;
		usleep(5000);
	}
	pid = -1;
	creds_process_stderr_note(&eb, etot, note, sizeof(note));
	if (WIFSIGNALED(status)) {
		err_set(e, "%s: killed by signal %d (%s)", what, WTERMSIG(status), note);
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		err_set(e, "%s: exited with status %d%s (%s)", what, WEXITSTATUS(status),
		    WEXITSTATUS(status) == 127 ? ", command not found?" : "", note);
		goto out;
	}
	if (etot > 0)
		log_debug("%s: %s", what, note);
	if (creds_json_parse(buf_cstr(&ob), ob.len, CREDS_JSON_PROCESS, what, out, e) != 0)
		goto out;
	creds_set_source(out, "process profile %s", profile);
	rc = CREDS_FOUND;
	goto out;
timeout:
	err_set(e, "%s: no answer within %ld ms; the process was killed", what, timeout_ms);
	killed = 1;
	goto out;
spawn_fail:
	err_set(e, "%s: cannot set up the child process", what);
out:
	if (pid > 0) {
		/* Still running (timeout or error): stop the whole group. */
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (killed)
			log_debug("%s: killed pid %ld", what, (long)pid);
	}
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (attr_ok)
		posix_spawnattr_destroy(&attr);
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[0] >= 0)
		close(errp[0]);
	if (errp[1] >= 0)
		close(errp[1]);
	creds_process_argv_free(argv);
	buf_free_secret(&ob);
	buf_free_secret(&eb);
	return rc;
}
