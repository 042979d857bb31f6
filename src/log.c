#include "config.h"

#include "log.h"
#include "util/secret.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#define LOG_MSG_MAX     4096
/* Each member account's session registers its secret key and token while
 * its fetch runs, so the table must hold two per concurrent fetch
 * (collect.concurrency is at most 64) plus the daemon's own keys and the
 * webhook secrets. Scrubbing is one search per secret per logged line. */
#define LOG_SECRETS_MAX 256

static const char *log_ident = "passrole-auditd";
static enum log_target log_target = LOG_TARGET_STDERR;
static enum log_level log_level = LOG_LVL_INFO;
static FILE *log_stream;
/* Providers on several threads register and drop secrets while others log,
 * and two providers may cache the same key: hence the lock, and a count per
 * secret so one owner's removal does not unprotect the other's. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_secrets[LOG_SECRETS_MAX];
static unsigned log_secret_refs[LOG_SECRETS_MAX];

static const char *const log_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_NOTICE] = "notice",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void
log_init(const char *ident, enum log_target target, enum log_level level)
{
	if (ident != NULL)
		log_ident = ident;
	log_target = target;
	log_level = level;
	if (target == LOG_TARGET_SYSLOG)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

void
log_set_stream(FILE *fp)
{
	log_stream = fp;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	if (strcasecmp(name, "warn") == 0) {
		*out = LOG_LVL_WARN;
		return 0;
	}
	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcasecmp(name, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((size_t)level >= sizeof(log_names) / sizeof(log_names[0]))
		return "unknown";
	return log_names[level];
}

int
log_secret_add(const char *secret)
{
	size_t i;
	int rc = -1;

	/* Very short strings would scrub ordinary words; they are not secrets. */
	if (secret == NULL || strlen(secret) < 4)
		return 0;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] != NULL && strcmp(log_secrets[i], secret) == 0) {
			log_secret_refs[i]++;
			rc = 0;
			goto out;
		}
	}
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] == NULL) {
			log_secrets[i] = secret_strdup(secret);
			if (log_secrets[i] != NULL) {
				log_secret_refs[i] = 1;
				rc = 0;
			}
			goto out;
		}
	}
out:
	pthread_mutex_unlock(&log_lock);
	return rc;
}

void
log_secret_remove(const char *secret)
{
	size_t i;

	if (secret == NULL)
		return;
	pthread_mutex_lock(&log_lock);
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] != NULL && strcmp(log_secrets[i], secret) == 0 &&
		    --log_secret_refs[i] == 0) {
			secret_free(log_secrets[i]);
			log_secrets[i] = NULL;
		}
	}
	pthread_mutex_unlock(&log_lock);
}

void
log_shutdown(void)
{
	size_t i;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		secret_free(log_secrets[i]);
		log_secrets[i] = NULL;
		log_secret_refs[i] = 0;
	}
	pthread_mutex_unlock(&log_lock);
	if (log_target == LOG_TARGET_SYSLOG)
		closelog();
}

/* Replace every registered secret in msg, in place; the mask is never longer
 * than the secrets it replaces (secrets shorter than 4 are not registered). */
static void
log_scrub(char *msg)
{
	size_t i, slen;
	char *p;

	for (i = 0; i < LOG_SECRETS_MAX; i++) {
		if (log_secrets[i] == NULL)
			continue;
		slen = strlen(log_secrets[i]);
		while ((p = strstr(msg, log_secrets[i])) != NULL) {
			memcpy(p, "****", 4);
			memmove(p + 4, p + slen, strlen(p + slen) + 1);
		}
	}
}

/* Control characters from remote input must not forge log lines. */
static void
log_sanitise(char *msg)
{
	unsigned char *p;

	for (p = (unsigned char *)msg; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = '?';
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = {
		[LOG_LVL_ERROR] = LOG_ERR,
		[LOG_LVL_WARN] = LOG_WARNING,
		[LOG_LVL_NOTICE] = LOG_NOTICE,
		[LOG_LVL_INFO] = LOG_INFO,
		[LOG_LVL_DEBUG] = LOG_DEBUG,
	};
	char *msg = NULL;
	size_t len = 0;
	va_list ap2;
	FILE *fp;
	int n;

	if (level > log_level)
		return;
	/* Scrub the whole text, then cut it: cut first, a secret across the
	 * cut would leave its head unmasked, since the scrubber matches only
	 * whole secrets. */
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (msg = malloc((size_t)n + 1)) != NULL) {
		len = (size_t)n + 1;
		vsnprintf(msg, len, fmt, ap);
		pthread_mutex_lock(&log_lock);
		log_scrub(msg);
		pthread_mutex_unlock(&log_lock);
		if (strlen(msg) >= LOG_MSG_MAX)
			msg[LOG_MSG_MAX - 1] = '\0';
		log_sanitise(msg);
	}
	if (msg == NULL) {
		level = LOG_LVL_ERROR;
		fmt = "a message was lost: out of memory";
	}

	if (log_target == LOG_TARGET_SYSLOG) {
		syslog(prio[level], "%s", msg != NULL ? msg : fmt);
	} else {
		fp = log_stream != NULL ? log_stream : stderr;
		fprintf(fp, "%s: %s%s%s\n", log_ident,
		    level == LOG_LVL_INFO ? "" : log_names[level],
		    level == LOG_LVL_INFO ? "" : ": ", msg != NULL ? msg : fmt);
		fflush(fp);
	}
	/* The text passed the scrubber, but the format arguments may have held
	 * more than was printed; leave nothing behind. */
	if (msg != NULL) {
		secret_wipe(msg, len);
		free(msg);
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
