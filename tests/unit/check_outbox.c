/* The durable outbox and delivery: write/reload/order, per-sink delivery,
 * the bound and its overflow alert, corrupt entries set aside. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/outbox.h"
#include "util/buf.h"
#include "testserver.h"
#include "checkmain.h"

static char dir[64];

static void
rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_outbox_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	log_init("check_outbox", LOG_TARGET_STDERR, LOG_LVL_ERROR);
}

static void
teardown(void)
{
	rm_rf(dir);
}

static void
hexid(int n, char out[65])
{
	snprintf(out, 65, "%064x", n);
}

static cJSON *
doc(int n)
{
	cJSON *j = cJSON_CreateObject();
	char id[65];

	hexid(n, id);
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddNumberToObject(j, "n", n);
	return j;
}

static int
add(struct outbox *ob, int n)
{
	struct err e = { "" };
	cJSON *j = doc(n);
	char id[65];
	int r;

	hexid(n, id);
	r = outbox_add(ob, id, j, &e);
	cJSON_Delete(j);
	ck_assert_msg(r >= 0, "%s", e.msg);
	return r;
}

static int
nth(struct outbox *ob, size_t i)
{
	struct err e = { "" };
	cJSON *a = outbox_read_alert(ob, i, &e);
	int n;

	ck_assert_msg(a != NULL, "%s", e.msg);
	n = cJSON_GetObjectItem(a, "n")->valueint;
	cJSON_Delete(a);
	return n;
}

static size_t
count_dir(const char *path, const char *prefix)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' ? strncmp(de->d_name, prefix, strlen(prefix)) == 0 :
		    strncmp(de->d_name, prefix, strlen(prefix)) == 0 && prefix[0] == '.')
			n++;
	closedir(d);
	return n;
}

/* Two processes on one outbox (here two handles, which flock treats the
 * same way): the second says who holds the lock and gives up; after the
 * first's change, the second's next lock reads the queue again. */
START_TEST(test_lock_between_handles)
{
	struct err e = { "" };
	struct outbox *a = outbox_open(dir, 0, NULL, &e), *b;
	volatile sig_atomic_t stop = 1;
	char want[96];

	ck_assert_msg(a != NULL, "%s", e.msg);
	ck_assert_int_eq(outbox_lock(a, 0, NULL, &e), 0);
	ck_assert_int_eq(add(a, 1), OUTBOX_ADDED);
	/* Opening never waits (the daemon's start and reload): the queue is
	 * read at the first lock instead. */
	b = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(b != NULL, "%s", e.msg);
	ck_assert_int_eq(outbox_lock(b, 0, NULL, &e), -1);
	snprintf(want, sizeof(want), "is locked by process %ld", (long)getpid());
	ck_assert_msg(strstr(e.msg, want) != NULL, "%s", e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, "gave up after 0 s"));
	/* A stop request ends a long wait at once. */
	ck_assert_int_eq(outbox_lock(b, 30, &stop, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "interrupted"));
	outbox_unlock(a);
	ck_assert_uint_eq(b->n, 0);
	ck_assert_msg(outbox_lock(b, 0, NULL, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(b->n, 1);	/* a's entry, seen once b holds the lock */
	ck_assert_int_eq(add(b, 2), OUTBOX_ADDED);
	ck_assert_int_eq(outbox_remove(b, 0, &e), 0);
	outbox_unlock(b);
	ck_assert_int_eq(outbox_lock(a, 0, NULL, &e), 0);
	ck_assert_uint_eq(a->n, 1);
	ck_assert_int_eq(nth(a, 0), 2);
	ck_assert_uint_eq(a->v[0].seq, 2);	/* b numbered after a's entry */
	outbox_unlock(a);
	outbox_close(b);
	outbox_close(a);
}
END_TEST

START_TEST(test_write_reload_order)
{
	struct err e = { "" };
	struct outbox *ob = outbox_open(dir, 0, NULL, &e);
	char path[256], id[65];
	int i;

	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->max, OUTBOX_DEFAULT_MAX);
	for (i = 5; i >= 1; i--)
		ck_assert_int_eq(add(ob, i), OUTBOX_ADDED);
	ck_assert_int_eq(add(ob, 3), OUTBOX_ALREADY);
	ck_assert_uint_eq(ob->n, 5);
	outbox_close(ob);
	snprintf(path, sizeof(path), "%s/outbox", dir);
	ck_assert_uint_eq(count_dir(path, "0000"), 5);
	/* A leftover temporary file (a crash before rename) is not an entry. */
	snprintf(path, sizeof(path), "%s/outbox/.tmp-leftover", dir);
	fclose(fopen(path, "w"));

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(nth(ob, (size_t)i), 5 - i);	/* queue order, not id order */
		ck_assert_uint_eq(ob->v[i].seq, (unsigned long long)i + 1);
	}
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(add(ob, 9), OUTBOX_ADDED);
	ck_assert_uint_eq(ob->v[5].seq, 6);
	hexid(2, id);
	ck_assert_int_eq(outbox_find(ob, id), 3);
	ck_assert_int_eq(outbox_remove(ob, 3, &e), 0);
	ck_assert_int_eq(outbox_find(ob, id), -1);
	outbox_close(ob);
	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_uint_eq(ob->n, 5);
	ck_assert_int_eq(nth(ob, 3), 1);
	ck_assert_int_eq(nth(ob, 4), 9);
	outbox_close(ob);
}
END_TEST

