/*
 * The webhook sink: one HTTPS POST per alert, through aws/http.h (TLS
 * verification always on; plain http:// only for loopback hosts; no
 * redirects; bounded response).
 *
 * Request:
 *   POST <url>
 *   Content-Type: application/json
 *   X-Passrole-Auditd-Alert-Id: <the alert's stable id>
 *   X-Passrole-Auditd-Timestamp: <unix seconds when this attempt was sent>
 *   X-Passrole-Auditd-Signature: sha256=<hex HMAC-SHA256(secret, TS "." BODY)>
 *   <static headers from the config>
 * The signature header is sent when a shared secret is configured. The MAC
 * covers the timestamp header's value, a '.', and the exact body bytes, so
 * a receiver recomputes it from what it received, compares in constant time,
 * and rejects a timestamp older than a few minutes: a captured request
 * cannot be replayed later. A re-delivery has a new timestamp and signature
 * but the same alert id, which is what a receiver de-duplicates on.
 *
 * Body: "json": the alert's JSON (alert.h). "slack": {"text": summary,
 * "blocks": [section with the summary, section with fields, context with
 * the id]} as Slack's incoming webhooks accept.
 *
 * A delivery succeeds on any 2xx. 429, 5xx and transient network failures
 * are retried up to max_attempts times with full-jitter backoff
 * (aws/retry.h); anything else fails the delivery at once (the alert stays
 * queued for the next round).
 *
 * Secrets (the HMAC key, header values) are copied, registered with the
 * logger's scrubber, never put in an error message, and wiped on free.
 */
#ifndef PRA_ALERT_WEBHOOK_H
#define PRA_ALERT_WEBHOOK_H

#include <signal.h>

#include "alert/alert.h"
#include "aws/retry.h"
#include "conf.h"
#include "util/err.h"

#define WEBHOOK_HDR_ID "X-Passrole-Auditd-Alert-Id"
#define WEBHOOK_HDR_TS "X-Passrole-Auditd-Timestamp"
#define WEBHOOK_HDR_SIG "X-Passrole-Auditd-Signature"

struct webhook;

/* Copies what it needs from c. Reads value_file / hmac_secret_file when
 * the config loader has not filled value / hmac_secret. NULL with e. */
struct webhook *webhook_new(const struct config_webhook *c, struct err *e);
void webhook_free(struct webhook *w);
const char *webhook_name(const struct webhook *w);
enum log_level webhook_min_severity(const struct webhook *w);

/* Tests: the backoff sleep (default retry_sleep_real) and base delay. */
void webhook_set_sleep(struct webhook *w, retry_sleep_fn fn, void *ctx);
void webhook_set_backoff(struct webhook *w, unsigned base_ms, unsigned max_ms);

/* The body for the webhook's format; owned by the caller, NULL on ENOMEM. */
char *webhook_body(const struct webhook *w, const struct alert *a);

/* "sha256=<hex>" of HMAC-SHA256(secret, ts "." body) into out (72 bytes).
 * 0, or -1. */
int webhook_signature(const char *secret, size_t secretlen, const char *ts,
    const char *body, size_t bodylen, char out[72]);

/* POST the alert with retries. 0 when a 2xx arrived; -1 with e (the URL
 * and the last status or failure, never a header value). No further attempt
 * is made once *stop (may be NULL) is nonzero; the backoff sleep checks it
 * every 100 ms. */
int webhook_send(struct webhook *w, const struct alert *a, const volatile sig_atomic_t *stop,
    struct err *e);

#endif
