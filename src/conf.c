#include "config.h"

#include "conf.h"
#include "accepted.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/secret.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/* The config file itself is small; refuse anything that is clearly not one
 * before handing it to the parser. */
#define CONFIG_FILE_MAX (1024 * 1024)
/* An AWS secret access key is 40 characters; leave room, but bound it. */
#define CONFIG_SECRET_FILE_MAX 4096

/* Enum fields are written through int pointers by the schema engine. */
_Static_assert(sizeof(enum log_level) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_partition) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_cred_source) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_org_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_webhook_format) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_alert_group) == sizeof(int), "enum size");

/* Same order as enum log_level. */
static const char *const log_level_values[] = {
	"error", "warning", "notice", "info", "debug", NULL,
};
/* Same order as enum config_partition. */
static const char *const partition_values[] = {
	"aws", "aws-cn", "aws-us-gov", NULL,
};
/* Same order as enum config_cred_source. */
static const char *const cred_source_values[] = {
	"auto", "static", "environment", "profile", "web_identity", "ecs", "imds",
	NULL,
};

/* Same order as enum config_org_mode. */
static const char *const org_mode_values[] = { "auto", "off", NULL };
/* In the order of enum config_severity_by and enum config_on_baseline. */
static const char *const severity_by_values[] = { "risk", "kind", NULL };
static const char *const on_baseline_values[] = { "summary", "none", NULL };
/* Same order as enum config_webhook_format. */
static const char *const webhook_format_values[] = { "json", "slack", NULL };
/* Same order as enum config_alert_group. */
static const char *const alert_group_values[] = { "cause", "edge", NULL };

/* The facilities syslog(3) offers a program; "kern" is the kernel's own. */
static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP }, { "lpr", LOG_LPR },
	{ "mail", LOG_MAIL }, { "news", LOG_NEWS }, { "syslog", LOG_SYSLOG },
	{ "user", LOG_USER }, { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
config_syslog_facility(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(facilities[i].name, name) == 0)
			return facilities[i].value;
	return -1;
}

/* ---- value checks ------------------------------------------------------- */

int
config_check_region(const char *r, char *why, size_t whylen)
{
	const char *p = r;
	size_t words = 0, n;

	/* Two letters, one or more lowercase words, a number: "us-east-1",
	 * "us-gov-west-1", "ap-southeast-2". */
	if (!(islower((unsigned char)p[0]) && islower((unsigned char)p[1]) &&
	    p[2] == '-'))
		goto bad;
	p += 3;
	for (;;) {
		for (n = 0; islower((unsigned char)p[n]); n++)
			;
		if (n == 0 || p[n] != '-')
			break;
		words++;
		p += n + 1;
	}
	if (words == 0)
		goto bad;
	for (n = 0; isdigit((unsigned char)p[n]); n++)
		;
	if (n == 0 || n > 2 || p[n] != '\0')
		goto bad;
	return 0;
bad:
	snprintf(why, whylen, "not a region name like \"us-east-1\"");
	return -1;
}

static int
is_loopback_host(const char *host, bool bracketed)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (bracketed)
		return inet_pton(AF_INET6, host, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	return inet_pton(AF_INET, host, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127;
}

int
config_check_endpoint_url(const char *url, bool *loopback, char *why,
    size_t whylen)
{
	char host[256];
	const char *p, *auth_end, *hstart, *hend, *port = NULL;
	bool https, bracketed = false, lb;
	size_t hlen, i;

	for (p = url; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f) {
			snprintf(why, whylen, "URL contains a space or control character");
			return -1;
		}
	}
	if (strncasecmp(url, "https://", 8) == 0) {
		https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = false;
		p = url + 7;
	} else {
		snprintf(why, whylen, "must start with https://");
		return -1;
	}
	auth_end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(auth_end - p)) != NULL) {
		snprintf(why, whylen, "must not contain user information");
		return -1;
	}
	if (*p == '[') {
		bracketed = true;
		hstart = p + 1;
		hend = memchr(hstart, ']', (size_t)(auth_end - hstart));
		if (hend == NULL) {
			snprintf(why, whylen, "unterminated [IPv6 address]");
			return -1;
		}
		if (hend + 1 < auth_end) {
			if (hend[1] != ':') {
				snprintf(why, whylen, "bad text after the [IPv6 address]");
				return -1;
			}
			port = hend + 2;
		}
	} else {
		hstart = p;
		hend = memchr(p, ':', (size_t)(auth_end - p));
		if (hend != NULL)
			port = hend + 1;
		else
			hend = auth_end;
	}
	hlen = (size_t)(hend - hstart);
	if (hlen == 0 || hlen >= sizeof(host)) {
		snprintf(why, whylen, hlen == 0 ? "has no host" : "host name too long");
		return -1;
	}
	memcpy(host, hstart, hlen);
	host[hlen] = '\0';
	for (i = 0; i < hlen; i++) {
		unsigned char ch = (unsigned char)host[i];
		bool ok = bracketed ? (isxdigit(ch) || ch == ':' || ch == '.') :
		    (isalnum(ch) || ch == '-' || ch == '.');

		if (!ok) {
			snprintf(why, whylen, "bad character in host name");
			return -1;
		}
	}
	if (port != NULL) {
		unsigned long v = 0;
		size_t digits = (size_t)(auth_end - port);

		if (digits == 0 || digits > 5) {
			snprintf(why, whylen, "bad port");
			return -1;
		}
		for (i = 0; i < digits; i++) {
			if (!isdigit((unsigned char)port[i])) {
				snprintf(why, whylen, "bad port");
				return -1;
			}
			v = v * 10 + (unsigned long)(port[i] - '0');
		}
		if (v == 0 || v > 65535) {
			snprintf(why, whylen, "port out of range 1..65535");
			return -1;
		}
	}
	lb = is_loopback_host(host, bracketed);
	if (bracketed && !lb) {
		struct in6_addr a6;

		if (inet_pton(AF_INET6, host, &a6) != 1) {
			snprintf(why, whylen, "bad IPv6 address");
			return -1;
		}
	}
	if (!https && !lb) {
		snprintf(why, whylen, "http:// is only allowed for a loopback host "
		    "(127.0.0.1, [::1], localhost); use https://");
		return -1;
	}
	if (loopback != NULL)
		*loopback = lb;
	return 0;
}

static int
check_url(const char *v, char *why, size_t whylen)
{
	return config_check_endpoint_url(v, NULL, why, whylen);
}

int
config_check_proxy_url(const char *url, char *why, size_t whylen)
{
	char hostport[300];
	const char *p, *auth_end, *at, *q;
	bool https, lb;
	size_t n;

	if (strncasecmp(url, "https://", 8) == 0) {
		https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = false;
		p = url + 7;
	} else {
		snprintf(why, whylen, "a proxy URL starts with http:// or https://");
		return -1;
	}
	auth_end = p + strcspn(p, "/?#");
	if (auth_end[0] != '\0' && strcmp(auth_end, "/") != 0) {
		snprintf(why, whylen, "a proxy URL has nothing after host:port but \"/\"");
		return -1;
	}
	at = NULL;
	for (q = p; q < auth_end; q++)
		if (*q == '@')
			at = q;
	if (at != NULL)
		p = at + 1;
	n = (size_t)(auth_end - p);
	if (n == 0 || n >= sizeof(hostport) - 8) {
		snprintf(why, whylen, n == 0 ? "the proxy URL has no host" :
		    "the proxy's host name is too long");
		return -1;
	}
	/* The host and port are checked as an endpoint's; https:// there
	 * because a plain http proxy is fine: what goes through it is a TLS
	 * tunnel. Only the password would not be. */
	snprintf(hostport, sizeof(hostport), "https://%.*s", (int)n, p);
	if (config_check_endpoint_url(hostport, &lb, why, whylen) != 0)
		return -1;
	if ((p[0] == '[' ? strstr(p, "]:") : memchr(p, ':', n)) == NULL) {
		snprintf(why, whylen, "name the proxy's port: http://proxy.example:3128");
		return -1;
	}
	if (at != NULL && !https && !lb) {
		snprintf(why, whylen, "a proxy password would cross the network in clear: "
		    "use https:// for a proxy with user:password, or a loopback one");
		return -1;
	}
	return 0;
}