START_TEST(test_marks_persist)
{
	struct err e = { "" };
	struct outbox *ob = outbox_open(dir, 0, NULL, &e);

	add(ob, 1);
	add(ob, 2);
	ck_assert_int_eq(outbox_mark_delivered(ob, 1, "syslog", &e), 0);
	ck_assert_int_eq(outbox_mark_delivered(ob, 1, "syslog", &e), 0);
	ck_assert_int_eq(outbox_mark_delivered(ob, 1, "webhook:a", &e), 0);
	outbox_close(ob);
	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert(!outbox_entry_delivered(&ob->v[0], "syslog"));
	ck_assert(outbox_entry_delivered(&ob->v[1], "syslog"));
	ck_assert(outbox_entry_delivered(&ob->v[1], "webhook:a"));
	ck_assert(!outbox_entry_delivered(&ob->v[1], "webhook:b"));
	ck_assert_uint_eq(ob->v[1].ndelivered, 2);
	ck_assert_int_eq(nth(ob, 1), 2);	/* the alert survives the rewrite */
	outbox_close(ob);
}
END_TEST

START_TEST(test_bound_refuses_new)
{
	struct err e = { "" };
	struct outbox *ob = outbox_open(dir, 3, NULL, &e);

	ck_assert_int_eq(add(ob, 1), OUTBOX_ADDED);
	ck_assert_int_eq(add(ob, 2), OUTBOX_ADDED);
	ck_assert_int_eq(add(ob, 3), OUTBOX_ADDED);
	ck_assert_int_eq(add(ob, 4), OUTBOX_FULL);
	ck_assert_int_eq(add(ob, 2), OUTBOX_ALREADY);
	ck_assert_uint_eq(ob->n, 3);
	ck_assert_int_eq(nth(ob, 0), 1);	/* the oldest are kept */
	ck_assert_int_eq(outbox_remove(ob, 0, &e), 0);
	ck_assert_int_eq(add(ob, 4), OUTBOX_ADDED);
	outbox_close(ob);
}
END_TEST

static void
put(const char *name, const char *content)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/outbox/%s", dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(content, fp);
	fclose(fp);
}

