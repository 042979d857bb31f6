/* The webhook sink: signed JSON POSTs with retries. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/params.h>

#include "alert/webhook.h"
#include "aws/http.h"
#include "log.h"
#include "util/buf.h"
#include "util/secret.h"

#define SECRET_FILE_MAX 4096
#define SLACK_FIELD_MAX 1900

struct wh_header {
	char *name;
	char *value;		/* secret */
};

struct webhook {
	char *name;
	char *url;		/* may hold a token (Slack puts one in the path) */
	char *site;		/* scheme://host[:port]/..., what messages show */
	enum config_webhook_format format;
	struct wh_header *headers;
	size_t nheaders;
	char *secret;		/* NULL: no signature */
	char *proxy;		/* NULL: the environment's; may hold a password */
	char *ca_bundle;	/* NULL: the system store */
	int timeout_s;
	unsigned max_attempts;
	enum log_level min_severity;
	retry_sleep_fn sleep_fn;
	void *sleep_ctx;
	unsigned base_ms, max_ms;
};

/* A secret file's contents without the trailing newline(s) editors add. */
static char *
read_secret_file(const char *path, const char *what, struct err *e)
{
	struct buf b;
	char chunk[512];
	ssize_t r;
	int fd;
	char *s = NULL;

	buf_init(&b, SECRET_FILE_MAX);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		err_set(e, "%s: cannot open %s: %s", what, path, strerror(errno));
		return NULL;
	}
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, "%s: cannot read %s: %s", what, path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (buf_append(&b, chunk, (size_t)r) != 0) {
			err_set(e, "%s: %s is larger than %d bytes", what, path, SECRET_FILE_MAX);
			goto out;
		}
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (b.len == 0 || memchr(b.data, '\n', b.len) != NULL || strlen(b.data) != b.len) {
		err_set(e, "%s: %s must hold one non-empty line", what, path);
		goto out;
	}
	s = buf_steal(&b);
out:
	secret_wipe(chunk, sizeof(chunk));
	close(fd);
	buf_free_secret(&b);
	return s;
}

/* The scrubber is a second line of defence; a full table is worth a
 * warning, not a refusal to deliver. */
static void
secret_register(const struct webhook *w, const char *secret)
{
	if (log_secret_add(secret) != 0)
		log_warn("webhook %s: the log's secret table is full; this webhook's secrets "
		    "are not scrubbed from messages", w->name);
}

/* "https://hooks.slack.com/..." from a URL: the path can be a credential
 * (Slack, Teams, Discord webhook URLs are), so messages show only this. */
static char *
url_site(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *r;

	p = p != NULL ? p + 3 : url;
	n = (size_t)(p - url) + strcspn(p, "/?#");
	if (strchr(p, '@') != NULL && strchr(p, '@') < url + n)
		n = (size_t)(p - url);	/* user:password@ in the authority: show no host */
	if ((r = malloc(n + 5)) == NULL)
		return NULL;
	memcpy(r, url, n);
	memcpy(r + n, "/...", 5);
	return r;
}

void
webhook_free(struct webhook *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nheaders; i++) {
		free(w->headers[i].name);
		if (w->headers[i].value != NULL) {
			log_secret_remove(w->headers[i].value);
			secret_free(w->headers[i].value);
		}
	}
	free(w->headers);
	if (w->secret != NULL) {
		log_secret_remove(w->secret);
		secret_free(w->secret);
	}
	if (w->url != NULL) {
		log_secret_remove(w->url);
		secret_free(w->url);
	}
	if (w->proxy != NULL) {
		log_secret_remove(w->proxy);
		secret_free(w->proxy);
	}
	free(w->ca_bundle);
	free(w->site);
	free(w->name);
	free(w);
}

