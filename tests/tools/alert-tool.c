/*
 * alert-tool: drive the alert API (alert.h) from the shell tests the way
 * the daemon will: enqueue a run's alerts from a JSON diff fixture, then
 * deliver what is queued. The config's alert settings come from options
 * (the config parser rows for them belong to the daemon work).
 *
 *   alert-tool [options] enqueue FIXTURE
 *   alert-tool [options] deliver [--rounds N] [--round-ms MS]
 *   alert-tool [options] run FIXTURE [--rounds N] [--round-ms MS]
 *   alert-tool [options] pending
 *
 * Options: --state DIR (required), --syslog-socket PATH, --syslog-ident
 * IDENT, --syslog-facility NAME, --no-syslog,
 * --webhook NAME=URL (repeatable), --format json|slack (for the next
 * --webhook), --secret-file FILE (for the next --webhook), --header
 * NAME=FILE (for the next --webhook), --proxy URL and --ca-bundle FILE
 * (for the next --webhook), --attempts N, --backoff-ms N,
 * --outbox-max N, --min-severity LEVEL, --account PATTERN, --role PATTERN.
 *
 * Like the daemon, which saves its state only after alert_enqueue()
 * returned, "enqueue" records that the fixture's run was enqueued (the file
 * STATE/enqueued-<run>, written atomically) and does nothing when it finds
 * that record: a crash before it re-enqueues (same ids, nothing doubled), a
 * crash after it does not raise the run's alerts again.
 *
 * Fixture: {"run": ID, "at": "YYYY-MM-DDTHH:MM:SSZ", "status": "ok" |
 * "failed", "failure": TEXT, "entries": [{"kind": "gained" | "lost" |
 * "changed" | "privileged-added" | "privileged-removed", "new": EDGE,
 * "old": EDGE, "what": TEXT, "priv": {"role_arn", "account", "reasons"}}],
 * "not_audited": [{"account", "why"}]}, EDGE = {"principal",
 * "principal_type", "account", "role", "services": [...], "no_service",
 * "conditions" (conditional when present), "path": [{"kind", "arn",
 * "via_service"}], "reason"}.
 *
 * Exit status: 0 done (deliver/run: the outbox is empty), 3 alerts remain
 * queued after the rounds, 1 an error, 2 usage.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alert/alert.h"
#include "util/buf.h"

#define MAX_HOOKS 8
#define MAX_HEADERS 4

static int
usage(void)
{
	fprintf(stderr, "usage: alert-tool --state DIR [options] enqueue FIXTURE | deliver | "
	    "run FIXTURE | pending\n");
	return 2;
}

static char *
jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char **
jstrs(const cJSON *o, const char *k, size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k), *it;
	char **r;

	*n = 0;
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return NULL;
	if ((r = calloc((size_t)cJSON_GetArraySize(v), sizeof(char *))) == NULL)
		exit(1);
	cJSON_ArrayForEach(it, v)
		if (cJSON_IsString(it))
			r[(*n)++] = it->valuestring;
	return r;
}

/* The edges borrow the fixture's strings; only the arrays are ours. */
static struct edge *
edge_of(const cJSON *o)
{
	struct edge *ed;
	const cJSON *p, *it;
	size_t i = 0;

	if (!cJSON_IsObject(o))
		return NULL;
	if ((ed = calloc(1, sizeof(*ed))) == NULL)
		exit(1);
	ed->principal_arn = jstr(o, "principal");
	ed->principal_type = jstr(o, "principal_type");
	ed->account = jstr(o, "account");
	ed->role_arn = jstr(o, "role");
	ed->services = jstrs(o, "services", &ed->nservices);
	ed->no_service = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "no_service"));
	ed->conditions = jstr(o, "conditions");
	ed->conditional = ed->conditions != NULL;
	ed->reason = jstr(o, "reason");
	p = cJSON_GetObjectItemCaseSensitive(o, "path");
	if (cJSON_IsArray(p) && cJSON_GetArraySize(p) > 0) {
		if ((ed->path = calloc((size_t)cJSON_GetArraySize(p), sizeof(*ed->path))) == NULL)
			exit(1);
		cJSON_ArrayForEach(it, p) {
			ed->path[i].kind = jstr(it, "kind");
			ed->path[i].arn = jstr(it, "arn");
			ed->path[i].via_service = jstr(it, "via_service");
			i++;
		}
		ed->npath = i;
	}
	return ed;
}

