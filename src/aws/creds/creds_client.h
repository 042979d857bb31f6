/*
 * The chain as the AWS client's credential provider (struct aws_creds_provider
 * of aws/credprov.h): get copies the chain's cached credentials, invalidate
 * drops its cache so the next get refreshes, destroy frees the adapter only.
 */
#ifndef PRA_AWS_CREDS_CLIENT_H
#define PRA_AWS_CREDS_CLIENT_H

#include "aws/credentials.h"
#include "aws/credprov.h"
#include "util/err.h"

/* chain is borrowed and must outlive the adapter. NULL + e on ENOMEM. */
struct aws_creds_provider *creds_client_provider_new(struct creds_provider *chain,
    struct err *e);

#endif