static int
check_proxy(const char *v, char *why, size_t whylen)
{
	return config_check_proxy_url(v, why, whylen);
}

static int
check_abs_path(const char *v, char *why, size_t whylen)
{
	if (v[0] != '/') {
		snprintf(why, whylen, "must be an absolute path");
		return -1;
	}
	return 0;
}

static int
check_readable_file(const char *v, char *why, size_t whylen)
{
	struct stat st;

	if (check_abs_path(v, why, whylen) != 0)
		return -1;
	if (stat(v, &st) != 0 || access(v, R_OK) != 0) {
		snprintf(why, whylen, "cannot read it: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		return -1;
	}
	return 0;
}

static int
check_key_id(const char *v, char *why, size_t whylen)
{
	size_t n;

	for (n = 0; v[n] != '\0'; n++) {
		if (!isupper((unsigned char)v[n]) && !isdigit((unsigned char)v[n])) {
			snprintf(why, whylen, "an access key ID has only A-Z and 0-9");
			return -1;
		}
	}
	if (n < 16 || n > 128) {
		snprintf(why, whylen, "an access key ID is 16 to 128 characters long");
		return -1;
	}
	return 0;
}

/* An empty secret would count as "set" and fail only at the first signed
 * request; say so where it is written. */
static int
check_nonempty(const char *v, char *why, size_t whylen)
{
	if (v[0] == '\0') {
		snprintf(why, whylen, "must not be empty");
		return -1;
	}
	return 0;
}

static int
check_region(const char *v, char *why, size_t whylen)
{
	return config_check_region(v, why, whylen);
}

/* n characters of v, all in set (plus alphanumerics), within lo..hi. */
static bool
chars_ok(const char *v, const char *set, size_t lo, size_t hi)
{
	size_t n;

	for (n = 0; v[n] != '\0'; n++)
		if (!isalnum((unsigned char)v[n]) && strchr(set, v[n]) == NULL)
			return false;
	return n >= lo && n <= hi;
}

int
config_check_account_id(const char *v, char *why, size_t whylen)
{
	size_t n;

	for (n = 0; isdigit((unsigned char)v[n]); n++)
		;
	if (n != 12 || v[n] != '\0') {
		snprintf(why, whylen, "an account ID is 12 digits");
		return -1;
	}
	return 0;
}

/* "ou-" root part "-" own part, as Organizations makes them; a root id
 * ("r-...") stands for the whole organization. */
static int
check_ou_id(const char *v, char *why, size_t whylen)
{
	const char *p;
	size_t a, b;

	if (strncmp(v, "r-", 2) == 0) {
		for (a = 0; islower((unsigned char)v[2 + a]) ||
		    isdigit((unsigned char)v[2 + a]); a++)
			;
		if (a >= 4 && a <= 32 && v[2 + a] == '\0')
			return 0;
	} else if (strncmp(v, "ou-", 3) == 0) {
		p = v + 3;
		for (a = 0; islower((unsigned char)p[a]) || isdigit((unsigned char)p[a]);
		    a++)
			;
		if (a >= 4 && a <= 32 && p[a] == '-') {
			p += a + 1;
			for (b = 0; islower((unsigned char)p[b]) ||
			    isdigit((unsigned char)p[b]); b++)
				;
			if (b >= 8 && b <= 32 && p[b] == '\0')
				return 0;
		}
	}
	snprintf(why, whylen, "not an OU id like \"ou-ab12-cd34ef56\" "
	    "(or a root id like \"r-ab12\")");
	return -1;
}

/* IAM's own rules for a role name; empty means "no member role". */
static int
check_role_name_or_empty(const char *v, char *why, size_t whylen)
{
	if (v[0] == '\0' || chars_ok(v, "+=,.@_-", 1, 64))
		return 0;
	snprintf(why, whylen, "a role name is 1 to 64 characters of A-Z, a-z, "
	    "0-9 and +=,.@_-");
	return -1;
}

static int
check_session_name(const char *v, char *why, size_t whylen)
{
	if (chars_ok(v, "+=,.@_-", 2, 64))
		return 0;
	snprintf(why, whylen, "a session name is 2 to 64 characters of A-Z, a-z, "
	    "0-9 and +=,.@_-");
	return -1;
}

/* Used on a secret: the reason must not quote it. */
static int
check_external_id(const char *v, char *why, size_t whylen)
{
	if (chars_ok(v, "+=,.@:/_-", 2, 1224))
		return 0;
	snprintf(why, whylen, "an external ID is 2 to 1224 characters of A-Z, "
	    "a-z, 0-9 and +=,.@:/_-");
	return -1;
}

/*
 * A role pattern: a name ("Admin*"), a path ending in a slash then a name
 * pattern ("/ops/" then "Deploy*"), or a role ARN pattern. Wildcards * and ? anywhere.
 */
int
config_check_role_pattern(const char *v, char *why, size_t whylen)
{
	const char *rest;

	if (strncmp(v, "arn:", 4) == 0) {
		/* arn:PARTITION:iam::ACCOUNT:role/NAME, any part a pattern. */
		rest = strstr(v, ":iam::");
		if (rest == NULL || (rest = strchr(rest + 6, ':')) == NULL ||
		    strncmp(rest + 1, "role/", 5) != 0 || rest[6] == '\0' ||
		    !chars_ok(rest + 6, "+=,.@_-/*?", 1, 576)) {
			snprintf(why, whylen, "not a role ARN pattern like "
			    "\"arn:aws:iam::*:role/Admin*\"");
			return -1;
		}
		return 0;
	}
	if (!chars_ok(v, "+=,.@_-/*?", 1, 576)) {
		snprintf(why, whylen, "a role name, path or pattern is A-Z, a-z, 0-9, "
		    "+=,.@_-/ and the wildcards * and ?");
		return -1;
	}
	if (v[0] == '/' && strchr(v + 1, '/') == NULL) {
		snprintf(why, whylen, "a role path starts and ends with a slash: "
		    "\"/ops/*\"");
		return -1;
	}
	return 0;
}

/* "key=value" or "key=*", with IAM's limits on tag keys and values. */
static int
check_tag(const char *v, char *why, size_t whylen)
{
	const char *eq = strchr(v, '=');
	size_t klen;

	if (eq == NULL || eq == v) {
		snprintf(why, whylen, "a tag match is \"key=value\" or \"key=*\"");
		return -1;
	}
	klen = (size_t)(eq - v);
	if (klen > 128 || strlen(eq + 1) > 256) {
		snprintf(why, whylen, "a tag key is at most 128 characters, a value "
		    "at most 256");
		return -1;
	}
	return 0;
}

static int
check_facility(const char *v, char *why, size_t whylen)
{
	if (config_syslog_facility(v) >= 0)
		return 0;
	snprintf(why, whylen, "not a syslog facility: use authpriv, auth, daemon, "
	    "user, local0 .. local7, ...");
	return -1;
}

/* The ident is the program name in every syslog line: keep it one word. */
static int
check_ident(const char *v, char *why, size_t whylen)
{
	if (chars_ok(v, "._-", 1, 64))
		return 0;
	snprintf(why, whylen, "1 to 64 characters of A-Z, a-z, 0-9 and ._-");
	return -1;
}

static int
check_webhook_name(const char *v, char *why, size_t whylen)
{
	if (chars_ok(v, "._-", 1, 64))
		return 0;
	snprintf(why, whylen, "1 to 64 characters of A-Z, a-z, 0-9 and ._-");
	return -1;
}

/* An HTTP field name is an RFC 9110 token. */
static int
check_header_name(const char *v, char *why, size_t whylen)
{
	if (chars_ok(v, "!#$%&'*+-.^_`|~", 1, 128))
		return 0;
	snprintf(why, whylen, "not an HTTP header name (letters, digits and "
	    "!#$%%&'*+-.^_`|~)");
	return -1;
}

/* ---- the table ----------------------------------------------------------- */

#define OFF(f) offsetof(struct config, f)
#define GROUP(p, d) { p, CONFSCHEMA_GROUP, 0, 0, 0, NULL, NULL, 0, NULL, d, NULL, 0, 0 }
#define STR(p, f, def, flags, chk, d) \
	{ p, CONFSCHEMA_STRING, OFF(f), 0, 0, NULL, def, flags, chk, d, NULL, 0, 0 }
#define INT(p, f, lo, hi, def, d) \
	{ p, CONFSCHEMA_INT, OFF(f), lo, hi, NULL, def, 0, NULL, d, NULL, 0, 0 }
#define BOOL(p, f, def, d) \
	{ p, CONFSCHEMA_BOOL, OFF(f), 0, 0, NULL, def, 0, NULL, d, NULL, 0, 0 }
#define ENUM(p, f, vals, def, d) \
	{ p, CONFSCHEMA_ENUM, OFF(f), 0, 0, vals, def, 0, NULL, d, NULL, 0, 0 }
#define LIST(p, f, chk, d) \
	{ p, CONFSCHEMA_STRLIST, OFF(f), 0, 0, NULL, NULL, 0, chk, d, NULL, 0, 0 }

/* Element tables of the lists of groups: offsets within one element. */
#define HOFF(f) offsetof(struct config_webhook_header, f)
static const struct confschema_entry header_entries[] = {
	{ "name", CONFSCHEMA_STRING, HOFF(name), 0, 0, NULL, NULL,
	    CONFSCHEMA_REQUIRED, check_header_name, "HTTP header name, such as "
	    "\"Authorization\"", NULL, 0, 0 },
	{ "value", CONFSCHEMA_STRING, HOFF(value), 0, 0, NULL, NULL,
	    CONFSCHEMA_SECRET, NULL, "header value, a secret (prefer the _file form)", NULL, 0, 0 },
	{ "value_file", CONFSCHEMA_STRING, HOFF(value_file), 0, 0, NULL, NULL, 0,
	    check_abs_path, "file holding the header value, read when the config "
	    "is loaded", NULL, 0, 0 },
};
static const struct confschema header_schema = {
	header_entries, sizeof(header_entries) / sizeof(header_entries[0]),
};

#define WOFF(f) offsetof(struct config_webhook, f)
static const struct confschema_entry webhook_entries[] = {
	{ "name", CONFSCHEMA_STRING, WOFF(name), 0, 0, NULL, NULL,
	    CONFSCHEMA_REQUIRED, check_webhook_name,
	    "name of the webhook in logs, unique", NULL, 0, 0 },
	/* Secret: Slack, Teams and Discord put the credential in the path. */
	{ "url", CONFSCHEMA_STRING, WOFF(url), 0, 0, NULL, NULL,
	    CONFSCHEMA_REQUIRED | CONFSCHEMA_SECRET, check_url,
	    "URL alerts are POSTed to (https://, or http:// for a loopback host), "
	    "a secret", NULL, 0, 0 },
	{ "format", CONFSCHEMA_ENUM, WOFF(format), 0, 0, webhook_format_values,
	    "json", 0, NULL, "body format: generic JSON, or Slack's text and blocks", NULL, 0, 0 },
	{ "headers", CONFSCHEMA_GROUPLIST, WOFF(headers), 0, 16, NULL, NULL, 0,
	    NULL, "extra HTTP headers sent with every POST",
	    &header_schema, sizeof(struct config_webhook_header), WOFF(nheaders) },
	{ "hmac_secret", CONFSCHEMA_STRING, WOFF(hmac_secret), 0, 0, NULL, NULL,
	    CONFSCHEMA_SECRET, check_nonempty, "shared secret for the HMAC-SHA256 "
	    "signature header (prefer the _file form)", NULL, 0, 0 },
	{ "hmac_secret_file", CONFSCHEMA_STRING, WOFF(hmac_secret_file), 0, 0,
	    NULL, NULL, 0, check_abs_path, "file holding the HMAC secret, read "
	    "when the config is loaded", NULL, 0, 0 },
	{ "timeout", CONFSCHEMA_INT, WOFF(timeout), 1, 300, NULL, "10", 0, NULL,
	    "seconds allowed for one POST", NULL, 0, 0 },
	{ "max_attempts", CONFSCHEMA_INT, WOFF(max_attempts), 1, 100, NULL, "5",
	    0, NULL, "POST attempts per delivery round before the alert waits "
	    "in the outbox for the next round", NULL, 0, 0 },
	{ "min_severity", CONFSCHEMA_ENUM, WOFF(min_severity), 0, 0,
	    log_level_values, "info", 0, NULL,
	    "least severe alert sent to this webhook", NULL, 0, 0 },
	{ "proxy", CONFSCHEMA_STRING, WOFF(proxy), 0, 0, NULL, NULL,
	    CONFSCHEMA_SECRET, check_proxy, "HTTPS proxy for this webhook, as "
	    "aws.proxy, a secret (not set: https_proxy and no_proxy from the "
	    "environment)", NULL, 0, 0 },
	{ "ca_bundle", CONFSCHEMA_STRING, WOFF(ca_bundle), 0, 0, NULL, NULL, 0,
	    check_readable_file, "PEM file of CA certificates to trust for this "
	    "webhook (and its proxy) instead of the system store", NULL, 0, 0 },
};
static const struct confschema webhook_schema = {
	webhook_entries, sizeof(webhook_entries) / sizeof(webhook_entries[0]),
};

static const struct confschema_entry config_entries[] = {
	ENUM("log_level", log_level, log_level_values, "info",
	    "least important message to log; -v and -q move it up and down"),
	STR("state_dir", state_dir, LOCALSTATEDIR "/lib/passrole-auditd", 0,
	    check_abs_path,
	    "directory for the audit state (last results, for change detection)"),

	GROUP("aws", "AWS access: partition, region, TLS, timeouts, credentials"),
	ENUM("aws.partition", aws.partition, partition_values, "aws",
	    "AWS partition of the audited account"),
	STR("aws.region", aws.region, "us-east-1", 0, check_region,
	    "region used for signing and for the regional STS and EC2 endpoints"),
	STR("aws.ca_bundle", aws.ca_bundle, NULL, 0, check_readable_file,
	    "PEM file of CA certificates to trust instead of the system store"),
	BOOL("aws.insecure_loopback_tls", aws.insecure_loopback_tls, "false",
	    "skip TLS certificate checks, for loopback test endpoints only; "
	    "never for any other host"),
	STR("aws.proxy", aws.proxy, NULL, CONFSCHEMA_SECRET, check_proxy,
	    "HTTPS proxy for the AWS calls, http://host:port or "
	    "https://user:password@host:port, a secret (not set: https_proxy "
	    "and no_proxy from the environment)"),
	INT("aws.connect_timeout", aws.connect_timeout, 1, 300, "10",
	    "seconds allowed to connect to an endpoint"),
	INT("aws.request_timeout", aws.request_timeout, 1, 3600, "60",
	    "seconds allowed for one whole request and response"),
	INT("aws.max_response_mib", aws.max_response_mib, 1, 1024, "64",
	    "largest response body accepted, in MiB"),

	GROUP("aws.credentials", "where the AWS credentials come from"),
	ENUM("aws.credentials.source", aws.credentials.source, cred_source_values,
	    "auto", "credential source: auto uses the static keys below when set, "
	    "else the AWS CLI's chain (environment, shared files, web identity, "
	    "container, instance metadata)"),
	STR("aws.credentials.access_key_id", aws.credentials.access_key_id, NULL,
	    0, check_key_id, "access key ID for static credentials"),
	STR("aws.credentials.secret_access_key",
	    aws.credentials.secret_access_key, NULL, CONFSCHEMA_SECRET,
	    check_nonempty,
	    "secret access key for static credentials (prefer the _file form)"),
	STR("aws.credentials.secret_access_key_file",
	    aws.credentials.secret_access_key_file, NULL, 0, check_abs_path,
	    "file holding the secret access key, read when the config is loaded"),
	STR("aws.credentials.session_token", aws.credentials.session_token, NULL,
	    CONFSCHEMA_SECRET, check_nonempty,
	    "session token that goes with temporary static credentials"),
	STR("aws.credentials.profile", aws.credentials.profile, NULL, 0,
	    check_nonempty, "profile of the shared AWS files (default: "
	    "$AWS_PROFILE, else \"default\")"),
	STR("aws.credentials.credentials_file", aws.credentials.credentials_file,
	    NULL, 0, check_abs_path, "shared credentials file (default: "
	    "$AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials)"),
	STR("aws.credentials.config_file", aws.credentials.config_file, NULL, 0,
	    check_abs_path, "shared config file (default: $AWS_CONFIG_FILE, "
	    "else ~/.aws/config)"),
	BOOL("aws.credentials.imds_v1_fallback", aws.credentials.imds_v1_fallback,
	    "false", "fall back to IMDSv1 when the instance metadata service "
	    "refuses an IMDSv2 token"),

	GROUP("aws.endpoints", "endpoint URL overrides (https://, or http:// "
	    "for loopback hosts only)"),
	STR("aws.endpoints.sts", aws.endpoints.sts, NULL, 0, check_url,
	    "STS endpoint URL"),
	STR("aws.endpoints.iam", aws.endpoints.iam, NULL, 0, check_url,
	    "IAM endpoint URL"),
	STR("aws.endpoints.organizations", aws.endpoints.organizations, NULL, 0,
	    check_url, "Organizations endpoint URL"),
	STR("aws.endpoints.ec2", aws.endpoints.ec2, NULL, 0, check_url,
	    "EC2 endpoint URL"),

	GROUP("aws.retry", "retries of throttled and failed requests"),
	INT("aws.retry.max_attempts", aws.retry.max_attempts, 1, 20, "5",
	    "attempts per request, the first included"),
	INT("aws.retry.base_delay_ms", aws.retry.base_delay_ms, 1, 60000, "100",
	    "first backoff delay in milliseconds (doubled per attempt, jittered)"),
	INT("aws.retry.max_delay_ms", aws.retry.max_delay_ms, 1, 300000, "20000",
	    "longest backoff delay in milliseconds"),
	INT("aws.retry.budget_s", aws.retry.budget_s, 1, 3600, "120",
	    "total seconds one request may take, its attempts and the waits "
	    "between them included"),

	GROUP("collect", "what is fetched: organization, member accounts, regions"),
	ENUM("collect.organizations", collect.organizations, org_mode_values,
	    "auto", "read AWS Organizations (auto: single-account mode when it "
	    "cannot be read; off: never)"),
	STR("collect.member_role", collect.member_role, NULL, 0,
	    check_role_name_or_empty, "role name assumed in each member account; "
	    "not set: audit only the credentials' own account"),
	STR("collect.external_id", collect.external_id, NULL, CONFSCHEMA_SECRET,
	    check_external_id, "ExternalId sent when assuming member_role "
	    "(prefer the _file form)"),
	STR("collect.external_id_file", collect.external_id_file, NULL, 0,
	    check_abs_path, "file holding the ExternalId, read when the config "
	    "is loaded"),
	STR("collect.session_name", collect.session_name, "passrole-auditd", 0,
	    check_session_name, "RoleSessionName used when assuming member_role"),
	INT("collect.session_duration", collect.session_duration, 900, 43200,
	    "3600", "seconds the member-account sessions last"),
	LIST("collect.regions", collect.regions, check_region,
	    "regions whose VPC endpoints are read (empty: aws.region)"),
	LIST("collect.accounts_include", collect.accounts_include,
	    config_check_account_id, "account IDs to audit (empty: all)"),
	LIST("collect.accounts_exclude", collect.accounts_exclude,
	    config_check_account_id, "account IDs never audited"),
	LIST("collect.ous_include", collect.ous_include, check_ou_id,
	    "OU ids whose accounts, at any depth, are audited (empty: all)"),
	LIST("collect.ous_exclude", collect.ous_exclude, check_ou_id,
	    "OU ids whose accounts, at any depth, are not audited"),
	INT("collect.concurrency", collect.concurrency, 1, 64, "8",
	    "accounts fetched at the same time"),
	INT("collect.page_size", collect.page_size, 0, 1000, "0",
	    "items per page of paginated calls (0: the API's default)"),

	GROUP("audit", "which roles are privileged, and how deep paths go"),
	LIST("audit.privileged_roles", audit.privileged_roles,
	    config_check_role_pattern, "roles always privileged: names, paths "
	    "or ARNs, with * and ? wildcards"),
	LIST("audit.privileged_tags", audit.privileged_tags, check_tag,
	    "roles with one of these tags are privileged: \"key=value\" or "
	    "\"key=*\""),
	LIST("audit.privileged_exclude", audit.privileged_exclude,
	    config_check_role_pattern, "roles never privileged, whatever else "
	    "says so; same forms as privileged_roles"),
	BOOL("audit.auto_privileged", audit.auto_privileged, "true",
	    "also classify roles as privileged by their effective permissions"),
	INT("audit.max_depth", audit.max_depth, 0, 10, "3",
	    "longest transitive path followed (0: direct edges only)"),
	INT("audit.max_alternatives", audit.max_alternatives, 0, 10, "3",
	    "other paths to the same role kept with each edge, best first"),
	INT("audit.state_keep", audit.state_keep, 1, 1000, "10",
	    "edge sets kept in the state directory"),
	STR("audit.accepted_file", audit.accepted_file, NULL, 0, check_abs_path,
	    "file of accepted edges (known and intended: reported as accepted, "
	    "never alerted), read when the config is loaded"),

	GROUP("daemon", "the audit schedule of the service"),
	INT("daemon.interval", daemon.interval, 60, 604800, "3600",
	    "seconds between the starts of two audits"),
	INT("daemon.jitter", daemon.jitter, 0, 86400, "60",
	    "up to this many seconds of random delay added to each wait; at most "
	    "daemon.interval"),

	GROUP("alerts", "what is alerted, and where alerts go"),
	ENUM("alerts.min_severity", alerts.min_severity, log_level_values, "info",
	    "least severe alert raised"),
	ENUM("alerts.severity", alerts.severity_by, severity_by_values, "risk",
	    "an alert's severity: by risk (the table in passrole-auditd(8)) or by "
	    "kind (the alerts.syslog settings)"),
	ENUM("alerts.on_baseline", alerts.on_baseline, on_baseline_values, "summary",
	    "the first audit raises one alert with the edges' counts by severity "
	    "and the most severe ones (summary), or nothing (none)"),
	ENUM("alerts.group_by", alerts.group_by, alert_group_values, "cause",
	    "one alert per input change that caused the audit's changes (cause), "
	    "or one per changed edge or role (edge)"),
	LIST("alerts.accounts", alerts.accounts, config_check_account_id,
	    "raise alerts only about these accounts (empty: all)"),
	LIST("alerts.roles", alerts.roles, config_check_role_pattern,
	    "raise alerts only about these roles (empty: all); same forms as "
	    "audit.privileged_roles"),
	INT("alerts.outbox_max", alerts.outbox_max, 10, 1000000, "10000",
	    "alerts kept queued for delivery; when full, new alerts are refused "
	    "(the queued ones kept) and each refusal is logged to syslog"),
	GROUP("alerts.syslog", "alerts as syslog lines"),
	BOOL("alerts.syslog.enabled", alerts.syslog.enabled, "true",
	    "write one syslog line per alert"),
	STR("alerts.syslog.ident", alerts.syslog.ident, "passrole-auditd-alert", 0,
	    check_ident, "program name in the alert lines (journalctl -t IDENT selects the alerts apart from the daemon's own log)"),
	STR("alerts.syslog.facility", alerts.syslog.facility, "authpriv", 0,
	    check_facility, "syslog facility of the alert lines"),
	ENUM("alerts.syslog.gained", alerts.syslog.gained, log_level_values,
	    "warning", "severity of a gained edge"),
	ENUM("alerts.syslog.lost", alerts.syslog.lost, log_level_values,
	    "notice", "severity of a lost edge"),
	ENUM("alerts.syslog.changed", alerts.syslog.changed, log_level_values,
	    "notice", "severity of a changed edge"),
	ENUM("alerts.syslog.failed", alerts.syslog.failed, log_level_values,
	    "error", "severity of a failed or incomplete audit"),
	ENUM("alerts.syslog.privileged", alerts.syslog.privileged,
	    log_level_values, "notice",
	    "severity of a privileged role added or removed"),
	STR("alerts.syslog.socket", alerts.syslog.socket, NULL, 0, check_abs_path,
	    "unix datagram socket the alert lines are sent to (not set: /dev/log)"),
	{ "alerts.webhooks", CONFSCHEMA_GROUPLIST, OFF(alerts.webhooks), 0, 16,
	    NULL, NULL, 0, NULL, "webhooks alerts are POSTed to, each a group",
	    &webhook_schema, sizeof(struct config_webhook),
	    OFF(alerts.nwebhooks) },
};

static const struct confschema config_schema_table = {
	config_entries, sizeof(config_entries) / sizeof(config_entries[0]),
};

const struct confschema *
config_schema(void)
{
	return &config_schema_table;
}

/* ---- loading ------------------------------------------------------------- */

/* collect.regions defaults to [aws.region]; the schema engine's lists
 * start empty, so the default is filled in here. 0, or -1 (no memory). */
static int
fill_regions(struct config *c)
{
	struct confschema_strlist *l = &c->collect.regions;

	if (l->n > 0 || c->aws.region == NULL)
		return 0;
	if ((l->items = calloc(1, sizeof(*l->items))) == NULL)
		return -1;
	if ((l->items[0] = strdup(c->aws.region)) == NULL) {
		free(l->items);
		l->items = NULL;
		return -1;
	}
	l->n = 1;
	return 0;
}

static void
default_regions(struct config *c, struct confdiag *d)
{
	if (fill_regions(c) != 0)
		confdiag_add(d, c->path, 0, "collect.regions", "out of memory");
}

int
config_defaults(struct config *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	if (confschema_defaults(&config_schema_table, c, e) != 0)
		return -1;
	if (fill_regions(c) != 0) {
		err_set(e, "collect.regions: out of memory");
		return -1;
	}
	return 0;
}

const char *
config_partition_name(enum config_partition p)
{
	if ((size_t)p >= sizeof(partition_values) / sizeof(partition_values[0]) - 1)
		return "unknown";
	return partition_values[p];
}

const char *
config_cred_source_name(enum config_cred_source s)
{
	if ((size_t)s >= sizeof(cred_source_values) / sizeof(cred_source_values[0]) - 1)
		return "unknown";
	return cred_source_values[s];
}

const char *
config_secret_access_key(const struct config *c)
{
	if (c->aws.credentials.secret_access_key != NULL)
		return c->aws.credentials.secret_access_key;
	return c->aws.credentials.secret_access_key_from_file;
}

struct loadctx {
	struct config *c;
	const config_t *lc;
	const char *file;
	struct confdiag *d;
	size_t problems;
};

static void
lproblem(struct loadctx *x, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A problem about path, located at path if the file has it, else at the
 * group that would hold it. */
static void
lproblem(struct loadctx *x, const char *path, const char *fmt, ...)
{
	const config_setting_t *st;
	char what[512], fbuf[PATH_MAX];
	va_list ap;
	bool exact;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	st = confschema_locate(x->lc, path, &exact);
	if (st == config_root_setting(x->lc))
		st = NULL;
	confdiag_add(x->d, confschema_setting_file(st, x->file, fbuf, sizeof(fbuf)),
	    st != NULL ? config_setting_source_line(st) : 0, path, "%s", what);
	x->problems++;
}

static bool
in_file(const config_t *lc, const char *path)
{
	return config_lookup(lc, path) != NULL;
}

static void
check_partition_region(struct loadctx *x)
{
	const char *r = x->c->aws.region;
	enum config_partition want = CONFIG_PARTITION_AWS;

	if (strncmp(r, "cn-", 3) == 0)
		want = CONFIG_PARTITION_AWS_CN;
	else if (strncmp(r, "us-gov-", 7) == 0)
		want = CONFIG_PARTITION_AWS_US_GOV;
	if (want != x->c->aws.partition)
		lproblem(x, in_file(x->lc, "aws.region") ? "aws.region" : "aws.partition",
		    "region \"%s\" is not in partition \"%s\" (it is in \"%s\")", r,
		    partition_values[x->c->aws.partition], partition_values[want]);
}

static void
check_credentials(struct loadctx *x)
{
	const struct config_aws_credentials *cr = &x->c->aws.credentials;
	static const char *const statics[] = {
		"aws.credentials.access_key_id",
		"aws.credentials.secret_access_key",
		"aws.credentials.secret_access_key_file",
		"aws.credentials.session_token",
	};
	bool any = cr->access_key_id != NULL || cr->secret_access_key != NULL ||
	    cr->secret_access_key_file != NULL || cr->session_token != NULL;
	size_t i;

	if (cr->source != CONFIG_CRED_AUTO && cr->source != CONFIG_CRED_STATIC) {
		for (i = 0; i < sizeof(statics) / sizeof(statics[0]); i++)
			if (in_file(x->lc, statics[i]))
				lproblem(x, statics[i], "set, but source is \"%s\"; "
				    "remove it or use source = \"static\"",
				    cred_source_values[cr->source]);
		return;
	}
	if (cr->source == CONFIG_CRED_AUTO && !any)
		return;
	if (cr->access_key_id == NULL)
		lproblem(x, "aws.credentials.access_key_id",
		    "required for static credentials");
	if (cr->secret_access_key != NULL && cr->secret_access_key_file != NULL)
		lproblem(x, "aws.credentials.secret_access_key_file",
		    "set together with secret_access_key; use only one");
	else if (cr->secret_access_key == NULL && cr->secret_access_key_file == NULL)
		lproblem(x, "aws.credentials.secret_access_key",
		    "required for static credentials (or secret_access_key_file)");
}

static bool
strlist_has(const struct confschema_strlist *l, const char *v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i], v) == 0)
			return true;
	return false;
}

