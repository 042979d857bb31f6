/*
 * The daemon-facing side of alerts (declared in alert.h): the outbox and the
 * sinks made from the config, enqueueing a run's records and delivering
 * what is queued.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alert/alert.h"
#include "alert/outbox.h"
#include "alert/syslog_sink.h"
#include "alert/webhook.h"
#include "audit/state.h"
#include "util/buf.h"

#define RETRY_MIN_S 30
/* Bounds the per-entry list of sinks in alert_deliver_pending(). */
#define ALERT_MAX_WEBHOOKS 32
#define RETRY_MAX_S 900

struct sink {
	char name[OUTBOX_SINK_NAME_MAX + 1];	/* "syslog", "webhook:NAME" */
	struct syslog_sink *sl;			/* borrowed from the ctx */
	struct webhook *wh;			/* owned */
	enum log_level min_severity;
	bool blocked;				/* failed this round */
};

struct alert_ctx {
	const struct config *cfg;
	struct outbox *ob;
	struct syslog_sink *syslog;	/* NULL when alerts.syslog.enabled is false */
	struct sink *sinks;
	size_t nsinks;
	unsigned failed_rounds;
	int lock_wait_s;		/* for the outbox's lock */
};

/* An entry is only kept if it reads back as a valid alert with its id. */
static int
check_entry(const cJSON *j, const char *id, struct err *e)
{
	struct alert a;

	if (alert_from_json(j, &a, e) != 0)
		return -1;
	if (strcmp(a.id, id) != 0) {
		err_set(e, "alert id does not match the file name");
		alert_free(&a);
		return -1;
	}
	alert_free(&a);
	return 0;
}

void
alert_close(struct alert_ctx *ax)
{
	size_t i;

	if (ax == NULL)
		return;
	for (i = 0; i < ax->nsinks; i++)
		webhook_free(ax->sinks[i].wh);
	free(ax->sinks);
	syslog_sink_free(ax->syslog);
	outbox_close(ax->ob);
	free(ax);
}

struct alert_ctx *
alert_open(const struct config *cfg, const char *state_dir, struct err *e)
{
	const struct config_alerts *c = &cfg->alerts;
	struct alert_ctx *ax;
	size_t i, j;

	if ((ax = calloc(1, sizeof(*ax))) == NULL ||
	    (ax->sinks = calloc(c->nwebhooks + 1, sizeof(*ax->sinks))) == NULL) {
		err_set(e, "alerts: out of memory");
		goto fail;
	}
	ax->cfg = cfg;
	ax->lock_wait_s = OUTBOX_LOCK_WAIT_S;
	{
		struct stat sb;

		/* The outbox is the state directory's, under the same rule. */
		if (stat(state_dir, &sb) == 0 && state_owner_check(state_dir, &sb, e) != 0)
			goto fail;
	}
	if (c->nwebhooks > ALERT_MAX_WEBHOOKS) {
		err_set(e, "alerts.webhooks: at most %d webhooks", ALERT_MAX_WEBHOOKS);
		goto fail;
	}
	if (c->syslog.enabled) {
		struct sink *s = &ax->sinks[ax->nsinks];

		if ((ax->syslog = syslog_sink_new(c->syslog.ident, c->syslog.facility,
		    c->syslog.socket, e)) == NULL)
			goto fail;
		snprintf(s->name, sizeof(s->name), "syslog");
		s->sl = ax->syslog;
		s->min_severity = LOG_LVL_DEBUG;
		ax->nsinks++;
	}
	for (i = 0; i < c->nwebhooks; i++) {
		struct sink *s = &ax->sinks[ax->nsinks];
		const char *name = c->webhooks[i].name != NULL ? c->webhooks[i].name : "";

		if (name[0] == '\0' || strlen(name) > OUTBOX_SINK_NAME_MAX - 8) {
			err_set(e, "alerts.webhooks[%zu].name: required, at most %d characters", i,
			    OUTBOX_SINK_NAME_MAX - 8);
			goto fail;
		}
		for (j = 0; j < i; j++) {
			if (c->webhooks[j].name != NULL && strcmp(c->webhooks[j].name, name) == 0) {
				/* The name keys the per-sink delivery record. */
				err_set(e, "alerts.webhooks[%zu].name: \"%s\" is used twice", i, name);
				goto fail;
			}
		}
		if ((s->wh = webhook_new(&c->webhooks[i], e)) == NULL)
			goto fail;
		snprintf(s->name, sizeof(s->name), "webhook:%s", name);
		s->min_severity = c->webhooks[i].min_severity;
		ax->nsinks++;
	}
	ax->ob = outbox_open(state_dir, c->outbox_max > 0 ? (size_t)c->outbox_max : 0,
	    check_entry, e);
	if (ax->ob == NULL)
		goto fail;
	return ax;
fail:
	alert_close(ax);
	return NULL;
}