struct webhook *
webhook_new(const struct config_webhook *c, struct err *e)
{
	struct webhook *w;
	char what[256];
	size_t i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto nomem;
	if ((w->name = strdup(c->name != NULL ? c->name : "webhook")) == NULL)
		goto nomem;
	if (c->url == NULL || c->url[0] == '\0') {
		err_set(e, "webhook %s: no url", w->name);
		goto fail;
	}
	if ((w->url = secret_strdup(c->url)) == NULL || (w->site = url_site(c->url)) == NULL)
		goto nomem;
	/* Messages show w->site only; registered all the same, so a URL
	 * that reaches a message by another way is still masked. */
	secret_register(w, w->url);
	w->format = c->format;
	w->timeout_s = c->timeout > 0 ? c->timeout : 10;
	w->max_attempts = c->max_attempts > 0 ? (unsigned)c->max_attempts : 5;
	w->min_severity = c->min_severity;
	w->sleep_fn = retry_sleep_real;
	w->base_ms = 500;
	w->max_ms = 30000;
	if (c->nheaders > 0 && (w->headers = calloc(c->nheaders, sizeof(*w->headers))) == NULL)
		goto nomem;
	for (i = 0; i < c->nheaders; i++) {
		const struct config_webhook_header *h = &c->headers[i];
		struct wh_header *d = &w->headers[w->nheaders];

		if (h->name == NULL || h->name[0] == '\0' || strpbrk(h->name, ": \r\n") != NULL) {
			err_set(e, "webhook %s: headers[%zu]: not a header name", w->name, i);
			goto fail;
		}
		if ((d->name = strdup(h->name)) == NULL)
			goto nomem;
		w->nheaders++;
		if (h->value != NULL) {
			d->value = secret_strdup(h->value);
			if (d->value == NULL)
				goto nomem;
		} else if (h->value_file != NULL) {
			snprintf(what, sizeof(what), "webhook %s: header %s", w->name, h->name);
			if ((d->value = read_secret_file(h->value_file, what, e)) == NULL)
				goto fail;
		} else {
			err_set(e, "webhook %s: header %s has neither value nor value_file",
			    w->name, h->name);
			goto fail;
		}
		if (strpbrk(d->value, "\r\n") != NULL) {
			err_set(e, "webhook %s: header %s: the value holds a line break", w->name,
			    h->name);
			goto fail;
		}
		secret_register(w, d->value);
	}
	if (c->hmac_secret != NULL) {
		if ((w->secret = secret_strdup(c->hmac_secret)) == NULL)
			goto nomem;
	} else if (c->hmac_secret_file != NULL) {
		snprintf(what, sizeof(what), "webhook %s: hmac_secret_file", w->name);
		if ((w->secret = read_secret_file(c->hmac_secret_file, what, e)) == NULL)
			goto fail;
	}
	if (w->secret != NULL)
		secret_register(w, w->secret);
	if (c->proxy != NULL && c->proxy[0] != '\0') {
		if ((w->proxy = secret_strdup(c->proxy)) == NULL)
			goto nomem;
		secret_register(w, w->proxy);
	}
	if (c->ca_bundle != NULL && (w->ca_bundle = strdup(c->ca_bundle)) == NULL)
		goto nomem;
	return w;
nomem:
	err_set(e, "webhook: out of memory");
fail:
	webhook_free(w);
	return NULL;
}

const char *
webhook_name(const struct webhook *w)
{
	return w->name;
}

enum log_level
webhook_min_severity(const struct webhook *w)
{
	return w->min_severity;
}

void
webhook_set_sleep(struct webhook *w, retry_sleep_fn fn, void *ctx)
{
	w->sleep_fn = fn;
	w->sleep_ctx = ctx;
}

void
webhook_set_backoff(struct webhook *w, unsigned base_ms, unsigned max_ms)
{
	w->base_ms = base_ms;
	w->max_ms = max_ms;
}