static void
check_collect(struct loadctx *x)
{
	const struct config_collect *co = &x->c->collect;
	const char *want = partition_values[x->c->aws.partition];
	size_t i;

	if (co->external_id != NULL && co->external_id_file != NULL)
		lproblem(x, "collect.external_id_file",
		    "set together with external_id; use only one");
	if ((co->external_id != NULL || co->external_id_file != NULL) &&
	    (co->member_role == NULL || co->member_role[0] == '\0'))
		lproblem(x, in_file(x->lc, "collect.external_id") ?
		    "collect.external_id" : "collect.external_id_file",
		    "set, but collect.member_role is not: no role is assumed");
	for (i = 0; i < co->accounts_exclude.n; i++)
		if (strlist_has(&co->accounts_include, co->accounts_exclude.items[i]))
			lproblem(x, "collect.accounts_exclude", "\"%s\" is also in "
			    "collect.accounts_include", co->accounts_exclude.items[i]);
	for (i = 0; i < co->ous_exclude.n; i++)
		if (strlist_has(&co->ous_include, co->ous_exclude.items[i]))
			lproblem(x, "collect.ous_exclude", "\"%s\" is also in "
			    "collect.ous_include", co->ous_exclude.items[i]);
	/* One set of credentials cannot sign for two partitions. */
	for (i = 0; i < co->regions.n; i++) {
		const char *r = co->regions.items[i];
		const char *in = strncmp(r, "cn-", 3) == 0 ? "aws-cn" :
		    strncmp(r, "us-gov-", 7) == 0 ? "aws-us-gov" : "aws";

		if (strcmp(in, want) != 0)
			lproblem(x, "collect.regions", "region \"%s\" is not in "
			    "partition \"%s\" (it is in \"%s\")", r, want, in);
	}
}

