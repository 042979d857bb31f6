#include "config.h"

#include "aws/creds/creds_profile.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/creds/creds_chain.h"
#include "aws/creds/creds_process.h"
#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/buf.h"
#include "util/secret.h"

#define CREDS_PROFILE_DEPTH_MAX 16

/* "~/x" and "~" expand to $HOME (or the passwd entry), as the CLI does. */
static char *
creds_expand_home(const char *path, const char *const *env)
{
	const char *home;
	struct passwd *pw;
	struct buf b = BUF_INIT;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return strdup(path);
	home = creds_env(env, "HOME");
	if (home == NULL && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL)
		return NULL;
	if (buf_printf(&b, "%s%s", home, path + 1) != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/*
 * Why a service may not see a shared file that a shell sees. The shipped
 * unit runs with ProtectHome=yes (/home, /root and /run/user hidden) as a
 * dynamic user whose home is "/", so the CLI's default ~/.aws is /.aws. A
 * missing file is not an error for the profile source, so without this the
 * operator would only learn that a profile was "not found".
 */
static const char *
creds_profile_hint(const char *path)
{
	static const char *const hidden[] = { "/home/", "/root/", "/run/user/" };
	size_t i;

	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (strncmp(path, hidden[i], strlen(hidden[i])) == 0)
			return "; a service with ProtectHome=yes (passrole-auditd.service) cannot "
			    "see /home, /root or /run/user: keep the shared files under "
			    "/etc/passrole-auditd and name them in aws.credentials.credentials_file "
			    "and config_file (passrole-auditd-deploy(7))";
	if (strncmp(path, "/.aws/", 6) == 0 || strncmp(path, "//.aws/", 7) == 0)
		return "; HOME is / (a service's dynamic user has no home directory): name the "
		    "shared files in aws.credentials.credentials_file and config_file "
		    "(passrole-auditd-deploy(7))";
	return "";
}

/* Add a hint to the end of e's message (cut to fit). */
static void
creds_err_append(struct err *e, const char *hint)
{
	size_t n;

	if (e == NULL || hint[0] == '\0')
		return;
	n = strlen(e->msg);
	if (n + 1 < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, "%s", hint);
}

/* True when some profile of f holds a secret key or session token. */
static bool
creds_ini_has_secrets(const struct ini_file *f)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++)
		if (ini_get(&f->sections[i], "aws_secret_access_key") != NULL ||
		    ini_get(&f->sections[i], "aws_session_token") != NULL)
			return true;
	return false;
}

/* The credentials file always holds secrets; the config file usually holds
 * only settings, and is checked for privacy only when it holds keys too. */
static int
creds_profiles_parse(const char *path, bool secret_file, struct ini_file **out,
    struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	*out = NULL;
	rc = creds_read_file(path, INI_MAX_BYTES, secret_file, true, &b, e);
	if (rc == 1)
		return 0;
	if (rc != 0) {
		/* Could not be opened or read: EACCES under ProtectHome=. */
		creds_err_append(e, creds_profile_hint(path));
		return -1;
	}
	rc = ini_parse(b.data, b.len, path, out, e);
	if (rc == 0 && !secret_file && creds_ini_has_secrets(*out))
		creds_check_private(path);
	buf_free_secret(&b);
	return rc;
}

int
creds_profiles_load(struct creds_profiles *pp, const char *credentials_file,
    const char *config_file, const char *const *env, struct err *e)
{
	memset(pp, 0, sizeof(*pp));
	if (credentials_file == NULL)
		credentials_file = creds_env(env, "AWS_SHARED_CREDENTIALS_FILE");
	if (config_file == NULL)
		config_file = creds_env(env, "AWS_CONFIG_FILE");
	pp->cred_path = creds_expand_home(credentials_file != NULL ? credentials_file :
	    "~/.aws/credentials", env);
	pp->conf_path = creds_expand_home(config_file != NULL ? config_file : "~/.aws/config",
	    env);
	if (pp->cred_path == NULL || pp->conf_path == NULL) {
		err_set(e, "cannot find the home directory for the shared AWS files");
		goto fail;
	}
	if (creds_profiles_parse(pp->cred_path, true, &pp->cred, e) != 0 ||
	    creds_profiles_parse(pp->conf_path, false, &pp->conf, e) != 0)
		goto fail;
	return 0;
fail:
	creds_profiles_free(pp);
	return -1;
}