START_TEST(test_corrupt_entries_set_aside)
{
	struct err e = { "" };
	struct outbox *ob = outbox_open(dir, 0, NULL, &e);
	char name[128], id[65], body[512], path[256];

	add(ob, 1);
	add(ob, 2);
	outbox_close(ob);
	hexid(7, id);
	snprintf(name, sizeof(name), "00000000000000000010-%s.json", id);
	put(name, "{\"outbox\":1,\"seq\":10,\"alert\":{\"id\":\"");	/* truncated */
	hexid(8, id);
	snprintf(name, sizeof(name), "00000000000000000011-%s.json", id);
	hexid(9, body);
	snprintf(body, sizeof(body), "{\"outbox\":1,\"seq\":11,\"alert\":{\"id\":\"%064x\"},"
	    "\"delivered\":[]}", 9);	/* id differs from the name */
	put(name, body);
	put("garbage.txt", "x");
	snprintf(name, sizeof(name), "00000000000000000012-%s.json", id);
	snprintf(body, sizeof(body), "{\"outbox\":1,\"seq\":12,\"alert\":{\"id\":\"%s\"},"
	    "\"delivered\":[]}", id);	/* valid */
	put(name, body);

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 3);
	ck_assert_uint_eq(ob->quarantined, 3);
	ck_assert_uint_eq(ob->next_seq, 13);
	snprintf(path, sizeof(path), "%s/outbox/corrupt", dir);
	ck_assert_uint_eq(count_dir(path, "0000"), 2);
	ck_assert_uint_eq(count_dir(path, "garbage"), 1);
	/* Damaged after open: read fails, the caller sets it aside. */
	hexid(2, id);
	snprintf(name, sizeof(name), "00000000000000000002-%s.json", id);
	put(name, "not json");
	ck_assert_ptr_null(outbox_read_alert(ob, 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not valid JSON"));
	outbox_quarantine(ob, 1, e.msg);
	ck_assert_uint_eq(ob->n, 2);
	ck_assert_uint_eq(count_dir(path, "0000"), 3);
	outbox_close(ob);
}
END_TEST

/* Found by tests/fuzz/fuzz_outbox: an entry numbered 2^64 - 1 was queued
 * and next_seq wrapped to 0, so the next alert sorted before it; a 20-digit
 * number past 2^64 wrapped silently. Both are names of no entry. */
START_TEST(test_sequence_number_bounds)
{
	static const char *const seqs[] = { "18446744073709551615", "99999999999999999999",
	    "09007199254740993000" };
	struct err e = { "" };
	struct outbox *ob;
	char name[128], id[65], body[512], path[256];
	size_t i;

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	outbox_close(ob);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		hexid(20 + (int)i, id);
		snprintf(name, sizeof(name), "%s-%s.json", seqs[i], id);
		snprintf(body, sizeof(body), "{\"outbox\":1,\"seq\":%s,\"alert\":{\"id\":\"%s\"},"
		    "\"delivered\":[]}", seqs[i], id);
		put(name, body);
	}
	/* The largest number allowed is still an entry. */
	hexid(30, id);
	snprintf(name, sizeof(name), "%020llu-%s.json", 1ULL << 53, id);
	snprintf(body, sizeof(body), "{\"outbox\":1,\"seq\":%llu,\"alert\":{\"id\":\"%s\"},"
	    "\"delivered\":[]}", 1ULL << 53, id);
	put(name, body);

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 1);
	ck_assert_uint_eq(ob->v[0].seq, 1ULL << 53);
	ck_assert_uint_eq(ob->quarantined, 3);
	ck_assert(ob->next_seq > ob->v[0].seq);
	snprintf(path, sizeof(path), "%s/outbox/corrupt", dir);
	ck_assert_uint_eq(count_dir(path, "0"), 1);
	ck_assert_uint_eq(count_dir(path, "1"), 1);
	ck_assert_uint_eq(count_dir(path, "9"), 1);
	outbox_close(ob);
}
END_TEST

/* Found by tests/fuzz/fuzz_outbox: marking a sink delivered on an entry
 * that already listed 1024 sinks wrote a 1025th, which the reader refuses,
 * so the entry went to corrupt/ at the next open. */