/* The body's own headers are the sink's to set; a config that overrode
 * them would produce requests the receiver cannot parse. */
static const char *const reserved_headers[] = {
	"Host", "Content-Type", "Content-Length", "Transfer-Encoding",
	"Connection", "Expect",
	/* The webhook sink's own (alert/webhook.h): the id receivers
	 * de-duplicate on and the signature they verify. */
	"X-Passrole-Auditd-Alert-Id", "X-Passrole-Auditd-Timestamp",
	"X-Passrole-Auditd-Signature",
};

static void
check_webhook(struct loadctx *x, size_t wi)
{
	const struct config_webhook *wh = &x->c->alerts.webhooks[wi];
	char path[128];
	size_t i, j, k;

	for (j = 0; j < wi; j++)
		if (strcmp(x->c->alerts.webhooks[j].name, wh->name) == 0) {
			snprintf(path, sizeof(path), "alerts.webhooks.[%zu].name", wi);
			lproblem(x, path, "\"%s\" is also the name of "
			    "alerts.webhooks.[%zu]", wh->name, j);
		}
	if (wh->hmac_secret != NULL && wh->hmac_secret_file != NULL) {
		snprintf(path, sizeof(path), "alerts.webhooks.[%zu].hmac_secret_file",
		    wi);
		lproblem(x, path, "set together with hmac_secret; use only one");
	}
	for (i = 0; i < wh->nheaders; i++) {
		const struct config_webhook_header *h = &wh->headers[i];

		snprintf(path, sizeof(path), "alerts.webhooks.[%zu].headers.[%zu]",
		    wi, i);
		if (h->value == NULL && h->value_file == NULL)
			lproblem(x, path, "needs value or value_file");
		else if (h->value != NULL && h->value_file != NULL)
			lproblem(x, path, "set both value and value_file; use only one");
		for (k = 0; k < sizeof(reserved_headers) / sizeof(reserved_headers[0]);
		    k++)
			if (strcasecmp(h->name, reserved_headers[k]) == 0)
				lproblem(x, path, "\"%s\" is set by the program itself",
				    h->name);
		for (j = 0; j < i; j++)
			if (strcasecmp(wh->headers[j].name, h->name) == 0)
				lproblem(x, path, "header \"%s\" is also set by "
				    "headers.[%zu]", h->name, j);
	}
}