static void
edge_of_free(const struct edge *ed)
{
	if (ed == NULL)
		return;
	free(ed->services);
	free(ed->path);
	free((void *)ed);
}

static int
read_whole(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t r;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return -1;
	buf_init(b, 64 << 20);
	while ((r = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_append(b, chunk, r) != 0) {
			fclose(fp);
			return -1;
		}
	fclose(fp);
	return 0;
}

/* The daemon's "state saved after enqueue", reduced to a marker file. */
static int
marker_path(const char *state, const char *run, char *out, size_t len)
{
	const char *p;

	for (p = run; *p != '\0'; p++)
		if (*p == '/' || *p == '\0')
			return -1;
	return snprintf(out, len, "%s/enqueued-%s", state, run) < (int)len ? 0 : -1;
}

static int
write_marker(const char *path)
{
	char tmp[4300], dir[4300];
	char *slash;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -1;
	if (write(fd, "1\n", 2) != 2 || fsync(fd) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (fsync(fd) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
do_enqueue(struct alert_ctx *ax, const char *state, const char *fixture)
{
	struct buf b;
	cJSON *root = NULL, *it;
	struct edge_diff d;
	struct alert_run run;
	struct alert_enqueue_stats st;
	struct err e = { "" };
	struct tm tm;
	char marker[4200];
	const char *at;
	size_t i = 0;
	int rc = 1;

	memset(&d, 0, sizeof(d));
	memset(&run, 0, sizeof(run));
	if (read_whole(fixture, &b) != 0 || (root = cJSON_Parse(buf_cstr(&b))) == NULL) {
		fprintf(stderr, "alert-tool: cannot read fixture %s\n", fixture);
		buf_free(&b);
		return 1;
	}
	buf_free(&b);
	run.id = jstr(root, "run");
	if (run.id == NULL || marker_path(state, run.id, marker, sizeof(marker)) != 0) {
		fprintf(stderr, "alert-tool: fixture %s: \"run\" missing or has a slash\n", fixture);
		goto out;
	}
	if (access(marker, F_OK) == 0) {
		printf("enqueue: run %s already enqueued\n", run.id);
		rc = 0;
		goto out;
	}
	memset(&tm, 0, sizeof(tm));
	if ((at = jstr(root, "at")) == NULL || strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL) {
		fprintf(stderr, "alert-tool: fixture %s: \"at\" missing\n", fixture);
		goto out;
	}
	run.at = timegm(&tm);
	if (jstr(root, "status") != NULL && strcmp(jstr(root, "status"), "failed") == 0) {
		run.status = ALERT_RUN_FAILED;
		run.failure = jstr(root, "failure");
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "entries");
	if (cJSON_GetArraySize(it) > 0 &&
	    (d.entries = calloc((size_t)cJSON_GetArraySize(it), sizeof(*d.entries))) == NULL)
		goto out;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "entries")) {
		struct diff_entry *de = &d.entries[d.n];
		const char *k = jstr(it, "kind");
		const cJSON *pv = cJSON_GetObjectItemCaseSensitive(it, "priv");
		struct edge_privileged *p = NULL;

		if (k == NULL)
			goto bad;
		if (strcmp(k, "gained") == 0)
			de->kind = DIFF_GAINED;
		else if (strcmp(k, "lost") == 0)
			de->kind = DIFF_LOST;
		else if (strcmp(k, "changed") == 0)
			de->kind = DIFF_CHANGED;
		else if (strcmp(k, "privileged-added") == 0)
			de->kind = DIFF_PRIV_ADDED;
		else if (strcmp(k, "privileged-removed") == 0)
			de->kind = DIFF_PRIV_REMOVED;
		else
			goto bad;
		de->new_edge = edge_of(cJSON_GetObjectItemCaseSensitive(it, "new"));
		de->old_edge = edge_of(cJSON_GetObjectItemCaseSensitive(it, "old"));
		de->what = jstr(it, "what");
		if (cJSON_IsObject(pv)) {
			if ((p = calloc(1, sizeof(*p))) == NULL)
				goto out;
			p->role_arn = jstr(pv, "role_arn");
			p->account = jstr(pv, "account");
			p->reasons = jstrs(pv, "reasons", &p->nreasons);
			if (de->kind == DIFF_PRIV_ADDED)
				de->new_priv = p;
			else
				de->old_priv = p;
		}
		d.n++;
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "not_audited");
	if (cJSON_GetArraySize(it) > 0 && (d.not_audited =
	    calloc((size_t)cJSON_GetArraySize(it), sizeof(*d.not_audited))) == NULL)
		goto out;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(root, "not_audited")) {
		d.not_audited[i].account = jstr(it, "account");
		d.not_audited[i].why = jstr(it, "why");
		d.nnot_audited = ++i;
	}
	if (alert_enqueue(ax, &run, &d, &st, &e) != 0) {
		fprintf(stderr, "alert-tool: %s\n", e.msg);
		goto out;
	}
	if (write_marker(marker) != 0) {
		fprintf(stderr, "alert-tool: cannot write %s: %s\n", marker, strerror(errno));
		goto out;
	}
	printf("enqueue: raised=%zu queued=%zu already=%zu refused=%zu\n", st.raised, st.queued,
	    st.already, st.refused);
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "alert-tool: fixture %s: entries[%zu]: bad kind\n", fixture, d.n);
out:
	for (i = 0; i < d.n; i++) {
		edge_of_free(d.entries[i].new_edge);
		edge_of_free(d.entries[i].old_edge);
		if (d.entries[i].new_priv != NULL)
			free(d.entries[i].new_priv->reasons);
		if (d.entries[i].old_priv != NULL)
			free(d.entries[i].old_priv->reasons);
		free((void *)d.entries[i].new_priv);
		free((void *)d.entries[i].old_priv);
	}
	free(d.entries);
	free(d.not_audited);
	cJSON_Delete(root);
	return rc;
}