START_TEST(test_delivered_list_bound)
{
	struct err e = { "" };
	struct outbox *ob;
	struct buf b;
	char name[128], id[65], sink[OUTBOX_SINK_NAME_MAX + 2];
	int i;

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	outbox_close(ob);
	hexid(40, id);
	snprintf(name, sizeof(name), "00000000000000000005-%s.json", id);
	buf_init(&b, 0);
	ck_assert_int_eq(buf_printf(&b, "{\"outbox\":1,\"seq\":5,\"alert\":{\"id\":\"%s\"},"
	    "\"delivered\":[", id), 0);
	for (i = 0; i < OUTBOX_DELIVERED_MAX; i++)
		ck_assert_int_eq(buf_printf(&b, "%s\"s%d\"", i > 0 ? "," : "", i), 0);
	ck_assert_int_eq(buf_printf(&b, "]}"), 0);
	put(name, buf_cstr(&b));
	buf_free(&b);

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 1);
	ck_assert_uint_eq(ob->v[0].ndelivered, OUTBOX_DELIVERED_MAX);
	ck_assert_int_eq(outbox_mark_delivered(ob, 0, "webhook:late", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "at most 1024 sinks"));
	ck_assert(!outbox_entry_delivered(&ob->v[0], "webhook:late"));
	/* A sink already listed is still fine. */
	ck_assert_int_eq(outbox_mark_delivered(ob, 0, "s7", &e), 0);
	outbox_close(ob);

	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 1);
	ck_assert_uint_eq(ob->quarantined, 0);
	/* A sink name the reader would refuse is not written either. */
	memset(sink, 'x', sizeof(sink) - 1);
	sink[sizeof(sink) - 1] = '\0';
	outbox_close(ob);
	hexid(41, id);
	snprintf(name, sizeof(name), "00000000000000000006-%s.json", id);
	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_int_eq(add(ob, 41), OUTBOX_ADDED);
	ck_assert_int_eq(outbox_mark_delivered(ob, (size_t)outbox_find(ob, id), sink, &e), -1);
	outbox_close(ob);
	ob = outbox_open(dir, 0, NULL, &e);
	ck_assert_msg(ob != NULL, "%s", e.msg);
	ck_assert_uint_eq(ob->n, 2);
	ck_assert_uint_eq(ob->quarantined, 0);
	outbox_close(ob);
}
END_TEST

/* ---- delivery through the daemon API ---- */

static struct config cfg;
static int sock_fd = -1;
static char sock_path[128];

