#include "config.h"

#include "conf.h"
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

/* ---- the table ----------------------------------------------------------- */

#define OFF(f) offsetof(struct config, f)
#define GROUP(p, d) { p, CONFSCHEMA_GROUP, 0, 0, 0, NULL, NULL, 0, NULL, d }
#define STR(p, f, def, flags, chk, d) \
	{ p, CONFSCHEMA_STRING, OFF(f), 0, 0, NULL, def, flags, chk, d }
#define INT(p, f, lo, hi, def, d) \
	{ p, CONFSCHEMA_INT, OFF(f), lo, hi, NULL, def, 0, NULL, d }
#define BOOL(p, f, def, d) \
	{ p, CONFSCHEMA_BOOL, OFF(f), 0, 0, NULL, def, 0, NULL, d }
#define ENUM(p, f, vals, def, d) \
	{ p, CONFSCHEMA_ENUM, OFF(f), 0, 0, vals, def, 0, NULL, d }

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
	    "total seconds one request may spend retrying"),
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

int
config_defaults(struct config *c, struct err *e)
{
	memset(c, 0, sizeof(*c));
	return confschema_defaults(&config_schema_table, c, e);
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

static void
check_cross(struct loadctx *x)
{
	const struct config_aws *a = &x->c->aws;

	check_partition_region(x);
	if (a->connect_timeout > a->request_timeout)
		lproblem(x, "aws.connect_timeout", "%d exceeds request_timeout (%d)",
		    a->connect_timeout, a->request_timeout);
	if (a->retry.base_delay_ms > a->retry.max_delay_ms)
		lproblem(x, "aws.retry.base_delay_ms", "%d exceeds max_delay_ms (%d)",
		    a->retry.base_delay_ms, a->retry.max_delay_ms);
	check_credentials(x);
}

/* Read secret_access_key_file now, so that a daemon that later drops
 * privileges, or a file that later vanishes, cannot surprise the audit. */
static void
load_secret_file(struct loadctx *x)
{
	static const char *const path = "aws.credentials.secret_access_key_file";
	const char *file = x->c->aws.credentials.secret_access_key_file;
	char buf[CONFIG_SECRET_FILE_MAX + 1];
	struct stat st;
	size_t len = 0, i;
	ssize_t n;
	int fd;

	if (file == NULL)
		return;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		lproblem(x, path, "cannot open %s: %s", file, strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		lproblem(x, path, "%s is not a regular file", file);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH))
		log_warn("%s: readable by group or others (mode %04o): chmod 600 it; "
		    "it holds aws.credentials.secret_access_key", file,
		    (unsigned)(st.st_mode & 07777));
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lproblem(x, path, "cannot read %s: %s", file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_SECRET_FILE_MAX) {
		lproblem(x, path, "%s is larger than %d bytes", file,
		    CONFIG_SECRET_FILE_MAX);
		goto out;
	}
	/* Files written with echo end in a newline; that is not the key. */
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	buf[len] = '\0';
	if (len == 0) {
		lproblem(x, path, "%s is empty", file);
		goto out;
	}
	for (i = 0; i < len; i++) {
		if (isspace((unsigned char)buf[i]) || iscntrl((unsigned char)buf[i])) {
			lproblem(x, path, "%s holds more than one word or control "
			    "characters; it must hold only the secret access key", file);
			goto out;
		}
	}
	if ((x->c->aws.credentials.secret_access_key_from_file =
	    secret_strdup(buf)) == NULL)
		lproblem(x, path, "out of memory");
out:
	secret_wipe(buf, sizeof(buf));
	close(fd);
}

/* A secret in a file others can read is a leak waiting to happen; the
 * config still loads (the operator may be mid-fix), but loudly. */