int
webhook_signature(const char *secret, size_t secretlen, const char *ts, const char *body,
    size_t bodylen, char out[72])
{
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	unsigned char h[32];
	size_t hl = 0, i;
	int rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, (const unsigned char *)secret, secretlen, params) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)ts, strlen(ts)) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)body, bodylen) != 1 ||
	    EVP_MAC_final(ctx, h, &hl, sizeof(h)) != 1 || hl != sizeof(h))
		goto out;
	memcpy(out, "sha256=", 7);
	for (i = 0; i < sizeof(h); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", h[i]);
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

/* Slack mrkdwn: &, < and > are the only characters it wants escaped. */
static int
slack_escape(struct buf *b, const char *s, size_t max)
{
	size_t n = 0;
	int rc = 0;

	for (; *s != '\0' && rc == 0; s++, n++) {
		if (n >= max) {
			rc = buf_puts(b, "...");
			break;
		}
		if (*s == '&')
			rc = buf_puts(b, "&amp;");
		else if (*s == '<')
			rc = buf_puts(b, "&lt;");
		else if (*s == '>')
			rc = buf_puts(b, "&gt;");
		else
			rc = buf_putc(b, *s);
	}
	return rc;
}

static bool
slack_field(cJSON *fields, const char *label, const char *value)
{
	struct buf b;
	cJSON *f = NULL;
	bool ok;

	if (value == NULL || value[0] == '\0')
		return true;
	buf_init(&b, 0);
	ok = buf_printf(&b, "*%s*\n", label) == 0 && slack_escape(&b, value, SLACK_FIELD_MAX) == 0 &&
	    (f = cJSON_CreateObject()) != NULL;
	if (ok && !cJSON_AddItemToArray(fields, f)) {
		cJSON_Delete(f);
		ok = false;
	}
	/* From here f belongs to fields. */
	ok = ok && cJSON_AddStringToObject(f, "type", "mrkdwn") != NULL &&
	    cJSON_AddStringToObject(f, "text", buf_cstr(&b)) != NULL;
	buf_free(&b);
	return ok;
}

static cJSON *
slack_section(cJSON *blocks, const char *type)
{
	cJSON *s = cJSON_CreateObject();

	if (s == NULL)
		return NULL;
	if (!cJSON_AddItemToArray(blocks, s)) {
		cJSON_Delete(s);
		return NULL;
	}
	return cJSON_AddStringToObject(s, "type", type) != NULL ? s : NULL;
}

static char *
slack_body(const struct alert *a)
{
	cJSON *root = NULL, *blocks, *sec, *txt, *fields, *elems;
	struct buf b, svc;
	char *summary, *out = NULL;
	size_t i;
	bool ok;

	buf_init(&b, 0);
	buf_init(&svc, 0);
	if ((summary = alert_format_summary(a)) == NULL)
		goto out;
	if ((root = cJSON_CreateObject()) == NULL)
		goto out;
	if (buf_printf(&b, "[passrole-auditd %s] %s", log_level_name(a->severity), summary) != 0 ||
	    cJSON_AddStringToObject(root, "text", buf_cstr(&b)) == NULL)
		goto out;
	if ((blocks = cJSON_AddArrayToObject(root, "blocks")) == NULL ||
	    (sec = slack_section(blocks, "section")) == NULL ||
	    (txt = cJSON_AddObjectToObject(sec, "text")) == NULL ||
	    cJSON_AddStringToObject(txt, "type", "mrkdwn") == NULL)
		goto out;
	buf_reset(&b);
	if (buf_printf(&b, "*%s* (%s): ", alert_kind_name(a->kind), log_level_name(a->severity)) != 0 ||
	    slack_escape(&b, summary, SLACK_FIELD_MAX) != 0 ||
	    cJSON_AddStringToObject(txt, "text", buf_cstr(&b)) == NULL)
		goto out;
	if ((sec = slack_section(blocks, "section")) == NULL ||
	    (fields = cJSON_AddArrayToObject(sec, "fields")) == NULL)
		goto out;
	for (i = 0; i < a->nservices; i++)
		if (buf_printf(&svc, "%s%s", i > 0 ? ", " : "", a->services[i]) != 0)
			goto out;
	/* Slack allows at most 10 fields in a section. */
	ok = slack_field(fields, "Principal", a->principal) && slack_field(fields, "Role", a->role) &&
	    slack_field(fields, "Account", a->account) &&
	    slack_field(fields, "Services", a->no_service ? "none" : buf_cstr(&svc)) &&
	    slack_field(fields, "Path", a->path) &&
	    slack_field(fields, "Conditions", a->conditions) &&
	    slack_field(fields, "Change", a->change) && slack_field(fields, "Reason", a->reason);
	if (!ok)
		goto out;
	if (cJSON_GetArraySize(fields) == 0)
		cJSON_DeleteItemFromArray(blocks, 1);
	if ((sec = slack_section(blocks, "context")) == NULL ||
	    (elems = cJSON_AddArrayToObject(sec, "elements")) == NULL ||
	    (txt = cJSON_CreateObject()) == NULL)
		goto out;
	if (!cJSON_AddItemToArray(elems, txt)) {
		cJSON_Delete(txt);
		goto out;
	}
	buf_reset(&b);
	if (buf_printf(&b, "alert id %s, run %s", a->id, a->run) != 0 ||
	    cJSON_AddStringToObject(txt, "type", "plain_text") == NULL ||
	    cJSON_AddStringToObject(txt, "text", buf_cstr(&b)) == NULL)
		goto out;
	out = cJSON_PrintUnformatted(root);
out:
	free(summary);
	cJSON_Delete(root);
	buf_free(&b);
	buf_free(&svc);
	return out;
}

char *
webhook_body(const struct webhook *w, const struct alert *a)
{
	cJSON *j;
	char *s;

	if (w->format == CONFIG_WEBHOOK_SLACK)
		return slack_body(a);
	if ((j = alert_to_json(a)) == NULL)
		return NULL;
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

static uint64_t
seed_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
}

/* The backoff sleep in slices, so that a stop request is not held up by a
 * long delay. Test sleep functions are called whole. */
static void
backoff_sleep(struct webhook *w, unsigned ms, const volatile sig_atomic_t *stop)
{
	if (w->sleep_fn != retry_sleep_real || stop == NULL) {
		w->sleep_fn(w->sleep_ctx, ms);
		return;
	}
	retry_sleep_stoppable(ms, stop);
}

int
webhook_send(struct webhook *w, const struct alert *a, const volatile sig_atomic_t *stop,
    struct err *e)
{
	struct http_opts o;
	struct http_response resp;
	struct http_header *hdrs = NULL;
	struct http_request req;
	struct retry_policy pol;
	struct retry_state rs;
	struct retry_decision dec;
	struct err he;
	char ts[32], sig[72], ua[64];
	char *body;
	size_t nh, i;
	int rc = -1;

	if ((body = webhook_body(w, a)) == NULL) {
		err_set(e, "webhook %s: out of memory", w->name);
		return -1;
	}
	http_opts_default(&o);
	o.total_timeout_ms = (long)w->timeout_s * 1000;
	o.connect_timeout_ms = o.total_timeout_ms < 10000 ? o.total_timeout_ms : 10000;
	o.max_response_bytes = 64 * 1024;
	o.proxy = w->proxy;
	o.ca_bundle = w->ca_bundle;
	retry_policy_default(&pol);
	pol.max_attempts = w->max_attempts;
	pol.base_delay_ms = w->base_ms;
	pol.max_delay_ms = w->max_ms;
	pol.budget_ms = 5 * w->max_ms;
	retry_state_init(&rs, seed_now());
	http_response_init(&resp, o.max_response_bytes);
	if ((hdrs = calloc(w->nheaders + 5, sizeof(*hdrs))) == NULL) {
		err_set(e, "webhook %s: out of memory", w->name);
		goto out;
	}
	snprintf(ua, sizeof(ua), "passrole-auditd/%s", PACKAGE_VERSION);
	for (;;) {
		nh = 0;
		hdrs[nh++] = (struct http_header){ "Content-Type", "application/json" };
		hdrs[nh++] = (struct http_header){ "User-Agent", ua };
		hdrs[nh++] = (struct http_header){ WEBHOOK_HDR_ID, a->id };
		/* A fresh timestamp per attempt: a receiver's replay window
		 * must not reject our own retries. */
		snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
		hdrs[nh++] = (struct http_header){ WEBHOOK_HDR_TS, ts };
		if (w->secret != NULL) {
			if (webhook_signature(w->secret, strlen(w->secret), ts, body, strlen(body),
			    sig) != 0) {
				err_set(e, "webhook %s: HMAC-SHA256 failed", w->name);
				goto out;
			}
			hdrs[nh++] = (struct http_header){ WEBHOOK_HDR_SIG, sig };
		}
		for (i = 0; i < w->nheaders; i++)
			hdrs[nh++] = (struct http_header){ w->headers[i].name, w->headers[i].value };
		req = (struct http_request){ "POST", w->url, hdrs, nh, body, strlen(body) };
		http_response_reset(&resp);
		err_clear(&he);
		if (http_perform(&o, &req, &resp, &he) == 0 && resp.status >= 200 &&
		    resp.status < 300) {
			rc = 0;
			goto out;
		}
		if (resp.failure == HTTP_FAIL_POLICY) {
			err_set(e, "webhook %s: %s refused: https only (plain http for loopback "
			    "hosts only)", w->name, w->site);
			goto out;
		}
		if (resp.failure != HTTP_FAIL_NONE)
			/* http.c names scheme://host[:port] only, never the path. */
			log_debug("webhook %s: %s", w->name, he.msg);
		retry_decide(&pol, &rs, retry_classify(resp.status, NULL,
		    resp.failure != HTTP_FAIL_NONE, http_failure_transient(resp.failure)),
		    resp.retry_after, &dec);
		if (!dec.retry) {
			if (resp.failure != HTTP_FAIL_NONE)
				err_set(e, "webhook %s: POST %s failed after %u attempt%s: %s",
				    w->name, w->site, rs.attempts, rs.attempts == 1 ? "" : "s",
				    http_failure_name(resp.failure));
			else
				err_set(e, "webhook %s: POST %s answered HTTP %ld after %u attempt%s",
				    w->name, w->site, resp.status, rs.attempts,
				    rs.attempts == 1 ? "" : "s");
			goto out;
		}
		log_info("webhook %s: alert %.12s: %s; retrying in %u ms", w->name, a->id,
		    resp.failure != HTTP_FAIL_NONE ? http_failure_name(resp.failure) : "HTTP error",
		    dec.delay_ms);
		backoff_sleep(w, dec.delay_ms, stop);
		if (stop != NULL && *stop) {
			err_set(e, "webhook %s: stopped before attempt %u", w->name, rs.attempts + 1);
			goto out;
		}
	}
out:
	secret_wipe(sig, sizeof(sig));
	free(hdrs);
	http_response_free(&resp);
	free(body);
	return rc;
}
