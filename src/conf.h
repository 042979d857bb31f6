/*
 * The daemon's configuration: the settings table (see confschema.h) and the
 * effective config as a plain C struct, defaults applied, that every other
 * module reads. The file is called conf.h because "config.h" is autoconf's
 * header, which every source includes first.
 *
 * Ownership: struct config owns every string in it; config_free() releases
 * them and wipes the secrets.
 */
#ifndef PRA_CONF_H
#define PRA_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "confschema.h"
#include "log.h"
#include "util/err.h"

/* Enum fields hold the index of the value in the schema's list, so their
 * order here is the order of the strings in conf.c. */
enum config_partition {
	CONFIG_PARTITION_AWS = 0,
	CONFIG_PARTITION_AWS_CN,
	CONFIG_PARTITION_AWS_US_GOV,
};

/* Same order as enum creds_source (aws/credentials.h). */
enum config_cred_source {
	CONFIG_CRED_AUTO = 0,
	CONFIG_CRED_STATIC,
	CONFIG_CRED_ENVIRONMENT,
	CONFIG_CRED_PROFILE,
	CONFIG_CRED_WEB_IDENTITY,
	CONFIG_CRED_ECS,
	CONFIG_CRED_IMDS,
};

struct config_aws_credentials {
	enum config_cred_source source;
	char *access_key_id;
	char *secret_access_key;	/* secret, as written in the file */
	char *secret_access_key_file;
	char *session_token;		/* secret */
	char *profile;			/* NULL: $AWS_PROFILE, else "default" */
	char *credentials_file;		/* NULL: $AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials */
	char *config_file;		/* NULL: $AWS_CONFIG_FILE, ~/.aws/config */
	bool imds_v1_fallback;
	/* Not a setting: the contents of secret_access_key_file, read when the
	 * config is loaded. Use config_secret_access_key(). */
	char *secret_access_key_from_file;
};

struct config_aws_endpoints {
	char *sts, *iam, *organizations, *ec2;	/* NULL: the partition default */
};

struct config_aws_retry {
	int max_attempts;
	int base_delay_ms;
	int max_delay_ms;
	int budget_s;
};

struct config_aws {
	enum config_partition partition;
	char *region;
	char *ca_bundle;		/* NULL: the system trust store */
	bool insecure_loopback_tls;	/* only ever honoured for loopback hosts */
	char *proxy;			/* secret (a password may be in it); NULL: environment */
	int connect_timeout;		/* seconds */
	int request_timeout;		/* seconds */
	int max_response_mib;
	struct config_aws_credentials credentials;
	struct config_aws_endpoints endpoints;
	struct config_aws_retry retry;
};

/*
 * The settings below were declared together (issues 5-7) so that the
 * collectors, the audit and the daemon could be written against them at the
 * same time; the config file names are the struct paths ("collect.regions").
 */
enum config_org_mode {
	CONFIG_ORG_AUTO = 0,	/* read Organizations; single-account mode if it fails */
	CONFIG_ORG_OFF,		/* do not read it: single-account mode, SCPs unknown */
};

struct config_collect {
	enum config_org_mode organizations;
	/* Role name assumed in each member account; NULL or "": audit only
	 * the account of the daemon's own credentials. */
	char *member_role;
	char *external_id;		/* secret; NULL: none; also filled from: */
	char *external_id_file;		/* read at load into external_id */
	char *session_name;		/* default "passrole-auditd" */
	int session_duration;		/* seconds, 900..43200, default 3600 */
	/* Never empty after config_load()/config_defaults(): left out of the
	 * file, it is [aws.region]. */
	struct confschema_strlist regions;
	struct confschema_strlist accounts_include;	/* empty: all */
	struct confschema_strlist accounts_exclude;
	struct confschema_strlist ous_include;	/* OU ids; accounts below them */
	struct confschema_strlist ous_exclude;
	int concurrency;		/* accounts fetched at once, default 8 */
	int page_size;			/* MaxItems/MaxResults, 0: the API default */
};

struct config_audit {
	/* Role names, ARNs or role paths, each with * and ? wildcards:
	 * "Admin*", an ARN pattern, or a path ending in a slash then "*". */
	struct confschema_strlist privileged_roles;
	struct confschema_strlist privileged_tags;	/* "key=value", "key=*" */
	struct confschema_strlist privileged_exclude;	/* same forms as privileged_roles */
	bool auto_privileged;		/* default true */
	int max_depth;			/* transitive path length, 0..10, default 3 */
	int max_alternatives;		/* other paths kept per edge, 0..10, default 3 */
	int state_keep;			/* edge sets kept, 1..1000, default 10 */
	/* Edges known and intended (accepted.h's file format); NULL: none.
	 * Read at load time into accepted. */
	char *accepted_file;
	struct accepted_list *accepted;	/* owned; NULL when no file is set */
};

struct config_daemon {
	int interval;			/* seconds between audits, 60..604800, default 3600 */
	int jitter;			/* seconds of random delay added, default 60 */
};

/* Alert kinds' syslog severities are enum log_level values (log.h). */
struct config_alert_syslog {
	bool enabled;			/* default true */
	char *ident;			/* default "passrole-auditd" */
	char *facility;			/* "authpriv" (default), "daemon", "local0".."local7", ... */
	enum log_level gained;		/* default warning */
	enum log_level lost;		/* default notice */
	enum log_level changed;		/* default notice */
	enum log_level failed;		/* audit failed or incomplete: default error */
	enum log_level privileged;	/* privileged role added/removed: default notice */
	/* Unix datagram socket the syslog lines are sent to; NULL or "":
	 * "/dev/log" (journald and rsyslog read it). Tests point it at their
	 * own receiver. (Added by the alert work: alerts.syslog.socket.) */
	char *socket;
};