static void
warn_secret_perms(struct loadctx *x)
{
	const struct confschema *s = &config_schema_table;
	char warned[PATH_MAX] = "", fbuf[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const config_setting_t *set;
		const char *f;

		if (!(s->entries[i].flags & CONFSCHEMA_SECRET))
			continue;
		if ((set = config_lookup(x->lc, s->entries[i].path)) == NULL)
			continue;
		f = confschema_setting_file(set, x->file, fbuf, sizeof(fbuf));
		if (strcmp(warned, f) == 0)
			continue;
		if (stat(f, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH))) {
			log_warn("%s: holds %s but is readable by group or others "
			    "(mode %04o): chmod 600 it, or use secret_access_key_file",
			    f, s->entries[i].path, (unsigned)(st.st_mode & 07777));
			snprintf(warned, sizeof(warned), "%s", f);
		}
	}
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

static void
register_secrets(const struct config *c)
{
	const char *s[] = {
		c->aws.credentials.secret_access_key,
		c->aws.credentials.secret_access_key_from_file,
		c->aws.credentials.session_token,
	};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL && log_secret_add(s[i]) != 0)
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

/*
 * libconfig reads an @include'd file whole, whatever it is (a FIFO, a
 * device, a huge file). Hold included files to the main file's limits
 * before the parser opens them. Names with escapes, and targets that do
 * not exist, are left to libconfig, which reports them itself.
 */
static int
check_includes(const char *file, const char *dir, int *budget,
    struct confdiag *d)
{
	char line[1024], target[PATH_MAX];
	unsigned lineno = 0;
	bool at_start = true;
	struct stat st;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(file, "r")) == NULL)
		return 0;
	/* A budget below zero means it ran out and that was reported. */
	while (*budget >= 0 && fgets(line, sizeof(line), fp) != NULL) {
		bool whole_line_start = at_start;
		const char *p, *end;
		int n;

		at_start = strchr(line, '\n') != NULL;
		if (!whole_line_start)
			continue;
		lineno++;
		p = line + strspn(line, " \t");
		if (strncmp(p, "@include", 8) != 0)
			continue;
		p += 8;
		p += strspn(p, " \t");
		if (*p != '"' || (end = strchr(p + 1, '"')) == NULL ||
		    memchr(p + 1, '\\', (size_t)(end - p - 1)) != NULL)
			continue;
		n = snprintf(target, sizeof(target), "%s/%.*s", dir,
		    (int)(end - p - 1), p + 1);
		if (n < 0 || (size_t)n >= sizeof(target) || stat(target, &st) != 0)
			continue;
		if (*budget == 0) {
			confdiag_add(d, file, lineno, NULL, "more than %d included files",
			    CONFIG_INCLUDES_MAX);
			*budget = -1;
			rc = -1;
			break;
		}
		(*budget)--;
		if (!S_ISREG(st.st_mode)) {
			confdiag_add(d, file, lineno, NULL,
			    "@include \"%s\": not a regular file", target);
			rc = -1;
		} else if (st.st_size > CONFIG_FILE_MAX) {
			confdiag_add(d, file, lineno, NULL,
			    "@include \"%s\": larger than %d bytes", target,
			    CONFIG_FILE_MAX);
			rc = -1;
		} else if (check_includes(target, dir, budget, d) != 0) {
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
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
	int include_budget = CONFIG_INCLUDES_MAX;

	if (config_defaults(c, &e) != 0) {
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
	if (check_includes(path, dir, &include_budget, d) != 0) {
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
		load_secret_file(&x);
	warn_secret_perms(&x);
	if (x.problems == 0) {
		warn_insecure(&x);
		register_secrets(c);
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
	log_secret_remove(c->aws.credentials.secret_access_key);
	log_secret_remove(c->aws.credentials.secret_access_key_from_file);
	log_secret_remove(c->aws.credentials.session_token);
	secret_free(c->aws.credentials.secret_access_key_from_file);
	c->aws.credentials.secret_access_key_from_file = NULL;
	confschema_free(&config_schema_table, c);
	free(c->path);
	c->path = NULL;
}

int
config_print(const struct config *c, FILE *fp)
{
	return confschema_print(&config_schema_table, c, fp);
}