static void
dsetup(void)
{
	struct sockaddr_un sun;

	setup();
	memset(&cfg, 0, sizeof(cfg));
	cfg.alerts.min_severity = LOG_LVL_DEBUG;
	cfg.alerts.syslog.enabled = true;
	cfg.alerts.severity_by = CONFIG_SEVERITY_KIND;
	cfg.alerts.syslog.gained = LOG_LVL_WARN;
	cfg.alerts.syslog.lost = LOG_LVL_NOTICE;
	cfg.alerts.syslog.changed = LOG_LVL_NOTICE;
	cfg.alerts.syslog.failed = LOG_LVL_ERROR;
	cfg.alerts.syslog.privileged = LOG_LVL_NOTICE;
	snprintf(sock_path, sizeof(sock_path), "%s/log.sock", dir);
	cfg.alerts.syslog.socket = sock_path;
	sock_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(sock_fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, sock_path);
	ck_assert_int_eq(bind(sock_fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

static void
dteardown(void)
{
	close(sock_fd);
	teardown();
}

/* Datagrams waiting on the test socket, each appended to out (may be NULL). */
static size_t
drain(char *out, size_t outlen)
{
	char b[9000];
	ssize_t r;
	size_t n = 0;

	while ((r = recv(sock_fd, b, sizeof(b) - 1, 0)) > 0) {
		b[r] = '\0';
		if (out != NULL && strlen(out) + (size_t)r + 2 < outlen) {
			strcat(out, b);
			strcat(out, "\n");
		}
		n++;
	}
	return n;
}

static char *svc[] = { (char *)"lambda.amazonaws.com" };

static void
make_diff(struct edge_diff *d, struct edge *edges, size_t n)
{
	static char names[16][64];
	size_t i;

	memset(d, 0, sizeof(*d));
	d->entries = calloc(n, sizeof(*d->entries));
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "arn:aws:iam::111111111111:user/u%zu", i);
		edges[i] = (struct edge){ .principal_arn = names[i], .principal_type = (char *)"user",
			.account = (char *)"111111111111",
			.role_arn = (char *)"arn:aws:iam::111111111111:role/Admin", .services = svc,
			.nservices = 1, .reason = (char *)"allowed by P" };
		d->entries[i] = (struct diff_entry){ .kind = DIFF_GAINED, .new_edge = &edges[i] };
	}
	d->n = n;
}

static void
no_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

START_TEST(test_per_sink_delivery)
{
	struct alert_run run = { "r1", 1795428000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct config_webhook wh[2];
	struct testserver live, dead;
	const char *dead_args[] = { "--fail", "1000000", NULL };
	struct alert_enqueue_stats es;
	struct alert_deliver_stats ds;
	struct edge edges[4];
	struct edge_diff d;
	struct err e = { "" };
	struct alert_ctx *ax;
	char url_live[128], url_dead[128], *sum;

	testserver_start(&live, "tests/tools/webhook_receiver.py", NULL);
	testserver_start(&dead, "tests/tools/webhook_receiver.py", dead_args);
	snprintf(url_live, sizeof(url_live), "%s/hook", live.url);
	snprintf(url_dead, sizeof(url_dead), "%s/hook", dead.url);
	memset(wh, 0, sizeof(wh));
	wh[0] = (struct config_webhook){ .name = (char *)"dead", .url = url_dead, .timeout = 5,
		.max_attempts = 2, .min_severity = LOG_LVL_DEBUG };
	wh[1] = (struct config_webhook){ .name = (char *)"live", .url = url_live, .timeout = 5,
		.max_attempts = 2, .min_severity = LOG_LVL_DEBUG };
	cfg.alerts.webhooks = wh;
	cfg.alerts.nwebhooks = 2;
	make_diff(&d, edges, 4);

	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	alert_ctx_set_sleep(ax, no_sleep, NULL);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, &es, &e), 0);
	ck_assert_uint_eq(es.queued, 4);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, &es, &e), 0);	/* same run again */
	ck_assert_uint_eq(es.queued, 0);
	ck_assert_uint_eq(es.already, 4);

	ck_assert_int_eq(alert_deliver_pending(ax, NULL, &ds, &e), 4);
	ck_assert_uint_eq(ds.delivered, 8);	/* syslog 4 + live 4 */
	ck_assert_uint_eq(ds.failed_sinks, 1);
	ck_assert_uint_eq(drain(NULL, 0), 4);
	sum = testserver_ctl(&live, "/_ctl/summary", NULL);
	ck_assert_ptr_nonnull(strstr(sum, "\"accepted\": 4,"));
	free(sum);
	sum = testserver_ctl(&dead, "/_ctl/summary", NULL);
	ck_assert_ptr_nonnull(strstr(sum, "\"posts\": 2,"));	/* blocked after the first */
	free(sum);
	ck_assert_uint_eq(alert_retry_delay_s(ax), 30 * 2);
	alert_close(ax);

	/* Restart: the same four wait for the dead one only. */
	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	alert_ctx_set_sleep(ax, no_sleep, NULL);
	ck_assert_uint_eq(alert_pending(ax), 4);
	ck_assert_int_eq(alert_deliver_pending(ax, NULL, &ds, &e), 4);
	ck_assert_uint_eq(ds.delivered, 0);
	ck_assert_uint_eq(drain(NULL, 0), 0);
	free(testserver_ctl(&dead, "/_ctl/fail", "{\"n\": 0}"));
	ck_assert_int_eq(alert_deliver_pending(ax, NULL, &ds, &e), 0);
	ck_assert_uint_eq(ds.delivered, 4);
	ck_assert_uint_eq(ds.removed, 4);
	ck_assert_uint_eq(alert_retry_delay_s(ax), 30);
	sum = testserver_ctl(&live, "/_ctl/summary", NULL);
	ck_assert_ptr_nonnull(strstr(sum, "\"accepted\": 4,"));	/* no duplicate */
	free(sum);
	sum = testserver_ctl(&dead, "/_ctl/summary", NULL);
	ck_assert_ptr_nonnull(strstr(sum, "\"accepted\": 4,"));
	ck_assert_ptr_nonnull(strstr(sum, "\"duplicates\": 0,"));
	free(sum);
	ck_assert_uint_eq(drain(NULL, 0), 0);
	alert_close(ax);
	free(d.entries);
	testserver_stop(&live);
	testserver_stop(&dead);
}
END_TEST