void
alert_ctx_set_sleep(struct alert_ctx *ax, void (*sleep_fn)(void *ctx, unsigned ms),
    void *sleep_ctx)
{
	size_t i;

	for (i = 0; i < ax->nsinks; i++)
		if (ax->sinks[i].wh != NULL)
			webhook_set_sleep(ax->sinks[i].wh, sleep_fn, sleep_ctx);
}

void
alert_ctx_set_backoff(struct alert_ctx *ax, unsigned base_ms, unsigned max_ms)
{
	size_t i;

	for (i = 0; i < ax->nsinks; i++)
		if (ax->sinks[i].wh != NULL)
			webhook_set_backoff(ax->sinks[i].wh, base_ms, max_ms);
}

void
alert_ctx_set_lock_wait(struct alert_ctx *ax, int wait_s)
{
	ax->lock_wait_s = wait_s;
}

size_t
alert_pending(const struct alert_ctx *ax)
{
	return ax->ob->n;
}

unsigned
alert_retry_delay_s(const struct alert_ctx *ax)
{
	unsigned d = RETRY_MIN_S, i;

	for (i = 0; i < ax->failed_rounds && d < RETRY_MAX_S; i++)
		d *= 2;
	return d < RETRY_MAX_S ? d : RETRY_MAX_S;
}

/* Never silent: the daemon's log always, and syslog (when enabled) gets
 * the refused alert itself, so its content is not lost with it. */
static void
overflow_alert(struct alert_ctx *ax, const struct alert *a)
{
	struct buf b;
	struct err le;
	char *kv = alert_format_kv(a);

	buf_init(&b, 0);
	if (kv == NULL || buf_printf(&b, "passrole-auditd alert: kind=outbox-overflow "
	    "severity=error queued=no max=%zu pending=%zu dir=%s alert: %s", ax->ob->max,
	    ax->ob->n, ax->ob->dir, kv) != 0) {
		log_error("alert outbox full (%zu alerts in %s): alert %s (%s) not queued",
		    ax->ob->n, ax->ob->dir, a->id, alert_kind_name(a->kind));
		goto out;
	}
	log_error("alert outbox full (%zu alerts in %s): %s", ax->ob->n, ax->ob->dir,
	    buf_cstr(&b));
	if (ax->syslog != NULL) {
		err_clear(&le);
		if (syslog_sink_send_line(ax->syslog, LOG_LVL_ERROR, buf_cstr(&b), &le) != 0)
			log_error("alert outbox overflow could not reach syslog: %s", le.msg);
	}
out:
	buf_free(&b);
	free(kv);
}

int
alert_enqueue(struct alert_ctx *ax, const struct alert_run *run, const struct edge_diff *d,
    struct alert_enqueue_stats *st, struct err *e)
{
	struct alert_enqueue_stats s;
	struct alert *v = NULL;
	size_t n = 0, i;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	if (alert_build(&ax->cfg->alerts, run, d, &v, &n, e) != 0)
		goto out;
	s.raised = n;
	if (n > 0 && outbox_lock(ax->ob, ax->lock_wait_s, NULL, e) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		cJSON *j = alert_to_json(&v[i]);
		int r;

		if (j == NULL) {
			err_set(e, "alert_enqueue: out of memory");
			goto out;
		}
		r = outbox_add(ax->ob, v[i].id, j, e);
		cJSON_Delete(j);
		if (r < 0) {
			err_prefix(e, "alert_enqueue: alert %zu of %zu", i + 1, n);
			goto out;
		}
		if (r == OUTBOX_ADDED)
			s.queued++;
		else if (r == OUTBOX_ALREADY)
			s.already++;
		else {
			s.refused++;
			overflow_alert(ax, &v[i]);
		}
	}
	rc = 0;
out:
	outbox_unlock(ax->ob);
	if (st != NULL)
		*st = s;
	alert_array_free(v, n);
	return rc;
}

