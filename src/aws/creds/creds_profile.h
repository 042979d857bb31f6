/*
 * Profiles of the shared files, merged the way the AWS CLI does: a profile
 * NAME is the section [NAME] of the credentials file and [profile NAME] of
 * the config file ([default] too, for the default profile); both files may
 * define it, and for a key present in both the credentials file wins.
 * A [profile NAME] section in the credentials file is a profile literally
 * called "profile NAME", as in the CLI.
 */
#ifndef PRA_AWS_CREDS_PROFILE_H
#define PRA_AWS_CREDS_PROFILE_H

#include <stdbool.h>

#include "aws/ini.h"
#include "util/err.h"

struct creds_profiles {
	struct ini_file *cred, *conf;	/* NULL when the file does not exist */
	char *cred_path, *conf_path;	/* owned */
};

/* Resolve the file names (explicit, environment, ~/.aws/...) and parse the
 * files that exist. env may be NULL (process environment). 0 or -1. */
int creds_profiles_load(struct creds_profiles *pp, const char *credentials_file,
    const char *config_file, const char *const *env, struct err *e);
void creds_profiles_free(struct creds_profiles *pp);

bool creds_profile_exists(const struct creds_profiles *pp, const char *name);
/* The value of key in profile name (credentials file first), or NULL;
 * *where (may be NULL) gets "FILE:LINE" of the setting for messages. */
const char *creds_profile_get(const struct creds_profiles *pp, const char *name,
    const char *key, char *where, size_t where_n);

#endif