START_TEST(test_webhook_min_severity)
{
	struct alert_run run = { "r1", 1795428000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct config_webhook wh = { .name = (char *)"pager", .url = (char *)"http://127.0.0.1:1/x",
		.timeout = 1, .max_attempts = 1, .min_severity = LOG_LVL_ERROR };
	struct alert_deliver_stats ds;
	struct edge edges[2];
	struct edge_diff d;
	struct err e = { "" };
	struct alert_ctx *ax;

	/* The webhook wants errors only; the gained (warning) alerts are done
	 * once syslog has them, although the webhook is unreachable. */
	cfg.alerts.webhooks = &wh;
	cfg.alerts.nwebhooks = 1;
	make_diff(&d, edges, 2);
	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, NULL, &e), 0);
	ck_assert_int_eq(alert_deliver_pending(ax, NULL, &ds, &e), 0);
	ck_assert_uint_eq(ds.removed, 2);
	ck_assert_uint_eq(drain(NULL, 0), 2);
	alert_close(ax);
	free(d.entries);
}
END_TEST

START_TEST(test_overflow_is_alerted)
{
	struct alert_run run = { "r1", 1795428000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct alert_enqueue_stats es;
	struct edge edges[5];
	struct edge_diff d;
	struct err e = { "" };
	struct alert_ctx *ax;
	char got[40000] = "";
	const char *p;
	size_t n = 0;

	cfg.alerts.outbox_max = 2;
	make_diff(&d, edges, 5);
	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, &es, &e), 0);
	ck_assert_uint_eq(es.queued, 2);
	ck_assert_uint_eq(es.refused, 3);
	ck_assert_uint_eq(drain(got, sizeof(got)), 3);
	for (p = got; (p = strstr(p, "kind=outbox-overflow severity=error queued=no max=2 ")) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_nonnull(strstr(got, "principal=arn:aws:iam::111111111111:user/u2 "));
	ck_assert_ptr_nonnull(strstr(got, "principal=arn:aws:iam::111111111111:user/u4 "));
	ck_assert_ptr_null(strstr(got, "user/u0 "));	/* the oldest are kept, not refused */
	ck_assert_int_eq(strncmp(got, "<83>", 4), 0);	/* authpriv.err */
	alert_close(ax);
	free(d.entries);
}
END_TEST

START_TEST(test_corrupt_entry_at_delivery)
{
	struct alert_run run = { "r1", 1795428000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct alert_deliver_stats ds;
	struct edge edges[3];
	struct edge_diff d;
	struct err e = { "" };
	struct alert_ctx *ax;
	struct dirent *de;
	char path[512], cpath[256];
	DIR *dd;
	int k = 0;

	make_diff(&d, edges, 3);
	ax = alert_open(&cfg, dir, &e);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, NULL, &e), 0);
	/* Damage the second entry on disk behind the context's back. */
	snprintf(cpath, sizeof(cpath), "%s/outbox", dir);
	dd = opendir(cpath);
	while ((de = readdir(dd)) != NULL) {
		if (strncmp(de->d_name, "00000000000000000002-", 21) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", cpath, de->d_name);
		ck_assert_int_eq(truncate(path, 30), 0);
		k++;
	}
	closedir(dd);
	ck_assert_int_eq(k, 1);
	ck_assert_int_eq(alert_deliver_pending(ax, NULL, &ds, &e), 0);
	ck_assert_uint_eq(ds.delivered, 2);
	ck_assert_uint_eq(drain(NULL, 0), 2);
	snprintf(cpath, sizeof(cpath), "%s/outbox/corrupt", dir);
	ck_assert_uint_eq(count_dir(cpath, "00000000000000000002-"), 1);
	alert_close(ax);
	/* And an entry that is valid JSON but not a valid alert is set aside at
	 * open. */
	put("00000000000000000001-00000000000000000000000000000000000000000000000000000000000000aa.json",
	    "{\"outbox\":1,\"seq\":1,\"alert\":{\"id\":\"00000000000000000000000000000000000000000000"
	    "000000000000000000aa\"},\"delivered\":[]}");
	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	ck_assert_uint_eq(alert_pending(ax), 0);
	ck_assert_uint_eq(count_dir(cpath, "00000000000000000001-"), 1);
	alert_close(ax);
	free(d.entries);
}
END_TEST