static void
check_cross(struct loadctx *x)
{
	const struct config_aws *a = &x->c->aws;
	size_t i;

	check_partition_region(x);
	if (a->connect_timeout > a->request_timeout)
		lproblem(x, "aws.connect_timeout", "%d exceeds request_timeout (%d)",
		    a->connect_timeout, a->request_timeout);
	if (a->retry.base_delay_ms > a->retry.max_delay_ms)
		lproblem(x, "aws.retry.base_delay_ms", "%d exceeds max_delay_ms (%d)",
		    a->retry.base_delay_ms, a->retry.max_delay_ms);
	check_credentials(x);
	check_collect(x);
	if (x->c->daemon.jitter > x->c->daemon.interval)
		lproblem(x, "daemon.jitter", "%d exceeds daemon.interval (%d)",
		    x->c->daemon.jitter, x->c->daemon.interval);
	for (i = 0; i < x->c->alerts.nwebhooks; i++)
		check_webhook(x, i);
}

/* What a secret file must hold, for its messages and its content rules. */
struct secret_file {
	const char *path;	/* the *_file setting, for problems */
	const char *setting;	/* the secret it stands for, for the warning */
	const char *noun;	/* "the secret access key" */
	bool spaces;		/* inner spaces allowed ("Bearer abc") */
};