void
creds_profiles_free(struct creds_profiles *pp)
{
	ini_free(pp->cred);
	ini_free(pp->conf);
	free(pp->cred_path);
	free(pp->conf_path);
	memset(pp, 0, sizeof(*pp));
}

static const struct ini_section *
creds_conf_section(const struct creds_profiles *pp, const char *name)
{
	const struct ini_section *s;
	char sec[600];

	snprintf(sec, sizeof(sec), "profile %s", name);
	if ((s = ini_section(pp->conf, sec)) != NULL)
		return s;
	/* Only the default profile may omit the "profile " prefix in config. */
	if (strcmp(name, "default") == 0)
		return ini_section(pp->conf, "default");
	return NULL;
}

bool
creds_profile_exists(const struct creds_profiles *pp, const char *name)
{
	return ini_section(pp->cred, name) != NULL || creds_conf_section(pp, name) != NULL;
}

const char *
creds_profile_get(const struct creds_profiles *pp, const char *name, const char *key,
    char *where, size_t where_n)
{
	const struct ini_entry *en;

	if ((en = ini_entry(ini_section(pp->cred, name), key)) != NULL) {
		if (where != NULL)
			snprintf(where, where_n, "%s:%u", pp->cred_path, en->line);
		return en->value;
	}
	if ((en = ini_entry(creds_conf_section(pp, name), key)) != NULL) {
		if (where != NULL)
			snprintf(where, where_n, "%s:%u", pp->conf_path, en->line);
		return en->value;
	}
	return NULL;
}

/* --- resolution --- */

struct creds_resolve {
	struct creds_ctx *cx;
	const struct creds_profiles *pp;
	const char *visited[CREDS_PROFILE_DEPTH_MAX];
	size_t nvisited;
};

static const char *
prof(const struct creds_resolve *rs, const char *name, const char *key)
{
	return creds_profile_get(rs->pp, name, key, NULL, 0);
}

static int
creds_has_static(const struct creds_resolve *rs, const char *name)
{
	return prof(rs, name, "aws_access_key_id") != NULL ||
	    prof(rs, name, "aws_secret_access_key") != NULL;
}

static int
creds_profile_static(struct creds_resolve *rs, const char *name, struct aws_credentials *out,
    struct err *e)
{
	const char *akid = prof(rs, name, "aws_access_key_id");
	const char *secret = prof(rs, name, "aws_secret_access_key");
	const char *token = prof(rs, name, "aws_session_token");
	char src[64];

	if (akid == NULL || secret == NULL || akid[0] == '\0' || secret[0] == '\0') {
		err_set(e, "profile %s: %s without %s", name,
		    akid != NULL ? "aws_access_key_id" : "aws_secret_access_key",
		    akid != NULL ? "aws_secret_access_key" : "aws_access_key_id");
		return CREDS_ERROR;
	}
	if (token != NULL && token[0] == '\0')
		token = NULL;
	snprintf(src, sizeof(src), "profile %s", name);
	return creds_set(out, akid, secret, token, 0, src, e) == 0 ? CREDS_FOUND : CREDS_ERROR;
}

/* duration_seconds: 900..43200, as STS allows. */
static int
creds_profile_duration(struct creds_resolve *rs, const char *name, int *out, struct err *e)
{
	char where[600];
	const char *v = creds_profile_get(rs->pp, name, "duration_seconds", where, sizeof(where));
	char *end;
	long d;

	*out = 0;
	if (v == NULL)
		return 0;
	errno = 0;
	d = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || d < 900 || d > 43200) {
		err_set(e, "%s: duration_seconds '%s' of profile %s is not a number of seconds "
		    "between 900 and 43200", where, v, name);
		return -1;
	}
	*out = (int)d;
	return 0;
}