static int
do_deliver(struct alert_ctx *ax, int rounds, int round_ms)
{
	struct alert_deliver_stats st;
	struct err e = { "" };
	struct timespec ts;
	size_t delivered = 0;
	int r = 0, i;

	for (i = 0; i < rounds; i++) {
		if ((r = alert_deliver_pending(ax, NULL, &st, &e)) < 0) {
			fprintf(stderr, "alert-tool: %s\n", e.msg);
			return 1;
		}
		delivered += st.delivered;
		if (r == 0)
			break;
		ts.tv_sec = round_ms / 1000;
		ts.tv_nsec = (long)(round_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	printf("deliver: rounds=%d delivered=%zu pending=%d\n", i < rounds ? i + 1 : rounds,
	    delivered, r);
	return r == 0 ? 0 : 3;
}

static int
split_eq(const char *arg, char **name, const char **value)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		return -1;
	if ((*name = strndup(arg, (size_t)(eq - arg))) == NULL)
		exit(1);
	*value = eq + 1;
	return 0;
}

int
main(int argc, char **argv)
{
	static struct config cfg;
	static struct config_webhook hooks[MAX_HOOKS];
	static struct config_webhook_header hdrs[MAX_HOOKS][MAX_HEADERS];
	static char *accounts[16], *roles[16];
	struct config_alerts *c = &cfg.alerts;
	struct alert_ctx *ax = NULL;
	struct err e = { "" };
	const char *state = NULL, *cmd = NULL, *fixture = NULL, *v;
	enum config_webhook_format fmt = CONFIG_WEBHOOK_JSON;
	const char *secret_file = NULL, *proxy = NULL, *ca_bundle = NULL;
	int attempts = 3, backoff = 0, rounds = 1, round_ms = 0, rc = 1, i;
	size_t nh = 0, k, j;

	log_init("alert-tool", LOG_TARGET_STDERR, LOG_LVL_NOTICE);
	c->min_severity = LOG_LVL_DEBUG;
	c->outbox_max = 10000;
	c->syslog.enabled = true;
	c->syslog.ident = (char *)"passrole-auditd-alert";
	c->syslog.facility = (char *)"authpriv";
	c->syslog.gained = LOG_LVL_WARN;
	c->syslog.lost = LOG_LVL_NOTICE;
	c->syslog.changed = LOG_LVL_NOTICE;
	c->syslog.failed = LOG_LVL_ERROR;
	c->syslog.privileged = LOG_LVL_NOTICE;
	c->accounts.items = accounts;
	c->roles.items = roles;
	c->webhooks = hooks;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (strcmp(a, "--state") == 0 && more)
			state = argv[++i];
		else if (strcmp(a, "--syslog-socket") == 0 && more)
			c->syslog.socket = argv[++i];
		else if (strcmp(a, "--syslog-ident") == 0 && more)
			c->syslog.ident = argv[++i];
		else if (strcmp(a, "--syslog-facility") == 0 && more)
			c->syslog.facility = argv[++i];
		else if (strcmp(a, "--no-syslog") == 0)
			c->syslog.enabled = false;
		else if (strcmp(a, "--format") == 0 && more)
			fmt = strcmp(argv[++i], "slack") == 0 ? CONFIG_WEBHOOK_SLACK :
			    CONFIG_WEBHOOK_JSON;
		else if (strcmp(a, "--secret-file") == 0 && more)
			secret_file = argv[++i];
		else if (strcmp(a, "--proxy") == 0 && more)
			proxy = argv[++i];
		else if (strcmp(a, "--ca-bundle") == 0 && more)
			ca_bundle = argv[++i];
		else if (strcmp(a, "--header") == 0 && more && nh < MAX_HEADERS) {
			if (split_eq(argv[++i], &hdrs[c->nwebhooks][nh].name, &v) != 0)
				return usage();
			hdrs[c->nwebhooks][nh++].value_file = (char *)v;
		} else if (strcmp(a, "--webhook") == 0 && more && c->nwebhooks < MAX_HOOKS) {
			struct config_webhook *w = &hooks[c->nwebhooks];

			if (split_eq(argv[++i], &w->name, &v) != 0)
				return usage();
			w->url = (char *)v;
			w->format = fmt;
			w->hmac_secret_file = (char *)secret_file;
			w->proxy = (char *)proxy;
			w->ca_bundle = (char *)ca_bundle;
			w->headers = hdrs[c->nwebhooks];
			w->nheaders = nh;
			w->timeout = 5;
			w->min_severity = LOG_LVL_DEBUG;
			c->nwebhooks++;
			fmt = CONFIG_WEBHOOK_JSON;
			secret_file = NULL;
			proxy = NULL;
			ca_bundle = NULL;
			nh = 0;
		} else if (strcmp(a, "--attempts") == 0 && more)
			attempts = atoi(argv[++i]);
		else if (strcmp(a, "--backoff-ms") == 0 && more)
			backoff = atoi(argv[++i]);
		else if (strcmp(a, "--outbox-max") == 0 && more)
			c->outbox_max = atoi(argv[++i]);
		else if (strcmp(a, "--min-severity") == 0 && more) {
			if (log_level_parse(argv[++i], &c->min_severity) != 0)
				return usage();
		} else if (strcmp(a, "--account") == 0 && more && c->accounts.n < 16)
			accounts[c->accounts.n++] = argv[++i];
		else if (strcmp(a, "--role") == 0 && more && c->roles.n < 16)
			roles[c->roles.n++] = argv[++i];
		else if (strcmp(a, "--rounds") == 0 && more)
			rounds = atoi(argv[++i]);
		else if (strcmp(a, "--round-ms") == 0 && more)
			round_ms = atoi(argv[++i]);
		else if (a[0] == '-')
			return usage();
		else if (cmd == NULL)
			cmd = a;
		else if (fixture == NULL)
			fixture = a;
		else
			return usage();
	}
	if (state == NULL || cmd == NULL || rounds < 1)
		return usage();
	for (k = 0; k < c->nwebhooks; k++)
		hooks[k].max_attempts = attempts;
	if ((ax = alert_open(&cfg, state, &e)) == NULL) {
		fprintf(stderr, "alert-tool: %s\n", e.msg);
		goto out;
	}
	if (backoff > 0)
		alert_ctx_set_backoff(ax, (unsigned)backoff, (unsigned)backoff * 8);
	if (strcmp(cmd, "enqueue") == 0 && fixture != NULL) {
		rc = do_enqueue(ax, state, fixture);
	} else if (strcmp(cmd, "deliver") == 0 && fixture == NULL) {
		rc = do_deliver(ax, rounds, round_ms);
	} else if (strcmp(cmd, "run") == 0 && fixture != NULL) {
		rc = do_enqueue(ax, state, fixture);
		if (rc == 0)
			rc = do_deliver(ax, rounds, round_ms);
	} else if (strcmp(cmd, "pending") == 0 && fixture == NULL) {
		printf("%zu\n", alert_pending(ax));
		rc = 0;
	} else {
		rc = usage();
	}
out:
	alert_close(ax);
	for (k = 0; k < MAX_HOOKS; k++) {
		free(hooks[k].name);
		for (j = 0; j < MAX_HEADERS; j++)
			free(hdrs[k][j].name);
	}
	log_shutdown();
	return rc;
}