/*
 * Read a *_file secret now, so that a daemon that later drops privileges,
 * or a file that later vanishes, cannot surprise the audit or a delivery.
 * The result goes to *dest (NULL until then).
 */
static void
load_secret_file(struct loadctx *x, const struct secret_file *sf,
    const char *file, char **dest)
{
	char buf[CONFIG_SECRET_FILE_MAX + 1];
	struct stat st;
	size_t len = 0, i;
	ssize_t n;
	int fd;

	if (file == NULL)
		return;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		lproblem(x, sf->path, "cannot open %s: %s", file, strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		lproblem(x, sf->path, "%s is not a regular file", file);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH))
		log_warn("%s: readable by group or others (mode %04o): chmod 600 it; "
		    "it holds %s", file, (unsigned)(st.st_mode & 07777), sf->setting);
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lproblem(x, sf->path, "cannot read %s: %s", file,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_SECRET_FILE_MAX) {
		lproblem(x, sf->path, "%s is larger than %d bytes", file,
		    CONFIG_SECRET_FILE_MAX);
		goto out;
	}
	/* Files written with echo end in a newline; that is not the secret. */
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	buf[len] = '\0';
	if (len == 0) {
		lproblem(x, sf->path, "%s is empty", file);
		goto out;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (iscntrl(ch) || (!sf->spaces && isspace(ch))) {
			lproblem(x, sf->path, "%s holds %s; it must hold only %s",
			    file, sf->spaces ? "more than one line or control "
			    "characters" : "more than one word or control characters",
			    sf->noun);
			goto out;
		}
	}
	if ((*dest = secret_strdup(buf)) == NULL)
		lproblem(x, sf->path, "out of memory");
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
}

static void
load_secret_files(struct loadctx *x)
{
	static const struct secret_file aws_key = {
		"aws.credentials.secret_access_key_file",
		"aws.credentials.secret_access_key", "the secret access key", false,
	}, ext_id = {
		"collect.external_id_file", "collect.external_id",
		"the external ID", false,
	};
	char path[128], setting[128];
	struct config *c = x->c;
	size_t i, j;

	load_secret_file(x, &aws_key, c->aws.credentials.secret_access_key_file,
	    &c->aws.credentials.secret_access_key_from_file);
	load_secret_file(x, &ext_id, c->collect.external_id_file,
	    &c->collect.external_id);
	for (i = 0; i < c->alerts.nwebhooks; i++) {
		struct config_webhook *wh = &c->alerts.webhooks[i];
		struct secret_file sf = { path, setting, "the HMAC secret", true };

		snprintf(path, sizeof(path), "alerts.webhooks.[%zu].hmac_secret_file", i);
		snprintf(setting, sizeof(setting), "alerts.webhooks.[%zu].hmac_secret", i);
		load_secret_file(x, &sf, wh->hmac_secret_file, &wh->hmac_secret);
		for (j = 0; j < wh->nheaders; j++) {
			snprintf(path, sizeof(path),
			    "alerts.webhooks.[%zu].headers.[%zu].value_file", i, j);
			snprintf(setting, sizeof(setting),
			    "alerts.webhooks.[%zu].headers.[%zu].value", i, j);
			sf.noun = "the header value";
			load_secret_file(x, &sf, wh->headers[j].value_file,
			    &wh->headers[j].value);
		}
	}
}

/* A secret in the config's collect.external_id check passes for an
 * external ID read from a file as well: the file's contents get the same
 * rules as the setting. */
static void
check_external_id_from_file(struct loadctx *x)
{
	char why[256];

	if (x->c->collect.external_id_file != NULL &&
	    x->c->collect.external_id != NULL &&
	    check_external_id(x->c->collect.external_id, why, sizeof(why)) != 0)
		lproblem(x, "collect.external_id_file", "%s: %s",
		    x->c->collect.external_id_file, why);
}

/* Whether en has a "<path>_file" sibling that reads it from a file. */
static bool
has_file_form(const struct confschema *s, const struct confschema_entry *en)
{
	size_t i, n = strlen(en->path);

	for (i = 0; i < s->n; i++)
		if (strncmp(s->entries[i].path, en->path, n) == 0 &&
		    strcmp(s->entries[i].path + n, "_file") == 0)
			return true;
	return false;
}