static int
send_to(struct sink *s, const struct alert *a, const volatile sig_atomic_t *stop,
    struct err *e)
{
	if (s->wh != NULL)
		return webhook_send(s->wh, a, stop, e);
	return syslog_sink_send(s->sl, a, e);
}

int
alert_deliver_pending(struct alert_ctx *ax, const volatile sig_atomic_t *stop,
    struct alert_deliver_stats *st, struct err *e)
{
	struct alert_deliver_stats s;
	struct outbox *ob = ax->ob;
	size_t i = 0, k, nblocked = 0;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	/* Held for the whole round: another process delivering at the same
	 * time would send the same alerts again. */
	if (outbox_lock(ob, ax->lock_wait_s, stop, e) != 0) {
		s.pending = ob->n;
		if (st != NULL)
			*st = s;
		return -1;
	}
	for (k = 0; k < ax->nsinks; k++)
		ax->sinks[k].blocked = false;
	/* Per sink, strictly in queue order: a sink that fails on an alert
	 * gets none of the later ones this round, so it never receives them
	 * out of order. */
	while (i < ob->n && (ax->nsinks == 0 || nblocked < ax->nsinks) &&
	    (stop == NULL || !*stop)) {
		struct outbox_entry *en = &ob->v[i];
		struct alert a;
		struct err le;
		cJSON *j;
		size_t need[ALERT_MAX_WEBHOOKS + 1], nneed = 0, done = 0;
		bool failed = false;

		/* Nothing for the sinks still running: do not read the file
		 * (a long outage of one webhook would otherwise re-read the
		 * whole queue every round). With no sink blocked, an entry
		 * every sink has is read and removed below. */
		for (k = 0; k < ax->nsinks; k++)
			if (!ax->sinks[k].blocked && !outbox_entry_delivered(en, ax->sinks[k].name))
				break;
		if (nblocked > 0 && k == ax->nsinks) {
			i++;
			continue;
		}
		err_clear(&le);
		if ((j = outbox_read_alert(ob, i, &le)) == NULL) {
			outbox_quarantine(ob, i, le.msg);
			continue;
		}
		if (alert_from_json(j, &a, &le) != 0 || strcmp(a.id, en->id) != 0) {
			cJSON_Delete(j);
			if (le.msg[0] == '\0')
				err_set(&le, "alert id does not match the file name");
			outbox_quarantine(ob, i, le.msg);
			continue;
		}
		cJSON_Delete(j);
		for (k = 0; k < ax->nsinks && nneed < sizeof(need) / sizeof(need[0]); k++) {
			if (outbox_entry_delivered(en, ax->sinks[k].name) ||
			    a.severity > ax->sinks[k].min_severity)
				continue;
			need[nneed++] = k;
		}
		for (k = 0; k < nneed; k++) {
			struct sink *sk = &ax->sinks[need[k]];

			if (sk->blocked) {
				failed = true;
				continue;
			}
			err_clear(&le);
			if (send_to(sk, &a, stop, &le) != 0) {
				log_warn("alert %.12s to %s: %s (kept queued)", a.id, sk->name, le.msg);
				sk->blocked = true;
				nblocked++;
				s.failed_sinks++;
				failed = true;
				continue;
			}
			s.delivered++;
			done++;
			/* The last sink's acceptance is recorded by removing
			 * the entry; earlier ones need their mark on disk. */
			if (failed || done < nneed) {
				if (outbox_mark_delivered(ob, i, sk->name, e) != 0) {
					alert_free(&a);
					goto out;
				}
				en = &ob->v[i];
			}
		}
		alert_free(&a);
		if (!failed && done == nneed) {
			if (outbox_remove(ob, i, e) != 0)
				goto out;
			s.removed++;
			continue;
		}
		i++;
	}
	rc = 0;
out:
	outbox_unlock(ob);
	s.pending = ob->n;
	if (s.pending > 0 && (s.failed_sinks > 0 || rc != 0))
		ax->failed_rounds++;
	else
		ax->failed_rounds = 0;
	if (st != NULL)
		*st = s;
	return rc == 0 ? (int)(ob->n > (size_t)INT32_MAX ? INT32_MAX : ob->n) : -1;
}
