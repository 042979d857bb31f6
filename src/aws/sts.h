/*
 * STS: who am I. GetCallerIdentity needs no permission, so it is the check
 * that credentials and endpoints work before an audit starts.
 */
#ifndef PRA_AWS_STS_H
#define PRA_AWS_STS_H

#include <stdio.h>

#include "aws/client.h"
#include "util/err.h"

struct sts_identity {
	char account[16];	/* 12 digits */
	char arn[2048];
	char user_id[256];
	char request_id[AWSERR_ID_MAX];
};

/* Call sts:GetCallerIdentity. 0, or -1 with e naming the API and the AWS error. */
int sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct err *e);

/*
 * The --whoami command: make a client from o and creds, call
 * GetCallerIdentity and print
 *     Account: 111122223333
 *     Arn:     arn:aws:iam::111122223333:user/auditor
 *     UserId:  AIDA...
 * to out. 0, or -1 with e set.
 */
int aws_whoami(const struct aws_client_opts *o, struct aws_creds_provider *creds, FILE *out,
    struct err *e);

#endif
