/*
 * The AWS layer configured from the config file: client options and the
 * credential provider the client signs with. Kept apart from conf.c so the
 * config module stays free of the AWS layer, and the AWS layer free of the
 * config file.
 */
#ifndef PRA_AWSCONF_H
#define PRA_AWSCONF_H

#include "aws/client.h"
#include "aws/credentials.h"
#include "conf.h"
#include "util/err.h"

/* Client options; strings are borrowed from c. */
void awsconf_client_opts(const struct config *c, struct aws_client_opts *o);
/* Credential-chain options; strings are borrowed from c. */
void awsconf_creds_opts(const struct config *c, struct creds_opts *o);

/* The credential chain and its adapter for the client; both owned. */
struct awsconf_creds {
	struct creds_provider *chain;
	struct aws_creds_provider *client;	/* borrows chain */
};

int awsconf_creds_new(const struct config *c, struct awsconf_creds *out, struct err *e);
void awsconf_creds_free(struct awsconf_creds *cr);

#endif