static void
creds_loop_message(struct creds_resolve *rs, const char *again, struct err *e)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < rs->nvisited; i++)
		buf_printf(&b, "%s -> ", rs->visited[i]);
	buf_puts(&b, again);
	err_set(e, "profiles form a source_profile loop: %s", buf_cstr(&b));
	buf_free(&b);
}

static int creds_resolve_profile(struct creds_resolve *rs, const char *name,
    struct aws_credentials *out, struct err *e);

/* Credentials of the source of an assume-role profile. */
static int
creds_resolve_source(struct creds_resolve *rs, const char *name, struct aws_credentials *out,
    struct err *e)
{
	const char *sp = prof(rs, name, "source_profile");
	const char *cs = prof(rs, name, "credential_source");
	char where[600];
	size_t i;
	int rc;

	if (sp != NULL && cs != NULL) {
		err_set(e, "profile %s: source_profile and credential_source are both set; "
		    "use one", name);
		return CREDS_ERROR;
	}
	if (cs != NULL) {
		if (strcmp(cs, "Environment") == 0) {
			rc = creds_src_env(rs->cx, out, e);
		} else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
			rc = creds_src_imds(rs->cx, true, out, e);
		} else if (strcmp(cs, "EcsContainer") == 0) {
			rc = creds_src_ecs(rs->cx, out, e);
		} else {
			creds_profile_get(rs->pp, name, "credential_source", where, sizeof(where));
			err_set(e, "%s: credential_source '%s' of profile %s is not Environment, "
			    "Ec2InstanceMetadata or EcsContainer", where, cs, name);
			return CREDS_ERROR;
		}
		if (rc != CREDS_FOUND) {
			err_prefix(e, "profile %s: credential_source %s", name, cs);
			return CREDS_ERROR;
		}
		return CREDS_FOUND;
	}
	if (sp == NULL) {
		err_set(e, "profile %s: role_arn needs source_profile, credential_source or "
		    "web_identity_token_file", name);
		return CREDS_ERROR;
	}
	/* A profile may name itself as source when it holds the keys to assume
	 * its own role with (the CLI allows exactly this self-reference). */
	if (strcmp(sp, name) == 0) {
		if (creds_has_static(rs, name))
			return creds_profile_static(rs, name, out, e);
		creds_loop_message(rs, sp, e);
		return CREDS_ERROR;
	}
	for (i = 0; i < rs->nvisited; i++) {
		if (strcmp(rs->visited[i], sp) == 0) {
			creds_loop_message(rs, sp, e);
			return CREDS_ERROR;
		}
	}
	if (!creds_profile_exists(rs->pp, sp)) {
		creds_profile_get(rs->pp, name, "source_profile", where, sizeof(where));
		err_set(e, "%s: source_profile '%s' of profile %s does not exist in %s or %s",
		    where, sp, name, rs->pp->cred_path, rs->pp->conf_path);
		return CREDS_ERROR;
	}
	/* A source profile's static keys win over its own role settings. */
	if (creds_has_static(rs, sp))
		return creds_profile_static(rs, sp, out, e);
	return creds_resolve_profile(rs, sp, out, e);
}

static int
creds_resolve_profile(struct creds_resolve *rs, const char *name, struct aws_credentials *out,
    struct err *e)
{
	const char *role = prof(rs, name, "role_arn");
	const char *wif = prof(rs, name, "web_identity_token_file");
	const char *proc = prof(rs, name, "credential_process");
	const char *ext, *sess;
	struct aws_credentials base = { 0 };
	char *tokfile = NULL;
	int dur, rc = CREDS_ERROR;