/* The file each secret setting of one table was written in, warned about
 * once per file; recurses into the elements of lists of groups. */
static void
warn_secret_perms_in(struct loadctx *x, const struct confschema *s,
    const config_setting_t *grp, const char *prefix, char *warned,
    size_t warnedlen)
{
	char fbuf[PATH_MAX], sub[CONFSCHEMA_PATH_MAX * 2];
	struct stat st;
	size_t i;
	unsigned k;

	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];
		const config_setting_t *set;
		const char *f;

		set = config_setting_lookup((config_setting_t *)grp, en->path);
		if (set == NULL)
			continue;
		if (en->type == CONFSCHEMA_GROUPLIST) {
			if (config_setting_type(set) != CONFIG_TYPE_LIST)
				continue;
			for (k = 0; k < (unsigned)config_setting_length(set); k++) {
				const config_setting_t *el = config_setting_get_elem(set, k);

				snprintf(sub, sizeof(sub), "%.*s%.*s.[%u].",
				    CONFSCHEMA_PATH_MAX / 2, prefix,
				    CONFSCHEMA_PATH_MAX / 2, en->path, k);
				if (config_setting_is_group(el))
					warn_secret_perms_in(x, en->sub, el, sub, warned,
					    warnedlen);
			}
			continue;
		}
		if (!(en->flags & CONFSCHEMA_SECRET))
			continue;
		f = confschema_setting_file(set, x->file, fbuf, sizeof(fbuf));
		if (strcmp(warned, f) == 0)
			continue;
		if (stat(f, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH))) {
			log_warn("%s: holds %s%s but is readable by group or others "
			    "(mode %04o): chmod 600 it%s", f, prefix, en->path,
			    (unsigned)(st.st_mode & 07777), has_file_form(s, en) ?
			    ", or use the setting's _file form" : "");
			snprintf(warned, warnedlen, "%s", f);
		}
	}
}

/* A secret in a file others can read is a leak waiting to happen; the
 * config still loads (the operator may be mid-fix), but loudly. */
static void
warn_secret_perms(struct loadctx *x)
{
	char warned[PATH_MAX] = "";

	warn_secret_perms_in(x, &config_schema_table, config_root_setting(x->lc),
	    "", warned, sizeof(warned));
}

static void
warn_insecure(struct loadctx *x)
{
	static const char *const names[] = { "sts", "iam", "organizations", "ec2" };
	const struct config_aws_endpoints *ep = &x->c->aws.endpoints;
	const char *urls[] = { ep->sts, ep->iam, ep->organizations, ep->ec2 };
	char why[256];
	bool lb;
	size_t i;

	if (!x->c->aws.insecure_loopback_tls)
		return;
	log_warn("aws.insecure_loopback_tls is on: TLS certificates of loopback "
	    "endpoints are not checked (tests only)");
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (urls[i] != NULL &&
		    config_check_endpoint_url(urls[i], &lb, why, sizeof(why)) == 0 &&
		    !lb)
			log_warn("aws.endpoints.%s is not a loopback host: its "
			    "certificate is checked regardless of "
			    "aws.insecure_loopback_tls", names[i]);
}

/* Every secret of c, wherever it came from, for the log's scrubber. */
static void
for_each_secret(const struct config *c, void (*fn)(const char *, bool *),
    bool *arg)
{
	const char *s[] = {
		c->aws.credentials.secret_access_key,
		c->aws.credentials.secret_access_key_from_file,
		c->aws.credentials.session_token,
		c->collect.external_id,
		c->aws.proxy,
	};
	size_t i, j;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL)
			fn(s[i], arg);
	for (i = 0; i < c->alerts.nwebhooks; i++) {
		const struct config_webhook *wh = &c->alerts.webhooks[i];

		if (wh->url != NULL)
			fn(wh->url, arg);
		if (wh->hmac_secret != NULL)
			fn(wh->hmac_secret, arg);
		if (wh->proxy != NULL)
			fn(wh->proxy, arg);
		for (j = 0; j < wh->nheaders; j++)
			if (wh->headers[j].value != NULL)
				fn(wh->headers[j].value, arg);
	}
}

static void
add_secret(const char *s, bool *full)
{
	if (log_secret_add(s) != 0)
		*full = true;
}

static void
remove_secret(const char *s, bool *unused)
{
	log_secret_remove(s);
}

static void
register_secrets(const struct config *c)
{
	bool full = false;

	for_each_secret(c, add_secret, &full);
	if (full)
		log_warn("the log's secret scrubber is full; "
		    "not all secrets are registered with it");
}

/* @include "x" is resolved against the config file's own directory, so a
 * config and its fragments can move together. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* How many @include targets one load looks at, nested ones included. */
#define CONFIG_INCLUDES_MAX 64
/* libconfig 1.5's MAX_INCLUDE_DEPTH: it refuses the include one deeper. */
#define CONFIG_INCLUDE_DEPTH_MAX 10

/* Where libconfig's scanner is at the end of a file; it carries on in the
 * file that included it in the same state. */
enum inc_state { INC_CODE, INC_COMMENT, INC_STRING };

struct inc_scan {
	const char *dir;	/* libconfig's include_dir */
	int budget;		/* below zero: ran out, and that was reported */
	struct confdiag *d;
};

static int check_includes_in(struct inc_scan *s, const char *file,
    const char *from, unsigned from_line, int depth, enum inc_state *state);

/* The line of offset off in text. */
static unsigned
line_at(const char *text, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/*
 * One @include name, read from p (just after the opening quote) as
 * libconfig's INCLUDE rules read it: "\\" and "\"" are escapes, and a
 * name may run over lines. What the scanner would not cope with is
 * refused instead: any other backslash (flex's default rule prints it to
 * stdout and drops it), a newline, no closing quote. Sets *after past the
 * closing quote; 0, or -1 with why set.
 */
static int
include_name(const char *p, const char *end, char *name, size_t namesz,
    const char **after, const char **why)
{
	size_t n = 0;

	for (; p < end && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			if (p + 1 >= end || (p[1] != '\\' && p[1] != '"')) {
				*why = "a backslash in an @include file name must "
				    "be followed by \\ or \"";
				return -1;
			}
			c = *++p;
		} else if (c == '\n') {
			*why = "an @include file name must end on its line";
			return -1;
		}
		if (n + 1 >= namesz) {
			*why = "@include file name too long";
			return -1;
		}
		name[n++] = c;
	}
	if (p >= end) {
		*why = "@include file name without its closing quote";
		return -1;
	}
	name[n] = '\0';
	*after = p + 1;
	return 0;
}

/* The @include of target at file:line: 0 if it is one libconfig reads
 * safely (or reports itself), else -1 with the problem added. */