enum config_webhook_format { CONFIG_WEBHOOK_JSON = 0, CONFIG_WEBHOOK_SLACK };

struct config_webhook_header {
	char *name;
	char *value;			/* secret; set, or read from value_file */
	char *value_file;		/* exactly one of the two is set */
};

struct config_webhook {
	char *name;			/* for logs: "slack-secops" */
	char *url;			/* https://..., http:// only for loopback */
	enum config_webhook_format format;
	struct config_webhook_header *headers;	/* owned, 0..16 */
	size_t nheaders;
	char *hmac_secret_file;		/* read at load into hmac_secret */
	/* secret: set in the config, or the file's contents; NULL (neither
	 * set): no signature header */
	char *hmac_secret;
	int timeout;			/* seconds, default 10 */
	int max_attempts;		/* per delivery round, default 5 */
	enum log_level min_severity;	/* default info: every alert */
	char *proxy;			/* secret, as aws.proxy; NULL: environment */
	char *ca_bundle;		/* NULL: the system trust store */
};

/* alerts.severity: an alert's syslog severity from the risk table
 * (alert/risk.h) or from the per-kind alerts.syslog settings. */
enum config_severity_by { CONFIG_SEVERITY_RISK = 0, CONFIG_SEVERITY_KIND };
/* alerts.on_baseline: what the first run raises. */
enum config_on_baseline { CONFIG_BASELINE_SUMMARY = 0, CONFIG_BASELINE_NONE };

/* One alert per input change behind the changes (cause.h), or per
 * change (the behaviour before causes). */
enum config_alert_group { CONFIG_GROUP_CAUSE = 0, CONFIG_GROUP_EDGE };

struct config_alerts {
	enum log_level min_severity;	/* alerts below are not raised */
	int severity_by;		/* enum config_severity_by, default risk */
	int on_baseline;		/* enum config_on_baseline, default summary */
	enum config_alert_group group_by;
	struct confschema_strlist accounts;	/* empty: all */
	struct confschema_strlist roles;	/* role name/ARN patterns; empty: all */
	int outbox_max;			/* queued alerts kept, default 10000 */
	struct config_alert_syslog syslog;
	struct config_webhook *webhooks;	/* owned, 0..16, unique names */
	size_t nwebhooks;
};

struct accepted_list;

struct config {
	char *path;			/* the file it was loaded from, or NULL */
	enum log_level log_level;
	char *state_dir;
	struct config_aws aws;
	struct config_collect collect;
	struct config_audit audit;
	struct config_daemon daemon;
	struct config_alerts alerts;
	/* Not a setting: the secrets above are registered with the log's
	 * scrubber (a valid load did it), so config_free() unregisters them. */
	bool registered;
};

/* The project's settings table. */
const struct confschema *config_schema(void);

/* Fill c with the defaults (c is overwritten, not freed). 0, or -1 and e. */
int config_defaults(struct config *c, struct err *e);

/*
 * Load path into c: defaults, then the file's values, then the checks that
 * involve several settings, then secret_access_key_file. Returns 0 when
 * the config is valid; -1 when it is not, with every problem in d (c then
 * holds what could be read and must still be freed). Warnings (secrets in
 * a file others can read) go to the log.
 */
int config_load(struct config *c, const char *path, struct confdiag *d);

/* Free what c owns, wiping secrets, and forget the log scrubbing of them. */
void config_free(struct config *c);

/* The effective config as "path = value;" lines, secrets masked. */
int config_print(const struct config *c, FILE *fp);

/* "aws-cn", "static": the names used in the config file. */
const char *config_partition_name(enum config_partition p);
const char *config_cred_source_name(enum config_cred_source s);

/* The secret access key from the file or the file it names, or NULL. */
const char *config_secret_access_key(const struct config *c);

/*
 * An endpoint URL: https://host[:port][/path], or http:// for a loopback
 * host (127.0.0.0/8, ::1, localhost) only. 0 when acceptable, with
 * *loopback telling whether the host is a loopback one (may be NULL);
 * -1 with a reason in why.
 */
int config_check_endpoint_url(const char *url, bool *loopback, char *why,
    size_t whylen);

/*
 * A proxy URL: http:// or https://, a host and a port, nothing after them
 * but "/"; user information (user:password@) only with https:// or a
 * loopback host, so that the password never crosses a network in clear.
 * The value is a secret: why never quotes it. 0, or -1 with why.
 */
int config_check_proxy_url(const char *url, char *why, size_t whylen);

/* "us-east-1", "us-gov-west-1", "cn-north-1": 0, or -1 with why. */
int config_check_region(const char *region, char *why, size_t whylen);

/* Twelve digits: 0, or -1 with why. */
int config_check_account_id(const char *id, char *why, size_t whylen);

/* A role pattern as audit.privileged_roles takes it: a name ("Admin*"), a
 * path then a name ("/ops/" "Admin*"), or a role ARN, with * and ? wildcards. */
int config_check_role_pattern(const char *pat, char *why, size_t whylen);

/* The syslog(3) facility value (LOG_AUTHPRIV...) of an alerts.syslog.facility
 * name, or -1 for a name that is not one. */
int config_syslog_facility(const char *name);

#endif