static volatile sig_atomic_t stop_flag;
static unsigned sleeps;

static void
sleep_then_stop(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
	sleeps++;
	stop_flag = 1;
}

START_TEST(test_stop_ends_the_round)
{
	struct alert_run run = { "r1", 1795428000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct config_webhook wh = { .name = (char *)"down", .url = (char *)"http://127.0.0.1:1/x",
		.timeout = 2, .max_attempts = 5, .min_severity = LOG_LVL_DEBUG };
	struct alert_deliver_stats ds;
	struct edge edges[2];
	struct edge_diff d;
	struct err e = { "" };
	struct alert_ctx *ax;

	cfg.alerts.webhooks = &wh;
	cfg.alerts.nwebhooks = 1;
	make_diff(&d, edges, 2);
	ax = alert_open(&cfg, dir, &e);
	ck_assert_msg(ax != NULL, "%s", e.msg);
	ck_assert_int_eq(alert_enqueue(ax, &run, &d, NULL, &e), 0);
	stop_flag = 1;
	ck_assert_int_eq(alert_deliver_pending(ax, &stop_flag, &ds, &e), 2);
	ck_assert_uint_eq(ds.delivered, 0);
	ck_assert_uint_eq(drain(NULL, 0), 0);
	/* Set during the first backoff: no second attempt, no second alert. */
	stop_flag = 0;
	sleeps = 0;
	alert_ctx_set_sleep(ax, sleep_then_stop, NULL);
	ck_assert_int_eq(alert_deliver_pending(ax, &stop_flag, &ds, &e), 2);
	ck_assert_uint_eq(sleeps, 1);
	ck_assert_uint_eq(ds.delivered, 1);	/* syslog took the first one */
	ck_assert_uint_eq(drain(NULL, 0), 1);
	alert_close(ax);
	free(d.entries);
}
END_TEST

START_TEST(test_open_errors)
{
	struct config_webhook wh[2] = {
		{ .name = (char *)"same", .url = (char *)"https://a.example/" },
		{ .name = (char *)"same", .url = (char *)"https://b.example/" },
	};
	struct err e = { "" };
	char path[256];

	cfg.alerts.webhooks = wh;
	cfg.alerts.nwebhooks = 2;
	ck_assert_ptr_null(alert_open(&cfg, dir, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "used twice"));
	cfg.alerts.nwebhooks = 0;
	snprintf(path, sizeof(path), "%s/missing/deeper", dir);
	ck_assert_ptr_null(alert_open(&cfg, path, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "mkdir"));
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("outbox"), *td = tcase_create("deliver");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_reload_order);
	tcase_add_test(tc, test_lock_between_handles);
	tcase_add_test(tc, test_marks_persist);
	tcase_add_test(tc, test_bound_refuses_new);
	tcase_add_test(tc, test_corrupt_entries_set_aside);
	tcase_add_test(tc, test_sequence_number_bounds);
	tcase_add_test(tc, test_delivered_list_bound);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(td, dsetup, dteardown);
	tcase_set_timeout(td, 60);
	tcase_add_test(td, test_per_sink_delivery);
	tcase_add_test(td, test_webhook_min_severity);
	tcase_add_test(td, test_overflow_is_alerted);
	tcase_add_test(td, test_corrupt_entry_at_delivery);
	tcase_add_test(td, test_stop_ends_the_round);
	tcase_add_test(td, test_open_errors);
	suite_add_tcase(s, td);
	return s;
}

int
main(void)
{
	return check_main(outbox_suite());
}