static int
check_include_target(struct inc_scan *s, const char *file, unsigned line,
    const char *target, int depth, enum inc_state *state)
{
	struct stat st;

	if (s->budget == 0) {
		confdiag_add(s->d, file, line, NULL, "more than %d included files",
		    CONFIG_INCLUDES_MAX);
		s->budget = -1;
		return -1;
	}
	s->budget--;
	if (depth >= CONFIG_INCLUDE_DEPTH_MAX) {
		confdiag_add(s->d, file, line, NULL, "@include \"%s\": included "
		    "files nested more than %d deep", target,
		    CONFIG_INCLUDE_DEPTH_MAX);
		return -1;
	}
	if (stat(target, &st) != 0) {
		confdiag_add(s->d, file, line, NULL, "@include \"%s\": cannot "
		    "open: %s", target, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		confdiag_add(s->d, file, line, NULL,
		    "@include \"%s\": not a regular file", target);
		return -1;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		confdiag_add(s->d, file, line, NULL,
		    "@include \"%s\": larger than %d bytes", target,
		    CONFIG_FILE_MAX);
		return -1;
	}
	/* The included file starts in code, at the start of a line. */
	*state = INC_CODE;
	return check_includes_in(s, target, file, line, depth + 1, state);
}

/*
 * libconfig 1.5's scanner ends the process (exit(2), "input in flex
 * scanner failed") when reading a file it opened fails: a directory named
 * by @include opens but does not read. It takes an include name as a C
 * string, so a NUL byte shortens the name to one no check saw. It reads
 * an included file whole, whatever it is (a FIFO, a device, a huge file).
 * So every file it will read is read here first, whole, and scanned for
 * @include lines the way its scanner finds them: at the start of a line,
 * not inside a comment or a string. Whatever would make it exit, block
 * or print is refused at the file and line that names it.
 */
static int
check_includes_in(struct inc_scan *s, const char *file, const char *from,
    unsigned from_line, int depth, enum inc_state *state)
{
	struct buf text = BUF_INIT;
	struct err e;
	char name[PATH_MAX], target[PATH_MAX];
	const char *p, *end, *nul, *why;
	bool bol = true;
	int rc = -1, n;

	if (fileio_read(AT_FDCWD, file, 0, CONFIG_FILE_MAX, &text, &e) != 0) {
		if (from != NULL)
			confdiag_add(s->d, from, from_line, NULL, "@include \"%s\": "
			    "cannot read: %s", file, strerror(errno));
		else
			confdiag_add(s->d, file, 0, NULL, "cannot read: %s",
			    strerror(errno));
		goto out;
	}
	/* buf keeps a NUL after the text, so strspn() stops at the end. */
	p = buf_cstr(&text);
	end = p + text.len;
	/* A config file is text; libconfig would read a NUL in a name as
	 * its end. */
	if ((nul = memchr(p, '\0', text.len)) != NULL) {
		confdiag_add(s->d, file, line_at(p, (size_t)(nul - p)), NULL,
		    "a NUL byte (not a text file)");
		goto out;
	}
	rc = 0;
	while (p < end) {
		if (*state == INC_COMMENT) {
			const char *close = memmem(p, (size_t)(end - p), "*/", 2);

			if (close == NULL)
				break;
			p = close + 2;
			bol = false;
			*state = INC_CODE;
			continue;
		}
		if (*state == INC_STRING) {
			/* "\\" and "\"" are the escapes that hide a quote. */
			if (*p == '\\' && p + 1 < end && (p[1] == '\\' || p[1] == '"'))
				p += 2;
			else if (*p++ == '"')
				*state = INC_CODE;
			bol = p[-1] == '\n';
			continue;
		}
		if (bol) {
			const char *q = p + strspn(p, " \t");
			size_t ws;

			bol = false;
			if ((size_t)(end - q) > 8 && strncmp(q, "@include", 8) == 0 &&
			    (ws = strspn(q + 8, " \t")) > 0 && q[8 + ws] == '"') {
				unsigned line = line_at(buf_cstr(&text),
				    (size_t)(q - buf_cstr(&text)));

				if (include_name(q + 9 + ws, end, name, sizeof(name),
				    &p, &why) != 0) {
					confdiag_add(s->d, file, line, NULL, "%s", why);
					rc = -1;
					break;
				}
				n = snprintf(target, sizeof(target), "%s/%s", s->dir, name);
				/* One problem per file: a self-include would
				 * otherwise repeat its problem at every depth. */
				if (n < 0 || (size_t)n >= sizeof(target)) {
					confdiag_add(s->d, file, line, NULL,
					    "@include file name too long");
					rc = -1;
					break;
				}
				if (check_include_target(s, file, line, target, depth,
				    state) != 0) {
					rc = -1;
					break;
				}
				continue;
			}
		}
		if (*p == '"') {
			*state = INC_STRING;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			*state = INC_COMMENT;
			p++;
		} else if (*p == '#' || (*p == '/' && p + 1 < end && p[1] == '/')) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			p = nl != NULL ? nl : end;
			continue;
		}
		bol = *p++ == '\n';
	}
out:
	buf_free_secret(&text);
	return rc;
}

/* 0 if libconfig can be given path, else -1 with the problems added. */
static int
check_includes(const char *path, const char *dir, struct confdiag *d)
{
	struct inc_scan s = { dir, CONFIG_INCLUDES_MAX, d };
	enum inc_state state = INC_CODE;

	return check_includes_in(&s, path, NULL, 0, 0, &state);
}

int
config_load(struct config *c, const char *path, struct confdiag *d)
{
	struct loadctx x = { c, NULL, path, d, 0 };
	struct err e;
	struct stat st;
	config_t lc;
	char *dir = NULL;
	bool lc_inited = false;

	/* Not config_defaults(): collect.regions must follow the file's
	 * aws.region, so it is filled in only after the file is read. */
	memset(c, 0, sizeof(*c));
	if (confschema_defaults(&config_schema_table, c, &e) != 0) {
		confdiag_add(d, path, 0, NULL, "%s", e.msg);
		return -1;
	}
	if ((c->path = strdup(path)) == NULL) {
		confdiag_add(d, path, 0, NULL, "out of memory");
		return -1;
	}
	if (stat(path, &st) != 0) {
		confdiag_add(d, path, 0, NULL, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		confdiag_add(d, path, 0, NULL, "not a regular file");
		return -1;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		confdiag_add(d, path, 0, NULL, "larger than %d bytes", CONFIG_FILE_MAX);
		return -1;
	}
	if ((dir = dir_of(path)) == NULL) {
		confdiag_add(d, path, 0, NULL, "out of memory");
		return -1;
	}
	if (check_includes(path, dir, d) != 0) {
		x.problems++;
		goto out;
	}
	config_init(&lc);
	lc_inited = true;
	x.lc = &lc;
	config_set_include_dir(&lc, dir);
	errno = 0;
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			confdiag_add(d, config_error_file(&lc) != NULL ?
			    config_error_file(&lc) : path, 0, NULL, "cannot read: %s",
			    errno != 0 ? strerror(errno) : config_error_text(&lc));
		else
			confdiag_add(d, config_error_file(&lc) != NULL ?
			    config_error_file(&lc) : path,
			    (unsigned)config_error_line(&lc), NULL, "%s",
			    config_error_text(&lc));
		x.problems++;
		goto out;
	}
	x.problems += confschema_apply(&config_schema_table, &lc, path, c, d);
	/* Checks across settings only make sense once each one is valid;
	 * otherwise a rejected value's default would be blamed instead. */
	if (x.problems == 0)
		check_cross(&x);
	if (x.problems == 0)
		load_secret_files(&x);
	if (x.problems == 0)
		check_external_id_from_file(&x);
	if (x.problems == 0)
		default_regions(c, d);
	/* Read now, like the secret files: a malformed file is a config
	 * error (FILE:LINE), found by --check-config too. */
	if (x.problems == 0 && c->audit.accepted_file != NULL &&
	    accepted_load(c->audit.accepted_file, &c->audit.accepted, d) != 0)
		x.problems++;
	warn_secret_perms(&x);
	if (x.problems == 0) {
		warn_insecure(&x);
		register_secrets(c);
		c->registered = true;
	}
out:
	if (lc_inited)
		config_destroy(&lc);
	free(dir);
	return x.problems == 0 ? 0 : -1;
}

void
config_free(struct config *c)
{
	if (c == NULL)
		return;
	/* Only what register_secrets() added; removing a secret that was
	 * never added is harmless (the scrubber counts references). */
	if (c->registered)
		for_each_secret(c, remove_secret, NULL);
	c->registered = false;
	secret_free(c->aws.credentials.secret_access_key_from_file);
	c->aws.credentials.secret_access_key_from_file = NULL;
	accepted_free(c->audit.accepted);
	c->audit.accepted = NULL;
	confschema_free(&config_schema_table, c);
	free(c->path);
	c->path = NULL;
}

int
config_print(const struct config *c, FILE *fp)
{
	return confschema_print(&config_schema_table, c, fp);
}
