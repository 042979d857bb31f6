#include "config.h"

#include "aws/sts.h"

#include <stdbool.h>
#include <string.h>

#include "aws/xml.h"

static int
sts_copy_field(const struct xml_node *res, const char *name, char *dst, size_t n, struct err *e)
{
	const char *s = xml_path_text(res, name);

	if (s == NULL || s[0] == '\0') {
		err_set(e, "sts:GetCallerIdentity: response has no %s", name);
		return -1;
	}
	if (strlen(s) >= n) {
		err_set(e, "sts:GetCallerIdentity: %s is longer than %zu bytes", name, n - 1);
		return -1;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int
sts_get_caller_identity(struct aws_client *c, struct sts_identity *out, struct err *e)
{
	struct xml_doc *doc = NULL;
	const struct xml_node *res = NULL;
	struct awserr ae;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (aws_client_query(c, AWS_SVC_STS, "GetCallerIdentity", NULL, 0, &doc, &res, &ae, e) != 0)
		goto out;
	snprintf(out->request_id, sizeof(out->request_id), "%s", ae.request_id);
	if (sts_copy_field(res, "Account", out->account, sizeof(out->account), e) != 0 ||
	    sts_copy_field(res, "Arn", out->arn, sizeof(out->arn), e) != 0 ||
	    sts_copy_field(res, "UserId", out->user_id, sizeof(out->user_id), e) != 0)
		goto out;
	for (i = 0; out->account[i] != '\0'; i++) {
		if (out->account[i] < '0' || out->account[i] > '9' || i >= 12)
			break;
	}
	if (i != 12 || out->account[i] != '\0') {
		err_set(e, "sts:GetCallerIdentity: Account \"%s\" is not a 12-digit account id",
		    out->account);
		goto out;
	}
	if (strncmp(out->arn, "arn:", 4) != 0) {
		err_set(e, "sts:GetCallerIdentity: Arn \"%.100s\" is not an ARN", out->arn);
		goto out;
	}
	rc = 0;
out:
	xml_free(doc);
	return rc;
}

int
aws_whoami(const struct aws_client_opts *o, struct aws_creds_provider *creds, FILE *out,
    struct err *e)
{
	struct aws_client *c;
	struct sts_identity id;
	int rc = -1;

	c = aws_client_new(o, creds, e);
	if (c == NULL)
		return -1;
	if (sts_get_caller_identity(c, &id, e) != 0)
		goto out;
	if (fprintf(out, "Account: %s\nArn:     %s\nUserId:  %s\n", id.account, id.arn,
	    id.user_id) < 0 || fflush(out) != 0) {
		err_set(e, "cannot write the identity");
		goto out;
	}
	rc = 0;
out:
	aws_client_free(c);
	return rc;
}