	if (rs->nvisited >= CREDS_PROFILE_DEPTH_MAX) {
		err_set(e, "profile %s: more than %d profiles chained with source_profile", name,
		    CREDS_PROFILE_DEPTH_MAX);
		return CREDS_ERROR;
	}
	rs->visited[rs->nvisited++] = name;
	if (role != NULL) {
		if (creds_profile_duration(rs, name, &dur, e) != 0)
			goto out;
		sess = prof(rs, name, "role_session_name");
		ext = prof(rs, name, "external_id");
		if (prof(rs, name, "mfa_serial") != NULL) {
			err_set(e, "profile %s: mfa_serial needs an interactive MFA code, which a "
			    "daemon cannot ask for", name);
			goto out;
		}
		if (wif != NULL && prof(rs, name, "source_profile") == NULL &&
		    prof(rs, name, "credential_source") == NULL) {
			if ((tokfile = creds_expand_home(wif, rs->cx->o->env)) == NULL) {
				err_set(e, "out of memory");
				goto out;
			}
			rc = creds_web_identity(rs->cx, tokfile, role, sess, dur, out, e);
			if (rc == CREDS_FOUND)
				creds_set_source(out, "web-identity profile %s", name);
			else
				err_prefix(e, "profile %s", name);
			goto out;
		}
		if ((rc = creds_resolve_source(rs, name, &base, e)) != CREDS_FOUND)
			goto out;
		rc = creds_assume_role(rs->cx, &base, role, sess, ext, dur, out, e);
		if (rc == CREDS_FOUND)
			creds_set_source(out, "assume-role profile %s", name);
		else
			err_prefix(e, "profile %s", name);
		goto out;
	}
	if (wif != NULL) {
		err_set(e, "profile %s: web_identity_token_file needs role_arn", name);
		goto out;
	}
	if (prof(rs, name, "sso_session") != NULL || prof(rs, name, "sso_start_url") != NULL) {
		err_set(e, "profile %s: IAM Identity Center (SSO) profiles are not supported; "
		    "use keys, a role, credential_process or instance/container credentials", name);
		goto out;
	}
	if (creds_has_static(rs, name)) {
		rc = creds_profile_static(rs, name, out, e);
		goto out;
	}
	if (proc != NULL) {
		rc = creds_process_fetch(proc, name, rs->cx->o->env, rs->cx->o->process_timeout_ms,
		    out, e);
		goto out;
	}
	err_set(e, "profile %s: no credentials (no keys, role_arn or credential_process)", name);
	rc = CREDS_SKIP;
out:
	rs->nvisited--;
	aws_credentials_clear(&base);
	free(tokfile);
	return rc;
}

int
creds_src_profile(struct creds_ctx *cx, bool required, struct aws_credentials *out,
    struct err *e)
{
	struct creds_profiles pp;
	struct creds_resolve rs;
	const char *name = cx->o->profile;
	int named = 1, rc;

	if (name == NULL)
		name = creds_env(cx->o->env, "AWS_PROFILE");
	if (name == NULL)
		name = creds_env(cx->o->env, "AWS_DEFAULT_PROFILE");
	if (name == NULL) {
		name = "default";
		named = 0;
	}
	if (creds_profiles_load(&pp, cx->o->credentials_file, cx->o->config_file, cx->o->env,
	    e) != 0)
		return CREDS_ERROR;
	if (!creds_profile_exists(&pp, name)) {
		err_set(e, "profile %s not found in %s%s or %s%s", name, pp.cred_path,
		    pp.cred == NULL ? " (no such file)" : "", pp.conf_path,
		    pp.conf == NULL ? " (no such file)" : "");
		creds_err_append(e, *creds_profile_hint(pp.cred_path) != '\0' ?
		    creds_profile_hint(pp.cred_path) : creds_profile_hint(pp.conf_path));
		rc = named || required ? CREDS_ERROR : CREDS_SKIP;
		goto out;
	}
	memset(&rs, 0, sizeof(rs));
	rs.cx = cx;
	rs.pp = &pp;
	/* STS calls of a profile go to its region, as the CLI's do. */
	cx->profile_region = creds_profile_get(&pp, name, "region", NULL, 0);
	rc = creds_resolve_profile(&rs, name, out, e);
	cx->profile_region = NULL;
	/* A profile without credential settings (only a region, say) lets the
	 * chain go on to the container and instance sources, as in botocore. */
	if (rc == CREDS_SKIP && required)
		rc = CREDS_ERROR;
out:
	creds_profiles_free(&pp);
	return rc;
}
